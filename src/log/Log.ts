/**
 * One partition's log (Kafka's `UnifiedLog` + `LocalLog` + `LogLoader`, leader side first): an ordered list of
 * segments in the folder `<topic>-<partition>`, the log end offset (next offset to assign) and the log start
 * offset. Appends validate every batch before writing anything, assign offsets by patching the batch headers
 * in place (outside the CRC) and write each append with one positional write.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ErrorCode, KafkaError } from '../protocol/errors';
import {
  BASE_OFFSET,
  BatchInfo,
  PARTITION_LEADER_EPOCH,
  validateBatches,
  writeInt64,
} from '../protocol/records/RecordBatch';
import { getLogger, Logger } from '../common/logger';
import { LogConfig } from './LogConfig';
import { LeaderEpochFileCache } from './LeaderEpochFileCache';
import { floorSegmentIndex, loadLog } from './LogLoader';
import { LogDirFailureChannel, isStorageError } from './LogDirFailureChannel';
import { LogSegment, filenamePrefixFromOffset } from './LogSegment';

export interface AppendInfo {
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** Last offset of the batch holding maxTimestamp (Kafka's shallowOffsetOfMaxTimestamp). */
  offsetOfMaxTimestamp: number;
  numRecords: number;
  validBytes: number;
  batches: BatchInfo[];
}

export interface FetchDataInfo {
  records: Buffer[];
  sizeInBytes: number;
}

/** Who appends (Kafka's AppendOrigin): client-only batch checks apply to 'client'. */
export type AppendOrigin = 'client' | 'coordinator' | 'replication';

export interface LogOpenOptions {
  /** Injectable clock (ms). */
  time?: () => number;
  /** The log dir had `.kafka_cleanshutdown`: trust every segment and index (after a sanity check). */
  hadCleanShutdown?: boolean;
  /** Recover segments from the one holding this offset (Kafka's recovery point); default: the last segment. */
  recoveryPoint?: number;
  /** Checkpointed log start offset, if any. */
  logStartOffset?: number;
  /** Where I/O errors take the log dir offline (LogManager shares one); default: one for this log alone. */
  failureChannel?: LogDirFailureChannel;
}

/** ListOffsets special timestamps (ListOffsetsRequest). */
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;
export const MAX_TIMESTAMP = -3;
export const EARLIEST_LOCAL_TIMESTAMP = -4;


export class Log {
  private segments: LogSegment[] = [];
  private nextOffset = 0;
  private _logStartOffset = 0;
  private unflushedMessages = 0;
  private closed = false;
  private truncations = 0;
  /** epoch -> start offset (leader-epoch-checkpoint); set up by load(). */
  leaderEpochCache!: LeaderEpochFileCache;
  private readonly time: () => number;
  private readonly logger: Logger;
  private failureChannel = new LogDirFailureChannel();

  private constructor(
    readonly dir: string,
    readonly topic: string,
    readonly partition: number,
    public config: LogConfig,
    time: () => number,
  ) {
    this.time = time;
    this.logger = getLogger('kafka.log.UnifiedLog', `[UnifiedLog partition=${topic}-${partition}, dir=${path.dirname(dir)}] `);
  }

  /**
   * Opens the log in `dir` (the partition folder `<logDir>/<topic>-<partition>`, created if missing): loads the
   * segments, rebuilds missing or broken indexes, recovers unflushed segments unless the shutdown was clean.
   */
  static open(dir: string, topic: string, partition: number, config: LogConfig, opts: LogOpenOptions = {}): Log {
    fs.mkdirSync(dir, { recursive: true });
    const log = new Log(dir, topic, partition, config, opts.time ?? Date.now);
    if (opts.failureChannel) log.failureChannel = opts.failureChannel;
    log.load(opts);
    return log;
  }

