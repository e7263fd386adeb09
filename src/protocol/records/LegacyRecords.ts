/**
 * Message formats v0 and v1 (magic 0/1, Kafka's LegacyRecord and AbstractLegacyRecordBatch), which Produce v0-2
 * and Fetch v0-3 carry. Since IBP 3.0 Kafka stores only record batch v2, so the broker converts:
 * - up, on a leader append (LogValidator.convertAndAssignOffsetsNonCompressed /
 *   validateMessagesAndAssignOffsetsCompressed with toMagic 2), see convertLegacyToV2;
 * - down, when an old consumer fetches (RecordsUtil.downConvert behind LazyDownConversionRecords), see downConvert.
 *
 * A shallow entry (one message, or a compressed wrapper message whose value holds the inner message set):
 *   offset int64 | size int32 | crc uint32 (CRC-32 of magic..end) | magic int8 | attributes int8 |
 *   timestamp int64 (v1 only) | key bytes (int32 length, -1 = null) | value bytes
 * attributes: bits 0-2 codec (none, gzip, snappy, lz4; no zstd before v2), bit 3 (v1) LogAppendTime.
 * Inner offsets of a compressed v1 wrapper are relative (0..n-1, the wrapper carries the last absolute offset);
 * magic 0 writes absolute inner offsets. LZ4 with magic 0 uses Kafka's old framing whose header checksum wrongly
 * covers the frame magic too (KafkaLZ4BlockInputStream/OutputStream, useBrokenFlagDescriptorChecksum).
 */
import * as zlib from 'zlib';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { ErrorCode, KafkaError } from '../errors';
import { CompressionType, compressionName, decompress } from './compression';
import { buildRecordBatch } from './MemoryRecordsBuilder';
import {
  CONTROL_FLAG_MASK,
  HEADER_SIZE,
  LOG_OVERHEAD,
  MAGIC,
  MAGIC_V2,
  TIMESTAMP_TYPE_MASK,
  iterateRecords,
  readBatchInfo,
  readInt64,
  writeInt64,
} from './RecordBatch';
import { RecordError, recordValidationError } from './RecordValidationError';
import { snappyCompress, snappyDecompress } from './compressionSnappy';
import { xxhash32 } from './xxhash32';

export const MAGIC_V0 = 0;
export const MAGIC_V1 = 1;

// Positions inside a shallow entry.
const SIZE = 8;
const CRC = 12;
const ATTRIBUTES = 17;
const TIMESTAMP_V1 = 18;
/** LegacyRecord.RECORD_OVERHEAD_V0 / V1: crc, magic, attributes, (timestamp), key and value lengths. */
const RECORD_OVERHEAD_V0 = 14;
const RECORD_OVERHEAD_V1 = 22;
const CODEC_MASK = 0x07;
const NO_TIMESTAMP = -1;

export function recordOverhead(magic: number): number {
  return magic === MAGIC_V0 ? RECORD_OVERHEAD_V0 : RECORD_OVERHEAD_V1;
}

/** One message of a v0/v1 message set, shallow (a wrapper) or inner. */
export interface LegacyMessage {
  offset: number;
  magic: number;
  attributes: number;
  /** NO_TIMESTAMP (-1) for magic 0. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Whole entry, offset and size included. */
  size: number;
  storedCrc: number;
  computedCrc: number;
}

/** The magic byte of the first entry of a record set (same position in a v2 batch), or -1 when too short. */
export function firstMagic(records: Buffer): number {
  return records.length > MAGIC ? records.readInt8(MAGIC) : -1;
}

function corrupt(msg: string): KafkaError {
  return new KafkaError(ErrorCode.CORRUPT_MESSAGE, msg);
}

function invalid(msg: string): KafkaError {
  return new KafkaError(ErrorCode.INVALID_RECORD, msg);
}

function readBytes(buf: Buffer, pos: number, end: number): { value: Buffer | null; next: number } {
  if (pos + 4 > end) throw corrupt('Message is truncated: no room for a length field');
  const len = buf.readInt32BE(pos);
  if (len < 0) return { value: null, next: pos + 4 };
  if (pos + 4 + len > end) throw corrupt(`Message field of ${len} bytes overruns the message`);
  return { value: buf.subarray(pos + 4, pos + 4 + len), next: pos + 4 + len };
}

