import { getLogger, Logger } from '../common/logger';
import { LogManager } from '../log/LogManager';
import { LogConfig } from '../log/LogConfig';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { countBatches } from '../protocol/records/RecordBatch';
import { DelayedOperation, DelayedOperationPurgatory } from './DelayedOperation';
import { MetadataCache } from './MetadataCache';
import { Partition, PartitionLeaderState, tpKey } from './Partition';

export interface ProducePartitionResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
}

export interface FetchPartitionRequest {
  topic: string;
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
}

export interface FetchPartitionResult {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer[] | null;
  sizeInBytes: number;
}

export interface FetchParams {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  /** Fetch v3+ (every version we serve): the first non-empty partition may exceed the byte limits. */
  hardMaxBytesLimit: boolean;
}

const COMPRESSION_ZSTD = 4;

/**
 * kafka.server.ReplicaManager: the partitions this broker hosts, the produce and fetch paths, and the
 * controller's LeaderAndIsr / StopReplica requests.
 */
export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();
  private readonly fetchPurgatory = new DelayedOperationPurgatory<DelayedFetch>('Fetch');
  private readonly log: Logger;
  private readonly stateChangeLog: Logger;
  /** Highest controller epoch seen (zk-mode.md §5.3). */
  controllerEpoch = 0;

  constructor(
    readonly brokerId: number,
    readonly logManager: LogManager,
    readonly metadataCache: MetadataCache,
    private readonly logConfigFor: (topic: string) => LogConfig,
  ) {
    this.log = getLogger('kafka.server.ReplicaManager', `[ReplicaManager broker=${brokerId}] `);
    this.stateChangeLog = getLogger('state.change.logger', `[Broker id=${brokerId}] `);
  }

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(tpKey(topic, partition));
  }

  allPartitions(): Partition[] {
    return [...this.partitions.values()];
  }

  /** The partition if this broker leads it, else the Kafka error a client should see. */
  leaderPartitionOrError(topic: string, partition: number): Partition | number {
    const p = this.partitions.get(tpKey(topic, partition));
    if (p) return p.isLeader() ? p : ErrorCode.NOT_LEADER_OR_FOLLOWER;
    // Kafka answers NOT_LEADER_OR_FOLLOWER for partitions that exist in the cluster but not here.
    if (this.metadataCache.partitionState(topic, partition)) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  }

  // ---------------------------------------------------------------- produce

  /**
   * Appends one produce request's partitions. Every batch is validated before anything is written
   * (Log.appendAsLeader); a bad batch fails only its partition.
   */
  appendRecords(
    apiVersion: number,
    entries: Array<{ topic: string; partition: number; records: Buffer | null }>,
  ): ProducePartitionResult[] {
    const results: ProducePartitionResult[] = [];
    for (const e of entries) results.push(this.appendToPartition(apiVersion, e.topic, e.partition, e.records));
    return results;
  }

  private appendToPartition(apiVersion: number, topic: string, partition: number, records: Buffer | null): ProducePartitionResult {
    const fail = (code: number, message: string | null = null): ProducePartitionResult => ({
      errorCode: code,
      errorMessage: message,
      baseOffset: -1,
      logAppendTimeMs: -1,
      logStartOffset: -1,
    });
    const p = this.leaderPartitionOrError(topic, partition);
    if (typeof p === 'number') return fail(p);
    try {
      // ProduceRequest.validateRecords: v3+ carries exactly one magic-2 batch per partition.
      if (records === null || records.length === 0 || countBatches(records) !== 1) {
        return fail(ErrorCode.INVALID_RECORD, 'Produce requests with version 3 and above must contain exactly one record batch');
      }
      const codec = records.length > 22 ? records.readInt16BE(21) & 0x07 : 0;
      if (codec === COMPRESSION_ZSTD && apiVersion < 7) {
        return fail(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'Produce requests with zstd compression need version 7 or above');
      }
      const info = p.log.appendAsLeader(records, p.leaderEpoch);
      this.onHighWatermarkMaybeIncreased(p);
      return { errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: info.firstOffset, logAppendTimeMs: -1, logStartOffset: p.logStartOffset };
    } catch (e) {
      if (e instanceof KafkaError) {
        this.log.debug(`Error appending to ${topic}-${partition}: ${e.message}`);
        return fail(e.code, e.message);
      }
      this.log.error(`Error processing append operation on partition ${topic}-${partition}`, e);
      return fail(ErrorCode.KAFKA_STORAGE_ERROR, (e as Error).message);
    }
  }

  private onHighWatermarkMaybeIncreased(p: Partition): void {
    this.fetchPurgatory.checkAndComplete(p.key);
  }

  // ---------------------------------------------------------------- fetch

  /**
   * Reads what is available now; if it is less than min_bytes and max_wait allows, parks the fetch in
   * the purgatory until the high watermark of one of its partitions moves or max_wait expires.
   */
  fetchMessages(params: FetchParams, requests: FetchPartitionRequest[]): FetchPartitionResult[] | Promise<FetchPartitionResult[]> {
    const results = this.readFromLocalLog(params, requests);
    let bytes = 0;
    let anyError = false;
    for (const r of results) {
      bytes += r.sizeInBytes;
      if (r.errorCode !== ErrorCode.NONE) anyError = true;
    }
    if (params.maxWaitMs <= 0 || requests.length === 0 || bytes >= params.minBytes || anyError) return results;
    return new Promise((resolve) => {
      const op = new DelayedFetch(params, requests, this, resolve);
      this.fetchPurgatory.tryCompleteElseWatch(op, requests.map((r) => tpKey(r.topic, r.partition)));
    });
  }

  readFromLocalLog(params: FetchParams, requests: FetchPartitionRequest[]): FetchPartitionResult[] {
    const isFollower = params.replicaId >= 0;
    let remaining = params.maxBytes;
    let minOneMessage = !params.hardMaxBytesLimit;
    const out: FetchPartitionResult[] = [];
    for (const req of requests) {
      const res: FetchPartitionResult = {
        topic: req.topic,
        partition: req.partition,
        errorCode: ErrorCode.NONE,
        highWatermark: -1,
        lastStableOffset: -1,
        logStartOffset: -1,
        records: null,
        sizeInBytes: 0,
      };
      out.push(res);
      const p = this.partitions.get(tpKey(req.topic, req.partition));
      if (!p) {
        res.errorCode = this.metadataCache.partitionState(req.topic, req.partition)
          ? ErrorCode.NOT_LEADER_OR_FOLLOWER
          : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        continue;
      }
      if (!p.isLeader()) {
        res.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
        continue;
      }
      if (req.currentLeaderEpoch >= 0 && req.currentLeaderEpoch !== p.leaderEpoch) {
        res.errorCode = req.currentLeaderEpoch < p.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
        continue;
      }
      const hw = p.highWatermark;
      const maxOffset = isFollower ? p.logEndOffset : hw;
      try {
        const limit = Math.max(0, Math.min(req.partitionMaxBytes, remaining));
        const data = p.log.read(req.fetchOffset, limit, maxOffset, minOneMessage);
        res.records = data.records;
        res.sizeInBytes = data.sizeInBytes;
        if (data.sizeInBytes > 0) {
          minOneMessage = false;
          remaining = Math.max(0, remaining - data.sizeInBytes);
        }
        res.highWatermark = hw;
        res.lastStableOffset = hw; // no transactions: LSO = HW (protocol.md §7, librdkafka EOF detection)
        res.logStartOffset = p.logStartOffset;
      } catch (e) {
        res.errorCode = e instanceof KafkaError ? e.code : ErrorCode.KAFKA_STORAGE_ERROR;
        res.records = null;
        if (!(e instanceof KafkaError)) this.log.error(`Error reading ${p.key}`, e);
      }
    }
    return out;
  }

  /** Bytes a parked fetch could get now, without reading: enough to decide min_bytes = 1. */
  hasFetchableData(params: FetchParams, req: FetchPartitionRequest): boolean | 'error' {
    const p = this.partitions.get(tpKey(req.topic, req.partition));
    if (!p || !p.isLeader()) return 'error';
    const limit = params.replicaId >= 0 ? p.logEndOffset : p.highWatermark;
    if (req.fetchOffset > limit || req.fetchOffset < p.logStartOffset) return 'error';
    return req.fetchOffset < limit;
  }

  // ---------------------------------------------------------------- controller requests

  /**
   * LeaderAndIsr (kafka.server.ReplicaManager.becomeLeaderOrFollower): per partition, accept only a
   * newer leader epoch; create the log when missing; become leader or follower.
   */
  becomeLeaderOrFollower(
    controllerId: number,
    controllerEpoch: number,
    states: Array<{ topic: string; partition: number; topicId: Buffer | null; state: PartitionLeaderState }>,
  ): { errorCode: number; partitionErrors: Array<{ topic: string; partition: number; errorCode: number }> } {
    if (controllerEpoch < this.controllerEpoch) {
      this.stateChangeLog.warn(
        `Ignoring LeaderAndIsr request from controller ${controllerId} with correlation id since its controller epoch ${controllerEpoch} is old. Latest known controller epoch is ${this.controllerEpoch}`,
      );
      return { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH, partitionErrors: [] };
    }
    this.controllerEpoch = controllerEpoch;
    const partitionErrors: Array<{ topic: string; partition: number; errorCode: number }> = [];
    for (const { topic, partition, topicId, state } of states) {
      const key = tpKey(topic, partition);
      if (!state.replicas.includes(this.brokerId)) {
        partitionErrors.push({ topic, partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
        continue;
      }
      let p = this.partitions.get(key);
      if (p && state.leaderEpoch <= p.leaderEpoch) {
        if (topicId && !p.topicId) p.topicId = topicId;
        this.stateChangeLog.info(
          `Ignoring LeaderAndIsr request from controller ${controllerId} epoch ${controllerEpoch} for partition ${key} since its associated leader epoch ${state.leaderEpoch} is not higher than the current leader epoch ${p.leaderEpoch}`,
        );
        partitionErrors.push({ topic, partition, errorCode: ErrorCode.STALE_CONTROLLER_EPOCH });
        continue;
      }
      try {
        if (!p) {
          const log = this.logManager.getOrCreateLog(topic, partition, this.logConfigFor(topic));
          p = new Partition(topic, partition, this.brokerId, log);
          this.partitions.set(key, p);
        }
        if (topicId) p.topicId = topicId;
        p.applyLeaderState(state);
        const role = state.leader === this.brokerId ? 'leader' : 'follower';
        this.stateChangeLog.info(
          `Completed LeaderAndIsr request correlationId from controller ${controllerId} epoch ${controllerEpoch} for the become-${role} transition for partition ${key} with leader epoch ${state.leaderEpoch}, ISR [${state.isr.join(',')}]`,
        );
        partitionErrors.push({ topic, partition, errorCode: ErrorCode.NONE });
        // Parked fetches on a partition whose leadership changed must answer with the new error now.
        this.fetchPurgatory.checkAndComplete(key);
      } catch (e) {
        this.stateChangeLog.error(`Error while making broker the ${state.leader === this.brokerId ? 'leader' : 'follower'} for partition ${key}`, e);
        partitionErrors.push({ topic, partition, errorCode: ErrorCode.KAFKA_STORAGE_ERROR });
      }
    }
    return { errorCode: ErrorCode.NONE, partitionErrors };
  }

  /** StopReplica: stop serving the partition; with delete, remove its log folder. */
  stopReplicas(
    controllerId: number,
    controllerEpoch: number,
    partitions: Array<{ topic: string; partition: number; leaderEpoch: number; deletePartition: boolean }>,
  ): { errorCode: number; partitionErrors: Array<{ topic: string; partition: number; errorCode: number }> } {
    if (controllerEpoch < this.controllerEpoch) return { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH, partitionErrors: [] };
    this.controllerEpoch = controllerEpoch;
    const partitionErrors: Array<{ topic: string; partition: number; errorCode: number }> = [];
    for (const s of partitions) {
      const key = tpKey(s.topic, s.partition);
      const p = this.partitions.get(key);
      // -1 and -2 are sentinels (no epoch / topic deletion); otherwise an older epoch is fenced.
      if (p && s.leaderEpoch >= 0 && s.leaderEpoch < p.leaderEpoch) {
        partitionErrors.push({ topic: s.topic, partition: s.partition, errorCode: ErrorCode.FENCED_LEADER_EPOCH });
        continue;
      }
      try {
        if (p) {
          this.partitions.delete(key);
          this.fetchPurgatory.checkAndComplete(key);
        }
        if (s.deletePartition) this.logManager.deleteLog(s.topic, s.partition);
        this.stateChangeLog.info(`Handled StopReplica for partition ${key} (delete=${s.deletePartition})`);
        partitionErrors.push({ topic: s.topic, partition: s.partition, errorCode: ErrorCode.NONE });
      } catch (e) {
        this.stateChangeLog.error(`Error while stopping replica ${key}`, e);
        partitionErrors.push({ topic: s.topic, partition: s.partition, errorCode: ErrorCode.KAFKA_STORAGE_ERROR });
      }
    }
    return { errorCode: ErrorCode.NONE, partitionErrors };
  }

  shutdown(): void {
    this.fetchPurgatory.shutdown();
    this.log.info('Shut down completely');
  }
}

/** A fetch parked until enough data is visible or max_wait_ms passes (kafka.server.DelayedFetch). */
class DelayedFetch extends DelayedOperation {
  constructor(
    private readonly params: FetchParams,
    private readonly requests: FetchPartitionRequest[],
    private readonly rm: ReplicaManager,
    private readonly respond: (r: FetchPartitionResult[]) => void,
  ) {
    super(params.maxWaitMs);
  }

  tryComplete(): boolean {
    let anyData = false;
    for (const req of this.requests) {
      const s = this.rm.hasFetchableData(this.params, req);
      if (s === 'error') return this.forceComplete();
      if (s) anyData = true;
    }
    if (!anyData) return false;
    if (this.params.minBytes <= 1) return this.forceComplete();
    let bytes = 0;
    for (const r of this.rm.readFromLocalLog(this.params, this.requests)) bytes += r.sizeInBytes;
    return bytes >= this.params.minBytes ? this.forceComplete() : false;
  }

  protected onComplete(): void {
    this.respond(this.rm.readFromLocalLog(this.params, this.requests));
  }
}
