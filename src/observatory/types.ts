/**
 * What the observatory's live feed sends to the page (/events, JSON): shared by the server and the page's
 * script, so it holds types only.
 */

export interface BrokerView {
  id: number;
  host: string;
  port: number;
  /** Registered under /brokers/ids (Kafka's definition of a live broker). */
  up: boolean;
  /** Known from the launcher's layout; false for a broker that registered without being in it. */
  known: boolean;
  /** Process id when the launcher runs it. */
  pid?: number;
  /** The launcher's view of its process: running, exited... (absent without process control). */
  process?: string;
  metricsPort?: number;
  /** Metrics endpoint reachable at the last scrape (undefined: no endpoint or not scraped yet). */
  metricsUp?: boolean;
  metricsError?: string;
  /** czxid of /brokers/ids/<id> (Kafka's broker epoch). */
  brokerEpoch?: number;
}

export interface PartitionView {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  /** ISR smaller than the replica set (ReplicaManager's UnderReplicatedPartitions). */
  underReplicated: boolean;
  /** No live leader (KafkaController's OfflinePartitionsCount). */
  offline: boolean;
}

export interface TopicView {
  name: string;
  topicId?: string;
  partitions: PartitionView[];
  /** Listed under /admin/delete_topics. */
  markedForDeletion: boolean;
}

export interface GroupPartitionView {
  topic: string;
  partition: number;
  currentOffset: number | null;
  logEndOffset: number | null;
  lag: number | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export interface GroupView {
  groupId: string;
  state: string;
  protocol: string;
  members: number;
  /** Generation id, when the coordinator's log told it (DescribeGroups does not carry it). */
  generation?: number;
  partitions: GroupPartitionView[];
}

export interface TimelineEvent {
  /** ms since the epoch */
  ts: number;
  kind: 'broker' | 'controller' | 'partition' | 'topic' | 'group' | 'zookeeper' | 'action';
  text: string;
}

export interface ClusterSnapshot {
  zookeeper: { connectString: string; connected: boolean; error?: string };
  brokers: BrokerView[];
  controller: { brokerId: number | null; epoch: number | null };
  topics: TopicView[];
  groups: GroupView[];
  groupsError?: string;
  bootstrapServers: string;
  /** Process control available (stop, kill, start buttons). */
  canControl: boolean;
}

/** One scrape round: messages-in per second per topic (all brokers summed), requests per second per broker. */
export interface MetricsPoint {
  ts: number;
  topics: Record<string, number>;
  brokers: Record<string, number>;
}
