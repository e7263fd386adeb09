/**
 * kafka.server.metadata.BrokerMetadataPublisher: applies each published metadata image to the broker's
 * components, in Kafka's order: topic configs (so logs are created with their overrides), the metadata cache
 * (KRaftMetadataCache.setImage), the replica manager (ReplicaManager.applyDelta: become leader or follower, stop
 * and delete removed replicas), and the finalized features ApiVersions advertises. On the first publish, logs on
 * disk that the image does not place on this broker are deleted (LogManager's stray replicas).
 *
 * Only what the delta changed is applied (Kafka's KRaftMetadataCache and ReplicaManager.applyDelta work from a
 * MetadataDelta, never the whole image): the changed partitions, not every partition of a changed topic. Creating
 * thousands of replicas costs seconds of synchronous disk work (each log's files, each leader epoch checkpoint);
 * Kafka does it on the metadata publisher thread while the lifecycle manager heartbeats on its own. Here everything
 * shares one event loop, so the replica transitions run in slices with a yield between them: heartbeats, fetches and
 * Metadata requests are served meanwhile, and the listener starts the next publish only after the last slice.
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
/** ConfigResource.Type.BROKER: `4:<id>`, and `4:` for the cluster-wide default. */
const BROKER_CONFIG_PREFIX = '4:';
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
  /**
   * dynconfig (Kafka's DynamicConfigPublisher for BROKER resources): the ConfigRecords of this broker ('<id>') or of the
   * cluster default ('') changed; called with the resource's whole config set.
   */
  brokerConfigs?: (resourceName: string, props: Record<string, string>) => void;
  log: Logger;
  /** Replica transitions applied per replica manager call (default 10); a delta no bigger is applied at once. */
  partitionsPerSlice?: number;
  /**
   * How long the calls of one turn of the event loop may run before yielding. Default 300 ms: far under the 2 s
   * heartbeat interval, and each yield lets ~60 ms of other work in (fetches, Metadata, Raft), so at 100 ms creating
   * 2,000 replicas took twice as long (kraftScale: 18-20 s against 9-10 s).
   */
  maxSliceMs?: number;
  /** Gives the event loop a turn between slices (default setImmediate). */
  yieldToEventLoop?: () => Promise<void>;
}

type ReplicaChange = { topic: string; partition: number; topicId: Buffer; state: LeaderAndIsrPartitionState };
type ReplicaRemoval = { topic: string; partition: number };

