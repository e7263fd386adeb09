/**
 * The background log cleaner (Kafka's `LogCleaner` + `LogCleanerManager`): every round picks the compacted
 * log with the highest dirty ratio above min.cleanable.dirty.ratio (or one whose max.compaction.lag.ms
 * expired, or whose kept tombstones reached their delete horizon), cleans it (Cleaner.cleanLog) and records
 * where the dirty section now starts in `cleaner-offset-checkpoint` of the log's dir. With nothing to clean it
 * sleeps log.cleaner.backoff.ms. One cleaner "thread": rounds run one at a time on the event loop, yielding
 * between segment groups.
 */
import { getLogger } from '../common/logger';
import { CleanerLogConfig, CleanerStats, LogToClean, OFFSET_MAP_BYTES_PER_ENTRY, cleanLog, cleanableSection } from './Cleaner';
import { Log } from './Log';
import { readOffsetCheckpoint, writeOffsetCheckpoint } from './OffsetCheckpointFile';

/** Kafka's LogCleanerManager.offsetCheckpointFile. */
export const CLEANER_OFFSET_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';

interface LogCleanerOptions {
  logDirs: readonly string[];
  /** The logs to consider (LogManager.allLogs). */
  logs: () => Log[];
  /** Effective config of a log's topic. */
  configFor: (log: Log) => CleanerLogConfig;
  /** Upper bound of cleaning (the high watermark); null: not hosted as a partition now, skip. Default: LEO. */
  highWatermark?: (log: Log) => number | null;
  /** log.cleaner.backoff.ms */
  backoffMs?: number;
  /** log.cleaner.dedupe.buffer.size */
  dedupeBufferSize?: number;
  /** Injectable clock (ms). */
  time?: () => number;
}

function tpKey(log: Log): string {
  return `${log.topic}-${log.partition}`;
}

export class LogCleaner {
  private readonly logger = getLogger('kafka.log.LogCleaner', '[kafka-log-cleaner-thread-0]: ');
  private readonly checkpoints = new Map<string, number>();
  /** Earliest delete horizon of kept tombstones per log (not persisted: Kafka finds them on the next round). */
  private readonly deleteHorizons = new Map<string, number>();
  private readonly time: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  /** Last completed round, for tests and benchmarks. */
  lastStats: (CleanerStats & { log: string }) | null = null;

  constructor(private readonly opts: LogCleanerOptions) {
    this.time = opts.time ?? Date.now;
    for (const dir of opts.logDirs) for (const [k, v] of readOffsetCheckpoint(dir, CLEANER_OFFSET_CHECKPOINT_FILE)) this.checkpoints.set(k, v);
  }

