/**
 * Kafka's kafka.zk.ZkData: every znode path and JSON codec, with Apache Kafka 3.7's exact key order
 * (Scala 2.13 build, Java 9+) and value types. See ../../shared/reference/zk-mode.md §0-§1.
 * The implementation lives in ./data/; this module is the single import point.
 */
export * from './data/paths';
export * from './data/json';
export * from './data/broker';
export * from './data/topic';
export * from './data/misc';

import { javaStringHashCode, kafkaAbs } from './data/json';

/** GroupCoordinator.partitionFor: Utils.abs(groupId.hashCode) % partitionCount. */
export function groupPartitionFor(groupId: string, partitionCount: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % partitionCount;
}
