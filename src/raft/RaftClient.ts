/**
 * What the Raft client offers its state machine (Kafka's org.apache.kafka.raft.RaftClient and RaftClient.Listener):
 * listeners fed by the committed log, leader changes, and the options a client is built with.
 */
import { NetworkChannel } from './NetworkChannel';
import { QuorumStateStore } from './QuorumStateStore';
import { Batch } from './RaftBatches';
import { RaftConfig } from './RaftConfig';
import { RecordSerde } from './RecordSerde';
import { ReplicatedLog } from './ReplicatedLog';
import { SnapshotContents } from './Snapshots';
import { Random, Time } from './Time';

export interface LeaderAndEpoch {
  /** undefined: no known leader in this epoch. */
  readonly leaderId: number | undefined;
  readonly epoch: number;
}

/** RaftClient.Listener: a state machine fed by the committed log. */
export interface RaftListener<T> {
  /** A committed batch, in log order, each exactly once per registration (control batches come with no records). */
  handleCommit(batch: Batch<T>): void;
  /**
   * The state as of a snapshot, when the listener must start from one (it is at offset 0 and a snapshot exists,
   * or the log no longer holds its next offset); commits continue from the snapshot's end offset.
   */
  handleLoadSnapshot(snapshot: SnapshotContents<T>): void;
  handleLeaderChange(leader: LeaderAndEpoch): void;
}

export interface RaftClientOptions<T> {
  /** This node's id; undefined for an observer without one. */
  nodeId: number | undefined;
  voters: Iterable<number>;
  clusterId: string;
  log: ReplicatedLog;
  store: QuorumStateStore;
  channel: NetworkChannel;
  serde: RecordSerde<T>;
  time?: Time;
  random?: Random;
  config?: Partial<RaftConfig>;
  logger?: (message: string) => void;
}
