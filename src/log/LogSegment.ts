/**
 * One segment of a partition's log (Kafka's `LogSegment` over `FileRecords`): the `.log` file of whole record
 * batches plus its sparse `.index` and `.timeindex`. Files are named after the base offset, zero-padded to 20
 * digits. I/O is synchronous and positional on fds kept open: the OS page cache is the cache, as in Kafka.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ErrorCode, KafkaError } from '../protocol/errors';
import {
  HEADER_SIZE,
  LOG_OVERHEAD,
  MAX_TIMESTAMP,
  batchSizeAt,
  checkBatchAt,
  iterateRecords,
  lastOffsetAt,
  readInt64,
} from '../protocol/records/RecordBatch';
import { getLogger } from '../common/logger';
import { OffsetIndex } from './OffsetIndex';
import { NO_TIMESTAMP, TimeIndex, TimestampOffset } from './TimeIndex';

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';

/** Kafka's `LogFileUtils.filenamePrefixFromOffset`: 20 digits, zero-padded. */
export function filenamePrefixFromOffset(offset: number): string {
  return String(offset).padStart(20, '0');
}

export interface SegmentReadResult {
  /** Whole batches (possibly empty). */
  records: Buffer;
  /** Base offset of the first returned batch (or of the batch that did not fit). */
  firstOffset: number;
  /** lastOffset + 1 of the last returned batch; firstOffset when nothing was returned. */
  nextOffset: number;
  /** Position of the first batch in the segment file. */
  position: number;
  /** True when the read consumed the segment up to its end: the caller may continue with the next segment. */
  reachedEnd: boolean;
}

export interface RollParams {
  maxSegmentBytes: number;
  maxSegmentMs: number;
  messagesSize: number;
  maxTimestampInMessages: number;
  maxOffsetInMessages: number;
  now: number;
}

/** Bytes needed to read baseOffset, length, magic and lastOffsetDelta. */
const PEEK = 27;
const SCAN_CHUNK = 1 << 20;
const logger = getLogger('kafka.log.LogSegment');

interface BatchRef {
  buf: Buffer;
  off: number;
  pos: number;
  size: number;
}

