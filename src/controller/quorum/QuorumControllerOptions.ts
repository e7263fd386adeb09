/**
 * What Kafka 3.7's QuorumController.Builder configures (./QuorumControllerCore.ts and ./QuorumController.ts use it):
 * the Raft client the controller writes through, and the controller's settings and collaborators.
 */
import { Logger } from '../../common/logger';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { OffsetAndEpoch } from '../../raft/OffsetAndEpoch';
import { LeaderAndEpoch, RaftListener } from '../../raft/RaftClient';
import { TopicConfigValidator } from './ConfigurationControlManager';
import { ControllerEvents } from './ControllerEventStream';
import { ControllerScheduler } from './ControllerScheduler';
import { EffectiveTopicConfigs } from './ReplicationControlTopics';
import { PlacerRandom } from './StripedReplicaPlacer';

/** What the controller needs of KafkaRaftClient<ApiMessageAndVersion> (which satisfies it). */
export interface ControllerRaft {
  register(listener: RaftListener<ApiMessageAndVersion>): void;
  leaderAndEpoch(): LeaderAndEpoch;
  scheduleAtomicAppend(epoch: number, requiredBaseOffset: number | undefined, records: ApiMessageAndVersion[]): number;
  createSnapshot(snapshotId: OffsetAndEpoch, lastContainedLogTimestamp: number, batches: ReadonlyArray<readonly ApiMessageAndVersion[]>): void;
  resign(epoch: number): void;
  /**
   * The log end (KafkaRaftClient.endOffset; Kafka's RaftClient.logEndOffset): where a new active controller's first
   * write lands. Without it the controller learns its next offset from its activation write.
   */
  endOffset?(): { offset: number };
  /**
   * Wakes the thread that polls the client, so appended records are flushed now rather than at its next poll
   * (Kafka's KafkaRaftClient.append wakes its IO thread on the first append of a batch).
   */
  wakeup?(): void;
}

export interface QuorumControllerOptions {
  nodeId: number;
  clusterId: string;
  raft: ControllerRaft;
  /** broker.session.timeout.ms (9000). */
  brokerSessionTimeoutMs: number;
  /** num.partitions, default.replication.factor. */
  defaultNumPartitions: number;
  defaultReplicationFactor: number;
  /** metadata.max.idle.interval.ms (500): a NoOpRecord when idle; 0 disables. */
  metadataMaxIdleIntervalMs: number;
  /** metadata.log.max.record.bytes.between.snapshots (20 MiB). */
  snapshotMaxNewRecordBytes: number;
  /**
   * leader.imbalance.check.interval.seconds in ms when auto.leader.rebalance.enable is true; absent: no automatic
   * preferred-leader elections.
   */
  leaderImbalanceCheckIntervalMs?: number;
  /** metadata.log.max.snapshot.interval.ms (1 hour): a snapshot when this much time passed with new records; 0/absent: never. */
  snapshotMaxIntervalMs?: number;
  /** From bootstrap.checkpoint (BootstrapDirectory): written first into an empty log. */
  bootstrapRecords: ApiMessageAndVersion[];
  /** The broker's topic config validation: an error message, or null when valid. */
  validateTopicConfig?: TopicConfigValidator;
  /** The configs CreateTopics v5+ reports for a new topic (defaults included); its own configs when absent. */
  effectiveTopicConfigs?: EffectiveTopicConfigs;
  /** ControllerEventLog. */
  events?: ControllerEvents;
  logger?: Logger;
  /** Logger `state.change.logger` by default. */
  stateChangeLogger?: Logger;
  time?: { milliseconds(): number };
  /** Timers (real by default). */
  scheduler?: ControllerScheduler;
  /** The replica placer's randomness (Math.random by default). */
  random?: PlacerRandom;
}