/** Decodes the entry at `pos` whose whole size (12 + size field) fits in `buf`; the CRC is computed, not checked. */
function readMessage(buf: Buffer, pos: number): LegacyMessage {
  const size = buf.readInt32BE(pos + SIZE) + LOG_OVERHEAD;
  const end = pos + size;
  const magic = buf.readInt8(pos + MAGIC);
  const attributes = buf.readInt8(pos + ATTRIBUTES);
  let at = pos + TIMESTAMP_V1;
  let timestamp = NO_TIMESTAMP;
  if (magic === MAGIC_V1) {
    if (at + 8 > end) throw corrupt('Message is truncated before its timestamp');
    timestamp = readInt64(buf, at);
    at += 8;
  }
  const key = readBytes(buf, at, end);
  const value = readBytes(buf, key.next, end);
  return {
    offset: readInt64(buf, pos),
    magic,
    attributes,
    timestamp,
    key: key.value,
    value: value.value,
    size,
    storedCrc: buf.readUInt32BE(pos + CRC),
    computedCrc: zlib.crc32(buf.subarray(pos + MAGIC, end)),
  };
}

/**
 * The shallow entries of a message set, as ByteBufferLogInputStream yields them: an entry smaller than the
 * minimum overhead is corrupt; a truncated last entry is dropped (a fetch may end inside a message).
 */
export function shallowEntries(buf: Buffer): Array<{ position: number; size: number; magic: number }> {
  const out: Array<{ position: number; size: number; magic: number }> = [];
  let pos = 0;
  while (pos + LOG_OVERHEAD <= buf.length) {
    const recordSize = buf.readInt32BE(pos + SIZE);
    if (recordSize < RECORD_OVERHEAD_V0) throw corrupt(`Record size ${recordSize} is less than the minimum record overhead (${RECORD_OVERHEAD_V0})`);
    const size = recordSize + LOG_OVERHEAD;
    if (pos + size > buf.length) break;
    out.push({ position: pos, size, magic: buf.readInt8(pos + MAGIC) });
    pos += size;
  }
  return out;
}

// ---------------------------------------------------------------- compression of wrapper messages

/** LZ4 frame header checksum: xxh32 of the descriptor (from FLG), or with the old Kafka bug from the frame magic. */
function lz4HeaderChecksum(frame: Buffer, broken: boolean): { at: number; value: number } {
  if (frame.length < 7 || frame.readUInt32LE(0) !== 0x184d2204) throw corrupt('Invalid LZ4 frame: bad magic');
  const flg = frame[4];
  // FLG bit 3: content size (8 bytes) follows BD; bit 0: dictionary id (4 bytes).
  const at = 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0);
  if (frame.length <= at) throw corrupt('Invalid LZ4 frame: truncated header');
  return { at, value: (xxhash32(frame.subarray(broken ? 0 : 4, at)) >>> 8) & 0xff };
}

/** Decompresses the value of a wrapper message (Kafka's legacy wrapForInput). */
function decompressWrapper(codec: number, magic: number, data: Buffer): Buffer {
  try {
    switch (codec) {
      case CompressionType.GZIP:
        return zlib.gunzipSync(data);
      case CompressionType.SNAPPY:
        return snappyDecompress(data);
      case CompressionType.LZ4: {
        const hc = lz4HeaderChecksum(data, magic === MAGIC_V0);
        if (data[hc.at] !== hc.value) throw new Error('Stream frame descriptor corrupted');
        const fixed = Buffer.from(data);
        fixed[hc.at] = lz4HeaderChecksum(data, false).value;
        return decompressFrameSync(fixed);
      }
      default:
        return decompress(codec, data);
    }
  } catch (e) {
    if (e instanceof KafkaError) throw e;
    throw corrupt(`Invalid ${compressionName(codec)} data in a magic ${magic} wrapper message: ${(e as Error).message}`);
  }
}

/** Compresses an inner message set as Kafka's legacy wrapForOutput: xerial snappy, LZ4 frame (old checksum for magic 0). */
function compressWrapper(codec: number, magic: number, data: Buffer): Buffer {
  switch (codec) {
    case CompressionType.GZIP:
      return zlib.gzipSync(data);
    case CompressionType.SNAPPY:
      return snappyCompress(data);
    case CompressionType.LZ4: {
      const frame = compressFrameSync(data);
      if (magic === MAGIC_V0) {
        const hc = lz4HeaderChecksum(frame, true);
        frame[hc.at] = hc.value;
      }
      return frame;
    }
    default:
      throw new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `Compression ${compressionName(codec)} is not supported by message format v${magic}`);
  }
}