  startup(): void {
    this.logger.info('Starting');
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.cleanFilthiestLog()
        .catch((e: unknown) => {
          this.logger.error('Error due to', e);
          return false;
        })
        .then((cleaned) => {
          this.running = null;
          this.schedule(cleaned ? 0 : (this.opts.backoffMs ?? 15000));
        });
    }, ms);
    this.timer.unref();
  }

  async shutdown(): Promise<void> {
    this.logger.info('Shutting down');
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
    this.logger.info('Shutdown completed');
  }

  /** Kafka's LogCleanerManager.grabFilthiestCompactedLog. */
  grabFilthiestCompactedLog(): { section: LogToClean; cfg: CleanerLogConfig } | null {
    const now = this.time();
    let best: { section: LogToClean; cfg: CleanerLogConfig } | null = null;
    for (const log of this.opts.logs()) {
      const cfg = this.opts.configFor(log);
      if (!cfg.compact) continue;
      const hw = this.opts.highWatermark ? this.opts.highWatermark(log) : log.logEndOffset;
      if (hw === null) continue;
      let section: LogToClean;
      try {
        section = cleanableSection(log, this.checkpoints.get(tpKey(log)), cfg, now, hw);
      } catch (e) {
        this.logger.warn(`Skipping ${tpKey(log)}: ${(e as Error).message}`);
        continue;
      }
      const horizon = this.deleteHorizons.get(tpKey(log));
      const tombstonesDue = horizon !== undefined && now >= horizon;
      const eligible = (section.needCompactionNow && section.cleanableBytes > 0) || section.cleanableRatio > cfg.minCleanableRatio || tombstonesDue;
      if (!eligible) continue;
      // Tombstone rounds have no dirty bytes: rank them last but still take them.
      if (best === null || section.cleanableRatio > best.section.cleanableRatio) best = { section, cfg };
    }
    return best;
  }

  /** One round; true when a log was cleaned. Public so that tests drive the cleaner with a fake clock. */
  async cleanFilthiestLog(): Promise<boolean> {
    const picked = this.grabFilthiestCompactedLog();
    if (picked === null) return false;
    const { section, cfg } = picked;
    const log = section.log;
    const key = tpKey(log);
    this.logger.info(`Beginning cleaning of log ${key}`);
    const stats = await cleanLog(section, {
      now: this.time(),
      deleteRetentionMs: cfg.deleteRetentionMs,
      segmentBytes: cfg.segmentBytes,
      offsetMapSlots: Math.floor(((this.opts.dedupeBufferSize ?? 134217728) * 0.9) / OFFSET_MAP_BYTES_PER_ENTRY),
    });
    if (!stats.completed) {
      this.logger.info(`Cleaning of log ${key} was aborted: the log changed while it was being cleaned`);
      return false;
    }
    if (stats.nextDeleteHorizonMs !== null) this.deleteHorizons.set(key, stats.nextDeleteHorizonMs);
    else this.deleteHorizons.delete(key);
    this.checkpoints.set(key, stats.endOffset);
    this.writeCheckpoint(log.parentDir);
    this.lastStats = { ...stats, log: key };
    const mb = stats.bytesRead / (1024 * 1024);
    const secs = Math.max(stats.elapsedMs, 1) / 1000;
    this.logger.info(
      `Log cleaner thread 0 cleaned log ${key} (dirty section = [${section.firstDirtyOffset}, ${stats.endOffset}])\n` +
        `\t${mb.toFixed(1)} MB of log processed in ${secs.toFixed(1)} seconds (${(mb / secs).toFixed(1)} MB/sec).\n` +
        `\tStart size: ${mb.toFixed(1)} MB (${stats.recordsRead} messages)\n` +
        `\tEnd size: ${(stats.bytesWritten / (1024 * 1024)).toFixed(1)} MB (${stats.recordsRetained} messages)\n` +
        `\t${(100 * (1 - stats.bytesWritten / Math.max(stats.bytesRead, 1))).toFixed(1)}% size reduction`,
    );
    return true;
  }

  /** Cleaner checkpoint of a log (the first dirty offset), if any. */
  checkpointFor(log: Log): number | undefined {
    return this.checkpoints.get(tpKey(log));
  }

  /** Writes `cleaner-offset-checkpoint` for one log dir with the logs still present. */
  private writeCheckpoint(dir: string): void {
    const entries: Array<{ topic: string; partition: number; offset: number }> = [];
    for (const log of this.opts.logs()) {
      if (log.parentDir !== dir) continue;
      const off = this.checkpoints.get(tpKey(log));
      if (off !== undefined) entries.push({ topic: log.topic, partition: log.partition, offset: off });
    }
    try {
      writeOffsetCheckpoint(dir, CLEANER_OFFSET_CHECKPOINT_FILE, entries);
    } catch (e) {
      this.logger.error(`Failed to access checkpoint file ${CLEANER_OFFSET_CHECKPOINT_FILE} in dir ${dir}`, e);
    }
  }
}

/** Topic overrides over broker defaults (kafka.log.LogConfig for the cleaner's keys). */
export function cleanerConfigFrom(
  override: (key: string) => string | undefined,
  broker: {
    logCleanupPolicy: readonly string[];
    logCleanerDeleteRetentionMs: number;
    logCleanerMinCleanRatio: number;
    logCleanerMinCompactionLagMs: number;
    logCleanerMaxCompactionLagMs: number;
    logSegmentBytes: number;
  },
): CleanerLogConfig {
  const num = (k: string, d: number): number => {
    const v = override(k);
    return v !== undefined && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : d;
  };
  const p = override('cleanup.policy');
  const policy = p !== undefined ? p.split(',').map((s) => s.trim()) : broker.logCleanupPolicy;
  return {
    compact: policy.includes('compact'),
    deleteRetentionMs: num('delete.retention.ms', broker.logCleanerDeleteRetentionMs),
    minCleanableRatio: num('min.cleanable.dirty.ratio', broker.logCleanerMinCleanRatio),
    minCompactionLagMs: num('min.compaction.lag.ms', broker.logCleanerMinCompactionLagMs),
    maxCompactionLagMs: num('max.compaction.lag.ms', broker.logCleanerMaxCompactionLagMs),
    segmentBytes: num('segment.bytes', broker.logSegmentBytes),
  };
}
