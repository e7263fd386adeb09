/**
 * One partition's log (Kafka's `UnifiedLog`): the segments and log end offset (LocalLog), the log start
 * offset, the leader epoch cache and the producer state, all built by LogLoader when the log is opened.
 * Appends validate every batch before writing anything (LogValidator), check idempotent and transactional
 * producers, and write each append with one positional write. The partition pushes its high watermark here, so
 * the log answers the last stable offset (min of the first unstable offset and the high watermark) and the
 * aborted transactions of a range (its segments' `.txnindex`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { getLogger, Logger } from '../common/logger';
import { LogConfig } from './LogConfig';
import { AppendInfo, AppendOrigin } from './LogAppendInfo';
import { LeaderEpochFileCache } from './LeaderEpochFileCache';
import { FetchDataInfo, LocalLog } from './LocalLog';
import { LogOpenOptions, loadLog } from './LogLoader';
import { LogDirFailureChannel, isStorageError } from './LogDirFailureChannel';
import { LogSegment } from './LogSegment';
import { analyzeReplicatedBatches, validateAndAssignOffsets } from './LogValidator';
import { CompletedTxn, ProducerStateManager } from './ProducerStateManager';
import { AbortedTxn } from './TransactionIndex';

/** ListOffsets special timestamps (ListOffsetsRequest). */
export const EARLIEST_TIMESTAMP = -2;
const LATEST_TIMESTAMP = -1;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL_TIMESTAMP = -4;

export class Log {
  private _logStartOffset: number;
  private closed = false;
  private truncations = 0;
  /** The partition's high watermark (Partition owns it and pushes every change: updateHighWatermark). */
  private hw = 0;
  /** epoch -> start offset (leader-epoch-checkpoint). */
  readonly leaderEpochCache: LeaderEpochFileCache;
  private readonly producerState: ProducerStateManager;
  private readonly local: LocalLog;
  private readonly time: () => number;
  private readonly logger: Logger;
  private readonly failureChannel: LogDirFailureChannel;

  private constructor(
    readonly dir: string,
    readonly topic: string,
    readonly partition: number,
    config: LogConfig,
    opts: LogOpenOptions,
  ) {
    this.time = opts.time ?? Date.now;
    this.failureChannel = opts.failureChannel ?? new LogDirFailureChannel();
    this.logger = getLogger('kafka.log.UnifiedLog', `[UnifiedLog partition=${topic}-${partition}, dir=${path.dirname(dir)}] `);
    const loaded = loadLog(dir, config, this.time, opts, this.logger, `${topic}-${partition}`);
    this.local = new LocalLog(dir, `${topic}-${partition}`, config, this.time, this.logger, loaded.segments, loaded.nextOffset);
    this._logStartOffset = loaded.logStartOffset;
    this.leaderEpochCache = loaded.leaderEpochCache;
    this.producerState = loaded.producerStateManager;
    // UnifiedLog.roll: a snapshot at the new segment's base offset, so recovery can start there.
    this.local.onRoll = (newBase) => this.producerStateManager.takeSnapshot(newBase, false);
    // Recovered segments get their .txnindex back from the producer state rebuild (LogSegment.recover replays the
    // producer state in Kafka): do it now, or a close before first use would leave the index empty for good.
    if (this.local.segments.some((s) => s.txnIndexNeedsRebuild)) this.producerState.syncWithLog(this);
  }

  /**
   * Opens the log in `dir` (the partition folder `<logDir>/<topic>-<partition>`, created if missing): loads the
   * segments, rebuilds missing or broken indexes, recovers unflushed segments unless the shutdown was clean.
   */
  static open(dir: string, topic: string, partition: number, config: LogConfig, opts: LogOpenOptions = {}): Log {
    fs.mkdirSync(dir, { recursive: true });
    return new Log(dir, topic, partition, config, opts);
  }