const DEFAULT_PARTITIONS_PER_SLICE = 10;
const DEFAULT_MAX_SLICE_MS = 300;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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

  /** Applies one image; returns a promise when the replica transitions did not fit in one slice (see the file's comment). */
  publish(image: MetadataImage, changes: PublishedChanges): void | Promise<void> {
    const d = this.deps;
    // Topic configs first: a log created below must get its topic's overrides.
    for (const key of changes.configs) {
      if (key.startsWith(TOPIC_CONFIG_PREFIX)) {
        const topic = key.slice(TOPIC_CONFIG_PREFIX.length);
        if (image.topicsByName.has(topic)) d.topicConfigs.update(topic, topicConfigsOf(image, topic));
      }
    }
    for (const key of changes.configs) {
      if (!d.brokerConfigs || !key.startsWith(BROKER_CONFIG_PREFIX)) continue;
      const name = key.slice(BROKER_CONFIG_PREFIX.length);
      if (name === '' || name === String(d.brokerId)) d.brokerConfigs(name, Object.fromEntries(image.configs.get(key) ?? new Map<string, string>()));
    }
    for (const id of changes.topics) {
      const t = image.topicsById.get(id);
      if (t && d.topicConfigs.overridesOf(t.name) === undefined) d.topicConfigs.update(t.name, topicConfigsOf(image, t.name));
    }

    if (changes.full || changes.brokers.size > 0) this.publishMetadataCache(image);
    else if (changes.topics.size > 0 || changes.deletedTopics.length > 0) this.publishMetadataCacheDelta(image, changes);

    // What `finish` applies is taken from the image now: replay goes on while the replicas are applied in slices.
    const goneTopics = changes.deletedTopics.filter((t) => !image.topicsByName.has(t.name)).map((t) => t.name);
    const features = changes.features ? { features: new Map(image.features), epoch: image.offset } : undefined;
    const stray = this.firstPublish ? this.strayLogs(image) : [];
    this.firstPublish = false;
    const finish = (): void => {
      // Deleted topics' configs go once their replicas are stopped (a re-created topic starts from its own records).
      for (const t of goneTopics) d.topicConfigs.remove(t);
      if (features) this.features = features;
      this.deleteStrayLogs(stray);
    };
    if (changes.topics.size === 0 && changes.deletedTopics.length === 0) return finish();
    const { changed, removed } = this.replicaChanges(image, changes);
    const slice = Math.max(1, d.partitionsPerSlice ?? DEFAULT_PARTITIONS_PER_SLICE);
    if (changed.length + removed.length <= slice) {
      if (changed.length + removed.length > 0) this.applyToReplicaManager(image, changed, removed);
      return finish();
    }
    return this.applyInSlices(image, changed, removed, slice).then(finish);
  }

  /** Every partition, from scratch: the first publish, a snapshot, or a broker change (offline replicas depend on it). */
  private publishMetadataCache(image: MetadataImage): void {
    const brokers = [...image.brokers.values()].filter((b) => !b.fenced);
    const alive = new Set(brokers.map((b) => b.id));
    const states: CachedPartitionState[] = [];
    const topicIds = new Map<string, Buffer>();
    for (const t of image.topicsById.values()) {
      topicIds.set(t.name, t.id);
      for (const [partition, p] of t.partitions) states.push(cachedPartitionState(t, partition, p, alive));
    }
    this.deps.metadataCache.setImage(brokers.map(cachedBroker), states, topicIds);
  }

  /** Only the partitions the delta touched, and the topics it removed (the brokers did not change). */
  private publishMetadataCacheDelta(image: MetadataImage, changes: PublishedChanges): void {
    const alive = new Set(this.deps.metadataCache.aliveBrokerIds());
    const states: CachedPartitionState[] = [];
    const topicIds = new Map<string, Buffer>();
    for (const id of changes.topics) {
      const t = image.topicsById.get(id);
      if (!t) continue;
      topicIds.set(t.name, t.id);
      for (const partition of changedPartitionsOf(t, id, changes)) {
        const p = t.partitions.get(partition);
        if (p) states.push(cachedPartitionState(t, partition, p, alive));
      }
    }
    // A topic deleted and re-created under the same name in one delta: the removal first, then the new partitions.
    this.deps.metadataCache.applyImageDelta(
      states,
      changes.deletedTopics.map((t) => t.name),
      topicIds,
    );
  }

  /** The LeaderAndIsr-shaped transitions for this broker's replicas the delta touched, and the replicas to stop. */
  private replicaChanges(image: MetadataImage, changes: PublishedChanges): { changed: ReplicaChange[]; removed: ReplicaRemoval[] } {
    const d = this.deps;
    const me = d.brokerId;
    const rm = d.replicaManager;
    const hosted = (topic: string, partition: number) => rm.getPartition(topic, partition) !== undefined || d.logManager.getLog(topic, partition) !== undefined;
    const changed: ReplicaChange[] = [];
    const removed: ReplicaRemoval[] = [];
    for (const id of changes.topics) {
      const t = image.topicsById.get(id);
      if (!t) continue;
      for (const partition of changedPartitionsOf(t, id, changes)) {
        const p = t.partitions.get(partition);
        if (!p) continue;
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
    return { changed, removed };
  }

  /**
   * Removals first (a replica moved away frees its log before others are created), then transitions, `slice` per
   * replica manager call; the event loop gets a turn whenever the calls since the last one ran for maxSliceMs.
   */
  private async applyInSlices(image: MetadataImage, changed: ReplicaChange[], removed: ReplicaRemoval[], slice: number): Promise<void> {
    const pause = this.deps.yieldToEventLoop ?? nextTurn;
    const offset = image.offset;
    const maxSliceMs = this.deps.maxSliceMs ?? DEFAULT_MAX_SLICE_MS;
    const started = Date.now();
    let turnStart = started;
    let turns = 1;
    let calls = 0;
    const step = async (apply: () => void): Promise<void> => {
      if (calls++ > 0 && Date.now() - turnStart >= maxSliceMs) {
        await pause();
        turns++;
        turnStart = Date.now();
      }
      // The broker shut down between two slices: its logs are closing, nothing more is created.
      if (this.deps.replicaManager.isShutdown) return;
      apply();
    };
    for (let i = 0; i < removed.length; i += slice) await step(() => this.applyToReplicaManager(image, [], removed.slice(i, i + slice)));
    // ReplicaManager.applyDelta: applyLocalLeadersDelta before applyLocalFollowersDelta. Every broker applies the same
    // delta at about the same time, so leaders first means followers' first fetches find their leaders' logs there.
    const me = this.deps.brokerId;
    const ordered = [...changed.filter((c) => c.state.leader === me), ...changed.filter((c) => c.state.leader !== me)];
    for (let i = 0; i < ordered.length; i += slice) await step(() => this.applyToReplicaManager(image, ordered.slice(i, i + slice), []));
    this.deps.log.info(
      `Applied ${changed.length} replica change(s) and ${removed.length} removal(s) at metadata offset ${offset} in ${turns} turns of the event loop, ${Date.now() - started} ms`,
    );
  }

  private applyToReplicaManager(image: MetadataImage, changed: ReplicaChange[], removed: ReplicaRemoval[]): void {
    const d = this.deps;
    const leaderEndpoint = (id: number): LeaderEndpoint | undefined => {
      const ep = image.brokers.get(id)?.listeners.find((l) => l.name === d.interBrokerListenerName);
      return ep ? { brokerId: id, host: ep.host, port: ep.port } : undefined;
    };
    d.replicaManager.applyDelta(d.metadataLeaderId(), changed, removed, leaderEndpoint);
  }

  /**
   * LogManager.isStrayKraftReplica on the first publish: a log whose topic the image does not have, or whose
   * partition's replicas do not include this broker, was deleted or moved away while this broker was down.
   * (Kafka matches the log's topic id from partition.metadata; we match by name.)
   */
  private strayLogs(image: MetadataImage): ReplicaRemoval[] {
    const d = this.deps;
    const stray = d.logManager.allLogs().filter((l) => {
      if (l.topic === CLUSTER_METADATA_TOPIC) return false;
      const p = image.topicsByName.get(l.topic)?.partitions.get(l.partition);
      return !p || !p.replicas.includes(d.brokerId);
    });
    const seen = new Set<string>();
    return stray.filter((l) => !seen.has(`${l.topic}-${l.partition}`) && seen.add(`${l.topic}-${l.partition}`));
  }

  /** The stray logs found when the first publish began that are still there once its replicas are applied. */
  private deleteStrayLogs(stray: ReplicaRemoval[]): void {
    const d = this.deps;
    const removed = stray.filter((l) => d.logManager.getLog(l.topic, l.partition) !== undefined);
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

/** The partitions of a changed topic the delta touched: those the listener saw records for, else all of them. */
function changedPartitionsOf(t: TopicImage, id: string, changes: PublishedChanges): Iterable<number> {
  return changes.partitions?.get(id) ?? t.partitions.keys();
}

/** KRaftMetadataCache's view of a partition; offline replicas are those on brokers not registered or fenced. */
function cachedPartitionState(t: TopicImage, partition: number, p: PartitionRegistration, alive: Set<number>): CachedPartitionState {
  return {
    topicName: t.name,
    partitionIndex: partition,
    controllerEpoch: -1,
    leader: p.leader,
    leaderEpoch: p.leaderEpoch,
    isr: p.isr.slice(),
    partitionEpoch: p.partitionEpoch,
    replicas: p.replicas.slice(),
    offlineReplicas: p.replicas.filter((r) => !alive.has(r)),
  };
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
