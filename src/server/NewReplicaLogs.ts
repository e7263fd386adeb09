/**
 * The logs of a LeaderAndIsr's new replicas (Kafka's Partition.createLogIfNotExists, reached from
 * ReplicaManager.becomeLeaderOrFollower -> makeLeaders/makeFollowers), created before becomeLeaderOrFollower runs so
 * that it finds them. Their folders first, many at once in the thread pool (LogManager.prepareLogFolders: mkdir is the
 * costliest call, and made one by one on the event loop it waited for every ext4 journal commit in turn); then
 * their files, with the event loop served in between (LogManager.getOrCreateLogsYielding).
 */
import type { LogManager } from '../log/LogManager';
import type { LogConfig } from '../log/LogConfig';
import type { LeaderAndIsrPartitionState } from '../protocol/apis/04-leader-and-isr';

export interface NewReplicaLogsDeps {
  brokerId: number;
  logManager: LogManager;
  logConfigFor: (topic: string) => LogConfig;
  /** Whether the broker already hosts the partition (its log exists: nothing to create). */
  hosts: (topic: string, partition: number) => boolean;
}

/**
 * Creates the missing logs of the replicas assigned to this broker. A log that cannot be created is skipped here:
 * becomeLeaderOrFollower tries again and answers KAFKA_STORAGE_ERROR for that partition only.
 */
export async function createLogsForNewReplicas(
  deps: NewReplicaLogsDeps,
  states: ReadonlyArray<{ topic: string; partition: number; state: LeaderAndIsrPartitionState }>,
): Promise<void> {
  const fresh = states.filter((s) => s.state.replicas.includes(deps.brokerId) && !deps.hosts(s.topic, s.partition));
  if (fresh.length === 0) return;
  await deps.logManager.prepareLogFolders(fresh);
  await deps.logManager.getOrCreateLogsYielding(fresh.map((s) => ({ topic: s.topic, partition: s.partition, config: deps.logConfigFor(s.topic) })));
}
