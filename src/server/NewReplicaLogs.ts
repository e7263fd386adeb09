/**
 * The logs of a LeaderAndIsr's new replicas (Kafka's Partition.createLogIfNotExists, reached from
 * ReplicaManager.becomeLeaderOrFollower -> makeLeaders/makeFollowers): their folders are created first, many at once
 * in the thread pool (LogManager.prepareLogFolders); becomeLeaderOrFollower then creates each log's files in its folder
 * right before the partition's transition, as Kafka does.
 */
import type { LogManager } from '../log/LogManager';
import type { LeaderAndIsrPartitionState } from '../protocol/apis/04-leader-and-isr';

export interface NewReplicaLogsDeps {
  brokerId: number;
  logManager: LogManager;
  /** Whether the broker already hosts the partition (its log exists: nothing to create). */
  hosts: (topic: string, partition: number) => boolean;
}

/**
 * Creates the folders of the missing logs of the replicas assigned to this broker. A folder that cannot be created is
 * skipped here: becomeLeaderOrFollower tries again and answers KAFKA_STORAGE_ERROR for that partition only.
 */
export function prepareNewReplicaLogs(
  deps: NewReplicaLogsDeps,
  states: ReadonlyArray<{ topic: string; partition: number; state: LeaderAndIsrPartitionState }>,
): Promise<void> {
  const fresh = states.filter((s) => s.state.replicas.includes(deps.brokerId) && !deps.hosts(s.topic, s.partition));
  return deps.logManager.prepareLogFolders(fresh);
}