export class LogSegment {
  private fd: number;
  private _size: number;
  private bytesSinceLastIndexEntry = 0;
  private maxTs: TimestampOffset | null = null; // null: load lazily from the time index
  private rollingBasedTimestamp: number | null | undefined = undefined; // undefined: not loaded yet
  private created: number;
  private dirty = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    readonly indexIntervalBytes: number,
    private readonly time: () => number,
    fresh: boolean,
  ) {
    const file = path.join(dir, filenamePrefixFromOffset(baseOffset) + LOG_FILE_SUFFIX);
    this.fd = fs.openSync(file, fresh ? 'w+' : 'r+');
    this._size = fs.fstatSync(this.fd).size;
    this.created = time();
  }

  /** Opens (or, when `fileAlreadyExists` is false, creates afresh) the segment with base offset `baseOffset`. */
  static open(
    dir: string,
    baseOffset: number,
    cfg: { indexIntervalBytes: number; maxIndexSize: number },
    time: () => number,
    fileAlreadyExists: boolean,
  ): LogSegment {
    const prefix = path.join(dir, filenamePrefixFromOffset(baseOffset));
    if (!fileAlreadyExists) {
      // A stale index left behind for this offset would be taken as valid: remove it (Kafka's LocalLog.roll).
      fs.rmSync(prefix + INDEX_FILE_SUFFIX, { force: true });
      fs.rmSync(prefix + TIME_INDEX_FILE_SUFFIX, { force: true });
    }
    const offsetIndex = new OffsetIndex(prefix + INDEX_FILE_SUFFIX, baseOffset, cfg.maxIndexSize);
    const timeIndex = new TimeIndex(prefix + TIME_INDEX_FILE_SUFFIX, baseOffset, cfg.maxIndexSize);
    return new LogSegment(dir, baseOffset, offsetIndex, timeIndex, cfg.indexIntervalBytes, time, !fileAlreadyExists);
  }

  get logFile(): string {
    return path.join(this.dir, filenamePrefixFromOffset(this.baseOffset) + LOG_FILE_SUFFIX);
  }
  get size(): number {
    return this._size;
  }
  private get maxTimestampAndOffsetSoFar(): TimestampOffset {
    if (this.maxTs === null) this.maxTs = this.timeIndex.lastEntry;
    return this.maxTs;
  }
  /** Largest batch max timestamp in the segment (NO_TIMESTAMP when none). */
  get maxTimestampSoFar(): number {
    return this.maxTimestampAndOffsetSoFar.timestamp;
  }
  /** Last offset of the batch holding maxTimestampSoFar. */
  get offsetOfMaxTimestampSoFar(): number {
    return this.maxTimestampAndOffsetSoFar.offset;
  }

  canConvertToRelativeOffset(offset: number): boolean {
    return this.offsetIndex.canAppendOffset(offset);
  }

  /** Kafka's LogSegment.shouldRoll. */
  shouldRoll(p: RollParams): boolean {
    const reachedRollMs = this.timeWaitedForRoll(p.now, p.maxTimestampInMessages) > p.maxSegmentMs;
    return (
      this._size > p.maxSegmentBytes - p.messagesSize ||
      (this._size > 0 && reachedRollMs) ||
      this.offsetIndex.isFull() ||
      this.timeIndex.isFull() ||
      !this.canConvertToRelativeOffset(p.maxOffsetInMessages)
    );
  }

  /** Age of the segment by record time (first batch's max timestamp) when known, else by creation time. */
  private timeWaitedForRoll(now: number, messageTimestamp: number): number {
    if (this.rollingBasedTimestamp === undefined) {
      this.rollingBasedTimestamp = null;
      if (this._size >= HEADER_SIZE) this.rollingBasedTimestamp = readInt64(this.readAt(0, HEADER_SIZE), MAX_TIMESTAMP);
    }
    const t = this.rollingBasedTimestamp;
    return t !== null && t >= 0 ? messageTimestamp - t : now - this.created;
  }

  /**
   * Appends already validated batches with one positional write, then updates the sparse indexes per batch:
   * an offset index entry (batch last offset, batch position) whenever more than indexIntervalBytes were
   * written since the previous one, with a time index entry when the max timestamp grew.
   */
  append(largestOffset: number, largestTimestamp: number, offsetOfMaxTimestamp: number, records: Buffer): void {
    if (records.length === 0) return;
    if (!this.canConvertToRelativeOffset(largestOffset)) {
      throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `Offset ${largestOffset} does not fit in segment ${this.baseOffset}`);
    }
    const start = this._size;
    const saved = { maxTs: this.maxTs, bytes: this.bytesSinceLastIndexEntry, rolling: this.rollingBasedTimestamp };
    try {
      if (start === 0) this.rollingBasedTimestamp = largestTimestamp;
      writeFully(this.fd, records, start);
      this._size += records.length;
      this.dirty = true;
      let pos = 0;
      while (pos < records.length) {
        const size = batchSizeAt(records, pos);
        const lastOffset = lastOffsetAt(records, pos);
        const batchMaxTs = readInt64(records, pos + MAX_TIMESTAMP);
        if (batchMaxTs > this.maxTimestampSoFar) this.maxTs = { timestamp: batchMaxTs, offset: lastOffset };
        if (this.bytesSinceLastIndexEntry > this.indexIntervalBytes) {
          this.offsetIndex.append(lastOffset, start + pos);
          this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
          this.bytesSinceLastIndexEntry = 0;
        }
        this.bytesSinceLastIndexEntry += size;
        pos += size;
      }
      if (largestTimestamp > this.maxTimestampSoFar) this.maxTs = { timestamp: largestTimestamp, offset: offsetOfMaxTimestamp };
    } catch (e) {
      // A failed write (ENOSPC, EIO) may have left part of the batch in the file: cut it off and forget index
      // entries of this append, so the segment ends with the last complete batch (the caller takes the dir offline).
      try {
        fs.ftruncateSync(this.fd, start);
      } catch (e2) {
        logger.error(`Could not truncate ${this.logFile} back to ${start} bytes after a failed append`, e2);
      }
      this._size = start;
      const firstOffset = readInt64(records, 0);
      this.offsetIndex.truncateTo(firstOffset);
      this.timeIndex.truncateTo(firstOffset);
      this.maxTs = saved.maxTs;
      this.bytesSinceLastIndexEntry = saved.bytes;
      this.rollingBasedTimestamp = saved.rolling;
      throw e;
    }
  }

  /**
   * Whole batches from the first batch whose lastOffset >= startOffset, all below `maxPosition`, stopping
   * before the first batch whose lastOffset >= maxOffsetExclusive and before exceeding maxSize (except the
   * first batch when minOneMessage). Null when no batch of this segment has lastOffset >= startOffset.
   * Usually one positional read: the span from the index entry is read together with the data.
   */
  read(
    startOffset: number,
    maxSize: number,
    maxPosition = this._size,
    minOneMessage = false,
    maxOffsetExclusive = Number.MAX_SAFE_INTEGER,
  ): SegmentReadResult | null {
    const end = Math.min(maxPosition, this._size);
    let pos = this.offsetIndex.lookup(startOffset).position;
    const chunkLen = Math.max(maxSize, 16384) + this.indexIntervalBytes + 16384;
    let chunk = Buffer.alloc(0);
    let chunkStart = pos;
    let firstSize: number;
    let firstBase: number;
    for (;;) {
      if (pos + PEEK > end) return null;
      let rel = pos - chunkStart;
      if (rel + PEEK > chunk.length) {
        chunk = this.readAt(pos, Math.min(end - pos, chunkLen));
        chunkStart = pos;
        rel = 0;
      }
      const size = batchSizeAt(chunk, rel);
      if (lastOffsetAt(chunk, rel) >= startOffset) {
        firstSize = size;
        firstBase = readInt64(chunk, rel);
        break;
      }
      pos += size;
    }
    const empty = (reachedEnd: boolean): SegmentReadResult => ({
      records: Buffer.alloc(0), firstOffset: firstBase, nextOffset: firstBase, position: pos, reachedEnd,
    });
    const budget = minOneMessage ? Math.max(maxSize, firstSize) : maxSize;
    if (pos + firstSize > end) return empty(false);
    if (firstSize > budget) return empty(false);
    const limit = Math.min(end, pos + budget);
    const data = chunkStart <= pos && chunkStart + chunk.length >= limit
      ? chunk.subarray(pos - chunkStart, limit - chunkStart)
      : this.readAt(pos, limit - pos);
    let q = 0;
    let nextOffset = firstBase;
    let stoppedByOffset = false;
    while (q + PEEK <= data.length) {
      const size = batchSizeAt(data, q);
      if (q + size > data.length) break;
      const last = lastOffsetAt(data, q);
      if (last >= maxOffsetExclusive) {
        stoppedByOffset = true;
        break;
      }
      nextOffset = last + 1;
      q += size;
    }
    return {
      records: data.subarray(0, q),
      firstOffset: firstBase,
      nextOffset,
      position: pos,
      reachedEnd: !stoppedByOffset && pos + q >= this._size,
    };
  }

  /** Offset after the last batch (Kafka's readNextOffset), read from the last index entry on. */
  readNextOffset(): number {
    let next = this.baseOffset;
    for (const b of this.batchesFrom(this.offsetIndex.lookup(this.offsetIndex.lastOffset).position, false)) {
      next = lastOffsetAt(b.buf, b.off) + 1;
    }
    return next;
  }

  /**
   * Kafka's LogSegment.recover: rebuilds both indexes from the .log file, validating every batch (sizes,
   * magic, CRC, offsets); truncates the file at the first invalid or torn batch. Returns bytes truncated.
   */
  recover(): number {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.maxTs = { timestamp: NO_TIMESTAMP, offset: this.baseOffset };
    let validBytes = 0;
    let lastIndexEntry = 0;
    let prevLast = this.baseOffset - 1;
    try {
      for (const b of this.batchesFrom(0, true)) {
        checkBatchAt(b.buf, b.off, b.off + b.size);
        const base = readInt64(b.buf, b.off);
        const last = lastOffsetAt(b.buf, b.off);
        if (base <= prevLast || last < base || !this.canConvertToRelativeOffset(last)) {
          throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Batch offsets [${base}, ${last}] out of order or range for segment ${this.baseOffset}`);
        }
        prevLast = last;
        const batchMaxTs = readInt64(b.buf, b.off + MAX_TIMESTAMP);
        if (batchMaxTs > this.maxTimestampSoFar) this.maxTs = { timestamp: batchMaxTs, offset: last };
        if (validBytes - lastIndexEntry > this.indexIntervalBytes) {
          this.offsetIndex.append(last, validBytes);
          this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
          lastIndexEntry = validBytes;
        }
        validBytes += b.size;
      }
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e;
      logger.warn(`Found invalid messages in log segment ${this.logFile} at byte offset ${validBytes}: ${e.message}.`);
    }
    const truncated = this._size - validBytes;
    if (truncated > 0) this.truncateFile(validBytes);
    this.offsetIndex.trimToValidSize();
    // A normally closed segment always ends its time index with the largest timestamp; do the same.
    this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    this.timeIndex.trimToValidSize();
    this.bytesSinceLastIndexEntry = validBytes - lastIndexEntry;
    this.rollingBasedTimestamp = undefined;
    return truncated;
  }

  /**
   * Kafka's LogSegment.truncateTo: drops index entries with offset >= `offset` and the file from the first batch
   * whose lastOffset >= offset (so a batch containing `offset` goes whole). Returns bytes removed.
   */
  truncateTo(offset: number): number {
    const position = this.translateOffset(offset);
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    this.resizeIndexes(this.offsetIndex.maxIndexSize);
    const removed = position === null ? 0 : this._size - position;
    if (position !== null) this.truncateFile(position);
    if (this._size === 0) {
      this.created = this.time();
      this.rollingBasedTimestamp = undefined;
    }
    this.bytesSinceLastIndexEntry = 0;
    this.loadLargestTimestamp();
    return removed;
  }

  private loadLargestTimestamp(): void {
    const last = this.timeIndex.lastEntry;
    this.maxTs = last;
    for (const b of this.batchesFrom(this.offsetIndex.lookup(last.offset).position, false)) {
      const ts = readInt64(b.buf, b.off + MAX_TIMESTAMP);
      if (ts > this.maxTs.timestamp) this.maxTs = { timestamp: ts, offset: lastOffsetAt(b.buf, b.off) };
    }
  }

  /** Position of the first batch with lastOffset >= offset, or null. */
  private translateOffset(offset: number): number | null {
    for (const b of this.batchesFrom(this.offsetIndex.lookup(offset).position, false)) {
      if (lastOffsetAt(b.buf, b.off) >= offset) return b.pos;
    }
    return null;
  }

  /**
   * First record with timestamp >= ts and offset >= startingOffset (Kafka's findOffsetByTimestamp): time index
   * -> offset index -> scan batch headers -> decode records of the first batch whose maxTimestamp >= ts.
   */
  findOffsetByTimestamp(ts: number, startingOffset = this.baseOffset): { offset: number; timestamp: number } | null {
    const entry = this.timeIndex.lookup(ts);
    const start = this.offsetIndex.lookup(Math.max(entry.offset, startingOffset)).position;
    for (const b of this.batchesFrom(start, false)) {
      if (lastOffsetAt(b.buf, b.off) < startingOffset) continue;
      if (readInt64(b.buf, b.off + MAX_TIMESTAMP) < ts) continue;
      for (const r of iterateRecords(this.readAt(b.pos, b.size))) {
        if (r.timestamp >= ts && r.offset >= startingOffset) return { offset: r.offset, timestamp: r.timestamp };
      }
    }
    return null;
  }

  /** The record holding maxTimestampSoFar (ListOffsets MAX_TIMESTAMP), decoding only that batch. */
  findMaxTimestampRecord(): { offset: number; timestamp: number } | null {
    const maxTs = this.maxTimestampSoFar;
    if (maxTs === NO_TIMESTAMP) return null;
    return this.findOffsetByTimestamp(maxTs, this.baseOffset);
  }

  /** Walks batches from `start` to the end of the file; `whole` loads whole batches, else only headers. */
  private *batchesFrom(start: number, whole: boolean): Generator<BatchRef> {
    let chunk = Buffer.alloc(0);
    let chunkStart = start;
    let pos = start;
    const ref: BatchRef = { buf: chunk, off: 0, pos, size: 0 };
    while (pos < this._size) {
      let rel = pos - chunkStart;
      if (rel + HEADER_SIZE > chunk.length) {
        chunk = this.readAt(pos, Math.min(this._size - pos, SCAN_CHUNK));
        chunkStart = pos;
        rel = 0;
      }
      if (this._size - pos < LOG_OVERHEAD || chunk.length - rel < HEADER_SIZE) {
        throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Torn batch header at position ${pos} (${this._size - pos} bytes left)`);
      }
      const size = batchSizeAt(chunk, rel);
      if (size < HEADER_SIZE) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Record batch size ${size} is smaller than the minimum overhead ${HEADER_SIZE}`);
      if (pos + size > this._size) {
        throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Torn batch at position ${pos}: size ${size}, ${this._size - pos} bytes left`);
      }
      if (whole && rel + size > chunk.length) {
        chunk = this.readAt(pos, Math.min(this._size - pos, Math.max(SCAN_CHUNK, size)));
        chunkStart = pos;
        rel = 0;
      }
      ref.buf = chunk;
      ref.off = rel;
      ref.pos = pos;
      ref.size = size;
      yield ref;
      pos += size;
    }
  }

  private readAt(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buf, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done === length ? buf : buf.subarray(0, done);
  }

  private truncateFile(size: number): void {
    fs.ftruncateSync(this.fd, size);
    this._size = size;
    this.dirty = true;
  }

  resizeIndexes(size: number): void {
    this.offsetIndex.resize(size);
    this.timeIndex.resize(size);
  }

  /** Kafka's onBecomeInactiveSegment: final time index entry, indexes trimmed to their real size. */
  onBecomeInactiveSegment(): void {
    this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    this.offsetIndex.trimToValidSize();
    this.timeIndex.trimToValidSize();
  }

  /** Throws when an index is not valid for this segment (the loader then rebuilds via recover()). */
  sanityCheck(): void {
    this.offsetIndex.sanityCheck(this._size);
    this.timeIndex.sanityCheck();
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  flush(): void {
    if (!this.dirty) return;
    fs.fsyncSync(this.fd);
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.dirty = false;
  }

  /** fsync in the libuv pool, for a segment that just rolled (Kafka schedules that flush asynchronously). */
  flushAsync(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const fd = this.fd;
    fs.fsync(fd, () => undefined);
  }

  close(): void {
    if (this.fd < 0) return;
    if (this.maxTs !== null) this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    this.offsetIndex.close();
    this.timeIndex.close();
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  /** Closes and removes the three files. */
  deleteIfExists(): void {
    this.offsetIndex.deleteIfExists();
    this.timeIndex.deleteIfExists();
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
    fs.rmSync(this.logFile, { force: true });
  }
}

function writeFully(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
}
