/**
 * The KRaft metadata image: the cluster's metadata as of an offset of `__cluster_metadata`, built by replaying
 * metadata records in log order (Kafka 3.7's org.apache.kafka.image.MetadataImage with its *Delta.replay rules,
 * folded into one mutable structure). The quorum controller keeps one for committed records and a working copy
 * for its own uncommitted writes; a KRaft broker keeps one and publishes what each commit changed
 * (`takeChanges`); kafka-metadata-shell browses one loaded from a snapshot or a log segment.
 */
import type { Batch } from '../../raft/RaftBatches';
import type { SnapshotContents } from '../../raft/Snapshots';
import { ApiMessageAndVersion } from '../MetadataRecordSerde';
import { METADATA_VERSION_FEATURE_NAME } from '../MetadataVersion';
import { MetadataRecordTypeId as T } from '../records/MetadataRecordType';
import {
  applyBrokerRegistrationChange,
  BrokerRegistration,
  brokerFromRecord,
  cloneBroker,
  cloneController,
  ControllerRegistration,
  controllerFromRecord,
} from './BrokerRegistration';
import { MetadataReplayError } from './MetadataReplayError';
import { clonePartition, mergePartitionChange, PartitionRegistration, partitionFromRecord } from './PartitionRegistration';
import { SecurityChanges, SecurityImage, emptySecurityChanges } from './SecurityImage';
// The records that rebuild an image (snapshots): imageToRecords in ./MetadataImageWriter.ts. The registrations it
// holds, and how a record builds or changes one, are in ./BrokerRegistration.ts and ./PartitionRegistration.ts.

// Re-exported so that importers of the image keep one import.
export type { BrokerEndpoint, BrokerRegistration, ControllerRegistration, SupportedFeature } from './BrokerRegistration';
export { DIRECTORY_MIGRATING, DIRECTORY_UNASSIGNED } from './DirectoryId';
export { MetadataReplayError } from './MetadataReplayError';
export { mergePartitionChange, NO_LEADER_CHANGE } from './PartitionRegistration';
export type { PartitionRegistration } from './PartitionRegistration';

export interface TopicImage {
  name: string;
  /** The topic id, 16 bytes. */
  id: Buffer;
  partitions: Map<number, PartitionRegistration>;
}

export interface ProducerIdsImage {
  brokerId: number;
  brokerEpoch: number;
  /** The next producer id to hand out; -1 before any block was allocated. */
  nextProducerId: number;
}

/** What replay touched since the last takeChanges (a broker publishes these; MetadataDelta's role). */
export interface MetadataChanges {
  /** Ids (hex) of topics created or whose partitions changed. */
  topics: Set<string>;
  /** Topics removed, as they were before removal. */
  deletedTopics: TopicImage[];
  brokers: Set<number>;
  /** Config resource keys (`${resourceType}:${resourceName}`). */
  configs: Set<string>;
  features: boolean;
  producerIds: boolean;
  /** kraftsec: SCRAM users, ACLs and client-quota entities changed (./SecurityImage.ts). */
  security: SecurityChanges;
}

/** org.apache.kafka.common.config.ConfigResource.Type ids, as ConfigRecord carries them. */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

export function configKey(resourceType: number, resourceName: string): string {
  return `${resourceType}:${resourceName}`;
}

function emptyChanges(): MetadataChanges {
  return {
    topics: new Set(),
    deletedTopics: [],
    brokers: new Set(),
    configs: new Set(),
    features: false,
    producerIds: false,
    security: emptySecurityChanges(),
  };
}

export class MetadataImage {
  /** The offset and epoch of the last record replayed (MetadataProvenance); -1 for an empty image. */
  offset = -1;
  epoch = -1;
  /** The append time of the last batch replayed (ms), -1 if none. */
  lastContainedLogTimeMs = -1;
  readonly features = new Map<string, number>();
  readonly brokers = new Map<number, BrokerRegistration>();
  readonly controllers = new Map<number, ControllerRegistration>();
  readonly topicsById = new Map<string, TopicImage>();
  readonly topicsByName = new Map<string, TopicImage>();
  readonly configs = new Map<string, Map<string, string>>();
  producerIds: ProducerIdsImage = { brokerId: -1, brokerEpoch: -1, nextProducerId: -1 };
  /** ZkMigrationStateRecord's state (0 NONE), kept for a later migration (KIP-866). */
  zkMigrationState = 0;
  /** kraftsec: SCRAM credentials, ACLs and client quotas (ScramImage, AclsImage, ClientQuotasImage). */
  readonly security = new SecurityImage();
  private changes: MetadataChanges = emptyChanges();

