/** Znode paths of Kafka's ZkData.scala (zk-mode.md §1.1). */

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** "topic-partition", as TopicPartition.toString. */
export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** Inverse of topicPartitionKey (the partition follows the last '-'; topic names may contain '-'). */
export function parseTopicPartitionKey(key: string): TopicPartition {
  const i = key.lastIndexOf('-');
  if (i <= 0) throw new Error(`Invalid topic-partition ${key}`);
  return { topic: key.substring(0, i), partition: Number(key.substring(i + 1)) };
}

/** Persistent sequential suffix: 10 digits, zero padded. */
export function sequenceSuffix(seq: number): string {
  return String(seq).padStart(10, '0');
}

const ConsumerPathZNode = { path: '/consumers' } as const;
/** ZkData.ConsumerOffset: the offset an OffsetCommit v0 stored, as decimal text (ConsumerOffset.encode/decode). */
export const ConsumerOffsetZNode = {
  path: (group: string, topic: string, partition: number): string => `/consumers/${group}/offsets/${topic}/${partition}`,
  encode: (offset: number): Buffer => Buffer.from(String(offset), 'utf8'),
  decode: (data: Buffer | null): number | null => (data === null ? null : Number(data.toString('utf8'))),
} as const;
export const BrokerIdsZNode = { path: '/brokers/ids' } as const;
export const BrokerIdZNode = { path: (id: number): string => `/brokers/ids/${id}` } as const;
export const BrokerSequenceIdZNode = { path: '/brokers/seqid' } as const;
export const TopicsZNode = { path: '/brokers/topics' } as const;
export const TopicZNode = { path: (topic: string): string => `/brokers/topics/${topic}` } as const;
export const TopicPartitionsZNode = {
  path: (topic: string): string => `/brokers/topics/${topic}/partitions`,
} as const;
export const TopicPartitionZNode = {
  path: (tp: TopicPartition): string => `/brokers/topics/${tp.topic}/partitions/${tp.partition}`,
} as const;
export const TopicPartitionStateZNode = {
  path: (tp: TopicPartition): string => `/brokers/topics/${tp.topic}/partitions/${tp.partition}/state`,
} as const;
export const ControllerZNode = { path: '/controller' } as const;
export const ControllerEpochZNode = { path: '/controller_epoch' } as const;
export const ClusterIdZNode = { path: '/cluster/id' } as const;
export const FeatureZNode = { path: '/feature' } as const;
export const ProducerIdBlockZNode = { path: '/latest_producer_id_block' } as const;

/** Kafka's ConfigType, in ConfigType.all order. */
export const ConfigType = { Topic: 'topics', Client: 'clients', User: 'users', Broker: 'brokers', Ip: 'ips' } as const;
const ConfigTypeAll: readonly string[] = ['topics', 'clients', 'users', 'brokers', 'ips'];
export const ConfigEntityTypeZNode = { path: (entityType: string): string => `/config/${entityType}` } as const;
export const ConfigEntityZNode = {
  path: (entityType: string, sanitizedName: string): string => `/config/${entityType}/${sanitizedName}`,
} as const;
export const ConfigEntityChangeNotificationZNode = { path: '/config/changes' } as const;
export const ConfigEntityChangeNotificationSequenceZNode = {
  SequenceNumberPrefix: 'config_change_',
  createPath: '/config/changes/config_change_',
} as const;

export const DeleteTopicsZNode = { path: '/admin/delete_topics' } as const;
export const DeleteTopicsTopicZNode = { path: (topic: string): string => `/admin/delete_topics/${topic}` } as const;
export const ReassignPartitionsZNode = { path: '/admin/reassign_partitions' } as const;
export const PreferredReplicaElectionZNode = { path: '/admin/preferred_replica_election' } as const;

const IsrChangeNotificationZNode = { path: '/isr_change_notification' } as const;
const LogDirEventNotificationZNode = { path: '/log_dir_event_notification' } as const;

/**
 * Paths every broker pre-creates at startup, in Kafka's order (ZkData.PersistentZkPaths): the old consumer
 * path, broker ids/topics, config changes, delete topics, seqid, ISR change, producer-id block, log-dir
 * events, then /config/<type> for each ConfigType.
 */
export const PersistentZkPaths: readonly string[] = [
  ConsumerPathZNode.path,
  BrokerIdsZNode.path,
  TopicsZNode.path,
  ConfigEntityChangeNotificationZNode.path,
  DeleteTopicsZNode.path,
  BrokerSequenceIdZNode.path,
  IsrChangeNotificationZNode.path,
  ProducerIdBlockZNode.path,
  LogDirEventNotificationZNode.path,
  ...ConfigTypeAll.map((t) => ConfigEntityTypeZNode.path(t)),
];