/** The inner messages of a compressed wrapper, with the timestamps and absolute offsets Kafka gives them. */
export function innerMessages(wrapper: LegacyMessage): LegacyMessage[] {
  const codec = wrapper.attributes & CODEC_MASK;
  if (wrapper.value === null) return [];
  const data = decompressWrapper(codec, wrapper.magic, wrapper.value);
  const out: LegacyMessage[] = [];
  for (const e of shallowEntries(data)) {
    const m = readMessage(data, e.position);
    // AbstractLegacyRecordBatch: a v1 wrapper with LogAppendTime gives its timestamp to every inner message.
    if (wrapper.magic === MAGIC_V1 && (wrapper.attributes & TIMESTAMP_TYPE_MASK) !== 0) m.timestamp = wrapper.timestamp;
    out.push(m);
  }
  // Magic 1 inner offsets are relative; the wrapper holds the absolute offset of the last one.
  if (wrapper.magic === MAGIC_V1 && out.length > 0) {
    const last = out[out.length - 1].offset;
    for (const m of out) m.offset = wrapper.offset - last + m.offset;
  }
  return out;
}

/** Every message of a v0/v1 message set, compressed wrappers opened (for tests and tools). */
export function readLegacyMessages(buf: Buffer): LegacyMessage[] {
  const out: LegacyMessage[] = [];
  for (const e of shallowEntries(buf)) {
    const m = readMessage(buf, e.position);
    if ((m.attributes & CODEC_MASK) === CompressionType.NONE) out.push(m);
    else out.push(...innerMessages(m));
  }
  return out;
}

// ---------------------------------------------------------------- writing

/** LegacyRecord.write (with AbstractLegacyRecordBatch.writeHeader): one entry. */
export function writeLegacyMessage(magic: number, offset: number, timestamp: number, key: Buffer | null, value: Buffer | null, attributes: number): Buffer {
  const size = LOG_OVERHEAD + recordOverhead(magic) + (key?.length ?? 0) + (value?.length ?? 0);
  const buf = Buffer.alloc(size);
  writeInt64(buf, 0, offset);
  buf.writeInt32BE(size - LOG_OVERHEAD, SIZE);
  buf.writeInt8(magic, MAGIC);
  buf.writeInt8(attributes, ATTRIBUTES);
  let at = ATTRIBUTES + 1;
  if (magic === MAGIC_V1) {
    writeInt64(buf, at, timestamp);
    at += 8;
  }
  for (const b of [key, value]) {
    if (b === null) {
      buf.writeInt32BE(-1, at);
      at += 4;
    } else {
      buf.writeInt32BE(b.length, at);
      b.copy(buf, at + 4);
      at += 4 + b.length;
    }
  }
  buf.writeUInt32BE(zlib.crc32(buf.subarray(MAGIC)), CRC);
  return buf;
}