  /** The metadata.version feature level, 0 when none was written yet. */
  metadataVersion(): number {
    return this.features.get(METADATA_VERSION_FEATURE_NAME) ?? 0;
  }

  topicById(id: Buffer): TopicImage | undefined {
    return this.topicsById.get(id.toString('hex'));
  }

  partition(topic: string, partition: number): PartitionRegistration | undefined {
    return this.topicsByName.get(topic)?.partitions.get(partition);
  }

  configsOf(resourceType: number, resourceName: string): Map<string, string> {
    return this.configs.get(configKey(resourceType, resourceName)) ?? new Map();
  }

  /** Registered and unfenced brokers (KRaftMetadataCache's alive brokers). */
  unfencedBrokers(): BrokerRegistration[] {
    return [...this.brokers.values()].filter((b) => !b.fenced);
  }

  /** Replays a committed batch and advances the provenance (control batches only advance it). */
  replayBatch(batch: Batch<ApiMessageAndVersion>): void {
    for (const r of batch.records) this.replay(r);
    this.offset = batch.lastOffset;
    this.epoch = batch.epoch;
    this.lastContainedLogTimeMs = batch.appendTimestamp;
  }

  /**
   * Replaces the whole image with a snapshot's (MetadataLoader on handleLoadSnapshot): everything is reported as
   * changed, and what existed before but not in the snapshot as deleted.
   */
  loadSnapshot(snapshot: SnapshotContents<ApiMessageAndVersion>): void {
    const before = { topics: [...this.topicsById.values()], brokers: [...this.brokers.keys()], configs: [...this.configs.keys()] };
    this.features.clear();
    this.brokers.clear();
    this.controllers.clear();
    this.topicsById.clear();
    this.topicsByName.clear();
    this.configs.clear();
    this.producerIds = { brokerId: -1, brokerEpoch: -1, nextProducerId: -1 };
    this.zkMigrationState = 0;
    this.security.clear();
    for (const b of snapshot.batches) for (const r of b.records) this.replay(r);
    for (const t of before.topics) if (!this.topicsById.has(t.id.toString('hex'))) this.changes.deletedTopics.push(t);
    for (const id of before.brokers) this.changes.brokers.add(id);
    for (const k of before.configs) this.changes.configs.add(k);
    this.changes.features = true;
    this.changes.producerIds = true;
    this.offset = snapshot.snapshotId.offset - 1;
    this.epoch = snapshot.snapshotId.epoch;
    this.lastContainedLogTimeMs = snapshot.lastContainedLogTimestamp;
  }

