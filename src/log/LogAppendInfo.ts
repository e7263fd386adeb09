/**
 * What an append did (Kafka's `LogAppendInfo`) and who appended (`AppendOrigin`). Kept apart from Log so that
 * the producer state and the validator can speak of appends without importing the log.
 */
import { BatchInfo } from '../protocol/records/RecordBatch';

export interface AppendInfo {
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** Last offset of the batch holding maxTimestamp (Kafka's shallowOffsetOfMaxTimestamp). */
  offsetOfMaxTimestamp: number;
  /**
   * The broker time stamped into the batches (message.timestamp.type=LogAppendTime), else -1; for a duplicate on
   * a LogAppendTime topic, the original batch's append time (UnifiedLog.append: setLogAppendTime(duplicate.timestamp)).
   */
  logAppendTime: number;
  numRecords: number;
  validBytes: number;
  batches: BatchInfo[];
  /** A retried batch already in the log: nothing was written, the offsets are the original ones. */
  duplicate: boolean;
}

/** Who appends (Kafka's AppendOrigin): client-only batch checks apply to 'client'. */
export type AppendOrigin = 'client' | 'coordinator' | 'replication';
