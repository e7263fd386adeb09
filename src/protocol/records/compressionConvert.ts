/**
 * The parts of Kafka's `LogValidator` that must look inside a produced batch: a topic whose compression.type
 * is not `producer` recompresses the batch into the target codec (validateMessagesAndAssignOffsetsCompressed
 * with `targetCompression != sourceCompression`), and a compacted topic refuses records without a key
 * ("Compacted topic cannot accept message without key", InvalidRecordException -> INVALID_RECORD).
 * Every other batch passes through untouched: no decompression on the normal produce path.
 */
import { ErrorCode } from '../errors';
import { buildRecordBatch } from './MemoryRecordsBuilder';
import { RecordError, recordValidationError } from './RecordValidationError';
import { COMPRESSION_CODEC_MASK, Record, TIMESTAMP_TYPE_MASK, checkBatchAt, iterateRecords, readBatchInfo } from './RecordBatch';

interface ProducedBatchPolicy {
  /** Codec the topic requires (compression.type), or null for `producer` (keep the client's codec). */
  targetCodec: number | null;
  /** cleanup.policy contains `compact`. */
  compacted: boolean;
  /** `<topic>-<partition>`, for error messages. */
  topicPartition: string;
}

/** True when convertProducedBatch would have to decode the batch (cheap header check). */
function needsConversion(batch: Buffer, policy: ProducedBatchPolicy): boolean {
  if (policy.compacted) return true;
  if (policy.targetCodec === null || batch.length < 23) return false;
  return (batch.readInt16BE(21) & COMPRESSION_CODEC_MASK) !== policy.targetCodec;
}

/**
 * Returns the batch to append: `batch` itself when nothing changes, else a new batch in the target codec
 * with the same producer fields, flags and timestamps (offset deltas 0..n-1, as clients write them).
 * Throws KafkaError (CORRUPT_MESSAGE for a bad CRC); a compacted topic's keyless records are all reported, each
 * with its index in the batch, as LogValidator.validateKey does (RecordValidationError, INVALID_RECORD).
 */
export function convertProducedBatch(batch: Buffer, policy: ProducedBatchPolicy): Buffer {
  if (!needsConversion(batch, policy)) return batch;
  // Never re-encode bytes whose CRC is wrong: the recompressed batch would carry a fresh, valid CRC.
  checkBatchAt(batch, 0, batch.length);
  const info = readBatchInfo(batch, 0);
  const records: Record[] = [];
  const errors: Array<RecordError & { code: number }> = [];
  for (const r of iterateRecords(batch)) {
    if (policy.compacted && r.key === null) {
      errors.push({
        code: ErrorCode.INVALID_RECORD,
        batchIndex: records.length,
        message: `Compacted topic cannot accept message without key in topic partition ${policy.topicPartition}`,
      });
    }
    records.push(r);
  }
  if (errors.length > 0) throw recordValidationError(errors);
  const target = policy.targetCodec ?? info.compression;
  if (target === info.compression) return batch;
  const logAppendTime = (info.attributes & TIMESTAMP_TYPE_MASK) !== 0;
  return buildRecordBatch({
    baseOffset: info.baseOffset,
    records: records.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: logAppendTime ? info.baseTimestamp + r.timestampDelta : r.timestamp,
    })),
    compression: target,
    producerId: info.producerId,
    producerEpoch: info.producerEpoch,
    baseSequence: info.baseSequence,
    partitionLeaderEpoch: info.partitionLeaderEpoch,
    isTransactional: info.isTransactional,
    isControl: info.isControl,
    logAppendTime: logAppendTime ? info.maxTimestamp : undefined,
  });
}