  /** MetadataDelta.replay: one record. */
  replay(rec: ApiMessageAndVersion): void {
    const d = rec.data;
    switch (rec.type) {
      case T.REGISTER_BROKER: {
        const b = brokerFromRecord(d);
        this.brokers.set(b.id, b);
        this.changes.brokers.add(b.id);
        return;
      }
      case T.UNREGISTER_BROKER: {
        const id = d.brokerId as number;
        const b = this.brokers.get(id);
        if (!b || b.epoch !== d.brokerEpoch)
          throw new MetadataReplayError(
            `Unable to replay ${JSON.stringify({ brokerId: id, brokerEpoch: d.brokerEpoch })}: no broker registration with that epoch found`,
          );
        this.brokers.delete(id);
        this.changes.brokers.add(id);
        return;
      }
      case T.FENCE_BROKER:
      case T.UNFENCE_BROKER: {
        const b = this.registration(d.id as number, d.epoch as number, rec.type === T.FENCE_BROKER ? 'FenceBrokerRecord' : 'UnfenceBrokerRecord');
        b.fenced = rec.type === T.FENCE_BROKER;
        // ClusterDelta: unfencing clears a controlled shutdown; fencing keeps the flag as it was.
        if (!b.fenced) b.inControlledShutdown = false;
        this.changes.brokers.add(b.id);
        return;
      }
      case T.BROKER_REGISTRATION_CHANGE: {
        const b = this.registration(d.brokerId as number, d.brokerEpoch as number, 'BrokerRegistrationChangeRecord');
        applyBrokerRegistrationChange(b, d);
        this.changes.brokers.add(b.id);
        return;
      }
      case T.REGISTER_CONTROLLER: {
        const c = controllerFromRecord(d);
        this.controllers.set(c.id, c);
        return;
      }
      case T.TOPIC: {
        const id = Buffer.from(d.topicId as Buffer);
        const hex = id.toString('hex');
        const topic: TopicImage = { name: d.name as string, id, partitions: new Map() };
        this.topicsById.set(hex, topic);
        this.topicsByName.set(topic.name, topic);
        this.changes.topics.add(hex);
        return;
      }
      case T.PARTITION: {
        const topic = this.topic(d.topicId as Buffer, 'PartitionRecord');
        topic.partitions.set(d.partitionId as number, partitionFromRecord(d));
        this.changes.topics.add(topic.id.toString('hex'));
        return;
      }
      case T.PARTITION_CHANGE: {
        const topic = this.topic(d.topicId as Buffer, 'PartitionChangeRecord');
        const p = topic.partitions.get(d.partitionId as number);
        if (!p) throw new MetadataReplayError(`Unable to replay PartitionChangeRecord: unknown partition ${d.partitionId} of topic ${topic.name}`);
        topic.partitions.set(d.partitionId as number, mergePartitionChange(p, d));
        this.changes.topics.add(topic.id.toString('hex'));
        return;
      }
      case T.REMOVE_TOPIC: {
        const topic = this.topic(d.topicId as Buffer, 'RemoveTopicRecord');
        const hex = topic.id.toString('hex');
        this.topicsById.delete(hex);
        this.topicsByName.delete(topic.name);
        this.changes.topics.delete(hex);
        this.changes.deletedTopics.push(topic);
        // ConfigurationsDelta.replay(RemoveTopicRecord): the topic's configs go with it.
        const key = configKey(ConfigResourceType.TOPIC, topic.name);
        if (this.configs.delete(key)) this.changes.configs.add(key);
        return;
      }
      case T.CONFIG: {
        const key = configKey(d.resourceType as number, d.resourceName as string);
        let m = this.configs.get(key);
        if (d.value === null || d.value === undefined) {
          m?.delete(d.name as string);
          if (m && m.size === 0) this.configs.delete(key);
        } else {
          if (!m) this.configs.set(key, (m = new Map()));
          m.set(d.name as string, d.value as string);
        }
        this.changes.configs.add(key);
        return;
      }
      case T.FEATURE_LEVEL: {
        // FeaturesDelta: level 0 removes the feature.
        const level = d.featureLevel as number;
        if (level === 0) this.features.delete(d.name as string);
        else this.features.set(d.name as string, level);
        this.changes.features = true;
        return;
      }
      case T.PRODUCER_IDS:
        this.producerIds = { brokerId: d.brokerId as number, brokerEpoch: d.brokerEpoch as number, nextProducerId: d.nextProducerId as number };
        this.changes.producerIds = true;
        return;
      case T.ZK_MIGRATION_STATE:
        this.zkMigrationState = d.zkMigrationState as number;
        return;
      default:
        // SCRAM credentials, ACLs and client quotas: the security part. NoOpRecord, delegation tokens and
        // transaction markers carry nothing this image holds; replaying them changes nothing.
        this.security.replay(rec);
        return;
    }
  }

  /** What replay changed since the last call; resets the record. */
  takeChanges(): MetadataChanges {
    const c = this.changes;
    this.changes = emptyChanges();
    c.security = this.security.takeChanges();
    return c;
  }

  clone(): MetadataImage {
    const m = new MetadataImage();
    m.offset = this.offset;
    m.epoch = this.epoch;
    m.lastContainedLogTimeMs = this.lastContainedLogTimeMs;
    for (const [k, v] of this.features) m.features.set(k, v);
    for (const [k, b] of this.brokers) m.brokers.set(k, cloneBroker(b));
    for (const [k, c] of this.controllers) m.controllers.set(k, cloneController(c));
    for (const [hex, t] of this.topicsById) {
      const copy: TopicImage = { name: t.name, id: t.id, partitions: new Map() };
      for (const [p, reg] of t.partitions) copy.partitions.set(p, clonePartition(reg));
      m.topicsById.set(hex, copy);
      m.topicsByName.set(copy.name, copy);
    }
    for (const [k, v] of this.configs) m.configs.set(k, new Map(v));
    m.producerIds = { ...this.producerIds };
    m.zkMigrationState = this.zkMigrationState;
    this.security.copyInto(m.security);
    return m;
  }

  private registration(id: number, epoch: number, what: string): BrokerRegistration {
    const b = this.brokers.get(id);
    if (!b) throw new MetadataReplayError(`Unable to replay ${what}: no broker registration found for ${id}`);
    if (b.epoch !== epoch) throw new MetadataReplayError(`Unable to replay ${what}: no broker registration with epoch ${epoch} found for ${id}`);
    return b;
  }

  private topic(id: Buffer, what: string): TopicImage {
    const t = this.topicsById.get(Buffer.from(id).toString('hex'));
    if (!t) throw new MetadataReplayError(`Unable to replay ${what}: unknown topic id ${Buffer.from(id).toString('hex')}`);
    return t;
  }
}
