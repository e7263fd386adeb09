/**
 * One segment of a partition's log (Kafka's `LogSegment`): the `.log` file of whole record batches (FileRecords)
 * plus its sparse `.index` and `.timeindex`, and the largest timestamp seen so far. Files are named after the
 * base offset, zero-padded to 20 digits.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { HEADER_SIZE, MAX_TIMESTAMP, batchSizeAt, checkBatchAt, iterateRecords, lastOffsetAt, readInt64 } from '../protocol/records/RecordBatch';
import { getLogger } from '../common/logger';
import { FileRecords, SegmentReadResult } from './FileRecords';

import { OffsetIndex } from './OffsetIndex';
import { NO_TIMESTAMP, TimeIndex, TimestampOffset } from './TimeIndex';
import { TXN_INDEX_FILE_SUFFIX, TransactionIndex } from './TransactionIndex';
import type { CompletedTxn } from './ProducerStateManager';

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';

/** Kafka's `LogFileUtils.filenamePrefixFromOffset`: 20 digits, zero-padded. */
export function filenamePrefixFromOffset(offset: number): string {
  return String(offset).padStart(20, '0');
}

interface RollParams {
  maxSegmentBytes: number;
  maxSegmentMs: number;
  messagesSize: number;
  maxTimestampInMessages: number;
  maxOffsetInMessages: number;
  now: number;
}

const logger = getLogger('kafka.log.LogSegment');