  /** The topic's effective config; the config manager replaces it when /config/topics/<t> changes. */
  get config(): LogConfig {
    return this.local.config;
  }
  set config(c: LogConfig) {
    this.local.config = c;
  }
  /** The log dir holding this partition's folder. */
  get parentDir(): string {
    return path.dirname(this.dir);
  }
  get logStartOffset(): number {
    return this._logStartOffset;
  }
  get logEndOffset(): number {
    return this.local.nextOffset;
  }
  get size(): number {
    return this.local.size;
  }
  get logSegments(): readonly LogSegment[] {
    return this.local.segments;
  }
  get activeSegment(): LogSegment {
    return this.local.activeSegment;
  }
  /** Bumped by every truncation: the producer state rebuilds after one. */
  get truncationCount(): number {
    return this.truncations;
  }
  /** Latest leader epoch in the log, -1 if none. */
  get latestEpoch(): number {
    return this.leaderEpochCache.latestEpoch;
  }
  /** The producers' state, brought up to date with truncations and the log start offset. */
  get producerStateManager(): ProducerStateManager {
    this.producerState.syncWithLog(this);
    return this.producerState;
  }

  get highWatermark(): number {
    return this.hw;
  }

  /**
   * UnifiedLog.updateHighWatermark as the partition calls it: completed transactions whose marker is now below the
   * high watermark stop holding the last stable offset back (ProducerStateManager.onHighWatermarkUpdated). A state not
   * built yet takes the high watermark when it is built.
   */
  updateHighWatermark(hw: number): void {
    this.hw = Math.min(hw, this.local.nextOffset);
    if (this.producerState.isLoaded) this.producerState.onHighWatermarkUpdated(this.hw);
  }

  /** UnifiedLog.firstUnstableOffset: the oldest open or unreplicated transaction's first offset (not below the log start), or null. */
  get firstUnstableOffset(): number | null {
    const first = this.producerStateManager.firstUnstableOffset();
    return first === null ? null : Math.max(first, this._logStartOffset);
  }

  /** UnifiedLog.lastStableOffset: the first unstable offset when below the high watermark, else the high watermark. */
  get lastStableOffset(): number {
    const first = this.firstUnstableOffset;
    return first !== null && first < this.hw ? first : this.hw;
  }

  /**
   * UnifiedLog.collectAbortedTransactions: the aborted transactions overlapping [startOffset, upperBoundOffset), from
   * the `.txnindex` of the segment holding startOffset and the following ones, until an entry's LSO reaches the bound.
   */
  collectAbortedTransactions(startOffset: number, upperBoundOffset: number): AbortedTxn[] {
    this.producerState.syncWithLog(this); // a recovered segment's index is refilled by the rebuild
    const segments = this.local.segments;
    const out: AbortedTxn[] = [];
    for (let i = Math.max(0, this.local.floorSegmentIndex(startOffset)); i < segments.length; i++) {
      const r = segments[i].txnIndex.collectAbortedTxns(startOffset, upperBoundOffset);
      out.push(...r.abortedTransactions);
      if (r.isComplete) break;
    }
    return out;
  }

