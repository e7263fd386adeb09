/** The lessons in teaching order (consumers and groups, replication and controller, storage, producers, KRaft). */
export const LESSON_ORDER: readonly string[] = [
  'partitions-and-consumers',
  'rebalance',
  'poll-timeout',
  'session-timeout',
  'auto-offset-reset',
  'manual-commit',
  'consumer-offsets',
  'leader-failover',
  'controller-failover',
  'acks-and-isr',
  'segments',
  'retention',
  'compaction',
  'sync-vs-async',
  'batching-and-compression',
  'zk-vs-kraft',
];
