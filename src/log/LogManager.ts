/**
 * All partition logs of a broker across its log dirs (Kafka's `LogManager`): loading at startup with recovery
 * after an unclean shutdown, placement of new partitions, deletion, and clean shutdown with the
 * `.kafka_cleanshutdown` marker.
 */
import * as fs from 'fs';
import * as path from 'path';
import { getLogger } from '../common/logger';
import { Log } from './Log';
import { LogConfig } from './LogConfig';
import { LogDirFailureChannel } from './LogDirFailureChannel';
import { ErrorCode, KafkaError } from '../protocol/errors';

/** Kafka's `LogLoader.CleanShutdownFile`. */
import { LOG_START_OFFSET_CHECKPOINT_FILE, readOffsetCheckpoint, RECOVERY_POINT_CHECKPOINT_FILE, writeOffsetCheckpoint } from './OffsetCheckpointFile';

export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

/** `<topic>-<partition>`: the topic is everything before the LAST '-' (topic names may contain '-'). */
export function parseTopicPartitionName(name: string): { topic: string; partition: number } | null {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return null;
  const topic = name.slice(0, dash);
  const part = name.slice(dash + 1);
  if (!/^\d+$/.test(part) || !/^[a-zA-Z0-9._-]+$/.test(topic)) return null;
  return { topic, partition: Number(part) };
}