  /** The periodic producer expiration (producer.id.expiration.ms), without building a state nobody asked for yet. */
  removeExpiredProducers(nowMs: number, expirationMs: number): number {
    return this.producerState.removeExpiredProducers(nowMs, expirationMs);
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
        this.leaderEpochCache.truncateFromEnd(this.local.nextOffset);
      } catch {
        // the in-memory cache is already cut; the checkpoint file is rewritten at the next successful change
      }
      this.failureChannel.maybeAddOfflineLogDir(this.parentDir, `Error while appending records to ${this.topic}-${this.partition} in dir ${this.parentDir}`, e);
      throw new KafkaError(
        ErrorCode.KAFKA_STORAGE_ERROR,
        `Error while appending records to ${this.topic}-${this.partition} in dir ${this.parentDir}: ${e.message}`,
      );
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
   * UnifiedLog.appendAsLeader: validates all batches first (nothing written on error), assigns offsets and the
   * leader epoch, stamps LogAppendTime when the topic uses it (LogValidator), then checks idempotent producers
   * (a duplicate of one of a producer's last 5 batches answers its original offsets, nothing written; a gap or
   * an old epoch throws) and appends with ONE write. `records` is modified in place.
   */
  appendAsLeader(records: Buffer, leaderEpoch: number, origin: AppendOrigin = 'client'): AppendInfo {
    this.ensureOpen();
    this.ensureLogDirOnline();
    const info = validateAndAssignOffsets(records, origin, this.local.nextOffset, leaderEpoch, this.config, this.time());
    this.checkSegmentSize(records);
    // Producer-state validation after offsets are assigned and before the write, as in UnifiedLog.append
    // (analyzeAndValidateProducerState): clients get the full check, coordinators the epoch checks only.
    const producers = this.producerStateManager;
    if (origin === 'client') {
      const duplicate = producers.checkClientAppend(info);
      // UnifiedLog answers a duplicate's log append time with the original batch's timestamp; for a CreateTime
      // topic that would be the producer's time, so it stays -1 there (log_append_time_ms is -1 for CreateTime).
      if (duplicate) return info.logAppendTime < 0 ? { ...duplicate, logAppendTime: -1 } : duplicate;
    } else if (origin === 'coordinator') {
      producers.checkCoordinatorAppend(info, records);
    }
    this.withStorageErrorHandling(() => {
      this.leaderEpochCache.assign(leaderEpoch, info.firstOffset);
      this.local.append(records, info);
    });
    producers.update(info.batches, records, origin, this.txnIndexAppender);
    return info;
  }

  /** UnifiedLog.append: an aborted transaction completed by this append goes to the active segment's txn index. */
  private readonly txnIndexAppender = (completed: CompletedTxn, lastStableOffset: number): void => {
    this.local.activeSegment.updateTxnIndex(completed, lastStableOffset);
  };

  /**
   * Appends replicated batches as the leader wrote them (offsets, timestamps and CRC kept). Offsets must be
   * increasing and >= LEO. Followers keep the producer state too, so a new leader recognises retried batches.
   */
  appendAsFollower(records: Buffer): AppendInfo {
    this.ensureOpen();
    this.ensureLogDirOnline();
    const info = analyzeReplicatedBatches(records, this.local.nextOffset, `${this.topic}-${this.partition}`);
    this.checkSegmentSize(records);
    const producers = this.producerStateManager;
    // A follower learns epochs from the batches the leader stamped (UnifiedLog.maybeAssignEpochStartOffset).
    this.withStorageErrorHandling(() => {
      for (const b of info.batches)
        if (b.partitionLeaderEpoch !== this.leaderEpochCache.latestEpoch) this.leaderEpochCache.assign(b.partitionLeaderEpoch, b.baseOffset);
      this.local.append(records, info);
    });
    producers.update(info.batches, records, 'replication', this.txnIndexAppender);
    return info;
  }

  /** Kafka's LocalLog.roll: closes the active segment for appends and starts one at max(expected, LEO). */
  roll(expectedNextOffset = 0): LogSegment {
    return this.local.roll(expectedNextOffset);
  }

  // ---------------------------------------------------------------- read

