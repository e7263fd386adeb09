/**
 * kafka.common.OffsetAndMetadata (a committed offset) and kafka.coordinator.group.CommitRecordMetadataAndOffset
 * (a commit and where its record sits in __consumer_offsets).
 */
export interface OffsetAndMetadata {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Explicit expiry from an old OffsetCommit with retention time (value v1), else -1. */
  expireTimestamp: number;
}

/**
 * A commit and the base offset of the batch that holds its record in __consumer_offsets (null until the append
 * completed). Which of two commits of a partition wins is decided by log order, not by arrival: a transactional
 * commit completed later does not override a regular commit appended after it.
 */
export interface CommitRecordMetadataAndOffset {
  appendedBatchOffset: number | null;
  value: OffsetAndMetadata;
}

/** CommitRecordMetadataAndOffset.olderThan: appended at a lower offset (both must be appended). */
export function olderThan(a: CommitRecordMetadataAndOffset, b: CommitRecordMetadataAndOffset): boolean {
  if (a.appendedBatchOffset === null || b.appendedBatchOffset === null) throw new Error('Cannot compare offset commits that were not appended to the log');
  return a.appendedBatchOffset < b.appendedBatchOffset;
}

/** Field-by-field equality of two commits (Kafka compares the OffsetAndMetadata case classes with ==). */
export function sameOffsetAndMetadata(a: OffsetAndMetadata, b: OffsetAndMetadata): boolean {
  return (
    a.offset === b.offset &&
    a.leaderEpoch === b.leaderEpoch &&
    a.metadata === b.metadata &&
    a.commitTimestamp === b.commitTimestamp &&
    a.expireTimestamp === b.expireTimestamp
  );
}