  /** The log dir holding this partition's folder. */
  get parentDir(): string {
    return path.dirname(this.dir);
  }
  get logStartOffset(): number {
    return this._logStartOffset;
  }
  get logEndOffset(): number {
    return this.nextOffset;
  }
  get size(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }
  get logSegments(): readonly LogSegment[] {
    return this.segments;
  }
  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }
  /** Bumped by every truncation: holders of derived state (producer state) know to rebuild it. */
  get truncationCount(): number {
    return this.truncations;
  }
  /** Latest leader epoch in the log, -1 if none. */
  get latestEpoch(): number {
    return this.leaderEpochCache.latestEpoch;
  }

  // ---------------------------------------------------------------- loading (Kafka's LogLoader)

  private load(opts: LogOpenOptions): void {
    const loaded = loadLog(this.dir, this.config, this.time, opts, this.logger, `${this.topic}-${this.partition}`);
    this.segments = loaded.segments;
    this.nextOffset = loaded.nextOffset;
    this._logStartOffset = loaded.logStartOffset;
    this.leaderEpochCache = loaded.leaderEpochCache;
  }

  /** Index of the segment with the largest baseOffset <= offset, or -1. */
  private floorSegmentIndex(offset: number): number {
    return floorSegmentIndex(this.segments, offset);
  }


  // ---------------------------------------------------------------- append

  private ensureOpen(): void {
    if (this.closed) throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `The log for ${this.topic}-${this.partition} is closed`);
  }

  /** Appends to a log dir that failed are refused (Kafka stops serving an offline dir's replicas). */
  private ensureLogDirOnline(): void {
    if (this.failureChannel.isOffline(this.parentDir)) {
      throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `Log dir ${this.parentDir} of ${this.topic}-${this.partition} is offline after an I/O error`);
    }
  }

  /**
   * Runs the writing part of an append. An I/O error (ENOSPC, EIO...) becomes KAFKA_STORAGE_ERROR and takes the
   * whole log dir offline, as UnifiedLog.append's maybeHandleIOException does; the segment has already cut off
   * what it half wrote, the LEO stays, and an epoch assigned for the lost batch is dropped again.
   */
  private withStorageErrorHandling<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (!isStorageError(e)) throw e;
      try {
        this.leaderEpochCache.truncateFromEnd(this.nextOffset);
      } catch {
        // the in-memory cache is already cut; the checkpoint file is rewritten at the next successful change
      }
      this.failureChannel.maybeAddOfflineLogDir(this.parentDir, `Error while appending records to ${this.topic}-${this.partition} in dir ${this.parentDir}`, e);
      throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `Error while appending records to ${this.topic}-${this.partition} in dir ${this.parentDir}: ${e.message}`);
    }
  }

  private checkSegmentSize(records: Buffer): void {
    // Kafka's UnifiedLog.append: a record set larger than a segment can never be written.
    if (records.length > this.config.segmentBytes) {
      throw new KafkaError(
        ErrorCode.RECORD_LIST_TOO_LARGE,
        `Message batch size is ${records.length} bytes in append to partition ${this.topic}-${this.partition} which exceeds the maximum configured segment size of ${this.config.segmentBytes}.`,
      );
    }
  }

  /**
   * Validates all batches first (nothing written on error), assigns offsets by patching baseOffset, stamps
   * partitionLeaderEpoch (both outside the CRC: no CRC recompute), appends with ONE write, rolling first when
   * the batch would overflow segmentBytes (or segmentMs elapsed). `records` is modified in place.
   */
  appendAsLeader(
    records: Buffer,
    leaderEpoch: number,
    origin: AppendOrigin = 'client',
    producerCheck?: (info: AppendInfo) => AppendInfo | null,
  ): AppendInfo {
    this.ensureOpen();
    this.ensureLogDirOnline();
    const batches = validateBatches(records, { maxBatchSize: this.config.maxMessageBytes, client: origin === 'client' });
    this.checkSegmentSize(records);
    let offset = this.nextOffset;
    let maxTimestamp = -1;
    let offsetOfMaxTimestamp = -1;
    let numRecords = 0;
    for (const b of batches) {
      writeInt64(records, b.position + BASE_OFFSET, offset);
      records.writeInt32BE(leaderEpoch, b.position + PARTITION_LEADER_EPOCH);
      b.baseOffset = offset;
      b.lastOffset = offset + b.lastOffsetDelta;
      b.partitionLeaderEpoch = leaderEpoch;
      if (b.maxTimestamp > maxTimestamp) {
        maxTimestamp = b.maxTimestamp;
        offsetOfMaxTimestamp = b.lastOffset;
      }
      numRecords += b.recordCount;
      offset = b.lastOffset + 1;
    }
    const info: AppendInfo = {
      firstOffset: batches[0].baseOffset,
      lastOffset: offset - 1,
      maxTimestamp,
      offsetOfMaxTimestamp,
      numRecords,
      validBytes: records.length,
      batches,
    };
    // Producer-state validation (duplicates, sequence gaps, fenced epochs) after offsets are assigned and
    // before the write, as in UnifiedLog.append: a duplicate answers the original offsets, nothing is written.
    if (producerCheck) {
      const duplicate = producerCheck(info);
      if (duplicate) return duplicate;
    }
    this.withStorageErrorHandling(() => {
      this.leaderEpochCache.assign(leaderEpoch, info.firstOffset);
      this.appendValidated(records, info);
    });
    return info;
  }

  /** Appends replicated batches as they are (offsets kept). Offsets must be increasing and >= LEO. */
  appendAsFollower(records: Buffer): AppendInfo {
    this.ensureOpen();
    this.ensureLogDirOnline();
    const batches = validateBatches(records, { client: false });
    this.checkSegmentSize(records);
    let prevLast = this.nextOffset - 1;
    let maxTimestamp = -1;
    let offsetOfMaxTimestamp = -1;
    let numRecords = 0;
    for (const b of batches) {
      if (b.baseOffset <= prevLast || b.lastOffset < b.baseOffset) {
        throw new KafkaError(
          ErrorCode.UNKNOWN_SERVER_ERROR,
          `Out of order offsets found in append to ${this.topic}-${this.partition}: batch [${b.baseOffset}, ${b.lastOffset}] after offset ${prevLast} (log end offset ${this.nextOffset})`,
        );
      }
      prevLast = b.lastOffset;
      if (b.maxTimestamp > maxTimestamp) {
        maxTimestamp = b.maxTimestamp;
        offsetOfMaxTimestamp = b.lastOffset;
      }
      numRecords += b.recordCount;
    }
    const info: AppendInfo = {
      firstOffset: batches[0].baseOffset,
      lastOffset: prevLast,
      maxTimestamp,
      offsetOfMaxTimestamp,
      numRecords,
      validBytes: records.length,
      batches,
    };
    // A follower learns epochs from the batches the leader stamped (UnifiedLog.maybeAssignEpochStartOffset).
    this.withStorageErrorHandling(() => {
      for (const b of batches) if (b.partitionLeaderEpoch !== this.leaderEpochCache.latestEpoch) this.leaderEpochCache.assign(b.partitionLeaderEpoch, b.baseOffset);
      this.appendValidated(records, info);
    });
    return info;
  }

  private appendValidated(records: Buffer, info: AppendInfo): void {
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
          `Trying to roll a new log segment for topic partition ${this.topic}-${this.partition} with start offset ${newOffset} lower than start offset of the active segment ${active.baseOffset}`,
        );
      }
      active.onBecomeInactiveSegment();
      // Kafka flushes the rolled segment in the background; an async fsync keeps the event loop free.
      active.flushAsync();
    }
    const seg = LogSegment.open(this.dir, newOffset, this.config, this.time, false);
    this.segments.push(seg);
    this.logger.debug(`Rolled new log segment at offset ${newOffset} in ${this.time() - start} ms.`);
    return seg;
  }

  // ---------------------------------------------------------------- read

  /**
   * Whole batches starting with the batch that CONTAINS startOffset (the first batch whose lastOffset >=
   * startOffset); stops before the first batch whose lastOffset >= maxOffsetExclusive; total <= maxBytes,
   * except that with minOneMessage the first batch is returned whole. May span segments.
   */
  read(startOffset: number, maxBytes: number, maxOffsetExclusive: number, minOneMessage: boolean): FetchDataInfo {
    this.ensureOpen();
    if (startOffset < this._logStartOffset || startOffset > this.nextOffset) {
      throw new KafkaError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `Received request for offset ${startOffset} for partition ${this.topic}-${this.partition}, but we only have log segments in the range ${this._logStartOffset} to ${this.nextOffset}.`,
      );
    }
    const out: FetchDataInfo = { records: [], sizeInBytes: 0 };
    if (startOffset >= this.nextOffset || startOffset >= maxOffsetExclusive) return out;
    let i = Math.max(0, this.floorSegmentIndex(startOffset));
    let offset = startOffset;
    let remaining = maxBytes;
    let minOne = minOneMessage;
    for (; i < this.segments.length; i++) {
      const seg = this.segments[i];
      const r = seg.read(offset, Math.max(0, remaining), seg.size, minOne, maxOffsetExclusive);
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
   * ListOffsets by timestamp: first offset whose record timestamp >= ts, with that timestamp (decoding the
   * one batch where it lies), or null. Also answers Kafka's special timestamps: -2 earliest, -1 latest
   * (timestamp -1 for both), -3 the record with the largest timestamp, -4 earliest local.
   */
  fetchOffsetByTimestamp(ts: number): { offset: number; timestamp: number } | null {
    this.ensureOpen();
    if (ts === EARLIEST_TIMESTAMP || ts === EARLIEST_LOCAL_TIMESTAMP) return { offset: this._logStartOffset, timestamp: -1 };
    if (ts === LATEST_TIMESTAMP) return { offset: this.nextOffset, timestamp: -1 };
    if (ts === MAX_TIMESTAMP) {
      let best: LogSegment | null = null;
      for (const s of this.segments) if (best === null || s.maxTimestampSoFar > best.maxTimestampSoFar) best = s;
      return best === null ? null : best.findMaxTimestampRecord();
    }
    for (const s of this.segments) {
      if (s.maxTimestampSoFar < ts) continue;
      const found = s.findOffsetByTimestamp(ts, this._logStartOffset);
      if (found !== null) return found;
    }
    return null;
  }

  // ---------------------------------------------------------------- log start offset, retention (see LogRetention)

  /**
   * UnifiedLog.maybeIncrementLogStartOffset (retention, DeleteRecords, a follower following its leader): only
   * moves forward, never past the log end offset; the epoch cache drops what lies below. Producer state
   * evicts producers below the new start on its next use (ProducerStateManager.syncWithLog).
   */
  maybeIncrementLogStartOffset(newLogStartOffset: number, reason: string): boolean {
    this.ensureOpen();
    const target = Math.min(newLogStartOffset, this.nextOffset);
    if (target <= this._logStartOffset) return false;
    this.logger.info(`Incremented log start offset to ${target} due to ${reason}`);
    this._logStartOffset = target;
    this.leaderEpochCache.truncateFromStart(target);
    return true;
  }

  /**
   * LocalLog.removeAndDeleteSegments' bookkeeping: takes the `count` oldest segments out of the log (never the
   * active one) and moves the log start offset to the new first segment. The caller renames the files
   * `.deleted` and removes them later (Kafka's asyncDeleteSegment).
   */
  removeOldestSegments(count: number, reason: string): LogSegment[] {
    this.ensureOpen();
    const n = Math.min(count, this.segments.length - 1);
    if (n <= 0) return [];
    const removed = this.segments.splice(0, n);
    this.maybeIncrementLogStartOffset(this.segments[0].baseOffset, reason);
    return removed;
  }

  // ---------------------------------------------------------------- truncation, flush, close

  /** Kafka's UnifiedLog.truncateTo: removes everything from `targetOffset` on; LEO becomes targetOffset. */
  truncateTo(targetOffset: number): void {
    this.ensureOpen();
    if (targetOffset < 0) throw new Error(`Cannot truncate partition ${this.topic}-${this.partition} to a negative offset (${targetOffset}).`);
    if (targetOffset >= this.nextOffset) return;
    this.logger.info(`Truncating to offset ${targetOffset}`);
    this.truncations++;
    this.leaderEpochCache.truncateFromEnd(targetOffset);
    if (this.segments[0].baseOffset > targetOffset) {
      this.truncateFullyAndStartAt(targetOffset);
      return;
    }
    while (this.activeSegment.baseOffset > targetOffset) {
      const seg = this.segments.pop() as LogSegment;
      seg.deleteIfExists();
    }
    this.activeSegment.truncateTo(targetOffset);
    this.nextOffset = targetOffset;
    this._logStartOffset = Math.min(this._logStartOffset, targetOffset);
  }

  /** Deletes all segments and starts an empty log at `newOffset` (follower far behind, DeleteRecords...). */
  truncateFullyAndStartAt(newOffset: number): void {
    this.ensureOpen();
    this.truncations++;
    this.leaderEpochCache.clearAndFlush();
    for (const seg of this.segments) seg.deleteIfExists();
    this.segments = [LogSegment.open(this.dir, newOffset, this.config, this.time, false)];
    this.nextOffset = newOffset;
    this._logStartOffset = newOffset;
  }

  /** fsync every segment written since the last flush. */
  flush(): void {
    this.ensureOpen();
    for (const s of this.segments) s.flush();
    this.unflushedMessages = 0;
  }

  /** Closes all files; indexes are trimmed to their real size (Kafka's close). */
  close(): void {
    if (this.closed) return;
    for (const s of this.segments) s.close();
    this.closed = true;
  }

  /**
   * Kafka's LocalLog.replaceSegments, for the log cleaner: the fsynced `<base>.log.swap` file takes the place of
   * `oldSegments` (consecutive, never the active one). Old files go first, then the rename; a crash in between
   * is finished by completeSwapFiles at the next load. Returns false, changing nothing, when the log no longer
   * holds exactly those segments (retention or truncation ran meanwhile).
   */
  replaceSegments(swapFile: string, oldSegments: readonly LogSegment[]): boolean {
    this.ensureOpen();
    const i = this.segments.indexOf(oldSegments[0]);
    if (i < 0 || i + oldSegments.length >= this.segments.length) return false;
    if (oldSegments.some((s, k) => this.segments[i + k] !== s)) return false;
    const base = oldSegments[0].baseOffset;
    for (const s of oldSegments) s.deleteIfExists();
    fs.renameSync(swapFile, path.join(this.dir, filenamePrefixFromOffset(base) + '.log'));
    const seg = LogSegment.open(this.dir, base, this.config, this.time, true);
    seg.recover(); // rebuilds both indexes for the cleaned data
    this.segments.splice(i, oldSegments.length, seg);
    return true;
  }

  /** Closes and removes the partition folder. */
  delete(): void {
    for (const s of this.segments) s.deleteIfExists();
    this.segments = [];
    this.closed = true;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
