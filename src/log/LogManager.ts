/**
 * All partition logs of a broker across its log dirs (Kafka's `LogManager`): loading at startup with recovery
 * after an unclean shutdown, placement of new partitions, deletion, and clean shutdown with the
 * `.kafka_cleanshutdown` marker. With several log.dirs it also holds the future logs of replicas being moved
 * to another dir (AlterReplicaLogDirs, KIP-113): `<topic>-<partition>.<uniqueId>-future` folders, swapped in for
 * the current log by replaceCurrentWithFutureLog; replaced or deleted logs become `.<uniqueId>-delete` folders.
 */
import * as fs from 'fs';
import * as path from 'path';
import { getLogger } from '../common/logger';
import { Log } from './Log';
import { LogConfig } from './LogConfig';
import { LogDirFailureChannel } from './LogDirFailureChannel';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { LOG_START_OFFSET_CHECKPOINT_FILE, readOffsetCheckpoint, RECOVERY_POINT_CHECKPOINT_FILE, writeOffsetCheckpoint } from './OffsetCheckpointFile';
import {
  CLEAN_SHUTDOWN_FILE,
  DELETE_DIR_SUFFIX,
  FUTURE_DIR_SUFFIX,
  futureKey,
  key,
  parseSuffixedDirName,
  parseTopicPartitionName,
  suffixedDirName,
} from './LogDirNames';

export { CLEAN_SHUTDOWN_FILE, parseSuffixedDirName, parseTopicPartitionName } from './LogDirNames';

interface LogManagerOptions {
  /** Injectable clock (ms), passed to every log. */
  time?: () => number;
  /** log.segment.delete.delay.ms: how long a `-delete` folder stays before it is removed (Kafka's deleteLogs). */
  fileDeleteDelayMs?: number;
  /** producer.id.expiration.ms: idle producers' state is dropped after this long (default one day). */
  producerIdExpirationMs?: number;
  /** producer.id.expiration.check.interval.ms: how often that is checked (default 10 minutes). */
  producerIdExpirationCheckIntervalMs?: number;
}

/** Topic.CLUSTER_METADATA_TOPIC_NAME: KRaft's metadata log, kept in metadata.log.dir by the Raft client. */
const CLUSTER_METADATA_TOPIC_NAME = '__cluster_metadata';

export class LogManager {
  private readonly logs = new Map<string, Log>();
  /** Future replicas being filled by the ReplicaAlterLogDirs mover (Kafka's futureLogs). */
  private readonly futureLogs = new Map<string, Log>();
  /** Where AlterReplicaLogDirs asked a replica not created yet to live (Kafka's preferredLogDirs). */
  private readonly preferredLogDirs = new Map<string, string>();
  /** Where prepareLogFolders created the folder of a log not created yet: getOrCreateLog opens it there. */
  private readonly plannedLogDirs = new Map<string, string>();
  private readonly deleteTimers = new Set<NodeJS.Timeout>();
  private readonly fileDeleteDelayMs: number;
  private readonly logger = getLogger('kafka.log.LogManager', '[LogManager] ');
  private readonly time: () => number;
  readonly logDirs: string[];
  /** I/O errors in any log take that log's dir offline for every log in it (Kafka's LogDirFailureChannel). */
  readonly failureChannel = new LogDirFailureChannel();

  private readonly recoveryPoints = new Map<string, number>();
  private checkpointTimer: NodeJS.Timeout | null = null;
  private producerExpirationTimer: NodeJS.Timeout | null = null;
  private readonly producerIdExpirationMs: number;
  private readonly producerIdExpirationCheckIntervalMs: number;

  constructor(
    logDirs: string[],
    public defaultConfig: LogConfig,
    opts: LogManagerOptions = {},
  ) {
    this.logDirs = logDirs.map((d) => path.resolve(d));
    this.time = opts.time ?? Date.now;
    this.fileDeleteDelayMs = opts.fileDeleteDelayMs ?? 60000;
    this.producerIdExpirationMs = opts.producerIdExpirationMs ?? 86400000;
    this.producerIdExpirationCheckIntervalMs = opts.producerIdExpirationCheckIntervalMs ?? 600000;
  }

