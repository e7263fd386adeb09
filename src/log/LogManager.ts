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

/** Kafka's `LogLoader.CleanShutdownFile`. */
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

export interface LogManagerOptions {
  /** Injectable clock (ms), passed to every log. */
  time?: () => number;
}

export class LogManager {
  private readonly logs = new Map<string, Log>();
  private readonly logger = getLogger('kafka.log.LogManager', '[LogManager] ');
  private readonly time: () => number;
  readonly logDirs: string[];

  constructor(logDirs: string[], public defaultConfig: LogConfig, opts: LogManagerOptions = {}) {
    this.logDirs = logDirs.map((d) => path.resolve(d));
    this.time = opts.time ?? Date.now;
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
        const log = Log.open(path.join(dir, entry.name), tp.topic, tp.partition, config, { time: this.time, hadCleanShutdown });
        this.logs.set(k, log);
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
    const log = Log.open(dir, topic, partition, config ?? this.defaultConfig, { time: this.time, hadCleanShutdown: true });
    this.logs.set(key(topic, partition), log);
    this.logger.info(`Created log for partition ${key(topic, partition)} in ${dir}`);
    return log;
  }

  private nextLogDir(): string {
    if (this.logDirs.length === 1) return this.logDirs[0];
    const counts = new Map<string, number>(this.logDirs.map((d) => [d, 0]));
    for (const log of this.logs.values()) {
      const parent = log.parentDir;
      counts.set(parent, (counts.get(parent) ?? 0) + 1);
    }
    let best = this.logDirs[0];
    for (const d of this.logDirs) if ((counts.get(d) ?? 0) < (counts.get(best) ?? 0)) best = d;
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
    log.delete();
    this.logger.info(`Deleted log for partition ${k} in ${log.dir}.`);
  }

  /** Flushes and closes every log (indexes trimmed), then writes the clean shutdown marker in each log dir. */
  shutdown(): void {
    this.logger.info('Shutting down.');
    for (const log of this.logs.values()) {
      log.flush();
      log.close();
    }
    this.logs.clear();
    for (const dir of this.logDirs) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, CLEAN_SHUTDOWN_FILE), '');
    }
    this.logger.info('Shutdown complete.');
  }
}
