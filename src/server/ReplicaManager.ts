import { getLogger, Logger } from '../common/logger';
import { LogManager } from '../log/LogManager';
import { LogConfig } from '../log/LogConfig';
import { AlterPartitionResponsePartitionData } from '../protocol/apis/56-alter-partition';
import { ErrorCode, errorName, KafkaError } from '../protocol/errors';
import { countBatches } from '../protocol/records/RecordBatch';
import { RecordValidationError } from '../protocol/records/RecordValidationError';
import { AlterPartitionManager } from './AlterPartitionManager';
import { ControllerNodeProvider, metadataCacheControllerNodeProvider } from './BrokerToControllerChannel';
import { ReplicaAlterLogDirsManager } from './ReplicaAlterLogDirsManager';
import { DelayedFetch } from './DelayedFetch';
import { DelayedOperationPurgatory } from './DelayedOperation';
import { DelayedProduce, ProducePartitionResult, ProduceWait } from './DelayedProduce';
import { HighWatermarkCheckpoints, readHighWatermarks } from './HighWatermarkCheckpoint';
import { KafkaConfig } from './config/KafkaConfig';
import { MetadataCache } from './MetadataCache';
import { lastOffsetForLeaderEpoch, Partition, tpKey } from '../cluster/Partition';
import type { LeaderAndIsrPartitionState } from '../protocol/apis/04-leader-and-isr';
import { LeaderEndpoint, ReplicaFetcherManager } from './ReplicaFetcherManager';
import { BrokerTopicStats } from './metrics/BrokerTopicStats';
import { ReplicaManagerMeters } from './metrics/KafkaMetrics';
import { divergingEpoch, FetchParams, FetchPartitionRequest, FetchPartitionResult, fetchableBytes, hasFetchableData, readFromLocalLog } from './LocalLogReader';
import type { AppendOrigin } from '../log/LogAppendInfo';
import { createLogsForNewReplicas } from './NewReplicaLogs';
import { PartitionErrors, ReplicaStateChanges, TransitionState } from './ReplicaStateChanges';

export type { FetchPartitionRequest, FetchPartitionResult } from './LocalLogReader';

export type { ProducePartitionResult } from './DelayedProduce';

/**
 * ReplicaManager.appendToLocalLog's expected exceptions (unknown partition, not leader, record or batch too large,
 * corrupt record, storage error), answered with UNKNOWN_LOG_APPEND_INFO (log start offset -1).
 */
const UNKNOWN_APPEND_INFO_ERRORS = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.MESSAGE_TOO_LARGE,
  ErrorCode.RECORD_LIST_TOO_LARGE,
  ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.KAFKA_STORAGE_ERROR,
]);

interface ReplicaManagerDeps {
  config: KafkaConfig;
  logManager: LogManager;
  metadataCache: MetadataCache;
  brokerEpoch: () => number;
  logConfigFor: (topic: string) => LogConfig;
  /** The broker's BrokerTopicMetrics and ReplicaManager meters (KafkaMetrics); fresh ones when not given (tests). */
  brokerTopicStats?: BrokerTopicStats;
  meters?: ReplicaManagerMeters;
  /**
   * KRaft: where AlterPartition goes (the active controller of the quorum) and the broker epochs of ISR members.
   * Absent in ZooKeeper mode: the metadata cache's controller on the inter-broker listener.
   */
  kraft?: { controllerNode: ControllerNodeProvider; brokerEpochOf: (brokerId: number) => number | undefined };
}

const COMPRESSION_ZSTD = 4;

/**
 * kafka.server.ReplicaManager: the partitions this broker hosts; the produce path (acks 0/1/all with
 * min.insync.replicas), the fetch path for consumers and followers, the controller's LeaderAndIsr and
 * StopReplica, follower fetchers, ISR expansion/shrinking through AlterPartition, and the
 * replication-offset-checkpoint files.
 */
