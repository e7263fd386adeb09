/**
 * kafka.server.metadata.BrokerMetadataPublisher: applies each published metadata image to the broker's
 * components, in Kafka's order: topic configs (so logs are created with their overrides), the metadata cache
 * (KRaftMetadataCache.setImage), the replica manager (ReplicaManager.applyDelta: become leader or follower, stop
 * and delete removed replicas), and the finalized features ApiVersions advertises. On the first publish, logs on
 * disk that the image does not place on this broker are deleted (LogManager's stray replicas).
 */
import type { Logger } from '../../common/logger';
import type { LeaderAndIsrPartitionState } from '../../protocol/apis/04-leader-and-isr';
import type { BrokerRegistration, MetadataImage, PartitionRegistration, TopicImage } from '../../metadata/image/MetadataImage';
import type { LogManager } from '../../log/LogManager';
import type { TopicConfigRepository } from '../config/DynamicConfigManager';
import type { FinalizedFeatures } from '../FinalizedFeatureChangeListener';
import type { CachedBroker, CachedPartitionState, MetadataCache } from '../MetadataCache';
import type { ReplicaManager } from '../ReplicaManager';
import type { LeaderEndpoint } from '../ReplicaFetcherManager';
import type { PublishedChanges } from './BrokerMetadataListener';

/** ConfigResource.Type.TOPIC: ConfigRecords of topics are keyed `2:<topic>` in the image. */
const TOPIC_CONFIG_PREFIX = '2:';
/** Topic.CLUSTER_METADATA_TOPIC_NAME: the metadata log lives beside the data logs but is never a replica. */
const CLUSTER_METADATA_TOPIC = '__cluster_metadata';

export interface BrokerMetadataPublisherDeps {
  brokerId: number;
  /** inter.broker.listener.name: the listener followers fetch from. */
  interBrokerListenerName: string;
  metadataCache: MetadataCache;
  replicaManager: ReplicaManager;
  logManager: LogManager;
  topicConfigs: TopicConfigRepository;
  /** The current metadata leader (for the state-change log lines). */
  metadataLeaderId: () => number;
  log: Logger;
}

/** The image's configs of a topic as a plain record. */
export function topicConfigsOf(image: MetadataImage, topic: string): Record<string, string> {
  return Object.fromEntries(image.configs.get(`${TOPIC_CONFIG_PREFIX}${topic}`) ?? new Map<string, string>());
}

function cachedBroker(b: BrokerRegistration): CachedBroker & { epoch: number } {
  return {
    id: b.id,
    epoch: b.epoch,
    rack: b.rack,
    endpoints: b.listeners.map((l) => ({ listener: l.name, host: l.host, port: l.port, securityProtocol: l.securityProtocol })),
  };
}

export class BrokerMetadataPublisher {
  private features: FinalizedFeatures = { features: new Map(), epoch: -1 };
  private firstPublish = true;

  constructor(private readonly deps: BrokerMetadataPublisherDeps) {}

  /** The finalized features of the last published image (ApiVersions v3+); the epoch is the image's offset, as KRaft brokers report it. */
  finalizedFeatures(): FinalizedFeatures {
    return this.features;
  }

  publish(image: MetadataImage, changes: PublishedChanges): void {
    const d = this.deps;
    // Topic configs first: a log created below must get its topic's overrides.
    for (const key of changes.configs) {
      if (key.startsWith(TOPIC_CONFIG_PREFIX)) {
        const topic = key.slice(TOPIC_CONFIG_PREFIX.length);
        if (image.topicsByName.has(topic)) d.topicConfigs.update(topic, topicConfigsOf(image, topic));
      }
    }
    for (const id of changes.topics) {
      const t = image.topicsById.get(id);
      if (t && d.topicConfigs.overridesOf(t.name) === undefined) d.topicConfigs.update(t.name, topicConfigsOf(image, t.name));
    }

    if (changes.full || changes.brokers.size > 0 || changes.topics.size > 0 || changes.deletedTopics.length > 0) this.publishMetadataCache(image);

    if (changes.topics.size > 0 || changes.deletedTopics.length > 0) this.applyToReplicaManager(image, changes);

    // Deleted topics' configs go once their replicas are stopped (a re-created topic starts from its own records).
    for (const t of changes.deletedTopics) if (!image.topicsByName.has(t.name)) d.topicConfigs.remove(t.name);

    if (changes.features) this.features = { features: new Map(image.features), epoch: image.offset };
    if (this.firstPublish) {
      this.firstPublish = false;
      this.deleteStrayLogs(image);
    }
  }

