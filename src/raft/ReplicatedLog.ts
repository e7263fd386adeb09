/**
 * The log under the Raft client (Kafka's org.apache.kafka.raft.ReplicatedLog): whole RecordBatch v2 batches, an
 * epoch cache (epoch -> start offset), a high watermark, and optionally snapshots. Two implementations:
 * MemoryLog (simulations) and MetadataLog (`<metadata.log.dir>/__cluster_metadata-0/` over src/log's Log, as
 * KafkaMetadataLog wraps UnifiedLog). The default methods of Kafka's interface are the functions below.
 */
import { OffsetAndEpoch, ValidOffsetAndEpoch } from './OffsetAndEpoch';

/** The metadata topic (Topic.CLUSTER_METADATA_TOPIC_NAME) and its fixed id (Uuid.METADATA_TOPIC_ID, "AAAAAAAAAAAAAAAAAAAAAQ"). */
export const METADATA_TOPIC = '__cluster_metadata';
export const METADATA_PARTITION = 0;
export const METADATA_TOPIC_ID: Buffer = Buffer.from('00000000000000000000000000000001', 'hex');

export interface LogAppendResult {
  readonly firstOffset: number;
  readonly lastOffset: number;
}

export interface ReplicatedLog {
  /**
   * Appends batches written by this leader: assigns offsets from the log end and stamps `epoch` into each batch's
   * partitionLeaderEpoch (the bytes are modified in place).
   */
  appendAsLeader(records: Buffer, epoch: number): LogAppendResult;
  /** Appends batches as the leader wrote them (offsets and epochs kept); they must start at the log end. */
  appendAsFollower(records: Buffer): LogAppendResult;
  /** Whole batches from the one containing startOffset, up to maxOffsetExclusive (the high watermark for COMMITTED reads). */
  read(startOffset: number, maxOffsetExclusive?: number): Buffer;
  endOffset(): number;
  startOffset(): number;
  /** The epoch of the last batch, else the snapshot's epoch, else 0 (KafkaMetadataLog.lastFetchedEpoch). */
  lastFetchedEpoch(): number;
  /**
   * The largest epoch <= `epoch` this log knows and the offset where it ends (the start of the next epoch, or the log
   * end); for an epoch above everything, the log end and lastFetchedEpoch (KafkaMetadataLog.endOffsetForEpoch).
   */
  endOffsetForEpoch(epoch: number): OffsetAndEpoch;
  /** Records that the leader of `epoch` starts writing at the log end (UnifiedLog.maybeAssignEpochStartOffset). */
  initializeLeaderEpoch(epoch: number): void;
  /** Removes every batch at or after `offset` (and their epochs). Never below the high watermark. */
  truncateTo(offset: number): void;
  updateHighWatermark(offset: number): void;
  highWatermark(): number;
  flush(): void;
  earliestSnapshotId(): OffsetAndEpoch | undefined;
  latestSnapshotId(): OffsetAndEpoch | undefined;
  /** The bytes of a complete snapshot, or undefined (readSnapshot). */
  readSnapshot(id: OffsetAndEpoch): Buffer | undefined;
  /** Stores complete snapshot bytes under `id` (a frozen RawSnapshotWriter). */
  storeSnapshot(id: OffsetAndEpoch, bytes: Buffer): void;
  /**
   * A follower that fetched a snapshot beyond its log: empties the log and starts it at the snapshot's end offset
   * (KafkaMetadataLog.truncateToLatestSnapshot). False when the latest snapshot is not beyond the log.
   */
  truncateToLatestSnapshot(): boolean;
  /** Moves the log start up to a snapshot's end offset (the prefix the snapshot covers may go). */
  deleteBeforeSnapshot(id: OffsetAndEpoch): boolean;
  close(): void;
}

/** ReplicatedLog.validateOffsetAndEpoch: is a follower's (fetch offset, last fetched epoch) on this log? */
export function validateOffsetAndEpoch(log: ReplicatedLog, offset: number, epoch: number): ValidOffsetAndEpoch {
  if (log.startOffset() === 0 && offset === 0) return { kind: 'VALID', offsetAndEpoch: { offset: 0, epoch: 0 } };
  const earliest = log.earliestSnapshotId();
  if (earliest && (offset < log.startOffset() || (offset === log.startOffset() && epoch !== earliest.epoch) || epoch < earliest.epoch)) {
    const latest = log.latestSnapshotId();
    if (!latest) throw new Error(`Log start offset (${log.startOffset()}) is greater than zero but latest snapshot was not found`);
    return { kind: 'SNAPSHOT', offsetAndEpoch: latest };
  }
  const end = log.endOffsetForEpoch(epoch);
  if (end.epoch !== epoch || end.offset < offset) return { kind: 'DIVERGING', offsetAndEpoch: end };
  return { kind: 'VALID', offsetAndEpoch: { offset, epoch } };
}

/** ReplicatedLog.truncateToEndOffset: truncate after a DivergingEpoch answer; returns the offset truncated to. */
export function truncateToEndOffset(log: ReplicatedLog, endOffset: OffsetAndEpoch): number {
  let truncationOffset: number;
  if (endOffset.epoch === 0) {
    truncationOffset = Math.min(endOffset.offset, log.endOffset());
  } else {
    const local = log.endOffsetForEpoch(endOffset.epoch);
    truncationOffset = local.epoch === endOffset.epoch ? Math.min(local.offset, endOffset.offset) : local.offset;
  }
  log.truncateTo(truncationOffset);
  return truncationOffset;
}

/** An epoch cache as Kafka's LeaderEpochFileCache keeps it: ascending epochs with their start offsets. */
export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

/** LeaderEpochFileCache.endOffsetFor: the largest epoch <= requested and the start of the next (or the log end). */
export function epochEndOffset(entries: readonly EpochEntry[], requested: number, logEndOffset: number): OffsetAndEpoch | undefined {
  if (entries.length === 0 || requested < 0) return undefined;
  const latest = entries[entries.length - 1];
  if (requested === latest.epoch) return { epoch: requested, offset: logEndOffset };
  const higher = entries.findIndex((e) => e.epoch > requested);
  if (higher < 0) return undefined;
  // Older than every known epoch: the start of the first one (the data before it is gone).
  if (higher === 0) return { epoch: requested, offset: entries[0].startOffset };
  return { epoch: entries[higher - 1].epoch, offset: entries[higher].startOffset };
}