export class LogSegment {
  private readonly log: FileRecords;
  private bytesSinceLastIndexEntry = 0;
  private maxTs: TimestampOffset | null = null; // null: load lazily from the time index
  private rollingBasedTimestamp: number | null | undefined = undefined; // undefined: not loaded yet
  private created: number;
  /** The segment's `.txnindex` (aborted transactions whose marker is here); the file exists once it has an entry. */
  readonly txnIndex: TransactionIndex;
  /** Set by recover(): the producer state rebuild re-adds this segment's aborted transactions (LogSegment.recover). */
  txnIndexNeedsRebuild = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    readonly indexIntervalBytes: number,
    private readonly time: () => number,
    fresh: boolean,
  ) {
    this.log = new FileRecords(path.join(dir, filenamePrefixFromOffset(baseOffset) + LOG_FILE_SUFFIX), fresh);
    this.txnIndex = new TransactionIndex(baseOffset, path.join(dir, filenamePrefixFromOffset(baseOffset) + TXN_INDEX_FILE_SUFFIX));
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
      fs.rmSync(prefix + TXN_INDEX_FILE_SUFFIX, { force: true });
    }
    const offsetIndex = new OffsetIndex(prefix + INDEX_FILE_SUFFIX, baseOffset, cfg.maxIndexSize);
    const timeIndex = new TimeIndex(prefix + TIME_INDEX_FILE_SUFFIX, baseOffset, cfg.maxIndexSize);
    return new LogSegment(dir, baseOffset, offsetIndex, timeIndex, cfg.indexIntervalBytes, time, !fileAlreadyExists);
  }

  get logFile(): string {
    return this.log.file;
  }
  get size(): number {
    return this.log.size;
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

  /**
   * The one place the largest timestamp grows: a batch (or append) whose max timestamp exceeds what the
   * segment has seen becomes the new largest, with the last offset of that batch (Kafka's
   * maxTimestampAndOffsetSoFar updates in append, recover and loadLargestTimestamp).
   */
  private updateLargestTimestamp(timestamp: number, offset: number): void {
    if (timestamp > this.maxTimestampSoFar) this.maxTs = { timestamp, offset };
  }

  /** The batch max timestamp and last offset of the batch at `off` in `buf`, into updateLargestTimestamp. */
  private updateLargestTimestampFromBatch(buf: Buffer, off: number): void {
    this.updateLargestTimestamp(readInt64(buf, off + MAX_TIMESTAMP), lastOffsetAt(buf, off));
  }

  canConvertToRelativeOffset(offset: number): boolean {
    return this.offsetIndex.canAppendOffset(offset);
  }

  /** Kafka's LogSegment.shouldRoll. */
  shouldRoll(p: RollParams): boolean {
    const reachedRollMs = this.timeWaitedForRoll(p.now, p.maxTimestampInMessages) > p.maxSegmentMs;
    return (
      this.size > p.maxSegmentBytes - p.messagesSize ||
      (this.size > 0 && reachedRollMs) ||
      this.offsetIndex.isFull() ||
      this.timeIndex.isFull() ||
      !this.canConvertToRelativeOffset(p.maxOffsetInMessages)
    );
  }

  /** Age of the segment by record time (first batch's max timestamp) when known, else by creation time. */
  private timeWaitedForRoll(now: number, messageTimestamp: number): number {
    if (this.rollingBasedTimestamp === undefined) {
      this.rollingBasedTimestamp = null;
      if (this.size >= HEADER_SIZE) this.rollingBasedTimestamp = readInt64(this.log.readAt(0, HEADER_SIZE), MAX_TIMESTAMP);
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
    const start = this.log.size;
    const saved = { maxTs: this.maxTs, bytes: this.bytesSinceLastIndexEntry, rolling: this.rollingBasedTimestamp };
    try {
      if (start === 0) this.rollingBasedTimestamp = largestTimestamp;
      this.log.append(records);
      let pos = 0;
      while (pos < records.length) {
        const size = batchSizeAt(records, pos);
        this.updateLargestTimestampFromBatch(records, pos);
        if (this.bytesSinceLastIndexEntry > this.indexIntervalBytes) {
          this.offsetIndex.append(lastOffsetAt(records, pos), start + pos);
          this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
          this.bytesSinceLastIndexEntry = 0;
        }
        this.bytesSinceLastIndexEntry += size;
        pos += size;
      }
      this.updateLargestTimestamp(largestTimestamp, offsetOfMaxTimestamp);
    } catch (e) {
      // A failed write (ENOSPC, EIO) may have left part of the batch in the file: cut it off and forget index
      // entries of this append, so the segment ends with the last complete batch (the caller takes the dir offline).
      try {
        this.log.truncateTo(start);
      } catch (e2) {
        logger.error(`Could not truncate ${this.logFile} back to ${start} bytes after a failed append`, e2);
      }
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
   * One positional read: exactly the bytes wanted when a read ended where this one starts, else the span from the
   * index entry together with the data.
   */
  read(
    startOffset: number,
    maxSize: number,
    maxPosition = this.size,
    minOneMessage = false,
    maxOffsetExclusive = Number.MAX_SAFE_INTEGER,
    /** Supplies the buffer the bytes are read into (the fetch path reads into pooled buffers). */
    alloc?: (size: number) => Buffer,
  ): SegmentReadResult | null {
    const chunkLen = Math.max(maxSize, 16384) + this.indexIntervalBytes + 16384;
    return this.log.read(
      this.offsetIndex.lookup(startOffset).position,
      startOffset,
      maxSize,
      Math.min(maxPosition, this.size),
      minOneMessage,
      maxOffsetExclusive,
      chunkLen,
      alloc,
    );
  }

  /** File position of the first batch with lastOffset >= offset when a read met it (FileRecords.knownPosition), else -1. */
  knownPosition(offset: number): number {
    return this.log.knownPosition(offset);
  }

  /** Offset after the last batch (Kafka's readNextOffset), read from the last index entry on. */
  readNextOffset(): number {
    let next = this.baseOffset;
    for (const b of this.log.batchesFrom(this.offsetIndex.lookup(this.offsetIndex.lastOffset).position, false)) {
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
    // Kafka's recover re-adds the aborted transactions as it replays the producer state; here the state rebuild
    // that follows does it (ProducerStateManager.syncWithLog).
    this.txnIndex.reset();
    this.txnIndexNeedsRebuild = true;
    this.maxTs = { timestamp: NO_TIMESTAMP, offset: this.baseOffset };
    let validBytes = 0;
    let lastIndexEntry = 0;
    let prevLast = this.baseOffset - 1;
    try {
      for (const b of this.log.batchesFrom(0, true)) {
        checkBatchAt(b.buf, b.off, b.off + b.size);
        const base = readInt64(b.buf, b.off);
        const last = lastOffsetAt(b.buf, b.off);
        if (base <= prevLast || last < base || !this.canConvertToRelativeOffset(last)) {
          throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Batch offsets [${base}, ${last}] out of order or range for segment ${this.baseOffset}`);
        }
        prevLast = last;
        this.updateLargestTimestampFromBatch(b.buf, b.off);
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
    const truncated = this.size - validBytes;
    if (truncated > 0) this.log.truncateTo(validBytes);
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
    this.txnIndex.truncateTo(offset);
    this.resizeIndexes(this.offsetIndex.maxIndexSize);
    const removed = position === null ? 0 : this.size - position;
    if (position !== null) this.log.truncateTo(position);
    if (this.size === 0) {
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
    for (const b of this.log.batchesFrom(this.offsetIndex.lookup(last.offset).position, false)) this.updateLargestTimestampFromBatch(b.buf, b.off);
  }

  /** Position of the first batch with lastOffset >= offset, or null. */
  private translateOffset(offset: number): number | null {
    return this.log.searchForOffset(offset, this.offsetIndex.lookup(offset).position);
  }

  /**
   * First record with timestamp >= ts and offset >= startingOffset (Kafka's findOffsetByTimestamp): time index
   * -> offset index -> scan batch headers -> decode records of the first batch whose maxTimestamp >= ts.
   */
  findOffsetByTimestamp(ts: number, startingOffset = this.baseOffset): { offset: number; timestamp: number } | null {
    const entry = this.timeIndex.lookup(ts);
    const start = this.offsetIndex.lookup(Math.max(entry.offset, startingOffset)).position;
    for (const b of this.log.batchesFrom(start, false)) {
      if (lastOffsetAt(b.buf, b.off) < startingOffset) continue;
      if (readInt64(b.buf, b.off + MAX_TIMESTAMP) < ts) continue;
      for (const r of iterateRecords(this.log.readAt(b.pos, b.size))) {
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

  /** LogSegment.updateTxnIndex: an aborted transaction completed by a marker in this segment goes to its index. */
  updateTxnIndex(completed: CompletedTxn, lastStableOffset: number): void {
    if (!completed.isAborted) return;
    this.txnIndex.append({ producerId: completed.producerId, firstOffset: completed.firstOffset, lastOffset: completed.lastOffset, lastStableOffset });
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
    this.offsetIndex.sanityCheck(this.size);
    this.timeIndex.sanityCheck();
  }

  get isDirty(): boolean {
    return this.log.isDirty;
  }

  flush(): void {
    if (!this.log.isDirty) return;
    this.log.flush();
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.txnIndex.flush();
  }

  /** fsync in the libuv pool, for a segment that just rolled (Kafka schedules that flush asynchronously). */
  flushAsync(): void {
    this.log.flushAsync();
  }

  close(): void {
    if (!this.log.isOpen) return;
    if (this.maxTs !== null) this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    this.offsetIndex.close();
    this.timeIndex.close();
    this.txnIndex.close();
    this.log.close();
  }

  /** Closes and removes the segment's files. */
  deleteIfExists(): void {
    this.offsetIndex.deleteIfExists();
    this.timeIndex.deleteIfExists();
    this.txnIndex.deleteIfExists();
    this.log.deleteIfExists();
  }
}
