/**
 * Kafka's LogValidator for magic-2 batches on the leader, without recompression (validateMessagesAndAssignOffsets
 * -> assignOffsetsNonCompressed / validateMessagesAndAssignOffsetsCompressed's in-place path), and the follower's
 * analysis of replicated batches (UnifiedLog.analyzeAndValidateRecords). All work is per batch: the headers are
 * read and patched in place, records are never decoded.
 */
import { ErrorCode, KafkaError } from '../protocol/errors';
import {
  BASE_OFFSET,
  BatchInfo,
  PARTITION_LEADER_EPOCH,
  TIMESTAMP_TYPE_MASK,
  setLogAppendTime,
  validateBatches,
  writeInt64,
} from '../protocol/records/RecordBatch';
import { AppendInfo, AppendOrigin } from './LogAppendInfo';
import { LogConfig } from './LogConfig';

function appendInfoOf(batches: BatchInfo[], lastOffset: number, validBytes: number, logAppendTime: number): AppendInfo {
  let maxTimestamp = -1;
  let offsetOfMaxTimestamp = -1;
  let numRecords = 0;
  for (const b of batches) {
    if (b.maxTimestamp > maxTimestamp) {
      maxTimestamp = b.maxTimestamp;
      offsetOfMaxTimestamp = b.lastOffset;
    }
    numRecords += b.recordCount;
  }
  return {
    firstOffset: batches[0].baseOffset,
    lastOffset,
    maxTimestamp,
    offsetOfMaxTimestamp,
    logAppendTime,
    numRecords,
    validBytes,
    batches,
    duplicate: false,
  };
}

/**
 * Validates every batch first (nothing modified on error), then assigns offsets from `firstOffset` by patching
 * baseOffset and stamps partitionLeaderEpoch (both outside the CRC). With message.timestamp.type=LogAppendTime
 * each batch also gets the timestamp-type bit and maxTimestamp = `now`, and its CRC is recomputed since both
 * lie inside it (DefaultRecordBatch.setMaxTimestamp); the append's max timestamp is then `now` at the last
 * batch, as LogValidator reports it. `records` is modified in place.
 */
export function validateAndAssignOffsets(
  records: Buffer,
  origin: AppendOrigin,
  firstOffset: number,
  leaderEpoch: number,
  config: LogConfig,
  now: number,
): AppendInfo {
  const batches = validateBatches(records, { maxBatchSize: config.maxMessageBytes, client: origin === 'client' });
  const logAppendTime = config.timestampType === 'LogAppendTime' ? now : -1;
  let offset = firstOffset;
  for (const b of batches) {
    writeInt64(records, b.position + BASE_OFFSET, offset);
    records.writeInt32BE(leaderEpoch, b.position + PARTITION_LEADER_EPOCH);
    b.baseOffset = offset;
    b.lastOffset = offset + b.lastOffsetDelta;
    b.partitionLeaderEpoch = leaderEpoch;
    if (logAppendTime >= 0) {
      setLogAppendTime(records, b.position, b.size, logAppendTime);
      b.attributes |= TIMESTAMP_TYPE_MASK;
      b.maxTimestamp = logAppendTime;
    }
    offset = b.lastOffset + 1;
  }
  return appendInfoOf(batches, offset - 1, records.length, logAppendTime);
}

/**
 * Replicated batches are appended as the leader wrote them (offsets, epochs, timestamps and CRC kept): only
 * the framing and CRC are checked, and offsets must increase from the log end offset `nextOffset`.
 */
export function analyzeReplicatedBatches(records: Buffer, nextOffset: number, topicPartition: string): AppendInfo {
  const batches = validateBatches(records, { client: false });
  let prevLast = nextOffset - 1;
  for (const b of batches) {
    if (b.baseOffset <= prevLast || b.lastOffset < b.baseOffset) {
      throw new KafkaError(
        ErrorCode.UNKNOWN_SERVER_ERROR,
        `Out of order offsets found in append to ${topicPartition}: batch [${b.baseOffset}, ${b.lastOffset}] after offset ${prevLast} (log end offset ${nextOffset})`,
      );
    }
    prevLast = b.lastOffset;
  }
  return appendInfoOf(batches, prevLast, records.length, -1);
}
