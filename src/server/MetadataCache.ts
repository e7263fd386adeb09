import type { PartitionState } from '../protocol/apis/PartitionState';

/**
 * The broker's view of the cluster, filled by the controller's UpdateMetadata requests
 * (kafka.server.metadata.ZkMetadataCache). Metadata, CreateTopics and the replica manager read it.
 */
interface BrokerEndpoint {
  listener: string;
  host: string;
  port: number;
  securityProtocol: number;
}

export interface CachedBroker {
  id: number;
  endpoints: BrokerEndpoint[];
  rack: string | null;
}

/** As UpdateMetadata carried it. */
export type CachedPartitionState = PartitionState & { offlineReplicas: number[] };

/** Leader value the controller sends for partitions of a topic being deleted. */
const LEADER_DURING_DELETE = -2;

export class MetadataCache {
  private brokers = new Map<number, CachedBroker>();
  private topics = new Map<string, Map<number, CachedPartitionState>>();
  private topicIds = new Map<string, Buffer>();
  /** The reverse of topicIds, keyed by the id's hex form (ZkMetadataCache's snapshot.topicNames). */
  private topicNames = new Map<string, string>();
  private controllerIdValue: number | null = null;
  private listeners: Array<() => void> = [];
  /** KRaft mode (KRaftMetadataCache): filled from the metadata image by setImage, never by UpdateMetadata. */
  private kraft = false;
  private brokerEpochs = new Map<number, number>();

  constructor(readonly brokerId: number) {}

  /**
   * ZooKeeper mode: the controller named by the last UpdateMetadata. KRaft mode: a random alive broker, as
   * KRaftMetadataCache.getControllerId answers clients (the quorum controller is not reachable by them; a broker
   * forwards their admin requests to it).
   */
  get controllerId(): number | null {
    if (this.kraft) {
      const ids = [...this.brokers.keys()];
      return ids.length > 0 ? ids[Math.floor(Math.random() * ids.length)] : null;
    }
    return this.controllerIdValue;
  }

  /**
   * KRaft (KRaftMetadataCache.setImage): the whole view from a published metadata image: the registered, unfenced
   * brokers with their epochs, every partition and every topic id.
   */
  setImage(liveBrokers: Array<CachedBroker & { epoch: number }>, states: CachedPartitionState[], topicIds: Map<string, Buffer>): void {
    this.kraft = true;
    this.brokers = new Map(liveBrokers.map(({ epoch: _epoch, ...b }) => [b.id, b]));
    this.brokerEpochs = new Map(liveBrokers.map((b) => [b.id, b.epoch]));
    const topics = new Map<string, Map<number, CachedPartitionState>>();
    for (const st of states) {
      let parts = topics.get(st.topicName);
      if (!parts) topics.set(st.topicName, (parts = new Map()));
      parts.set(st.partitionIndex, st);
    }
    this.topics = topics;
    this.topicIds = new Map();
    this.topicNames = new Map();
    for (const [t, id] of topicIds) this.setTopicId(t, id);
    for (const l of this.listeners) l();
  }

  /**
   * KRaft: only what one published delta changed (Kafka's image is copy-on-write, so a delta costs what it touched,
   * not the whole cache): topics removed, then partitions created or changed and their topics' ids. The brokers are
   * unchanged: a broker change goes through setImage, since every partition's offline replicas depend on it.
   */
  applyImageDelta(states: CachedPartitionState[], deletedTopics: string[], topicIds: Map<string, Buffer>): void {
    this.kraft = true;
    for (const t of deletedTopics) {
      this.topics.delete(t);
      this.removeTopicId(t);
    }
    for (const [t, id] of topicIds) this.setTopicId(t, id);
    for (const st of states) {
      let parts = this.topics.get(st.topicName);
      if (!parts) this.topics.set(st.topicName, (parts = new Map()));
      parts.set(st.partitionIndex, st);
    }
    for (const l of this.listeners) l();
  }

  /** KRaft: the broker epoch of an alive broker (KRaftMetadataCache.getAliveBrokerEpoch). */
  aliveBrokerEpoch(id: number): number | undefined {
    return this.brokerEpochs.get(id);
  }

  /** Applies an UpdateMetadata request (already fenced by controller epoch). Returns deleted partitions. */
  update(
    controllerId: number,
    liveBrokers: CachedBroker[],
    states: CachedPartitionState[],
    topicIds: Map<string, Buffer>,
  ): Array<{ topic: string; partition: number }> {
    this.controllerIdValue = controllerId;
    this.brokers = new Map(liveBrokers.map((b) => [b.id, b]));
    for (const [t, id] of topicIds) this.setTopicId(t, id);
    const deleted: Array<{ topic: string; partition: number }> = [];
    for (const st of states) {
      if (st.leader === LEADER_DURING_DELETE) {
        const parts = this.topics.get(st.topicName);
        if (parts) {
          parts.delete(st.partitionIndex);
          deleted.push({ topic: st.topicName, partition: st.partitionIndex });
          if (parts.size === 0) {
            this.topics.delete(st.topicName);
            this.removeTopicId(st.topicName);
          }
        }
        continue;
      }
      let parts = this.topics.get(st.topicName);
      if (!parts) {
        parts = new Map();
        this.topics.set(st.topicName, parts);
      }
      parts.set(st.partitionIndex, st);
    }
    for (const l of this.listeners) l();
    return deleted;
  }

  /** Called after every update (waiters for topic creation use it). */
  onUpdate(fn: () => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((f) => f !== fn);
    };
  }

  aliveBrokers(): CachedBroker[] {
    return [...this.brokers.values()];
  }

  aliveBrokerIds(): number[] {
    return [...this.brokers.keys()];
  }

  getAliveBroker(id: number): CachedBroker | undefined {
    return this.brokers.get(id);
  }

  endpointFor(brokerId: number, listener: string): BrokerEndpoint | undefined {
    return this.brokers.get(brokerId)?.endpoints.find((e) => e.listener === listener);
  }

  contains(topic: string): boolean {
    return this.topics.has(topic);
  }

  allTopics(): string[] {
    return [...this.topics.keys()];
  }

  partitions(topic: string): Map<number, CachedPartitionState> | undefined {
    return this.topics.get(topic);
  }

  partitionState(topic: string, partition: number): CachedPartitionState | undefined {
    return this.topics.get(topic)?.get(partition);
  }

  topicId(topic: string): Buffer | undefined {
    return this.topicIds.get(topic);
  }

  /** ZkMetadataCache.getTopicName: the topic that has this id (16 bytes), if the cache knows it. */
  topicName(topicId: Buffer): string | undefined {
    return this.topicNames.get(topicId.toString('hex'));
  }

  private setTopicId(topic: string, id: Buffer): void {
    const old = this.topicIds.get(topic);
    if (old && !old.equals(id)) this.topicNames.delete(old.toString('hex'));
    this.topicIds.set(topic, id);
    this.topicNames.set(id.toString('hex'), topic);
  }

  private removeTopicId(topic: string): void {
    const id = this.topicIds.get(topic);
    if (id) this.topicNames.delete(id.toString('hex'));
    this.topicIds.delete(topic);
  }
}
