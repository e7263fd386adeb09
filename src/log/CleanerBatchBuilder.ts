/**
 * Rewrites a batch with only the records the cleaner keeps (Kafka's MemoryRecords.filterTo ->
 * buildRetainedRecordsInto): same baseOffset and lastOffsetDelta (so offsets and producer sequences stay as
 * they were), original offset deltas, same producer fields, leader epoch, codec and flags. When the batch keeps
 * tombstones, KIP-534 stores the delete horizon in baseTimestamp and sets attribute bit 6; record timestamp
 * deltas are then relative to it.
 */
import { Writer } from '../protocol/Writer';
import { compress } from '../protocol/records/compression';
import { crc32c } from '../protocol/records/crc32c';
import { writeRecord } from '../protocol/records/MemoryRecordsBuilder';
import {
  ATTRIBUTES,
  BASE_OFFSET,
  BASE_SEQUENCE,
  BASE_TIMESTAMP,
  BatchInfo,
  CONTROL_FLAG_MASK,
  CRC,
  DELETE_HORIZON_FLAG_MASK,
  HEADER_SIZE,
  LAST_OFFSET_DELTA,
  LENGTH,
  LOG_OVERHEAD,
  MAGIC,
  MAGIC_V2,
  MAX_TIMESTAMP,
  PARTITION_LEADER_EPOCH,
  PRODUCER_EPOCH,
  PRODUCER_ID,
  RECORDS_COUNT,
  Record,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  writeInt64,
} from '../protocol/records/RecordBatch';

/** Kafka's DefaultRecord.writeTo with the record's own offset delta and an explicit timestamp delta. */
function encodeRecord(out: Writer, rec: Record, timestampDelta: number): void {
  writeRecord(out, rec.offsetDelta, timestampDelta, rec.key, rec.value, rec.headers);
}

/**
 * Builds the retained batch. `original` is the header of the batch being filtered, `records` the kept records
 * (non-empty, in offset order), `deleteHorizonMs` the horizon to store (null: none).
 */
export function buildRetainedBatch(original: BatchInfo, records: readonly Record[], deleteHorizonMs: number | null): Buffer {
  const logAppendTime = (original.attributes & TIMESTAMP_TYPE_MASK) !== 0;
  // Record timestamps as stored: LogAppendTime batches keep their deltas (readers use maxTimestamp anyway).
  const stamp = (r: Record): number => (logAppendTime ? original.baseTimestamp + r.timestampDelta : r.timestamp);
  const baseTimestamp = deleteHorizonMs ?? (records.length > 0 ? stamp(records[0]) : -1);
  let maxTimestamp = -1;
  const body = new Writer(1024);
  for (const r of records) {
    const ts = stamp(r);
    if (ts > maxTimestamp) maxTimestamp = ts;
    encodeRecord(body, r, ts - baseTimestamp);
  }
  if (logAppendTime) maxTimestamp = original.maxTimestamp;
  const payload = compress(original.compression, body.toBuffer());
  let attributes = original.attributes & ~DELETE_HORIZON_FLAG_MASK;
  if (deleteHorizonMs !== null) attributes |= DELETE_HORIZON_FLAG_MASK;

  const size = HEADER_SIZE + payload.length;
  const buf = Buffer.allocUnsafe(size);
  writeHeader(buf, original, attributes, baseTimestamp, maxTimestamp, records.length);
  payload.copy(buf, HEADER_SIZE);
  buf.writeUInt32BE(crc32c(buf, ATTRIBUTES, size), CRC);
  return buf;
}

/**
 * Kafka's DefaultRecordBatch.writeEmptyHeader, as MemoryRecords.filterTo writes it for a RETAIN_EMPTY batch whose
 * records all went: the header alone (no records, count 0), same base and last offset, producer id, epoch, base
 * sequence and leader epoch, codec none, the batch's max timestamp as both timestamps, the transactional and control
 * flags kept and no delete horizon. Such a batch keeps a producer's last sequence and epoch in the log.
 */
export function emptyBatchHeader(info: BatchInfo): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE);
  const attributes = info.attributes & (TIMESTAMP_TYPE_MASK | TRANSACTIONAL_FLAG_MASK | CONTROL_FLAG_MASK);
  writeHeader(buf, info, attributes, info.maxTimestamp, info.maxTimestamp, 0);
  buf.writeUInt32BE(crc32c(buf, ATTRIBUTES, HEADER_SIZE), CRC);
  return buf;
}

/** The v2 header fields (all but the CRC) of a rewrite of `original`, for a batch of buf.length bytes. */
function writeHeader(buf: Buffer, original: BatchInfo, attributes: number, baseTimestamp: number, maxTimestamp: number, count: number): void {
  writeInt64(buf, BASE_OFFSET, original.baseOffset);
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, LENGTH);
  buf.writeInt32BE(original.partitionLeaderEpoch, PARTITION_LEADER_EPOCH);
  buf.writeInt8(MAGIC_V2, MAGIC);
  buf.writeInt16BE(attributes, ATTRIBUTES);
  buf.writeInt32BE(original.lastOffsetDelta, LAST_OFFSET_DELTA);
  writeInt64(buf, BASE_TIMESTAMP, baseTimestamp);
  writeInt64(buf, MAX_TIMESTAMP, maxTimestamp);
  writeInt64(buf, PRODUCER_ID, original.producerId);
  buf.writeInt16BE(original.producerEpoch, PRODUCER_EPOCH);
  buf.writeInt32BE(original.baseSequence, BASE_SEQUENCE);
  buf.writeInt32BE(count, RECORDS_COUNT);
}