export interface LegacyRecordInput {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * MemoryRecordsBuilder for magic 0/1: uncompressed, one entry per record; compressed, one wrapper whose offset is
 * the last record's and whose timestamp (v1) is the max timestamp (CreateTime) or the log append time.
 */
export function buildLegacyMessageSet(magic: number, codec: number, records: LegacyRecordInput[], logAppendTime: boolean): Buffer {
  const tsBit = magic === MAGIC_V1 && logAppendTime ? TIMESTAMP_TYPE_MASK : 0;
  if (records.length === 0) return Buffer.alloc(0);
  if (codec === CompressionType.NONE) {
    return Buffer.concat(records.map((r) => writeLegacyMessage(magic, r.offset, r.timestamp, r.key, r.value, tsBit)));
  }
  const baseOffset = records[0].offset;
  const inner = Buffer.concat(
    records.map((r) => writeLegacyMessage(magic, magic === MAGIC_V1 ? r.offset - baseOffset : r.offset, r.timestamp, r.key, r.value, tsBit)),
  );
  let maxTimestamp = NO_TIMESTAMP;
  for (const r of records) if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
  const last = records[records.length - 1];
  return writeLegacyMessage(magic, last.offset, maxTimestamp, null, compressWrapper(codec, magic, inner), codec | tsBit);
}

// ---------------------------------------------------------------- up-conversion (produce v0-2)

interface UpConvertPolicy {
  /** message.max.bytes: larger shallow entries -> MESSAGE_TOO_LARGE. */
  maxMessageSize: number;
  /** message.timestamp.type of the topic. */
  timestampType: 'CreateTime' | 'LogAppendTime';
  /** cleanup.policy contains compact: keyless records are refused. */
  compacted: boolean;
  topicPartition: string;
}

/**
 * Converts a produced v0/v1 message set into ONE magic-2 batch (offsets 0..n-1, no producer id), as Kafka 3.7's
 * leader does since the log only holds v2 (message format v2 forced from IBP 3.0). Checks, in Kafka's order:
 * - every shallow entry: size vs message.max.bytes (MESSAGE_TOO_LARGE), CRC (CORRUPT_MESSAGE)
 *   (UnifiedLog.analyzeAndValidateRecords);
 * - all entries have the first one's magic; a compressed set has exactly one wrapper (INVALID_RECORD);
 * - each record (LogValidator.validateRecord): inner magic = wrapper magic, inner CRC of a compressed wrapper
 *   (CORRUPT_MESSAGE), no nested compression, key on a compacted topic, "Producer should not set timestamp type
 *   to LogAppendTime" (per-record errors, RecordValidationError).
 * Timestamps: v1 keeps the producer's, v0 has none (NO_TIMESTAMP); a LogAppendTime topic's stamp is applied by
 * the normal append path afterwards. The batch keeps the wrapper's codec; a topic compression.type recompresses
 * later (convertProducedBatch). A set without one whole message is INVALID_RECORD, as an empty v2 append is here.
 */
export function convertLegacyToV2(records: Buffer, policy: UpConvertPolicy): Buffer {
  const tp = policy.topicPartition;
  const entries = shallowEntries(records);
  if (entries.length === 0) throw invalid('The record set contains no record batch');
  const shallow: LegacyMessage[] = [];
  let sourceCodec: number = CompressionType.NONE;
  for (const e of entries) {
    if (e.size > policy.maxMessageSize) {
      throw new KafkaError(
        ErrorCode.MESSAGE_TOO_LARGE,
        `The record batch size in the append to ${tp} is ${e.size} bytes which exceeds the maximum configured value of ${policy.maxMessageSize}.`,
      );
    }
    if (e.magic !== MAGIC_V0 && e.magic !== MAGIC_V1) {
      throw invalid(`Batch magic ${e.magic} is not the same as the first batch's magic byte ${entries[0].magic} in topic partition ${tp}`);
    }
    const m = readMessage(records, e.position);
    if (m.storedCrc !== m.computedCrc) throw corrupt(`Record is corrupt (stored crc = ${m.storedCrc}) in topic partition ${tp}.`);
    if ((m.attributes & CODEC_MASK) !== CompressionType.NONE) sourceCodec = m.attributes & CODEC_MASK;
    shallow.push(m);
  }
  const first = shallow[0];
  for (const m of shallow) {
    if (m.magic !== first.magic)
      throw invalid(`Batch magic ${m.magic} is not the same as the first batch's magic byte ${first.magic} in topic partition ${tp}`);
  }
  if (sourceCodec !== CompressionType.NONE && shallow.length > 1) throw invalid('Compressed outer record has more than one batch');
  if (sourceCodec === CompressionType.ZSTD || sourceCodec > CompressionType.ZSTD) {
    throw new KafkaError(
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
      `Compression ${compressionName(sourceCodec)} is not supported by message format v${first.magic}`,
    );
  }

  const out: LegacyMessage[] = [];
  const errors: Array<RecordError & { code: number }> = [];
  // Per shallow entry ("batch"): its records and their index inside it; errors fail the append after each batch.
  const batches: Array<{ wrapper: LegacyMessage; records: LegacyMessage[] }> =
    sourceCodec === CompressionType.NONE ? shallow.map((m) => ({ wrapper: m, records: [m] })) : [{ wrapper: first, records: innerMessages(first) }];
  for (const b of batches) {
    const wrapperLogAppendTime = b.wrapper.magic === MAGIC_V1 && (b.wrapper.attributes & TIMESTAMP_TYPE_MASK) !== 0;
    b.records.forEach((r, index) => {
      const error = (code: number, message: string) => errors.push({ code, batchIndex: index, message });
      if (r.magic !== b.wrapper.magic) {
        return error(ErrorCode.INVALID_RECORD, `Record ${describe(r)}'s magic does not match outer magic ${b.wrapper.magic} in topic partition ${tp}`);
      }
      if (sourceCodec !== CompressionType.NONE) {
        if (r.storedCrc !== r.computedCrc) {
          throw corrupt(`Record is corrupt (stored crc = ${r.storedCrc}, computed crc = ${r.computedCrc}) in topic partition ${tp}`);
        }
        if ((r.attributes & CODEC_MASK) !== CompressionType.NONE) {
          return error(ErrorCode.INVALID_RECORD, `Compressed outer record should not have an inner record with a compression attribute set: ${describe(r)}`);
        }
      }
      if (policy.compacted && r.key === null)
        return error(ErrorCode.INVALID_RECORD, `Compacted topic cannot accept message without key in topic partition ${tp}`);
      // LogValidator.validateTimestamp (no message.timestamp.before/after.max.ms limits here: both default to Long.MAX).
      if (!(policy.timestampType === 'CreateTime' && r.timestamp !== NO_TIMESTAMP) && wrapperLogAppendTime) {
        return error(ErrorCode.INVALID_TIMESTAMP, `Invalid timestamp type in message ${describe(r)}. Producer should not set timestamp type to LogAppendTime.`);
      }
      out.push(r);
    });
    if (errors.length > 0) throw recordValidationError(errors);
  }
  return buildRecordBatch({
    baseOffset: 0,
    compression: sourceCodec,
    records: out.map((r) => ({ key: r.key, value: r.value, timestamp: r.magic === MAGIC_V0 ? NO_TIMESTAMP : r.timestamp })),
  });
}

/** LegacyRecord.toString, as Kafka's messages quote it. */
function describe(m: LegacyMessage): string {
  const ts = m.magic === MAGIC_V1 ? `, ${(m.attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 'LogAppendTime' : 'CreateTime'}=${m.timestamp}` : '';
  return `Record(magic=${m.magic}, attributes=${m.attributes}, compression=${compressionName(m.attributes & CODEC_MASK).toUpperCase()}, crc=${m.storedCrc}${ts}, key=${m.key?.length ?? 0} bytes, value=${m.value?.length ?? 0} bytes)`;
}

// ---------------------------------------------------------------- down-conversion (fetch v0-3)

/**
 * RecordsUtil.downConvert: stored magic-2 batches as message format `toMagic` for Fetch v0-1 (magic 0) and v2-3
 * (magic 1). Control batches are dropped; records keep their offsets; an uncompressed batch becomes one message
 * per record, skipping records below the fetch offset; a compressed batch becomes one wrapper message in the same
 * codec; headers are dropped (v0/v1 have none). LogAppendTime batches are stamped with the conversion time, as
 * Kafka's MemoryRecords.builder(..., LOG_APPEND_TIME, ...) does. Only whole messages are returned, at most
 * `maxBytes` of them once the first one is in (LazyDownConversionRecordsSend sends the first batch whole).
 * Zstd batches cannot be converted (the caller answers UNSUPPORTED_COMPRESSION_TYPE first).
 */
export function downConvert(chunks: Buffer[], toMagic: number, fetchOffset: number, maxBytes = Infinity, now = Date.now()): Buffer {
  const data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  const out: Buffer[] = [];
  let size = 0;
  let pos = 0;
  while (pos + LOG_OVERHEAD <= data.length) {
    const batchSize = data.readInt32BE(pos + SIZE) + LOG_OVERHEAD;
    if (batchSize < LOG_OVERHEAD + RECORD_OVERHEAD_V0 || pos + batchSize > data.length) break;
    const batch = data.subarray(pos, pos + batchSize);
    pos += batchSize;
    const magic = batch.readInt8(MAGIC);
    let converted: Buffer;
    if (magic <= toMagic) {
      converted = batch;
    } else {
      if (magic !== MAGIC_V2 || batchSize < HEADER_SIZE) break;
      const info = readBatchInfo(batch, 0);
      if ((info.attributes & CONTROL_FLAG_MASK) !== 0) continue;
      const logAppendTime = (info.attributes & TIMESTAMP_TYPE_MASK) !== 0;
      const records: LegacyRecordInput[] = [];
      for (const r of iterateRecords(batch)) {
        if (info.compression !== CompressionType.NONE || r.offset >= fetchOffset) {
          records.push({ offset: r.offset, timestamp: logAppendTime ? now : r.timestamp, key: r.key, value: r.value });
        }
      }
      if (records.length === 0) continue;
      converted = buildLegacyMessageSet(toMagic, info.compression, records, logAppendTime);
    }
    if (out.length > 0 && size + converted.length > maxBytes) break;
    out.push(converted);
    size += converted.length;
  }
  return out.length === 1 ? out[0] : Buffer.concat(out);
}
