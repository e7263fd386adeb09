/**
 * Builds one magic-2 record batch (Kafka's `MemoryRecordsBuilder` + `DefaultRecord.writeTo`), for tests and
 * for batches the broker writes itself (internal topics, later control markers).
 */
import { Writer } from '../Writer';
import { compress } from './compression';
import { crc32c } from './crc32c';
import {
  ATTRIBUTES,
  BASE_OFFSET,
  BASE_SEQUENCE,
  BASE_TIMESTAMP,
  CONTROL_FLAG_MASK,
  COMPRESSION_CODEC_MASK,
  CRC,
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
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  writeInt64,
} from './RecordBatch';

export interface SimpleRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: { key: string; value: Buffer | null }[];
  timestamp: number;
}

interface BuildRecordBatchOptions {
  baseOffset?: number;
  records: SimpleRecord[];
  /** Codec id (CompressionType); default none. */
  compression?: number;
  /** Kafka's defaults: NO_PRODUCER_ID -1, NO_PRODUCER_EPOCH -1, NO_SEQUENCE -1, NO_PARTITION_LEADER_EPOCH -1. */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  partitionLeaderEpoch?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  /** LogAppendTime batch: maxTimestamp is the given append time. */
  logAppendTime?: number;
}

function writeNullableVarBytes(w: Writer, b: Buffer | null): void {
  if (b === null) w.varint(-1);
  else w.varint(b.length).raw(b);
}

/** Kafka's DefaultRecord.writeTo: one record, its length prefix included, with the given deltas. */
export function writeRecord(
  w: Writer,
  offsetDelta: number,
  timestampDelta: number,
  key: Buffer | null,
  value: Buffer | null,
  headers: ReadonlyArray<{ key: string; value: Buffer | null }>,
): void {
  const body = new Writer(64);
  body.int8(0); // record attributes: unused
  body.varlong(timestampDelta);
  body.varint(offsetDelta);
  writeNullableVarBytes(body, key);
  writeNullableVarBytes(body, value);
  body.varint(headers.length);
  for (const h of headers) {
    const k = Buffer.from(h.key, 'utf8');
    body.varint(k.length).raw(k);
    writeNullableVarBytes(body, h.value);
  }
  const bytes = body.toBuffer();
  w.varint(bytes.length).raw(bytes);
}

function encodeRecord(w: Writer, rec: SimpleRecord, offsetDelta: number, baseTimestamp: number): void {
  writeRecord(w, offsetDelta, rec.timestamp - baseTimestamp, rec.key, rec.value, rec.headers ?? []);
}

export function buildRecordBatch(opts: BuildRecordBatchOptions): Buffer {
  const records = opts.records;
  const codec = (opts.compression ?? 0) & COMPRESSION_CODEC_MASK;
  // Kafka's builder takes the first record's timestamp as base (deltas may be negative).
  const baseTimestamp = records.length > 0 ? records[0].timestamp : -1;
  let maxTimestamp = -1;
  for (const r of records) if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
  if (opts.logAppendTime !== undefined) maxTimestamp = opts.logAppendTime;

  const body = new Writer(256);
  records.forEach((r, i) => encodeRecord(body, r, i, baseTimestamp));
  const payload = compress(codec, body.toBuffer());

  let attributes = codec;
  if (opts.logAppendTime !== undefined) attributes |= TIMESTAMP_TYPE_MASK;
  if (opts.isTransactional) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (opts.isControl) attributes |= CONTROL_FLAG_MASK;

  const size = HEADER_SIZE + payload.length;
  const buf = Buffer.allocUnsafe(size);
  writeInt64(buf, BASE_OFFSET, opts.baseOffset ?? 0);
  buf.writeInt32BE(size - LOG_OVERHEAD, LENGTH);
  buf.writeInt32BE(opts.partitionLeaderEpoch ?? -1, PARTITION_LEADER_EPOCH);
  buf.writeInt8(MAGIC_V2, MAGIC);
  buf.writeInt16BE(attributes, ATTRIBUTES);
  buf.writeInt32BE(records.length - 1, LAST_OFFSET_DELTA);
  writeInt64(buf, BASE_TIMESTAMP, baseTimestamp);
  writeInt64(buf, MAX_TIMESTAMP, maxTimestamp);
  writeInt64(buf, PRODUCER_ID, opts.producerId ?? -1);
  buf.writeInt16BE(opts.producerEpoch ?? -1, PRODUCER_EPOCH);
  buf.writeInt32BE(opts.baseSequence ?? -1, BASE_SEQUENCE);
  buf.writeInt32BE(records.length, RECORDS_COUNT);
  payload.copy(buf, HEADER_SIZE);
  buf.writeUInt32BE(crc32c(buf, ATTRIBUTES, size), CRC);
  return buf;
}
