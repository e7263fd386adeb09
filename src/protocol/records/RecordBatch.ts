/**
 * Views over magic-2 record batch bytes (Kafka's `DefaultRecordBatch`), without decoding records.
 *
 * Layout (protocol.md §6.1): baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 |
 * crc uint32 (CRC-32C over bytes 21..end) | attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 |
 * maxTimestamp int64 | producerId int64 | producerEpoch int16 | baseSequence int32 | recordsCount int32 | records.
 * baseOffset and partitionLeaderEpoch lie outside the CRC, so the broker patches them without recomputing it.
 */
import { ErrorCode, KafkaError } from '../errors';
import { ProtocolError, Reader } from '../Reader';
import { crc32c } from './crc32c';
import { decompress } from './compression';

export const BASE_OFFSET = 0;
export const LENGTH = 8;
export const PARTITION_LEADER_EPOCH = 12;
export const MAGIC = 16;
export const CRC = 17;
export const ATTRIBUTES = 21;
export const LAST_OFFSET_DELTA = 23;
export const BASE_TIMESTAMP = 27;
export const MAX_TIMESTAMP = 35;
export const PRODUCER_ID = 43;
export const PRODUCER_EPOCH = 51;
export const BASE_SEQUENCE = 53;
export const RECORDS_COUNT = 57;
export const HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes not counted by batchLength (Kafka's `Records.LOG_OVERHEAD`). */
export const LOG_OVERHEAD = 12;
export const MAGIC_V2 = 2;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

export interface BatchInfo {
  /** Byte position of the batch in the buffer it was read from. */
  position: number;
  /** Whole batch size in bytes (batchLength + 12). */
  size: number;
  baseOffset: number;
  lastOffset: number;
  lastOffsetDelta: number;
  recordCount: number;
  maxTimestamp: number;
  baseTimestamp: number;
  attributes: number;
  compression: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  partitionLeaderEpoch: number;
  isControl: boolean;
  isTransactional: boolean;
}

interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** One decoded record (Kafka's `DefaultRecord`), with absolute offset and timestamp resolved. */
export interface Record {
  offset: number;
  timestamp: number;
  offsetDelta: number;
  timestampDelta: number;
  attributes: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

const TWO_32 = 4294967296;

export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

export function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(v - hi * TWO_32, pos + 4);
}

/** Whole size (batchLength + 12) of the batch at `pos`; caller guarantees 12 readable bytes. */
export function batchSizeAt(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + LENGTH) + LOG_OVERHEAD;
}

/** Last offset of the batch at `pos` (baseOffset + lastOffsetDelta); needs 27 readable bytes. */
export function lastOffsetAt(buf: Buffer, pos: number): number {
  return readInt64(buf, pos) + buf.readInt32BE(pos + LAST_OFFSET_DELTA);
}

/** Decodes the 61-byte header at `pos` (no validation). */
export function readBatchInfo(buf: Buffer, pos: number): BatchInfo {
  const baseOffset = readInt64(buf, pos);
  const attributes = buf.readInt16BE(pos + ATTRIBUTES);
  const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA);
  return {
    position: pos,
    size: buf.readInt32BE(pos + LENGTH) + LOG_OVERHEAD,
    baseOffset,
    lastOffset: baseOffset + lastOffsetDelta,
    lastOffsetDelta,
    recordCount: buf.readInt32BE(pos + RECORDS_COUNT),
    maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP),
    baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP),
    attributes,
    compression: attributes & COMPRESSION_CODEC_MASK,
    producerId: readInt64(buf, pos + PRODUCER_ID),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE),
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH),
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
  };
}

interface ValidateOptions {
  /** Largest accepted whole batch (message.max.bytes); over it -> MESSAGE_TOO_LARGE. */
  maxBatchSize?: number;
  /**
   * Client-origin checks of Kafka's `LogValidator.validateBatch` (default true): offset range vs records
   * count, no control batches, a base sequence when a producer id is set. Replication and recovery skip them.
   */
  client?: boolean;
}

