/**
 * Moving replicas between the log dirs of this broker (KIP-113; Kafka's ReplicaAlterLogDirsManager and
 * ReplicaAlterLogDirsThread, plus ReplicaManager.alterReplicaLogDirs). AlterReplicaLogDirs creates a future log
 * (`<topic>-<partition>.<uniqueId>-future`) in the destination dir; a copy loop per partition "fetches" from the
 * current log as a follower fetches from its leader (whole batches from the future log's end offset, appended
 * with appendAsFollower so offsets, leader epochs and producer ids stay as written; the log start offset
 * follows the current one; a truncated current log truncates the future one by leader epoch). When the future
 * log has reached the current log's end offset, the swap happens at once, in the same turn of the event loop so
 * that no append can come between (Kafka holds the partition's write lock): the future folder becomes
 * `<topic>-<partition>`, the old one `.<uniqueId>-delete`, and the partition serves the new log with its high
 * watermark unchanged.
 */
import { getLogger, Logger } from '../common/logger';
import type { Partition } from '../cluster/Partition';
import type { Log } from '../log/Log';
import type { LogManager } from '../log/LogManager';
import type { LogConfig } from '../log/LogConfig';
import { ErrorCode, KafkaError } from '../protocol/errors';

/** What the mover needs from the ReplicaManager. */
export interface AlterLogDirsHost {
  readonly brokerId: number;
  readonly logManager: LogManager;
  getPartition(topic: string, partition: number): Partition | undefined;
  /** Whether the cluster knows the partition (metadata cache): REPLICA_NOT_AVAILABLE rather than UNKNOWN_TOPIC_OR_PARTITION. */
  knowsPartition(topic: string, partition: number): boolean;
  logConfigFor(topic: string): LogConfig;
  /** Called after a swap (the replica manager checkpoints high watermarks in the new dir). */
  onReplicaMoved(p: Partition): void;
}

interface MoveOptions {
  /** Bytes copied per round (replica.fetch.max.bytes). */
  maxBytes: number;
  /** Wait when there was nothing to copy or a round failed (replica.fetch.backoff.ms). */
  backoffMs: number;
}

interface MoveState {
  topic: string;
  partition: number;
  timer: { timeout: NodeJS.Timeout } | { immediate: NodeJS.Immediate } | null;
  /** The current log's truncation count when the future log last checked for divergence. */
  seenTruncations: number;
  /** The current log object the truncation count belongs to. */
  seenLog: Log | null;
}

/** UnifiedLog.logFutureDirName of a partition is `<topic>-<partition>.<32 hex>-future`; file names stop at 255. */
const MAX_DIR_NAME = 255;

export class ReplicaAlterLogDirsManager {
  private readonly moves = new Map<string, MoveState>();
  private readonly log: Logger;
  private stopped = false;

  constructor(
    private readonly host: AlterLogDirsHost,
    private readonly opts: MoveOptions,
  ) {
    this.log = getLogger('kafka.server.ReplicaAlterLogDirsManager', `[ReplicaAlterLogDirsManager on broker ${host.brokerId}] `);
  }

  /** Partitions whose replica is being moved to another log dir. */
  isMoving(topic: string, partition: number): boolean {
    return this.moves.has(`${topic}-${partition}`);
  }