  /**
   * Whole batches starting with the batch that CONTAINS startOffset (the first batch whose lastOffset >=
   * startOffset); stops before the first batch whose lastOffset >= maxOffsetExclusive; total <= maxBytes,
   * except that with minOneMessage the first batch is returned whole. May span segments.
   */
  read(startOffset: number, maxBytes: number, maxOffsetExclusive: number, minOneMessage: boolean, alloc?: (size: number) => Buffer): FetchDataInfo {
    this.ensureOpen();
    if (startOffset < this._logStartOffset || startOffset > this.local.nextOffset) {
      throw new KafkaError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `Received request for offset ${startOffset} for partition ${this.topic}-${this.partition}, but we only have log segments in the range ${this._logStartOffset} to ${this.local.nextOffset}.`,
      );
    }
    return this.local.read(startOffset, maxBytes, maxOffsetExclusive, minOneMessage, alloc);
  }

  /** Bytes between two offsets of one segment when reads met both positions, else null (LocalLog.positionDiff). */
  positionDiff(fromOffset: number, toOffset: number): number | null {
    return this.local.positionDiff(fromOffset, toOffset);
  }

  /**
   * ListOffsets by timestamp: first offset whose record timestamp >= ts, with that timestamp (decoding the
   * one batch where it lies), or null. Also answers Kafka's special timestamps: -2 earliest, -1 latest
   * (timestamp -1 for both), -3 the record with the largest timestamp, -4 earliest local.
   */
  fetchOffsetByTimestamp(ts: number): { offset: number; timestamp: number } | null {
    this.ensureOpen();
    if (ts === EARLIEST_TIMESTAMP || ts === EARLIEST_LOCAL_TIMESTAMP) return { offset: this._logStartOffset, timestamp: -1 };
    if (ts === LATEST_TIMESTAMP) return { offset: this.local.nextOffset, timestamp: -1 };
    const segments = this.local.segments;
    if (ts === MAX_TIMESTAMP) {
      let best: LogSegment | null = null;
      for (const s of segments) if (best === null || s.maxTimestampSoFar > best.maxTimestampSoFar) best = s;
      return best === null ? null : best.findMaxTimestampRecord();
    }
    for (const s of segments) {
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
    const target = Math.min(newLogStartOffset, this.local.nextOffset);
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
    const removed = this.local.removeOldestSegments(count);
    if (removed.length > 0) {
      this.maybeIncrementLogStartOffset(this.local.segments[0].baseOffset, reason);
      // UnifiedLog.deleteSegmentFiles: the deleted segments' producer snapshots go with them.
      this.producerState.deleteSnapshotsOutside(this.local.segments[0].baseOffset, Number.MAX_SAFE_INTEGER);
    }
    return removed;
  }

  // ---------------------------------------------------------------- truncation, flush, close

  /** Kafka's UnifiedLog.truncateTo: removes everything from `targetOffset` on; LEO becomes targetOffset. */
  truncateTo(targetOffset: number): void {
    this.ensureOpen();
    if (targetOffset < 0) throw new Error(`Cannot truncate partition ${this.topic}-${this.partition} to a negative offset (${targetOffset}).`);
    if (targetOffset >= this.local.nextOffset) return;
    this.logger.info(`Truncating to offset ${targetOffset}`);
    this.truncations++;
    this.leaderEpochCache.truncateFromEnd(targetOffset);
    // ProducerStateManager.truncateAndReload: snapshots above the new end describe a tail that is gone.
    this.producerState.deleteSnapshotsOutside(0, targetOffset);
    this.hw = Math.min(this.hw, targetOffset);
    if (this.local.segments[0].baseOffset > targetOffset) {
      this.truncateFullyAndStartAt(targetOffset);
      return;
    }
    this.local.truncateTo(targetOffset);
    this._logStartOffset = Math.min(this._logStartOffset, targetOffset);
  }

  /** Deletes all segments and starts an empty log at `newOffset` (follower far behind, DeleteRecords...). */
  truncateFullyAndStartAt(newOffset: number): void {
    this.ensureOpen();
    this.truncations++;
    this.leaderEpochCache.clearAndFlush();
    this.producerState.deleteSnapshotsOutside(Number.MAX_SAFE_INTEGER, 0); // ProducerStateManager.truncateFullyAndStartAt
    this.hw = Math.min(this.hw, newOffset);
    this.local.truncateFullyAndStartAt(newOffset);
    this._logStartOffset = newOffset;
  }

  /** fsync every segment written since the last flush. */
  flush(): void {
    this.ensureOpen();
    this.local.flush();
  }

  /** Closes all files; indexes are trimmed to their real size; a producer snapshot at the log end (UnifiedLog.close). */
  close(): void {
    if (this.closed) return;
    if (this.producerState.isLoaded) {
      try {
        this.producerState.syncWithLog(this);
        this.producerState.takeSnapshot(this.local.nextOffset);
      } catch (e) {
        this.logger.warn(`Could not write the producer snapshot at ${this.local.nextOffset}: ${(e as Error).message}`);
      }
    }
    this.local.close();
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
    return this.local.replaceSegments(swapFile, oldSegments);
  }

  /** Closes and removes the partition folder. */
  delete(): void {
    this.local.deleteAll();
    this.closed = true;
  }
}