export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();
  private readonly fetchPurgatory = new DelayedOperationPurgatory<DelayedFetch>('Fetch');
  private readonly producePurgatory = new DelayedOperationPurgatory<DelayedProduce>('Produce');
  private readonly log: Logger;
  private readonly fetcherManager: ReplicaFetcherManager;
  private readonly alterPartitionManager: AlterPartitionManager;
  private readonly stateChanges: ReplicaStateChanges;
  /** Moves replicas between this broker's log dirs (AlterReplicaLogDirs). */
  readonly alterLogDirsManager: ReplicaAlterLogDirsManager;
  private readonly checkpointedHw: Map<string, number>;
  private readonly hwCheckpoints: HighWatermarkCheckpoints;
  private timers: NodeJS.Timeout[] = [];
  private readonly leadershipListeners: Array<(p: Partition, isLeader: boolean) => void> = [];
  readonly brokerId: number;
  private shutDown = false;
  /** Kafka's brokerTopicStats: per-topic and all-topics produce and fetch meters. */
  readonly brokerTopicStats: BrokerTopicStats;
  /** isrExpandRate, isrShrinkRate, failedIsrUpdatesRate: every Partition marks them (AlterPartitionListener). */
  readonly meters: ReplicaManagerMeters;

  constructor(private readonly deps: ReplicaManagerDeps) {
    const cfg = deps.config;
    this.brokerId = cfg.brokerId;
    this.brokerTopicStats = deps.brokerTopicStats ?? new BrokerTopicStats();
    this.meters = deps.meters ?? new ReplicaManagerMeters();
    this.log = getLogger('kafka.server.ReplicaManager', `[ReplicaManager broker=${cfg.brokerId}] `);
    this.fetcherManager = new ReplicaFetcherManager(
      {
        brokerId: cfg.brokerId,
        replicaFetchWaitMaxMs: cfg.replicaFetchWaitMaxMs,
        replicaFetchMinBytes: cfg.replicaFetchMinBytes,
        replicaFetchMaxBytes: cfg.replicaFetchMaxBytes,
        replicaFetchResponseMaxBytes: cfg.replicaFetchResponseMaxBytes,
        replicaFetchBackoffMs: cfg.replicaFetchBackoffMs,
        replicaSocketTimeoutMs: cfg.replicaSocketTimeoutMs,
        brokerEpoch: deps.brokerEpoch,
      },
      (p, bytes) => this.onFollowerProgress(p, bytes),
    );
    this.alterPartitionManager = new AlterPartitionManager(
      cfg.brokerId,
      deps.brokerEpoch,
      deps.kraft?.controllerNode ?? metadataCacheControllerNodeProvider(deps.metadataCache, cfg.interBrokerListenerName),
      cfg.controllerSocketTimeoutMs,
      (p, res) => this.onAlterPartitionResult(p, res),
      deps.kraft?.brokerEpochOf,
    );
    this.checkpointedHw = readHighWatermarks(cfg.logDirs);
    this.hwCheckpoints = new HighWatermarkCheckpoints(cfg.logDirs, this.log);
    this.alterLogDirsManager = new ReplicaAlterLogDirsManager(
      {
        brokerId: cfg.brokerId,
        logManager: deps.logManager,
        getPartition: (t, p) => this.getPartition(t, p),
        knowsPartition: (t, p) => deps.metadataCache.partitionState(t, p) !== undefined,
        logConfigFor: (t) => deps.logConfigFor(t),
        onReplicaMoved: () => void this.checkpointHighWatermarks(),
      },
      { maxBytes: cfg.replicaFetchMaxBytes, backoffMs: cfg.replicaFetchBackoffMs },
    );
    this.stateChanges = new ReplicaStateChanges({
      brokerId: this.brokerId,
      partitions: this.partitions,
      logManager: deps.logManager,
      logConfigFor: deps.logConfigFor,
      checkpointedHw: (key) => this.checkpointedHw.get(key) ?? 0,
      meters: this.meters,
      brokerTopicStats: this.brokerTopicStats,
      fetcherManager: this.fetcherManager,
      alterLogDirsManager: this.alterLogDirsManager,
      onHighWatermarkIncreased: (p) => this.onHighWatermarkIncreased(p),
      notifyLeadership: (p, isLeader) => this.notifyLeadership(p, isLeader),
      completeDelayedFetch: (key) => this.fetchPurgatory.checkAndComplete(key),
      completeDelayedProduce: (key) => this.producePurgatory.checkAndComplete(key),
    });
  }

  /** Starts the ISR-shrink check (every replica.lag.time.max.ms / 2) and the HW checkpoint schedule. */
  startup(): void {
    const cfg = this.deps.config;
    this.timers.push(setInterval(() => this.maybeShrinkIsr(), Math.max(100, cfg.replicaLagTimeMaxMs / 2)));
    this.timers.push(setInterval(() => void this.checkpointHighWatermarks(), Math.max(100, cfg.replicaHighWatermarkCheckpointIntervalMs)));
    for (const t of this.timers) t.unref();
  }

  /**
   * Called after this broker becomes leader or follower of a partition, or stops hosting it (isLeader false).
   * The group coordinator loads and unloads __consumer_offsets partitions through it.
   */
  addLeadershipListener(fn: (p: Partition, isLeader: boolean) => void): void {
    this.leadershipListeners.push(fn);
  }

  private notifyLeadership(p: Partition, isLeader: boolean): void {
    for (const fn of this.leadershipListeners) {
      try {
        fn(p, isLeader);
      } catch (e) {
        this.log.error(`Error in leadership listener for ${p.key}`, e);
      }
    }
  }

  get metadataCache(): MetadataCache {
    return this.deps.metadataCache;
  }

  /** The broker's logs (Kafka's replicaManager.logManager): DescribeLogDirs and AlterReplicaLogDirs work on them. */
  get logManager(): LogManager {
    return this.deps.logManager;
  }

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(tpKey(topic, partition));
  }

  allPartitions(): Partition[] {
    return [...this.partitions.values()];
  }

  /** The topic's min.insync.replicas from its cached typed config (DelayedProduce re-checks it after the append). */
  minInSyncReplicas(topic: string): number {
    return this.deps.logConfigFor(topic).minInSyncReplicas ?? this.deps.config.minInSyncReplicas;
  }

  /** The partition if this broker leads it, else the Kafka error a client should see. */
  leaderPartitionOrError(topic: string, partition: number): Partition | number {
    const p = this.partitions.get(tpKey(topic, partition));
    if (p) return p.isLeader() ? p : ErrorCode.NOT_LEADER_OR_FOLLOWER;
    // Kafka answers NOT_LEADER_OR_FOLLOWER for partitions that exist in the cluster but not here.
    if (this.deps.metadataCache.partitionState(topic, partition)) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  }

  // ---------------------------------------------------------------- produce

  /**
   * Appends one produce request's partitions. Every batch is validated before anything is written
   * (Log.appendAsLeader); a bad batch fails only its partition. acks=-1 waits in the produce purgatory.
   * The coordinators append with origin 'coordinator' (Kafka's AppendOrigin.COORDINATOR: no client-only checks).
   */
  appendRecords(
    apiVersion: number,
    acks: number,
    timeoutMs: number,
    entries: Array<{ topic: string; partition: number; records: Buffer | null }>,
    origin: AppendOrigin = 'client',
  ): ProducePartitionResult[] | Promise<ProducePartitionResult[]> {
    const results: ProducePartitionResult[] = [];
    const waits: ProduceWait[] = [];
    const appended: Array<{ key: string; hwIncreased: boolean }> = [];
    for (const e of entries) {
      const r = this.appendToPartition(apiVersion, acks, e.topic, e.partition, e.records, origin);
      results.push(r.result);
      if (r.requiredOffset !== null) {
        waits.push({ topic: e.topic, partition: e.partition, requiredOffset: r.requiredOffset, result: r.result, done: false });
        appended.push({ key: tpKey(e.topic, e.partition), hwIncreased: r.hwIncreased });
      }
    }
    if (acks !== -1 || waits.length === 0) {
      this.completeAfterAppends(appended);
      return results;
    }
    return new Promise((resolve) => {
      const op = new DelayedProduce(timeoutMs, waits, this, () => resolve(results));
      this.producePurgatory.tryCompleteElseWatch(
        op,
        waits.map((w) => tpKey(w.topic, w.partition)),
      );
      this.completeAfterAppends(appended);
    });
  }

  /**
   * ReplicaManager.addCompletePurgatoryAction: only once every partition of the request is appended are the parked
   * operations woken (Kafka's action queue, run after the request is handled). A follower's fetch parked on several
   * partitions then carries all of them; woken after the first append it would carry that one alone, and the
   * request's acks=all answer would wait for a second fetch round for the others.
   */
  private completeAfterAppends(appended: Array<{ key: string; hwIncreased: boolean }>): void {
    for (const { key, hwIncreased } of appended) {
      if (hwIncreased) {
        this.producePurgatory.checkAndComplete(key);
        this.fetchPurgatory.checkAndComplete(key);
      } else {
        // The log end offset moved: parked follower fetches may complete.
        this.fetchPurgatory.checkAndComplete(key);
      }
    }
  }

  private appendToPartition(
    apiVersion: number,
    acks: number,
    topic: string,
    partition: number,
    records: Buffer | null,
    origin: AppendOrigin,
  ): { result: ProducePartitionResult; requiredOffset: number | null; hwIncreased: boolean } {
    const fail = (code: number, message: string | null = null) => ({
      result: { errorCode: code, errorMessage: message, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 },
      requiredOffset: null,
      hwIncreased: false,
    });
    // ReplicaManager.appendToLocalLog marks TotalProduceRequestsPerSec for every partition of the request.
    const stats = this.brokerTopicStats;
    stats.markProduceRequest(topic);
    const p = this.leaderPartitionOrError(topic, partition);
    if (typeof p === 'number') return fail(p);
    try {
      // ProduceRequest.validateRecords: v3+ carries exactly one magic-2 batch per partition (v0-2 are not checked:
      // their v0/v1 message sets are converted by the partition's LogValidator step).
      if (records === null || (apiVersion >= 3 && (records.length === 0 || countBatches(records) !== 1))) {
        return fail(ErrorCode.INVALID_RECORD, 'Produce requests with version 3 and above must contain exactly one record batch');
      }
      const codec = records.length > 22 ? records.readInt16BE(21) & 0x07 : 0;
      if (codec === COMPRESSION_ZSTD && apiVersion < 7) {
        return fail(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'Produce requests with zstd compression need version 7 or above');
      }
      const info = p.appendRecordsToLeader(records, acks, this.deps.config.minInSyncReplicas, origin);
      // BytesInPerSec counts the batch bytes as produced, MessagesInPerSec the records appended.
      stats.markAppend(topic, info.numRecords, records.length);
      // Partition.appendRecordsToLeader moves the HW (an ISR of one); the purgatories are checked after every append.
      const hwIncreased = p.maybeIncrementLeaderHW();
      return {
        hwIncreased,
        result: {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          baseOffset: info.firstOffset,
          logAppendTimeMs: info.logAppendTime,
          logStartOffset: p.logStartOffset,
        },
        requiredOffset: info.lastOffset + 1,
      };
    } catch (e) {
      if (e instanceof RecordValidationError) {
        // ReplicaManager.appendToLocalLog: the record errors and the log start offset go back to the producer.
        stats.markFailedProduce(topic);
        this.log.error(`Error processing append operation on partition ${topic}-${partition}`, e);
        const failed = fail(e.code, e.message);
        return { ...failed, result: { ...failed.result, logStartOffset: p.logStartOffset, recordErrors: e.recordErrors } };
      }
      if (e instanceof KafkaError) {
        const failed = fail(e.code, e.message);
        if (UNKNOWN_APPEND_INFO_ERRORS.has(e.code)) {
          this.log.debug(`Error appending to ${topic}-${partition}: ${e.message}`);
          return failed;
        }
        // appendToLocalLog's processFailedRecord: logged as an error, metered, answered with the log start offset.
        stats.markFailedProduce(topic);
        this.log.error(`Error processing append operation on partition ${topic}-${partition}`, e);
        return { ...failed, result: { ...failed.result, logStartOffset: p.logStartOffset } };
      }
      stats.markFailedProduce(topic);
      this.log.error(`Error processing append operation on partition ${topic}-${partition}`, e);
      return fail(ErrorCode.KAFKA_STORAGE_ERROR, (e as Error).message);
    }
  }

  private onHighWatermarkIncreased(p: Partition): void {
    this.fetchPurgatory.checkAndComplete(p.key);
    this.producePurgatory.checkAndComplete(p.key);
  }

  // ---------------------------------------------------------------- fetch

  /**
   * Reads what is available now; if it is less than min_bytes and max_wait allows, parks the fetch in
   * the purgatory until the log end offset (followers) or high watermark (consumers) of one of its
   * partitions moves, or max_wait expires. A follower's fetch also records its position (ISR, HW).
   */
  fetchMessages(params: FetchParams, requests: FetchPartitionRequest[]): FetchPartitionResult[] | Promise<FetchPartitionResult[]> {
    if (params.replicaId >= 0) this.updateFollowerFetchState(params.replicaId, requests);
    this.markFetchRequests(requests);
    // Nothing readable and nothing to report at once (DelayedFetch.tryComplete would say so): the read would return
    // no bytes and no error, so the fetch is parked without it (an idle follower's session, twice a second).
    if (params.maxWaitMs > 0 && params.minBytes > 0 && requests.length > 0 && this.nothingFetchable(params, requests)) return this.parkFetch(params, requests);
    const results = this.readFromLocalLog(params, requests);
    let bytes = 0;
    let anyError = false;
    let anyDiverging = false;
    for (const r of results) {
      bytes += r.sizeInBytes;
      if (r.errorCode !== ErrorCode.NONE) anyError = true;
      if (r.divergingEpoch) anyDiverging = true;
    }
    // A diverged follower must learn it now to truncate (ReplicaManager.fetchMessages: hasDivergingEpoch).
    if (params.maxWaitMs <= 0 || requests.length === 0 || bytes >= params.minBytes || anyError || anyDiverging) return results;
    return this.parkFetch(params, requests);
  }

  private nothingFetchable(params: FetchParams, requests: FetchPartitionRequest[]): boolean {
    for (const r of requests) if (this.hasFetchableData(params, r) !== false) return false;
    return true;
  }

  /** Parks a fetch in the purgatory until min_bytes are readable, a partition errs, or max_wait_ms passes. */
  private parkFetch(params: FetchParams, requests: FetchPartitionRequest[]): Promise<FetchPartitionResult[]> {
    return new Promise((resolve) => {
      // Kafka's DelayedFetch.onComplete reads through readFromLocalLog again, which meters the partitions again.
      const op = new DelayedFetch(params, requests, this, (r) => {
        this.markFetchRequests(requests);
        resolve(r);
      });
      this.fetchPurgatory.tryCompleteElseWatch(
        op,
        requests.map((r) => r.key ?? tpKey(r.topic, r.partition)),
      );
    });
  }

  private updateFollowerFetchState(replicaId: number, requests: FetchPartitionRequest[]): void {
    const now = Date.now();
    for (const req of requests) {
      const p = this.partitions.get(req.key ?? tpKey(req.topic, req.partition));
      if (!p || !p.isLeader()) continue;
      if (req.currentLeaderEpoch >= 0 && req.currentLeaderEpoch !== p.leaderEpoch) continue;
      // Partition.fetchRecords: a follower whose log diverged is not caught up at its fetch offset.
      if (this.diverges(p, req)) continue;
      p.updateFollowerFetchState(replicaId, req.fetchOffset, now);
      if (p.shouldAddToIsr(replicaId)) {
        const newIsr = [...p.isr, replicaId];
        this.log.info(`Expanding ISR for partition ${p.key} from ${p.isr.join(',')} to ${newIsr.join(',')}`);
        this.alterPartitionManager.submit(p, newIsr);
      }
      if (p.maybeIncrementLeaderHW()) this.onHighWatermarkIncreased(p);
    }
  }

  private diverges(p: Partition, req: FetchPartitionRequest): boolean {
    try {
      return divergingEpoch(p, req) !== null;
    } catch {
      return true;
    }
  }

  readFromLocalLog(params: FetchParams, requests: FetchPartitionRequest[]): FetchPartitionResult[] {
    return readFromLocalLog(
      (t, p, key) => this.partitionOrError(t, p, key),
      params,
      requests,
      this.log,
      (t) => this.brokerTopicStats.markFailedFetch(t),
    );
  }

  /** ReplicaManager.readFromLocalLog's TotalFetchRequestsPerSec: once per partition read, consumers and followers alike. */
  private markFetchRequests(requests: FetchPartitionRequest[]): void {
    for (const r of requests) this.brokerTopicStats.markFetchRequest(r.topic);
  }

  /** ReplicaManager.getPartitionOrException: the hosted replica, leader or follower, else the client's error. */
  partitionOrError(topic: string, partition: number, key: string = tpKey(topic, partition)): Partition | number {
    const p = this.partitions.get(key);
    if (p) return p;
    if (this.deps.metadataCache.partitionState(topic, partition)) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  }

  /**
   * KafkaApis.getCurrentLeader: the leader and epoch from our replica if we host one, else from the metadata
   * cache; with the leader's endpoint on `listener` when it is alive (Fetch v16 CurrentLeader, KIP-951).
   */
  currentLeader(
    topic: string,
    partition: number,
    listener: string,
  ): { leaderId: number; leaderEpoch: number; node: { nodeId: number; host: string; port: number; rack: string | null } | null } {
    const p = this.partitions.get(tpKey(topic, partition));
    const st = this.deps.metadataCache.partitionState(topic, partition);
    const leaderId = p ? p.leaderReplicaId : (st?.leader ?? -1);
    const leaderEpoch = p ? p.leaderEpoch : (st?.leaderEpoch ?? -1);
    const broker = leaderId >= 0 ? this.deps.metadataCache.getAliveBroker(leaderId) : undefined;
    const ep = broker ? this.deps.metadataCache.endpointFor(leaderId, listener) : undefined;
    return { leaderId, leaderEpoch, node: broker && ep ? { nodeId: leaderId, host: ep.host, port: ep.port, rack: broker.rack } : null };
  }

  /** Whether a parked fetch could get data now, without reading. */
  hasFetchableData(params: FetchParams, req: FetchPartitionRequest): boolean | 'error' {
    return hasFetchableData(this.partitions.get(req.key ?? tpKey(req.topic, req.partition)), params, req);
  }

  fetchableBytes(params: FetchParams, req: FetchPartitionRequest): number | null {
    return fetchableBytes(this.partitions.get(req.key ?? tpKey(req.topic, req.partition)), params, req);
  }

  /** OffsetForLeaderEpoch for one partition (Partition.lastOffsetForLeaderEpoch), served by the leader. */
  lastOffsetForLeaderEpoch(
    topic: string,
    partition: number,
    currentLeaderEpoch: number,
    leaderEpoch: number,
    replicaId: number,
  ): { errorCode: number; leaderEpoch: number; endOffset: number } {
    return lastOffsetForLeaderEpoch(
      this.partitions.get(tpKey(topic, partition)),
      this.deps.metadataCache.partitionState(topic, partition) !== undefined,
      currentLeaderEpoch,
      leaderEpoch,
      replicaId,
    );
  }

  /**
   * DeleteRecords on the leader (Partition.deleteRecordsOnLeader): -1 means the high watermark; beyond it is
   * OFFSET_OUT_OF_RANGE; a topic without cleanup.policy=delete refuses (POLICY_VIOLATION). The log start offset
   * moves at once; the retention task removes the segments wholly below it. Answers the leader's new log start
   * offset as the low watermark (Kafka waits in a purgatory for the followers' start offsets too).
   */
  deleteRecords(topic: string, partition: number, offset: number): { lowWatermark: number; errorCode: number; errorMessage: string | null } {
    const p = this.leaderPartitionOrError(topic, partition);
    if (typeof p === 'number') return { lowWatermark: -1, errorCode: p, errorMessage: null };
    if (!(p.config.deletePolicy ?? true)) {
      return {
        lowWatermark: -1,
        errorCode: ErrorCode.POLICY_VIOLATION,
        errorMessage: `Records of partition ${p.key} can not be deleted due to the configured policy`,
      };
    }
    const target = offset === -1 ? p.highWatermark : offset;
    if (target < 0 || target > p.highWatermark) {
      return {
        lowWatermark: -1,
        errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
        errorMessage: `Cannot increment the log start offset to ${target} of partition ${p.key} since it is larger than the high watermark ${p.highWatermark}`,
      };
    }
    try {
      if (p.log.maybeIncrementLogStartOffset(target, 'client delete records request')) this.fetchPurgatory.checkAndComplete(p.key);
      return { lowWatermark: p.logStartOffset, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (e) {
      if (e instanceof KafkaError) return { lowWatermark: -1, errorCode: e.code, errorMessage: e.message };
      this.log.error(`Error processing delete records operation on partition ${p.key}`, e);
      return { lowWatermark: -1, errorCode: ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: (e as Error).message };
    }
  }

  // ---------------------------------------------------------------- replication

  private onFollowerProgress(p: Partition, appendedBytes: number): void {
    // ReplicaFetcherThread.processPartitionData: BrokerTopicStats.updateReplicationBytesIn.
    this.brokerTopicStats.updateReplicationBytesIn(appendedBytes);
    // Consumers may read from followers (Fetch v11+): a parked fetch there waits for the follower's high
    // watermark (ReplicaFetcherThread.processPartitionData -> completeDelayedFetchRequests).
    this.fetchPurgatory.checkAndComplete(p.key);
  }

  private onAlterPartitionResult(p: Partition, res: AlterPartitionResponsePartitionData): void {
    if (res.errorCode !== ErrorCode.NONE) {
      this.log.info(`Failed to alter partition ${p.key}: ${errorName(res.errorCode)}`);
      p.alterPartitionFailed();
      return;
    }
    if (!p.isLeader() || res.leaderEpoch !== p.leaderEpoch) {
      this.meters.markFailed(); // a LeaderAndIsr overtook it (Partition.handleAlterPartitionUpdate: stale leader epoch)
      return;
    }
    this.log.info(`ISR updated to ${res.isr.join(',')} and version updated to ${res.partitionEpoch} for partition ${p.key}`);
    p.applyIsrChange(res.isr, res.partitionEpoch);
    if (p.maybeIncrementLeaderHW()) this.onHighWatermarkIncreased(p);
    this.producePurgatory.checkAndComplete(p.key);
  }

  /** Partition.maybeShrinkIsr for every led partition: followers behind for replica.lag.time.max.ms leave the ISR. */
  private maybeShrinkIsr(): void {
    const now = Date.now();
    for (const p of this.partitions.values()) {
      const out = p.outOfSyncReplicas(now, this.deps.config.replicaLagTimeMaxMs);
      if (out.length === 0) continue;
      const newIsr = p.isr.filter((r) => !out.includes(r));
      this.log.info(
        `Shrinking ISR for partition ${p.key} from ${p.isr.join(',')} to ${newIsr.join(',')}. Leader: (highWatermark: ${p.highWatermark}, endOffset: ${p.logEndOffset}). Out of sync replicas: ${out.join(',')}.`,
      );
      this.alterPartitionManager.submit(p, newIsr);
    }
  }

  /** Snapshots every partition's high watermark now; resolves once the files are on disk (written off the event loop). */
  checkpointHighWatermarks(): Promise<void> {
    return this.hwCheckpoints.checkpoint(this.partitions.values());
  }

  // ---------------------------------------------------------------- controller requests (ReplicaStateChanges)

  /** Highest controller epoch seen (zk-mode.md §5.3). */
  get controllerEpoch(): number {
    return this.stateChanges.controllerEpoch;
  }

  set controllerEpoch(epoch: number) {
    this.stateChanges.controllerEpoch = epoch;
  }

  /**
   * The logs of a LeaderAndIsr's replicas that this broker does not have yet, created before becomeLeaderOrFollower
   * (which then finds them): folders in the thread pool, files with the event loop served in between (NewReplicaLogs).
   */
  createLogsForNewReplicas(states: ReadonlyArray<{ topic: string; partition: number; state: LeaderAndIsrPartitionState }>): Promise<void> {
    return createLogsForNewReplicas(
      { brokerId: this.brokerId, logManager: this.deps.logManager, logConfigFor: this.deps.logConfigFor, hosts: (t, p) => this.partitions.has(tpKey(t, p)) },
      states,
    );
  }

  /** LeaderAndIsr: see ReplicaStateChanges.becomeLeaderOrFollower. */
  becomeLeaderOrFollower(
    controllerId: number,
    controllerEpoch: number,
    states: TransitionState[],
    liveLeaders: LeaderEndpoint[],
  ): PartitionErrors & { checkpointsWritten?: Promise<string[]> } {
    return this.stateChanges.becomeLeaderOrFollower(controllerId, controllerEpoch, states, liveLeaders);
  }

  /** StopReplica: see ReplicaStateChanges.stopReplicas. */
  stopReplicas(
    controllerId: number,
    controllerEpoch: number,
    partitions: Array<{ topic: string; partition: number; leaderEpoch: number; deletePartition: boolean }>,
  ): PartitionErrors {
    return this.stateChanges.stopReplicas(controllerId, controllerEpoch, partitions);
  }

  /** KRaft's metadata delta: see ReplicaStateChanges.applyDelta. */
  applyDelta(
    metadataLeaderId: number,
    changed: Array<{ topic: string; partition: number; topicId: Buffer; state: LeaderAndIsrPartitionState }>,
    removed: Array<{ topic: string; partition: number }>,
    leaderEndpoint: (brokerId: number) => LeaderEndpoint | undefined,
  ): void {
    this.stateChanges.applyDelta(metadataLeaderId, changed, removed, leaderEndpoint);
  }

  /** True once shutdown() ran: a metadata publish still applying in slices stops creating replicas. */
  get isShutdown(): boolean {
    return this.shutDown;
  }

  /** Stops everything at once; the returned promise settles when the final high watermark checkpoint is on disk. */
  shutdown(): Promise<void> {
    this.shutDown = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.fetcherManager.shutdown();
    this.alterLogDirsManager.shutdown();
    this.alterPartitionManager.shutdown();
    this.fetchPurgatory.shutdown();
    this.producePurgatory.shutdown();
    return this.checkpointHighWatermarks()
      .then(() => this.hwCheckpoints.flushed())
      .then(() => this.log.info('Shut down completely'));
  }
}