function key(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

interface LogManagerOptions {
  /** Injectable clock (ms), passed to every log. */
  time?: () => number;
}

export class LogManager {
  private readonly logs = new Map<string, Log>();
  private readonly logger = getLogger('kafka.log.LogManager', '[LogManager] ');
  private readonly time: () => number;
  readonly logDirs: string[];
  /** I/O errors in any log take that log's dir offline for every log in it (Kafka's LogDirFailureChannel). */
  readonly failureChannel = new LogDirFailureChannel();

  private readonly recoveryPoints = new Map<string, number>();
  private checkpointTimer: NodeJS.Timeout | null = null;

  constructor(
    logDirs: string[],
    public defaultConfig: LogConfig,
    opts: LogManagerOptions = {},
  ) {
    this.logDirs = logDirs.map((d) => path.resolve(d));
    this.time = opts.time ?? Date.now;
  }

  /** Topics with a partition folder in some log dir: LogManager.startup fetches their configs before loading. */
  topicsOnDisk(): string[] {
    const topics = new Set<string>();
    for (const dir of this.logDirs) {
      if (!fs.existsSync(dir)) continue;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const tp = entry.isDirectory() ? parseTopicPartitionName(entry.name) : null;
        if (tp) topics.add(tp.topic);
      }
    }
    return [...topics];
  }

  /**
   * Loads every `<topic>-<partition>` folder of every log dir (other folders and files are skipped).
   * A dir with `.kafka_cleanshutdown` is trusted (indexes sanity-checked only) and the marker removed;
   * otherwise the active segment of each log is recovered.
   */
  loadLogs(topicConfigs?: (topic: string) => LogConfig | undefined): void {
    const start = this.time();
    this.logger.info(`Loading logs from log dirs ${JSON.stringify(this.logDirs)}`);
    for (const dir of this.logDirs) {
      fs.mkdirSync(dir, { recursive: true });
      const marker = path.join(dir, CLEAN_SHUTDOWN_FILE);
      const hadCleanShutdown = fs.existsSync(marker);
      const recoveryPoints = readOffsetCheckpoint(dir, RECOVERY_POINT_CHECKPOINT_FILE);
      const logStartOffsets = readOffsetCheckpoint(dir, LOG_START_OFFSET_CHECKPOINT_FILE);
      if (!hadCleanShutdown) this.logger.info(`Attempting recovery for all logs in ${dir} since no clean shutdown file was found`);
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const tp = parseTopicPartitionName(entry.name);
        if (tp === null) continue; // e.g. `<tp>.<id>-delete` or `-future` folders, lost+found
        const k = key(tp.topic, tp.partition);
        const existing = this.logs.get(k);
        if (existing) {
          throw new Error(`Duplicate log directories for ${k} are found in both ${existing.dir} and ${path.join(dir, entry.name)}.`);
        }
        const config = topicConfigs?.(tp.topic) ?? this.defaultConfig;
        const log = Log.open(path.join(dir, entry.name), tp.topic, tp.partition, config, {
          time: this.time,
          hadCleanShutdown,
          recoveryPoint: recoveryPoints.get(k),
          logStartOffset: logStartOffsets.get(k),
          failureChannel: this.failureChannel,
        });
        this.logs.set(k, log);
        // Recovery brought the whole log back to a valid state: it is the new recovery point (LogLoader).
        this.recoveryPoints.set(k, log.logEndOffset);
      }
      if (hadCleanShutdown) fs.rmSync(marker, { force: true });
    }
    this.logger.info(`Loaded ${this.logs.size} logs in ${this.time() - start}ms`);
  }

  getLog(topic: string, partition: number): Log | undefined {
    return this.logs.get(key(topic, partition));
  }

  /** Existing log, or a new one in the log dir holding the fewest partitions (Kafka's nextLogDirs). */
  getOrCreateLog(topic: string, partition: number, config?: LogConfig): Log {
    const existing = this.getLog(topic, partition);
    if (existing) return existing;
    const dir = path.join(this.nextLogDir(), key(topic, partition));
    const log = Log.open(dir, topic, partition, config ?? this.defaultConfig, { time: this.time, hadCleanShutdown: true, failureChannel: this.failureChannel });
    this.logs.set(key(topic, partition), log);
    this.logger.info(`Created log for partition ${key(topic, partition)} in ${dir}`);
    return log;
  }

  private nextLogDir(): string {
    // New partitions go to live dirs only (Kafka's LogManager.nextLogDirs over liveLogDirs).
    const live = this.logDirs.filter((d) => !this.failureChannel.isOffline(d));
    if (live.length === 0) throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `No log directories available. Tried ${this.logDirs.join(', ')}`);
    if (live.length === 1) return live[0];
    const counts = new Map<string, number>(live.map((d) => [d, 0]));
    for (const log of this.logs.values()) {
      const parent = log.parentDir;
      counts.set(parent, (counts.get(parent) ?? 0) + 1);
    }
    let best = live[0];
    for (const d of live) if ((counts.get(d) ?? 0) < (counts.get(best) ?? 0)) best = d;
    return best;
  }

  allLogs(): Log[] {
    return [...this.logs.values()];
  }

  /** Removes the partition's log and its folder. */
  deleteLog(topic: string, partition: number): void {
    const k = key(topic, partition);
    const log = this.logs.get(k);
    if (!log) return;
    this.logs.delete(k);
    this.recoveryPoints.delete(k);
    log.delete();
    this.logger.info(`Deleted log for partition ${k} in ${log.dir}.`);
  }

  /**
   * recovery-point-offset-checkpoint and log-start-offset-checkpoint in each log dir (Kafka's
   * checkpointLogRecoveryOffsets / checkpointLogStartOffsets). Rolled segments are flushed, so the recovery
   * point is at least the active segment's base offset; start-up recovers only what lies past it.
   */
  checkpointLogOffsets(): void {
    const byDir = new Map<
      string,
      { rp: Array<{ topic: string; partition: number; offset: number }>; ls: Array<{ topic: string; partition: number; offset: number }> }
    >();
    for (const dir of this.logDirs) byDir.set(dir, { rp: [], ls: [] });
    for (const [k, log] of this.logs) {
      const rp = Math.max(this.recoveryPoints.get(k) ?? 0, log.activeSegment.baseOffset);
      this.recoveryPoints.set(k, rp);
      const d = byDir.get(log.parentDir);
      d?.rp.push({ topic: log.topic, partition: log.partition, offset: rp });
      d?.ls.push({ topic: log.topic, partition: log.partition, offset: log.logStartOffset });
    }
    for (const [dir, { rp, ls }] of byDir) {
      try {
        writeOffsetCheckpoint(dir, RECOVERY_POINT_CHECKPOINT_FILE, rp);
        writeOffsetCheckpoint(dir, LOG_START_OFFSET_CHECKPOINT_FILE, ls);
      } catch (e) {
        this.logger.error(`Disk error while writing recovery offsets checkpoint in directory ${dir}`, e);
      }
    }
  }

  /** Starts the periodic checkpoint of recovery points and log start offsets (log.flush.offset.checkpoint.interval.ms). */
  startup(checkpointIntervalMs = 60000): void {
    this.checkpointTimer = setInterval(() => this.checkpointLogOffsets(), checkpointIntervalMs);
    this.checkpointTimer.unref();
  }

  /** Flushes and closes every log (indexes trimmed), then writes the clean shutdown marker in each log dir. */
  shutdown(): void {
    this.logger.info('Shutting down.');
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    for (const [k, log] of this.logs) {
      if (this.failureChannel.isOffline(log.parentDir)) continue; // Kafka shuts down live dirs only
      log.flush();
      this.recoveryPoints.set(k, log.logEndOffset);
    }
    this.checkpointLogOffsets();
    for (const log of this.logs.values()) log.close();
    this.logs.clear();
    // No clean-shutdown marker in an offline dir: the next start recovers its logs.
    for (const dir of this.logDirs.filter((d) => !this.failureChannel.isOffline(d))) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, CLEAN_SHUTDOWN_FILE), '');
    }
    this.logger.info('Shutdown complete.');
  }
}