  private publishMetadataCache(image: MetadataImage): void {
    const brokers = [...image.brokers.values()].filter((b) => !b.fenced);
    const alive = new Set(brokers.map((b) => b.id));
    const states: CachedPartitionState[] = [];
    const topicIds = new Map<string, Buffer>();
    for (const t of image.topicsById.values()) {
      topicIds.set(t.name, t.id);
      for (const [partition, p] of t.partitions) {
        states.push({
          topicName: t.name,
          partitionIndex: partition,
          controllerEpoch: -1,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          isr: p.isr.slice(),
          partitionEpoch: p.partitionEpoch,
          replicas: p.replicas.slice(),
          // KRaftMetadataCache.getOfflineReplicas: replicas on brokers that are not registered or are fenced.
          offlineReplicas: p.replicas.filter((r) => !alive.has(r)),
        });
      }
    }
    this.deps.metadataCache.setImage(brokers.map(cachedBroker), states, topicIds);
  }

  private applyToReplicaManager(image: MetadataImage, changes: PublishedChanges): void {
    const d = this.deps;
    const me = d.brokerId;
    const rm = d.replicaManager;
    const hosted = (topic: string, partition: number) => rm.getPartition(topic, partition) !== undefined || d.logManager.getLog(topic, partition) !== undefined;
    const changed: Array<{ topic: string; partition: number; topicId: Buffer; state: LeaderAndIsrPartitionState }> = [];
    const removed: Array<{ topic: string; partition: number }> = [];
    for (const id of changes.topics) {
      const t = image.topicsById.get(id);
      if (!t) continue;
      for (const [partition, p] of t.partitions) {
        if (p.replicas.includes(me)) changed.push({ topic: t.name, partition, topicId: t.id, state: leaderAndIsrState(t, partition, p) });
        else if (hosted(t.name, partition)) removed.push({ topic: t.name, partition });
      }
    }
    for (const t of changes.deletedTopics) {
      // A topic deleted and re-created under the same name in one publish: the new one's partitions are in `changed`.
      const recreated = image.topicsByName.get(t.name);
      for (const partition of t.partitions.keys()) {
        if (recreated?.partitions.get(partition)?.replicas.includes(me)) continue;
        if (hosted(t.name, partition)) removed.push({ topic: t.name, partition });
      }
    }
    const leaderEndpoint = (id: number): LeaderEndpoint | undefined => {
      const ep = image.brokers.get(id)?.listeners.find((l) => l.name === d.interBrokerListenerName);
      return ep ? { brokerId: id, host: ep.host, port: ep.port } : undefined;
    };
    rm.applyDelta(d.metadataLeaderId(), changed, removed, leaderEndpoint);
  }

  /**
   * LogManager.isStrayKraftReplica on the first publish: a log whose topic the image does not have, or whose
   * partition's replicas do not include this broker, was deleted or moved away while this broker was down.
   * (Kafka matches the log's topic id from partition.metadata; we match by name.)
   */
  private deleteStrayLogs(image: MetadataImage): void {
    const d = this.deps;
    const stray = d.logManager.allLogs().filter((l) => {
      if (l.topic === CLUSTER_METADATA_TOPIC) return false;
      const p = image.topicsByName.get(l.topic)?.partitions.get(l.partition);
      return !p || !p.replicas.includes(d.brokerId);
    });
    const seen = new Set<string>();
    const removed = stray.filter((l) => !seen.has(`${l.topic}-${l.partition}`) && seen.add(`${l.topic}-${l.partition}`));
    if (removed.length === 0) return;
    d.log.info(`Found stray log dirs: ${removed.map((l) => `${l.topic}-${l.partition}`).join(', ')}; deleting them`);
    d.replicaManager.applyDelta(
      d.metadataLeaderId(),
      [],
      removed.map((l) => ({ topic: l.topic, partition: l.partition })),
      () => undefined,
    );
  }
}

/** The LeaderAndIsr-shaped state ReplicaManager's transitions take, from a partition registration. */
export function leaderAndIsrState(t: TopicImage, partition: number, p: PartitionRegistration): LeaderAndIsrPartitionState {
  return {
    topicName: t.name,
    partitionIndex: partition,
    controllerEpoch: -1,
    leader: p.leader,
    leaderEpoch: p.leaderEpoch,
    isr: p.isr.slice(),
    partitionEpoch: p.partitionEpoch,
    replicas: p.replicas.slice(),
    addingReplicas: p.addingReplicas.slice(),
    removingReplicas: p.removingReplicas.slice(),
    isNew: false,
    leaderRecoveryState: p.leaderRecoveryState,
  };
}