  /**
   * ReplicaManager.alterReplicaLogDirs for each (partition, destination): LOG_DIR_NOT_FOUND for a dir not in
   * log.dirs, KAFKA_STORAGE_ERROR for an offline one (or a replica in an offline dir), REPLICA_NOT_AVAILABLE
   * when this broker has no replica of a known partition (the destination is remembered: a replica created
   * later goes there, LogManager.maybeUpdatePreferredLogDir), UNKNOWN_TOPIC_OR_PARTITION for an unknown one.
   * A different destination than a move in progress abandons that move first.
   */
  alterReplicaLogDirs(items: ReadonlyArray<{ topic: string; partition: number; dir: string }>): Array<{ topic: string; partition: number; errorCode: number }> {
    const lm = this.host.logManager;
    return items.map(({ topic, partition, dir }) => {
      const done = (errorCode: number) => ({ topic, partition, errorCode });
      try {
        if (`${topic}-${partition}.${'0'.repeat(32)}-future`.length > MAX_DIR_NAME) {
          throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, 'The topic name is too long.');
        }
        // LogManager.isLogDirOnline: the destination must be one of log.dirs, as an absolute path.
        if (!lm.logDirs.includes(dir)) throw new KafkaError(ErrorCode.LOG_DIR_NOT_FOUND, `Log dir ${dir} is not found in the config.`);
        if (!lm.isLogDirOnline(dir)) throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `Log directory ${dir} is offline`);
        let p = this.host.getPartition(topic, partition);
        if (p && lm.failureChannel.isOffline(p.log.parentDir)) {
          throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `Partition ${topic}-${partition} is offline`);
        }
        const future = lm.getLog(topic, partition, true);
        if (future && future.parentDir !== dir) {
          this.log.info(`Abandoning the move of ${topic}-${partition} to ${future.parentDir}: ${dir} is its new destination`);
          this.removePartition(topic, partition);
          lm.removeFutureLog(topic, partition);
        }
        lm.maybeUpdatePreferredLogDir(topic, partition, dir);
        p = this.host.getPartition(topic, partition);
        if (!p) {
          // NotLeaderOrFollowerException, answered as REPLICA_NOT_AVAILABLE "for compatibility" (Kafka's comment).
          return done(this.host.knowsPartition(topic, partition) ? ErrorCode.REPLICA_NOT_AVAILABLE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        // Partition.maybeCreateFutureReplica: nothing to do in the current dir or when the future log exists.
        if (p.log.parentDir !== dir && !lm.getLog(topic, partition, true)) {
          lm.createFutureLog(topic, partition, dir, this.host.logConfigFor(topic));
          this.addPartition(p);
        }
        return done(ErrorCode.NONE);
      } catch (e) {
        if (e instanceof KafkaError) {
          this.log.warn(`Unable to alter log dirs for ${topic}-${partition}: ${e.message}`);
          return done(e.code);
        }
        this.log.error(`Error while changing replica dir for partition ${topic}-${partition}`, e);
        return done(ErrorCode.KAFKA_STORAGE_ERROR);
      }
    });
  }

  /** Starts (or keeps) copying the partition's current log into its future log (Kafka's addFetcherForPartitions). */
  addPartition(p: Partition): void {
    if (this.stopped || this.moves.has(p.key)) return;
    const state: MoveState = { topic: p.topic, partition: p.partition, timer: null, seenTruncations: -1, seenLog: null };
    this.moves.set(p.key, state);
    this.log.info(`Added log dir fetcher for partition ${p.key} with offset ${this.host.logManager.getLog(p.topic, p.partition, true)?.logEndOffset ?? 0}`);
    this.schedule(state, 0);
  }

  /** Stops copying (StopReplica, a new destination, shutdown); the future log stays until its owner removes it. */
  removePartition(topic: string, partition: number): void {
    const state = this.moves.get(`${topic}-${partition}`);
    if (!state) return;
    this.cancel(state);
    this.moves.delete(`${topic}-${partition}`);
  }

  shutdown(): void {
    this.stopped = true;
    for (const s of this.moves.values()) this.cancel(s);
    this.moves.clear();
  }

  private cancel(state: MoveState): void {
    if (state.timer === null) return;
    if ('timeout' in state.timer) clearTimeout(state.timer.timeout);
    else clearImmediate(state.timer.immediate);
    state.timer = null;
  }

  private schedule(state: MoveState, delayMs: number): void {
    const run = () => {
      state.timer = null;
      if (this.moves.get(`${state.topic}-${state.partition}`) !== state) return;
      let next: number | null;
      try {
        next = this.copyRound(state);
      } catch (e) {
        this.log.warn(`Error copying ${state.topic}-${state.partition} into its future log: ${(e as Error).message}`);
        next = this.opts.backoffMs;
      }
      if (next === null) this.moves.delete(`${state.topic}-${state.partition}`);
      else this.schedule(state, next);
    };
    if (delayMs > 0) {
      const t = setTimeout(run, delayMs);
      t.unref();
      state.timer = { timeout: t };
    } else {
      state.timer = { immediate: setImmediate(run) };
    }
  }

  /**
   * One round of ReplicaAlterLogDirsThread: copy up to maxBytes from the current log, then swap if caught up.
   * Returns the delay before the next round, or null when the move is over (done or abandoned).
   */
  private copyRound(state: MoveState): number | null {
    const { topic, partition } = state;
    const lm = this.host.logManager;
    const p = this.host.getPartition(topic, partition);
    const future = lm.getLog(topic, partition, true);
    if (!p || !future) return null;
    const current = p.log;
    // A failed dir ends the move (Kafka's handleLogDirFailure stops the alter-log-dirs fetchers of its partitions);
    // the future log stays until a restart finds the dir again.
    if (lm.failureChannel.isOffline(future.parentDir) || lm.failureChannel.isOffline(current.parentDir)) {
      this.log.warn(`Stopping the move of ${p.key} to ${future.parentDir}: a log dir of the partition is offline`);
      return null;
    }
    this.maybeTruncate(state, current, future);
    if (future.logEndOffset < current.logStartOffset) {
      // Out of range below the current log start: start over there (the follower's "reset to leader start").
      future.truncateFullyAndStartAt(current.logStartOffset);
    }
    let copied = false;
    if (future.logEndOffset < current.logEndOffset) {
      const data = current.read(future.logEndOffset, this.opts.maxBytes, current.logEndOffset, true);
      if (data.records.length > 0) {
        const records = data.records.length === 1 ? data.records[0] : Buffer.concat(data.records);
        const firstBase = Number(records.readBigInt64BE(0));
        // The current log starts inside a batch: the future log starts at that batch (UnexpectedAppendOffset).
        if (firstBase < future.logEndOffset && future.size === 0) future.truncateFullyAndStartAt(firstBase);
        future.appendAsFollower(records);
        copied = true;
      }
    }
    future.maybeIncrementLogStartOffset(current.logStartOffset, 'current log start offset update');
    if (future.logEndOffset === current.logEndOffset) {
      this.swap(p, current, future);
      return null;
    }
    return copied ? 0 : this.opts.backoffMs;
  }

  /**
   * A current log truncated since the last round (it follows a new leader) may no longer hold what the future log
   * copied: the future log truncates to where its latest epoch ends in the current log, as a follower does with
   * OffsetForLeaderEpoch, and never past the current end.
   */
  private maybeTruncate(state: MoveState, current: Log, future: Log): void {
    if (state.seenLog === current && state.seenTruncations === current.truncationCount && future.logEndOffset <= current.logEndOffset) return;
    state.seenLog = current;
    state.seenTruncations = current.truncationCount;
    let target = Math.min(future.logEndOffset, current.logEndOffset);
    if (future.latestEpoch >= 0) {
      const r = current.leaderEpochCache.endOffsetFor(future.latestEpoch, current.logEndOffset);
      target = Math.min(target, r.endOffset < 0 ? current.logStartOffset : r.endOffset);
    }
    if (target < future.logEndOffset) {
      this.log.info(`Truncating the future log of ${current.topic}-${current.partition} to ${target} (end ${future.logEndOffset})`);
      future.truncateTo(target);
    }
  }

  /**
   * Partition.maybeReplaceCurrentWithFutureReplica: same end offset, so the future log holds every batch. Epoch
   * entries the current log has without a batch yet (a leader's new epoch starts at its end offset) are copied
   * first; then LogManager renames and reopens, and the partition serves the new log.
   */
  private swap(p: Partition, current: Log, future: Log): void {
    for (const e of current.leaderEpochCache.entries) {
      if (!future.leaderEpochCache.entries.some((f) => f.epoch === e.epoch && f.startOffset === e.startOffset))
        future.leaderEpochCache.assign(e.epoch, e.startOffset);
    }
    const from = current.parentDir;
    const log = this.host.logManager.replaceCurrentWithFutureLog(p.topic, p.partition);
    p.log = log;
    this.log.info(`Partition ${p.key} moved from ${from} to ${log.parentDir} at end offset ${log.logEndOffset}`);
    this.host.onReplicaMoved(p);
  }
}