function corrupt(msg: string): KafkaError {
  return new KafkaError(ErrorCode.CORRUPT_MESSAGE, msg);
}

function invalid(msg: string): KafkaError {
  return new KafkaError(ErrorCode.INVALID_RECORD, msg);
}

/**
 * Checks the framing and CRC of the batch at `pos` (Kafka's `DefaultRecordBatch.ensureValid` plus the
 * size checks of `ByteBufferLogInputStream`) and returns its whole size. Throws KafkaError.
 */
export function checkBatchAt(buf: Buffer, pos: number, end: number, maxBatchSize = Infinity): number {
  const remaining = end - pos;
  if (remaining < MAGIC + 1) throw corrupt(`Truncated record batch header at position ${pos}: ${remaining} bytes`);
  const magic = buf.readInt8(pos + MAGIC);
  if (magic !== MAGIC_V2) throw invalid(`Unsupported record batch magic ${magic} at position ${pos} (only magic 2)`);
  const size = buf.readInt32BE(pos + LENGTH) + LOG_OVERHEAD;
  if (size < HEADER_SIZE) throw corrupt(`Record batch size ${size} is smaller than the minimum overhead ${HEADER_SIZE}`);
  if (size > remaining) throw corrupt(`Record batch at position ${pos} is truncated: size ${size}, ${remaining} bytes left`);
  if (size > maxBatchSize) {
    throw new KafkaError(ErrorCode.MESSAGE_TOO_LARGE, `The record batch size ${size} exceeds the maximum configured value of ${maxBatchSize}`);
  }
  const stored = buf.readUInt32BE(pos + CRC);
  const computed = crc32c(buf, pos + ATTRIBUTES, pos + size);
  if (stored !== computed) throw corrupt(`Record is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
  return size;
}

function checkClientBatch(info: BatchInfo): void {
  // Kafka's LogValidator.validateBatch for AppendOrigin.CLIENT (InvalidRecordException -> INVALID_RECORD).
  if (info.lastOffsetDelta < 0) {
    throw invalid(`Batch has an invalid offset range: [${info.baseOffset}, ${info.lastOffset}]`);
  }
  if (info.recordCount <= 0) throw invalid(`Invalid reported count for record batch: ${info.recordCount}`);
  if (info.recordCount !== info.lastOffsetDelta + 1) {
    throw invalid(`Inconsistent batch offset range [${info.baseOffset}, ${info.lastOffset}] and count of records ${info.recordCount}`);
  }
  if (info.isControl) throw invalid('Clients are not allowed to write control records');
  if (info.producerId >= 0 && info.baseSequence < 0) {
    throw invalid(`Invalid sequence number ${info.baseSequence} in record batch with producerId ${info.producerId}`);
  }
}

/**
 * Walks every batch of a produced/replicated record set. Per batch: framing, magic, size limit, CRC and
 * (client origin) count checks. Work is per batch, never per record. Throws KafkaError; nothing is modified.
 */
export function validateBatches(buf: Buffer, opts: ValidateOptions = {}): BatchInfo[] {
  const maxBatchSize = opts.maxBatchSize ?? Infinity;
  const client = opts.client ?? true;
  const out: BatchInfo[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const size = checkBatchAt(buf, pos, buf.length, maxBatchSize);
    const info = readBatchInfo(buf, pos);
    if (client) checkClientBatch(info);
    out.push(info);
    pos += size;
  }
  if (out.length === 0) throw invalid('The record set contains no record batch');
  return out;
}

/**
 * Kafka's DefaultRecordBatch.setMaxTimestamp(LOG_APPEND_TIME, ts): sets the timestamp-type bit and the max
 * timestamp of the batch at `pos` (size `size`) and rewrites its CRC, since both lie inside it. One CRC pass
 * per batch; the records are untouched (their timestamps read as the batch's max timestamp from now on).
 */
export function setLogAppendTime(buf: Buffer, pos: number, size: number, timestamp: number): void {
  const attributes = buf.readInt16BE(pos + ATTRIBUTES);
  if ((attributes & TIMESTAMP_TYPE_MASK) !== 0 && readInt64(buf, pos + MAX_TIMESTAMP) === timestamp) return;
  buf.writeInt16BE(attributes | TIMESTAMP_TYPE_MASK, pos + ATTRIBUTES);
  writeInt64(buf, pos + MAX_TIMESTAMP, timestamp);
  buf.writeUInt32BE(crc32c(buf, pos + ATTRIBUTES, pos + size), pos + CRC);
}

/** Number of complete batches in `buf` (stops at a torn tail; no CRC check). */
export function countBatches(buf: Buffer): number {
  let n = 0;
  let pos = 0;
  while (pos + LOG_OVERHEAD <= buf.length) {
    const size = batchSizeAt(buf, pos);
    if (size < HEADER_SIZE || pos + size > buf.length) break;
    n++;
    pos += size;
  }
  return n;
}

/** Whether any v2 batch in `buf` has the transactional attribute (header reads only; a torn tail ends the scan). */
export function hasTransactionalBatch(buf: Buffer): boolean {
  let pos = 0;
  while (pos + HEADER_SIZE <= buf.length) {
    if (buf.readInt8(pos + MAGIC) === MAGIC_V2 && (buf.readInt16BE(pos + ATTRIBUTES) & TRANSACTIONAL_FLAG_MASK) !== 0) return true;
    const size = batchSizeAt(buf, pos);
    if (size < HEADER_SIZE) return false;
    pos += size;
  }
  return false;
}

function readNullableVarBytes(r: Reader): Buffer | null {
  const len = r.varint();
  return len < 0 ? null : r.raw(len);
}

/**
 * Decodes the records of ONE batch (`batch` starts at the batch's first byte). Off the hot path only:
 * ListOffsets by timestamp, compaction, internal topics, tests. Decompresses when needed.
 */
export function* iterateRecords(batch: Buffer): Generator<Record, void, undefined> {
  if (batch.length < HEADER_SIZE) throw corrupt(`Record batch of ${batch.length} bytes is shorter than its header`);
  const info = readBatchInfo(batch, 0);
  const end = Math.min(info.size, batch.length);
  const data = decompress(info.compression, batch.subarray(HEADER_SIZE, end));
  const logAppendTime = (info.attributes & TIMESTAMP_TYPE_MASK) !== 0;
  const r = new Reader(data);
  for (let i = 0; i < info.recordCount; i++) {
    let record: Record;
    try {
      const length = r.varint();
      const recordEnd = r.offset + length;
      const attributes = r.int8();
      const timestampDelta = r.varlong();
      const offsetDelta = r.varint();
      const key = readNullableVarBytes(r);
      const value = readNullableVarBytes(r);
      const headerCount = r.varint();
      if (headerCount < 0) throw corrupt(`Found invalid number of record headers ${headerCount}`);
      const headers: RecordHeader[] = [];
      for (let h = 0; h < headerCount; h++) {
        const keyLen = r.varint();
        if (keyLen < 0) throw corrupt(`Invalid negative header key size ${keyLen}`);
        headers.push({ key: r.raw(keyLen).toString('utf8'), value: readNullableVarBytes(r) });
      }
      if (r.offset !== recordEnd) {
        throw corrupt(`Invalid record size: expected to read ${length} bytes but read ${length + r.offset - recordEnd}`);
      }
      record = {
        offset: info.baseOffset + offsetDelta,
        // LogAppendTime batches: every record takes the batch's maxTimestamp (Kafka's DefaultRecordBatch).
        timestamp: logAppendTime ? info.maxTimestamp : info.baseTimestamp + timestampDelta,
        offsetDelta,
        timestampDelta,
        attributes,
        key,
        value,
        headers,
      };
    } catch (e) {
      if (e instanceof ProtocolError) throw corrupt(`Record ${i} of batch at offset ${info.baseOffset} is malformed: ${e.message}`);
      throw e;
    }
    yield record;
  }
}
