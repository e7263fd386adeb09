/**
 * Retention (Kafka's UnifiedLog.deleteOldSegments, run by LogManager's "kafka-log-retention" task every
 * log.retention.check.interval.ms): whole closed segments go when they are older than retention.ms (by their
 * largest record timestamp, else the file's mtime), when the log is larger than retention.bytes, or when they
 * lie wholly below the log start offset (DeleteRecords). Time and size only apply with cleanup.policy=delete.
 * Only segments below the high watermark are deleted, never the active segment. Deleted segments are renamed
 * `.deleted` at once and removed after file.delete.delay.ms (LocalLog.deleteSegmentFiles); a restart removes
 * leftover `.deleted` files (Log.load).
 */
import * as fs from 'fs';
import * as path from 'path';
import { getLogger } from '../common/logger';
import { Log } from './Log';
import { INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, LogSegment, TIME_INDEX_FILE_SUFFIX, filenamePrefixFromOffset } from './LogSegment';
import { TXN_INDEX_FILE_SUFFIX } from './TransactionIndex';

/** LogFileUtils.DELETED_FILE_SUFFIX */
const DELETED_FILE_SUFFIX = '.deleted';

/** The topic-level settings retention needs (retention.ms, retention.bytes, file.delete.delay.ms, cleanup.policy). */
export interface RetentionConfig {
  retentionMs: number;
  retentionBytes: number;
  fileDeleteDelayMs: number;
  cleanupPolicy: readonly string[];
}

interface LogRetentionOptions {
  /** The logs to check (LogManager.allLogs). */
  logs: () => Log[];
  /** Effective config of a log's topic. */
  configFor: (log: Log) => RetentionConfig;
  /** The partition's high watermark; null: not hosted as a partition right now, skip the log. */
  highWatermark: (log: Log) => number | null;
  /** Injectable clock (ms). */
  time?: () => number;
  /** Runs `fn` after `ms` (the scheduler of Kafka's asyncDeleteSegment); default setTimeout, unref'd. */
  schedule?: (fn: () => void, ms: number) => void;
  /** Called after a log's start offset moved (fetch purgatory, metrics...). */
  onLogStartOffsetChanged?: (log: Log) => void;
}

const logger = getLogger('kafka.log.LogManager', '[LogManager] ');

/** LogSegment.largestTimestamp: the largest record timestamp, or the file's mtime when records carry none. */
function segmentLargestTimestamp(seg: LogSegment): number {
  const ts = seg.maxTimestampSoFar;
  if (ts > 0) return ts;
  try {
    return fs.statSync(seg.logFile).mtimeMs;
  } catch {
    return 0;
  }
}

/** Renames the segment's files (log, indexes, txn index) `.deleted` (closing them first); returns the renamed paths. */
function renameSegmentForDeletion(seg: LogSegment): string[] {
  seg.close();
  const prefix = path.join(seg.dir, filenamePrefixFromOffset(seg.baseOffset));
  const out: string[] = [];
  for (const suffix of [LOG_FILE_SUFFIX, INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX]) {
    const from = prefix + suffix;
    const to = from + DELETED_FILE_SUFFIX;
    try {
      fs.renameSync(from, to);
      out.push(to);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return out;
}

export class LogRetention {
  private timer: NodeJS.Timeout | null = null;
  private readonly time: () => number;
  private readonly schedule: (fn: () => void, ms: number) => void;

  constructor(private readonly opts: LogRetentionOptions) {
    this.time = opts.time ?? Date.now;
    this.schedule = opts.schedule ?? ((fn, ms) => setTimeout(fn, ms).unref());
  }

  /** Starts the periodic check (LogManager.startup: initial delay log.initial.task.delay.ms, here one interval). */
  startup(retentionCheckIntervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.cleanupLogs(), Math.max(1, retentionCheckIntervalMs));
    this.timer.unref();
  }

  shutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** LogManager.cleanupLogs: one pass over every log; returns the number of segments deleted. */
  cleanupLogs(): number {
    const start = this.time();
    let total = 0;
    for (const log of this.opts.logs()) {
      try {
        total += this.deleteOldSegments(log);
      } catch (e) {
        logger.error(`Error while deleting old segments of ${log.topic}-${log.partition}`, e);
      }
    }
    if (total > 0) logger.debug(`Log cleanup completed. ${total} files deleted in ${this.time() - start} ms`);
    return total;
  }

  /** UnifiedLog.deleteOldSegments for one log. */
  deleteOldSegments(log: Log): number {
    const hw = this.opts.highWatermark(log);
    if (hw === null) return 0;
    const cfg = this.opts.configFor(log);
    let n = 0;
    if (cfg.cleanupPolicy.includes('delete')) {
      n += this.deleteRetentionMsBreached(log, cfg, hw);
      n += this.deleteRetentionSizeBreached(log, cfg, hw);
    }
    n += this.deleteLogStartOffsetBreached(log, cfg, hw);
    return n;
  }

  private deleteRetentionMsBreached(log: Log, cfg: RetentionConfig, hw: number): number {
    if (cfg.retentionMs < 0) return 0;
    const now = this.time();
    return this.deleteSegments(log, cfg, hw, (seg) => now - segmentLargestTimestamp(seg) > cfg.retentionMs, `retention time ${cfg.retentionMs}ms breach`);
  }

  private deleteRetentionSizeBreached(log: Log, cfg: RetentionConfig, hw: number): number {
    if (cfg.retentionBytes < 0 || log.size < cfg.retentionBytes) return 0;
    let diff = log.size - cfg.retentionBytes;
    return this.deleteSegments(
      log,
      cfg,
      hw,
      (seg) => {
        if (diff - seg.size < 0) return false;
        diff -= seg.size;
        return true;
      },
      `retention size in bytes ${cfg.retentionBytes} breach`,
    );
  }

  private deleteLogStartOffsetBreached(log: Log, cfg: RetentionConfig, hw: number): number {
    return this.deleteSegments(log, cfg, hw, (_seg, next) => next.baseOffset <= log.logStartOffset, `log start offset ${log.logStartOffset} breach`);
  }

  /**
   * UnifiedLog.deletableSegments + deleteSegments: the leading run of closed segments matching `predicate`
   * whose successor starts at or below the high watermark (their records are replicated).
   */
  private deleteSegments(log: Log, cfg: RetentionConfig, hw: number, predicate: (seg: LogSegment, next: LogSegment) => boolean, reason: string): number {
    const segs = log.logSegments;
    let count = 0;
    for (let i = 0; i + 1 < segs.length; i++) {
      const seg = segs[i];
      const next = segs[i + 1];
      if (next.baseOffset > hw || !predicate(seg, next)) break;
      count++;
    }
    if (count === 0) return 0;
    const before = log.logStartOffset;
    const removed = log.removeOldestSegments(count, reason);
    for (const seg of removed) {
      logger.info(`Deleting segment ${seg.baseOffset} of ${log.topic}-${log.partition} due to ${reason}`);
      const files = renameSegmentForDeletion(seg);
      this.schedule(() => {
        for (const f of files) fs.rmSync(f, { force: true });
      }, cfg.fileDeleteDelayMs);
    }
    if (log.logStartOffset !== before) this.opts.onLogStartOffsetChanged?.(log);
    return removed.length;
  }
}
