/**
 * Kafka's LocalLog: the segments of one partition folder and the log end offset. It appends validated bytes
 * to the active segment (rolling first when needed), reads whole batches across segments, truncates, replaces
 * segments for the cleaner and removes the oldest ones for retention. The log start offset, epochs and
 * producer state are UnifiedLog's business (Log.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Logger } from '../common/logger';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { AppendInfo } from './LogAppendInfo';
import { LogConfig } from './LogConfig';
import { floorSegmentIndex } from './LogLoader';
import { LogSegment, filenamePrefixFromOffset } from './LogSegment';

export interface FetchDataInfo {
  records: Buffer[];
  sizeInBytes: number;
}

export class LocalLog {
  private unflushedMessages = 0;
  /** Told of every roll with the new segment's base offset (UnifiedLog.roll takes a producer snapshot there). */
  onRoll: ((newBaseOffset: number) => void) | null = null;

  constructor(
    readonly dir: string,
    private readonly topicPartition: string,
    public config: LogConfig,
    private readonly time: () => number,
    private readonly logger: Logger,
    public segments: LogSegment[],
    public nextOffset: number,
  ) {}

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  get size(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  /** Index of the segment with the largest baseOffset <= offset, or -1. */
  floorSegmentIndex(offset: number): number {
    return floorSegmentIndex(this.segments, offset);
  }

  /** Writes validated batches with one positional write; the log end offset moves past them. */
  append(records: Buffer, info: AppendInfo): void {
    const segment = this.maybeRoll(records.length, info);
    segment.append(info.lastOffset, info.maxTimestamp, info.offsetOfMaxTimestamp, records);
    this.nextOffset = info.lastOffset + 1;
    this.unflushedMessages += info.numRecords;
    if (this.unflushedMessages >= this.config.flushIntervalMessages) this.flush();
  }

  private maybeRoll(messagesSize: number, info: AppendInfo): LogSegment {
    const active = this.activeSegment;
    const roll = active.shouldRoll({
      maxSegmentBytes: this.config.segmentBytes,
      maxSegmentMs: this.config.segmentMs,
      messagesSize,
      maxTimestampInMessages: info.maxTimestamp,
      maxOffsetInMessages: info.lastOffset,
      now: this.time(),
    });
    return roll ? this.roll(info.firstOffset) : active;
  }

  /** Kafka's LocalLog.roll: closes the active segment for appends and starts one at max(expected, LEO). */
  roll(expectedNextOffset = 0): LogSegment {
    const start = this.time();
    const newOffset = Math.max(expectedNextOffset, this.nextOffset);
    const active = this.activeSegment;
    if (active.size === 0) {
      // An empty active segment holds nothing: replace it (Kafka does so when the offsets are equal).
      active.deleteIfExists();
      this.segments.pop();
    } else {
      if (newOffset <= active.baseOffset) {
        throw new KafkaError(
          ErrorCode.UNKNOWN_SERVER_ERROR,
          `Trying to roll a new log segment for topic partition ${this.topicPartition} with start offset ${newOffset} lower than start offset of the active segment ${active.baseOffset}`,
        );
      }
      active.onBecomeInactiveSegment();
      // Kafka flushes the rolled segment in the background; an async fsync keeps the event loop free.
      active.flushAsync();
    }
    const seg = LogSegment.open(this.dir, newOffset, this.config, this.time, false);
    this.segments.push(seg);
    this.logger.debug(`Rolled new log segment at offset ${newOffset} in ${this.time() - start} ms.`);
    this.onRoll?.(newOffset);
    return seg;
  }

  /**
   * Whole batches starting with the batch that CONTAINS startOffset, stopping before the first batch whose
   * lastOffset >= maxOffsetExclusive; total <= maxBytes except that with minOneMessage the first batch is
   * returned whole. May span segments. The caller checks the range.
   */
  read(startOffset: number, maxBytes: number, maxOffsetExclusive: number, minOneMessage: boolean, alloc?: (size: number) => Buffer): FetchDataInfo {
    const out: FetchDataInfo = { records: [], sizeInBytes: 0 };
    if (startOffset >= this.nextOffset || startOffset >= maxOffsetExclusive) return out;
    // Nothing may be returned (the response's max_bytes is used up): Kafka's LogSegment.read answers EMPTY without reading.
    if (maxBytes <= 0 && !minOneMessage) return out;
    let i = Math.max(0, this.floorSegmentIndex(startOffset));
    let offset = startOffset;
    let remaining = maxBytes;
    let minOne = minOneMessage;
    for (; i < this.segments.length; i++) {
      const seg = this.segments[i];
      const r = seg.read(offset, Math.max(0, remaining), seg.size, minOne, maxOffsetExclusive, alloc);
      if (r === null) continue;
      if (r.records.length > 0) {
        out.records.push(r.records);
        out.sizeInBytes += r.records.length;
        remaining -= r.records.length;
        minOne = false;
      }
      if (!r.reachedEnd || remaining <= 0) break;
      offset = r.nextOffset;
    }
    return out;
  }

  /**
   * LogOffsetMetadata.positionDiff: the bytes between two offsets of one segment, from the positions reads met
   * (the log end offset is the active segment's size). Null when they lie in different segments or a position
   * is not known: the caller then reads (DelayedFetch completes at once for another segment, as Kafka's case F).
   */
  positionDiff(fromOffset: number, toOffset: number): number | null {
    const i = this.floorSegmentIndex(fromOffset);
    if (i < 0) return null;
    const seg = this.segments[i];
    const last = i === this.segments.length - 1;
    const to = toOffset === this.nextOffset && last ? seg.size : last || this.segments[i + 1].baseOffset > toOffset ? seg.knownPosition(toOffset) : -1;
    const from = seg.knownPosition(fromOffset);
    return to < 0 || from < 0 ? null : Math.max(0, to - from);
  }

  /** Takes the `count` oldest segments out (never the active one); the caller deletes their files later. */
  removeOldestSegments(count: number): LogSegment[] {
    const n = Math.min(count, this.segments.length - 1);
    if (n <= 0) return [];
    return this.segments.splice(0, n);
  }

  /** Drops everything from `targetOffset` on (targetOffset >= the first segment's base offset). */
  truncateTo(targetOffset: number): void {
    while (this.activeSegment.baseOffset > targetOffset) {
      const seg = this.segments.pop() as LogSegment;
      seg.deleteIfExists();
    }
    this.activeSegment.truncateTo(targetOffset);
    this.nextOffset = targetOffset;
  }

  /** Deletes all segments and starts an empty one at `newOffset`. */
  truncateFullyAndStartAt(newOffset: number): void {
    for (const seg of this.segments) seg.deleteIfExists();
    this.segments = [LogSegment.open(this.dir, newOffset, this.config, this.time, false)];
    this.nextOffset = newOffset;
  }

  /** See Log.replaceSegments. */
  replaceSegments(swapFile: string, oldSegments: readonly LogSegment[]): boolean {
    const i = this.segments.indexOf(oldSegments[0]);
    if (i < 0 || i + oldSegments.length >= this.segments.length) return false;
    if (oldSegments.some((s, k) => this.segments[i + k] !== s)) return false;
    const base = oldSegments[0].baseOffset;
    // The cleaner keeps the markers, so the replaced segments' aborted transactions stay listed (Kafka's cleaner
    // rebuilds the cleaned segment's txn index from them).
    const aborted = oldSegments.flatMap((s) => s.txnIndex.allAbortedTxns());
    for (const s of oldSegments) s.deleteIfExists();
    fs.renameSync(swapFile, path.join(this.dir, filenamePrefixFromOffset(base) + '.log'));
    const seg = LogSegment.open(this.dir, base, this.config, this.time, true);
    seg.recover(); // rebuilds both indexes for the cleaned data
    seg.txnIndexNeedsRebuild = false;
    for (const t of aborted) seg.txnIndex.append(t);
    this.segments.splice(i, oldSegments.length, seg);
    return true;
  }

  flush(): void {
    for (const s of this.segments) s.flush();
    this.unflushedMessages = 0;
  }

  close(): void {
    for (const s of this.segments) s.close();
  }

  /** Closes and removes every segment and the partition folder. */
  deleteAll(): void {
    for (const s of this.segments) s.deleteIfExists();
    this.segments = [];
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