  /** Topics with a partition folder in some log dir: LogManager.startup fetches their configs before loading. */
  topicsOnDisk(): string[] {
    const topics = new Set<string>();
    for (const dir of this.logDirs) {
      if (!fs.existsSync(dir)) continue;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const tp = entry.isDirectory() ? parseTopicPartitionName(entry.name) : null;
        if (tp && tp.topic !== CLUSTER_METADATA_TOPIC_NAME) topics.add(tp.topic);
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
        const suffixed = parseSuffixedDirName(entry.name);
        if (suffixed?.suffix === DELETE_DIR_SUFFIX) {
          // A replica replaced or deleted before the restart: Kafka's loadLogs queues it for deletion.
          this.scheduleDelete(path.join(dir, entry.name));
          continue;
        }
        const tp = suffixed ?? parseTopicPartitionName(entry.name);
        if (tp === null) continue; // lost+found and other folders
        // LogManager.loadLogs: the KRaft metadata log (__cluster_metadata-0) is the Raft client's, never a replica.
        if (tp.topic === CLUSTER_METADATA_TOPIC_NAME) continue;
        const isFuture = suffixed !== null;
        const k = key(tp.topic, tp.partition);
        const existing = (isFuture ? this.futureLogs : this.logs).get(k);
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
        (isFuture ? this.futureLogs : this.logs).set(k, log);
        // Recovery brought the whole log back to a valid state: it is the new recovery point (LogLoader).
        this.recoveryPoints.set(isFuture ? futureKey(k) : k, log.logEndOffset);
      }
      if (hadCleanShutdown) fs.rmSync(marker, { force: true });
    }
    this.logger.info(`Loaded ${this.logs.size} logs in ${this.time() - start}ms`);
  }

  getLog(topic: string, partition: number, isFuture = false): Log | undefined {
    return (isFuture ? this.futureLogs : this.logs).get(key(topic, partition));
  }

  /**
   * Existing log, or a new one in the dir AlterReplicaLogDirs asked for (preferredLogDirs), else in the log dir
   * holding the fewest partitions (Kafka's nextLogDirs).
   */
  /**
   * getOrCreateLog for many partitions (a LeaderAndIsr's new replicas), giving the event loop a turn every
   * `sliceMs`. Creating 1,000 logs is seconds of synchronous file-system calls on a busy machine; Kafka
   * does it in a request handler thread while its ZooKeeper and network threads run on. In one block here
   * it would starve the ZooKeeper session's pings (the session expires and the broker drops out) and every
   * other client. Failures are left for the caller's getOrCreateLog to meet again and report.
   */
  async getOrCreateLogsYielding(items: ReadonlyArray<{ topic: string; partition: number; config?: LogConfig }>, sliceMs = 20): Promise<void> {
    let sliceStart = Date.now();
    for (const { topic, partition, config } of items) {
      if (Date.now() - sliceStart >= sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = Date.now();
      }
      try {
        this.getOrCreateLog(topic, partition, config);
      } catch {
        /* reported by the caller's own getOrCreateLog */
      }
    }
  }

  /**
   * Creates the folders of logs about to be created (a LeaderAndIsr's new replicas) in the thread pool, `parallel` at
   * a time, each in the log dir getOrCreateLog will then use. mkdir is the costliest call of a new log on ext4 (it waits
   * for the journal while other fsyncs commit); made on the event loop one by one it held a broker for seconds at
   * 1,000 partitions. Failures are left for getOrCreateLog to meet again and report (KAFKA_STORAGE_ERROR).
   */
  async prepareLogFolders(items: ReadonlyArray<{ topic: string; partition: number }>, parallel = 16): Promise<void> {
    const todo: string[] = [];
    const counts = new Map<string, number>();
    for (const { topic, partition } of items) {
      const k = key(topic, partition);
      if (this.logs.has(k) || this.plannedLogDirs.has(k)) continue;
      const preferred = this.preferredLogDirs.get(k);
      let parent: string;
      try {
        parent = preferred !== undefined && this.isLogDirOnline(preferred) ? preferred : this.nextLogDir(counts);
      } catch {
        continue; // no live log dir: getOrCreateLog reports it
      }
      counts.set(parent, (counts.get(parent) ?? 0) + 1);
      this.plannedLogDirs.set(k, parent);
      todo.push(path.join(parent, k));
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < todo.length) await fs.promises.mkdir(todo[next++], { recursive: true }).catch(() => undefined);
    };
    await Promise.all(Array.from({ length: Math.min(parallel, todo.length) }, worker));
  }

  getOrCreateLog(topic: string, partition: number, config?: LogConfig): Log {
    const existing = this.getLog(topic, partition);
    if (existing) return existing;
    const k = key(topic, partition);
    const preferred = this.preferredLogDirs.get(k);
    const planned = this.plannedLogDirs.get(k);
    this.plannedLogDirs.delete(k);
    const parent =
      preferred !== undefined && this.isLogDirOnline(preferred)
        ? preferred
        : planned !== undefined && this.isLogDirOnline(planned)
          ? planned
          : this.nextLogDir();
    const dir = path.join(parent, k);
    const log = Log.open(dir, topic, partition, config ?? this.defaultConfig, { time: this.time, hadCleanShutdown: true, failureChannel: this.failureChannel });
    this.logs.set(k, log);
    this.preferredLogDirs.delete(k); // satisfied
    this.logger.info(`Created log for partition ${k} in ${dir}`);
    return log;
  }

  /** A configured log dir (absolute) that has not failed. */
  isLogDirOnline(dir: string): boolean {
    const abs = path.resolve(dir);
    return this.logDirs.includes(abs) && !this.failureChannel.isOffline(abs);
  }

  /**
   * Kafka's maybeUpdatePreferredLogDir: remembers where a replica should live, unless its current or future log
   * is already there. A replica created later (LeaderAndIsr) goes there.
   */
  maybeUpdatePreferredLogDir(topic: string, partition: number, logDir: string): void {
    const dir = path.resolve(logDir);
    if (this.getLog(topic, partition)?.parentDir === dir || this.getLog(topic, partition, true)?.parentDir === dir) return;
    this.preferredLogDirs.set(key(topic, partition), dir);
  }

  /** The future replica of a partition in `logDir` (getOrCreateLog with isFuture): never in the current log's dir. */
  createFutureLog(topic: string, partition: number, logDir: string, config: LogConfig): Log {
    const k = key(topic, partition);
    const existing = this.futureLogs.get(k);
    if (existing) return existing;
    const parent = path.resolve(logDir);
    if (this.getLog(topic, partition)?.parentDir === parent) {
      throw new Error(`Can not create the future log for ${k} in the current log directory of this partition`);
    }
    const dir = path.join(parent, suffixedDirName(topic, partition, FUTURE_DIR_SUFFIX));
    const log = Log.open(dir, topic, partition, config, { time: this.time, hadCleanShutdown: true, failureChannel: this.failureChannel });
    this.futureLogs.set(k, log);
    this.preferredLogDirs.delete(k);
    this.logger.info(`Created log for partition ${k} in ${dir}`);
    return log;
  }

  /** The future replica is abandoned (another destination, StopReplica): its folder goes as `-delete`. */
  removeFutureLog(topic: string, partition: number): void {
    const k = key(topic, partition);
    const log = this.futureLogs.get(k);
    if (!log) return;
    this.futureLogs.delete(k);
    this.recoveryPoints.delete(futureKey(k));
    this.renameForDeletion(log);
  }

  /**
   * Kafka's replaceCurrentWithFutureLog, called once the future log has the current log's end offset (the caller
   * guarantees nothing is appended meanwhile): the future folder is renamed `<topic>-<partition>` and reopened as
   * the current log, with the same segments, epochs, log start offset and config; the old current log is closed
   * and renamed `.<uniqueId>-delete`, to be removed after log.segment.delete.delay.ms. Returns the new current log.
   */
  replaceCurrentWithFutureLog(topic: string, partition: number): Log {
    const k = key(topic, partition);
    const source = this.logs.get(k);
    const dest = this.futureLogs.get(k);
    if (!source) throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `The current replica for ${k} is offline`);
    if (!dest) throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `The future replica for ${k} is offline`);
    this.logger.info(`Attempting to replace current log ${source.dir} with ${dest.dir} for ${k}`);
    const logStartOffset = dest.logStartOffset;
    dest.flush();
    dest.close();
    const target = path.join(dest.parentDir, k);
    fs.renameSync(dest.dir, target);
    const log = Log.open(target, topic, partition, source.config, {
      time: this.time,
      hadCleanShutdown: true,
      recoveryPoint: dest.logEndOffset,
      logStartOffset,
      failureChannel: this.failureChannel,
    });
    this.futureLogs.delete(k);
    this.recoveryPoints.delete(futureKey(k));
    this.logs.set(k, log);
    this.recoveryPoints.set(k, log.logEndOffset);
    this.renameForDeletion(source);
    this.checkpointLogOffsets();
    this.logger.info(`The current replica is successfully replaced with the future replica for ${k}`);
    return log;
  }

  /** Closes the log, renames its folder `.<uniqueId>-delete` and schedules its removal (Kafka's asyncDelete). */
  private renameForDeletion(log: Log): void {
    log.close();
    const target = path.join(log.parentDir, suffixedDirName(log.topic, log.partition, DELETE_DIR_SUFFIX));
    try {
      fs.renameSync(log.dir, target);
    } catch (e) {
      this.logger.error(`Error while renaming ${log.dir} for deletion`, e);
      return;
    }
    this.logger.info(`Log for partition ${log.topic}-${log.partition} is renamed to ${target} and is scheduled for deletion`);
    this.scheduleDelete(target);
  }

  private scheduleDelete(dir: string): void {
    const t = setTimeout(() => {
      this.deleteTimers.delete(t);
      fs.rm(dir, { recursive: true, force: true }, (e) => {
        if (e) this.logger.error(`Error while deleting ${dir}`, e);
        else this.logger.info(`Deleted log ${dir}.`);
      });
    }, this.fileDeleteDelayMs);
    t.unref();
    this.deleteTimers.add(t);
  }

  /** `planned`: logs about to be created in each dir (prepareLogFolders), counted as if they existed. */
  private nextLogDir(planned?: ReadonlyMap<string, number>): string {
    // New partitions go to live dirs only (Kafka's LogManager.nextLogDirs over liveLogDirs).
    const live = this.logDirs.filter((d) => !this.failureChannel.isOffline(d));
    if (live.length === 0) throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `No log directories available. Tried ${this.logDirs.join(', ')}`);
    if (live.length === 1) return live[0];
    const counts = new Map<string, number>(live.map((d) => [d, planned?.get(d) ?? 0]));
    // Future logs count too (Kafka's nextLogDirs groups allLogs, current and future, by dir).
    for (const log of [...this.logs.values(), ...this.futureLogs.values()]) {
      const parent = log.parentDir;
      counts.set(parent, (counts.get(parent) ?? 0) + 1);
    }
    let best = live[0];
    for (const d of live) if ((counts.get(d) ?? 0) < (counts.get(best) ?? 0)) best = d;
    return best;
  }

  /** The current logs (future ones are not served, retained or cleaned; see futureLogList). */
  allLogs(): Log[] {
    return [...this.logs.values()];
  }

  /** The future logs of replicas being moved between log dirs. */
  futureLogList(): Log[] {
    return [...this.futureLogs.values()];
  }

  /** Removes the partition's log and its folder. */
  deleteLog(topic: string, partition: number): void {
    const k = key(topic, partition);
    const log = this.logs.get(k);
    this.preferredLogDirs.delete(k);
    const planned = this.plannedLogDirs.get(k);
    this.plannedLogDirs.delete(k);
    // A folder prepared for a log never created: nothing must load it as this partition's log later.
    if (planned !== undefined && !log) fs.rmSync(path.join(planned, k), { recursive: true, force: true });
    const future = this.futureLogs.get(k);
    if (future) {
      // StopReplica with delete removes the future replica too (Kafka's asyncDelete with isFuture).
      this.futureLogs.delete(k);
      this.recoveryPoints.delete(futureKey(k));
      future.delete();
    }
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
    const all: Array<[string, Log]> = [...this.logs, ...[...this.futureLogs].map(([k, l]): [string, Log] => [futureKey(k), l])];
    for (const [k, log] of all) {
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
    // UnifiedLog's PeriodicProducerExpirationCheck, one timer for all logs.
    this.producerExpirationTimer = setInterval(() => this.removeExpiredProducers(), this.producerIdExpirationCheckIntervalMs);
    this.producerExpirationTimer.unref();
  }

  /** Drops the state of producers idle for producer.id.expiration.ms in every log (futures follow their source). */
  removeExpiredProducers(): void {
    const now = this.time();
    for (const log of this.logs.values()) {
      if (this.failureChannel.isOffline(log.parentDir)) continue;
      const removed = log.removeExpiredProducers(now, this.producerIdExpirationMs);
      if (removed > 0) this.logger.debug(`Removed ${removed} expired producer ids from ${log.topic}-${log.partition}`);
    }
  }

  /** Flushes and closes every log (indexes trimmed), then writes the clean shutdown marker in each log dir. */
  shutdown(): void {
    this.logger.info('Shutting down.');
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    if (this.producerExpirationTimer) clearInterval(this.producerExpirationTimer);
    const all: Array<[string, Log]> = [...this.logs, ...[...this.futureLogs].map(([k, l]): [string, Log] => [futureKey(k), l])];
    for (const [k, log] of all) {
      if (this.failureChannel.isOffline(log.parentDir)) continue; // Kafka shuts down live dirs only
      log.flush();
      this.recoveryPoints.set(k, log.logEndOffset);
    }
    this.checkpointLogOffsets();
    for (const [, log] of all) log.close();
    this.logs.clear();
    this.futureLogs.clear();
    // No clean-shutdown marker in an offline dir: the next start recovers its logs.
    for (const dir of this.logDirs.filter((d) => !this.failureChannel.isOffline(d))) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, CLEAN_SHUTDOWN_FILE), '');
    }
    this.logger.info('Shutdown complete.');
  }
}
