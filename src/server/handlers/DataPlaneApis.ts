import { CloseConnectionError, RequestContext, HandlerResult, ResponseBody } from '../../network/RequestContext';
import { DeleteRecordsApi, FetchApi, ListOffsetsApi, ProduceApi } from '../../protocol/apis';
import { FetchPartitionData, FetchRequest, FetchableTopicResponse, NodeEndpoint } from '../../protocol/apis/01-fetch';
import { ListOffsetsPartitionResponse } from '../../protocol/apis/02-list-offsets';
import { ProduceRequest } from '../../protocol/apis/00-produce';
import { ErrorCode, errorInfo } from '../../protocol/errors';
import { hasTransactionalBatch } from '../../protocol/records/RecordBatch';
import { Reader } from '../../protocol/Reader';
import { encodeResponse } from '../../protocol/apis/types';
import { downConvertFetchResults } from './FetchDownConversion';
import { legacyFetchOffsetsBefore } from '../../log/LegacyOffsets';
import { FetchPartitionRequest, FetchPartitionResult, ProducePartitionResult, ReplicaManager } from '../ReplicaManager';
import { FetchParams, READ_COMMITTED } from '../LocalLogReader';
import { FetchManager, FetchSessionCache, FullFetchContext, PartitionFetchData, TopicIdPartition, TpMap, tpKey, tpMap } from '../FetchSession';
import { AclOperation } from '../../security/AclEntry';
import { CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import { AuthHelper } from './AuthHelper';
import type { RequestThrottler } from '../quota/RequestThrottler';

const LATEST_TIMESTAMP = -1;
const EARLIEST_TIMESTAMP = -2;
/** FetchRequest.FUTURE_LOCAL_REPLICA_ID; every other negative replica id (-1, the debugging consumer -2) is a consumer. */
const FUTURE_LOCAL_REPLICA_ID = -3;
/** KIP-734 (ListOffsets v7+): the record with the largest timestamp. */
const MAX_TIMESTAMP = -3;
/** KIP-405 (ListOffsets v8+): the first offset of the local log. */
const EARLIEST_LOCAL_TIMESTAMP = -4;
/** ListOffsetsRequest.CONSUMER_REPLICA_ID and DEBUGGING_REPLICA_ID. */
const CONSUMER_REPLICA_ID = -1;
const DEBUGGING_REPLICA_ID = -2;

/** FetchResponse.recordsSize: the record bytes of one partition of a response. */
function recordsSize(records: Buffer | Buffer[] | null): number {
  if (records === null) return 0;
  if (Buffer.isBuffer(records)) return records.length;
  let n = 0;
  for (const b of records) n += b.length;
  return n;
}

/** The data path of KafkaApis: Produce, Fetch, ListOffsets. */
export class DataPlaneApis {
  /** Incremental fetch sessions (KIP-227): kafka.server.FetchManager over a FetchSessionCache. */
  private readonly fetchManager: FetchManager;
  private readonly fetchMaxBytes: number;

  constructor(
    private readonly rm: ReplicaManager,
    config: { maxIncrementalFetchSessionCacheSlots: number; fetchMaxBytes: number },
    private readonly auth: AuthHelper = new AuthHelper(undefined),
    /** quota: the client quota hooks (RequestThrottler); null, nothing is measured. */
    private readonly throttler: RequestThrottler | null = null,
  ) {
    this.fetchManager = new FetchManager(new FetchSessionCache(config.maxIncrementalFetchSessionCacheSlots));
    this.fetchMaxBytes = config.fetchMaxBytes;
  }

  /**
   * KafkaApis.handleProduceRequest. v0-2 message sets are converted to v2 by the partition (LogValidator). v8+:
   * LogValidator's per-record errors answer RecordErrors and ErrorMessage (only for them, as Kafka's
   * LogAppendResult.errorMessage is set only for a RecordValidationException). v10+: NOT_LEADER_OR_FOLLOWER names
   * the leader Kafka knows (the local partition, else the metadata cache) in CurrentLeader, and its endpoint on
   * the request's listener in NodeEndpoints (KIP-951, KafkaApis.getCurrentLeader).
   */
  handleProduce(ctx: RequestContext, r: Reader): HandlerResult {
    const v = ctx.header.apiVersion;
    // RequestChannel.Request.sizeInBytes: the request as received (header and body), what the produce quota counts.
    const requestSize = r.end;
    const req: ProduceRequest = ProduceApi.decodeRequest(r, v);
    const validAcks = req.acks === 0 || req.acks === 1 || req.acks === -1;
    const entries = req.topicData.flatMap((t) => t.partitionData.map((p) => ({ topic: t.name, partition: p.index, records: p.records })));
    const encode = (results: ProducePartitionResult[]): ResponseBody => {
      // quota: the produce byte rate and (acks != 0) request time, recorded when the response is ready.
      const throttleTimeMs = this.throttler === null ? 0 : this.throttler.produceThrottleTimeMs(ctx, requestSize, req.acks);
      if (req.acks === 0) {
        // No response for acks=0; on error Kafka closes the connection so the client notices (KafkaApis.handleProduceRequest).
        const failed = results.find((x) => x.errorCode !== ErrorCode.NONE);
        if (failed) throw new CloseConnectionError(`acks=0 produce failed with error ${failed.errorCode}: ${failed.errorMessage ?? ''}`);
        return null;
      }
      const nodeEndpoints = new Map<number, { nodeId: number; host: string; port: number; rack: string | null }>();
      let i = 0;
      const responses = req.topicData.map((t) => ({
        name: t.name,
        partitionResponses: t.partitionData.map((p) => {
          const res = results[i++];
          const recordErrors = v >= 8 ? (res.recordErrors ?? []).map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message })) : [];
          const out = {
            index: p.index,
            errorCode: res.errorCode,
            baseOffset: res.baseOffset,
            logAppendTimeMs: res.logAppendTimeMs,
            logStartOffset: res.logStartOffset,
            recordErrors,
            errorMessage: v >= 8 && res.recordErrors ? res.errorMessage : null,
          };
          if (v < 10 || res.errorCode !== ErrorCode.NOT_LEADER_OR_FOLLOWER) return out;
          const leader = this.rm.currentLeader(t.name, p.index, ctx.listenerName);
          if (leader.node) nodeEndpoints.set(leader.node.nodeId, leader.node);
          return { ...out, currentLeader: { leaderId: leader.leaderId, leaderEpoch: leader.leaderEpoch } };
        }),
      }));
      return encodeResponse(ProduceApi, v, { responses, throttleTimeMs, nodeEndpoints: [...nodeEndpoints.values()] });
    };
    // KafkaApis.handleProduceRequest: transactional records need a transactional id the principal may WRITE;
    // otherwise the whole request fails with TRANSACTIONAL_ID_AUTHORIZATION_FAILED and nothing is appended.
    const hasTxnRecords = entries.some((e) => e.records !== null && hasTransactionalBatch(e.records));
    if (hasTxnRecords && (req.transactionalId === null || !this.auth.authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId))) {
      if (req.acks === 0) return null; // ProduceRequest.getErrorResponse: no response for acks=0
      const message = errorInfo(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED).message;
      return encode(
        entries.map(() => ({
          errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
          errorMessage: message,
          baseOffset: -1,
          logAppendTimeMs: -1,
          logStartOffset: -1,
          recordErrors: [],
        })),
      );
    }
    // Topics the principal may not WRITE answer TOPIC_AUTHORIZATION_FAILED per partition; the rest are appended.
    // Without an authorizer every topic is writable and the results go out as they are.
    const writable = this.auth.authorizer ? this.auth.filterByAuthorized(ctx, AclOperation.WRITE, ResourceType.TOPIC, req.topicData, (t) => t.name) : null;
    const allowed = writable ? entries.filter((e) => writable.has(e.topic)) : entries;
    const merge = (results: ProducePartitionResult[]): ProducePartitionResult[] => {
      if (!writable) return results;
      let i = 0;
      return entries.map((e) => (writable.has(e.topic) ? results[i++] : partitionError(ErrorCode.TOPIC_AUTHORIZATION_FAILED)));
    };
    if (!validAcks) {
      return encode(merge(allowed.map(() => partitionError(ErrorCode.INVALID_REQUIRED_ACKS))));
    }
    if (allowed.length === 0) return encode(merge([]));
    // Every partition is validated and written before appendRecords returns (acks=all then waits holding offsets only):
    // the connection reuses the request's buffer once this handler returned, so nothing after this line reads records.
    const out = this.rm.appendRecords(v, req.acks, req.timeoutMs, allowed);
    return Array.isArray(out) ? encode(merge(out)) : out.then((res) => encode(merge(res)));
  }

  /**
   * Fetch (KafkaApis.handleFetchRequest): resolve topic ids (v13+), let the fetch session manager pick the
   * partitions (a full, incremental or sessionless context, or a session error), answer unknown topics and
   * partitions at once, read the rest through the replica manager (parked until min_bytes or max_wait), and let
   * the context shape the response (an incremental one leaves out partitions that did not change).
   */
  handleFetch(ctx: RequestContext, r: Reader): HandlerResult {
    const v = ctx.header.apiVersion;
    const req: FetchRequest = FetchApi.decodeRequest(r, v);
    const cache = this.rm.metadataCache;
    // v15 moved the replica id into the tagged ReplicaState (KIP-903). Kafka 3.7's ZK broker keeps the epoch but does not check it.
    const replicaId = v >= 15 ? req.replicaState.replicaId : req.replicaId;
    const isFromFollower = replicaId >= 0;
    ctx.isFromFollower = isFromFollower;
    const topicName = (id: Buffer): string | undefined => (v >= 13 ? cache.topicName(id) : undefined);
    const { fetchData, toForget } = fetchDataOf(req, v, topicName);
    const context = this.fetchManager.newContext(v, req.sessionId, req.sessionEpoch, isFromFollower, fetchData, toForget, topicName);

    const erroneous: TpMap<FetchPartitionData> = new Map();
    const interesting: Array<{ tp: TopicIdPartition; topic: string; data: PartitionFetchData }> = [];
    // KafkaApis.handleFetchRequest: a follower needs CLUSTER_ACTION on the cluster (else every partition is
    // TOPIC_AUTHORIZATION_FAILED); a consumer needs READ on each topic it fetches.
    const followerDenied = isFromFollower && !this.auth.authorize(ctx, AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_NAME);
    let readable: Set<string> | null = null;
    if (!isFromFollower && this.auth.authorizer) {
      const names: string[] = [];
      context.foreachPartition((tp) => {
        if (tp.topic !== null) names.push(tp.topic);
      });
      readable = this.auth.filterByAuthorized(ctx, AclOperation.READ, ResourceType.TOPIC, names, (t) => t);
    }
    context.foreachPartition((tp, data) => {
      if (followerDenied) erroneous.set(tpKey(tp), { tp, data: errorPartition(tp.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED) });
      else if (tp.topic === null) erroneous.set(tpKey(tp), { tp, data: errorPartition(tp.partition, ErrorCode.UNKNOWN_TOPIC_ID) });
      else if (readable && !readable.has(tp.topic)) erroneous.set(tpKey(tp), { tp, data: errorPartition(tp.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED) });
      else if (!cache.partitionState(tp.topic, tp.partition))
        erroneous.set(tpKey(tp), { tp, data: errorPartition(tp.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) });
      else interesting.push({ tp, topic: tp.topic, data });
    });

    const parts: FetchPartitionRequest[] = interesting.map(({ tp, topic, data }) => ({
      topic,
      partition: tp.partition,
      fetchOffset: data.fetchOffset,
      partitionMaxBytes: data.maxBytes,
      currentLeaderEpoch: data.currentLeaderEpoch,
      lastFetchedEpoch: data.lastFetchedEpoch,
    }));
    const respond = (results: FetchPartitionResult[]): ResponseBody => {
      // quota: a consumer over its fetch byte rate or request quota gets an empty answer carrying the throttle time
      // (the bytes are not counted), measured before any down-conversion as Kafka does. Followers are exempt.
      if (this.throttler !== null && this.throttler.active && !isFromFollower) {
        let size = 0;
        for (const res of results) size += recordsSize(res.records);
        const throttleTimeMs = this.throttler.consumerFetchThrottleTimeMs(ctx, size);
        if (throttleTimeMs > 0) {
          // FetchContext.getThrottledResponse: a full context creates no session; the others answer as they would.
          const t = context instanceof FullFetchContext ? { errorCode: ErrorCode.NONE, sessionId: 0 } : context.updateAndGenerateResponseData(new Map());
          return encodeResponse(FetchApi, v, { throttleTimeMs, errorCode: t.errorCode, sessionId: t.sessionId, responses: [], nodeEndpoints: [] });
        }
      }
      // Fetch v0-3 read message format v0/v1: the one down-conversion hook (FetchDownConversion.ts).
      if (v < 4) downConvertFetchResults(v, results, parts, this.rm, replicaId);
      const partitions: TpMap<FetchPartitionData> = new Map();
      const nodeEndpoints = new Map<number, NodeEndpoint>();
      results.forEach((res, i) => {
        const { tp } = interesting[i];
        partitions.set(tpKey(tp), { tp, data: this.fetchPartitionResponse(ctx, v, res, nodeEndpoints) });
      });
      for (const [key, e] of erroneous) partitions.set(key, e);
      const out = context.updateAndGenerateResponseData(partitions);
      // KafkaApis.handleFetchRequest counts bytes out per partition of the response it sends (an incremental one
      // leaves some out); BrokerTopicStats.updateBytesOut books a follower's under ReplicationBytesOutPerSec.
      // Unlike Kafka, a partition answered with an error (no bytes) is skipped, so that polling an unknown or
      // deleted topic does not create (or bring back) that topic's series.
      const stats = this.rm.brokerTopicStats;
      for (const { tp, data } of out.partitions.values()) {
        if (tp.topic !== null && data.errorCode === ErrorCode.NONE) stats.updateBytesOut(tp.topic, isFromFollower, recordsSize(data.records));
      }
      return encodeResponse(FetchApi, v, {
        throttleTimeMs: 0,
        errorCode: out.errorCode,
        sessionId: out.sessionId,
        responses: groupByTopic(out.partitions, v),
        nodeEndpoints: [...nodeEndpoints.values()],
      });
    };

    if (interesting.length === 0) return respond([]);
    // KafkaApis.handleFetchRequest: a consumer with a fetch quota reads at most what one quota window allows.
    const maxBytes =
      this.throttler === null || isFromFollower
        ? Math.min(req.maxBytes, this.fetchMaxBytes)
        : this.throttler.consumerFetchMaxBytes(ctx, Math.min(req.maxBytes, this.fetchMaxBytes));
    const params: FetchParams = {
      replicaId,
      maxWaitMs: req.maxWaitMs,
      minBytes: Math.min(req.minBytes, maxBytes),
      maxBytes,
      hardMaxBytesLimit: v <= 2,
      // FetchParams.fetchOnlyLeader: a consumer with client metadata (v11+) may read a follower.
      fetchOnlyFromLeader: isFromFollower || (replicaId !== FUTURE_LOCAL_REPLICA_ID && v < 11),
      // FetchRequest.isolationLevel (v4+); followers always read to the log end.
      isolationLevel: v >= 4 ? req.isolationLevel : 0,
    };
    const out = this.rm.fetchMessages(params, parts);
    return Array.isArray(out) ? respond(out) : out.then(respond);
  }

  /** KafkaApis.processResponseCallback for one partition read. */
  private fetchPartitionResponse(ctx: RequestContext, v: number, res: FetchPartitionResult, nodeEndpoints: Map<number, NodeEndpoint>): FetchPartitionData {
    const data: FetchPartitionData = {
      partitionIndex: res.partition,
      // KafkaApis.maybeDownConvertStorageError: clients before v6 do not know KAFKA_STORAGE_ERROR.
      errorCode: res.errorCode === ErrorCode.KAFKA_STORAGE_ERROR && v <= 5 ? ErrorCode.NOT_LEADER_OR_FOLLOWER : res.errorCode,
      highWatermark: res.highWatermark,
      lastStableOffset: res.lastStableOffset,
      logStartOffset: res.logStartOffset,
      // read_committed: the aborted transactions of the read; null for read_uncommitted and errors, as Kafka answers.
      abortedTransactions: res.errorCode === ErrorCode.NONE ? res.abortedTransactions : null,
      preferredReadReplica: -1, // no replica.selector.class: clients keep fetching where they are
      records: res.records ?? [],
    };
    if (res.divergingEpoch) data.divergingEpoch = res.divergingEpoch;
    // Kafka 3.7 fills CurrentLeader (and the leader's endpoint) only from v16 (KIP-951), though the field exists from v12.
    if (v >= 16 && (res.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || res.errorCode === ErrorCode.FENCED_LEADER_EPOCH)) {
      const leader = this.rm.currentLeader(res.topic, res.partition, ctx.listenerName);
      data.currentLeader = { leaderId: leader.leaderId, leaderEpoch: leader.leaderEpoch };
      if (leader.node) nodeEndpoints.set(leader.node.nodeId, leader.node);
    }
    return data;
  }

  /**
   * KafkaApis.handleListOffsetRequest. v0 (legacy): a list with the one offset. v1+ (handleListOffsetRequestV1AndAbove
   * -> Partition.fetchOffsetForTimestamp): the leader answers unless replica_id is -2 (the debugging consumer);
   * current_leader_epoch (v4+) fences first; "latest" is the high watermark for consumers (replica_id -1) and the
   * log end offset for others; a timestamp (or MAX_TIMESTAMP) found at or beyond that offset answers nothing
   * (-1/-1 with NONE). A partition named twice gets INVALID_REQUEST. Not modelled: OFFSET_NOT_AVAILABLE while a new
   * leader's high watermark lags its epoch start (our leader's high watermark is known at election).
   */
  handleListOffsets(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = ListOffsetsApi.decodeRequest(r, v);
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const key = `${t.name}-${p.partitionIndex}`;
        if (seen.has(key)) duplicates.add(key);
        seen.add(key);
      }
    }
    // KafkaApis.handleListOffsetRequest: topics without DESCRIBE answer TOPIC_AUTHORIZATION_FAILED, after the others.
    const [describable, undescribable] = this.auth.partitionByAuthorized(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, req.topics, (t) => t.name);
    const unauthorized = undescribable.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): ListOffsetsPartitionResponse => ({
        partitionIndex: p.partitionIndex,
        errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        oldStyleOffsets: [],
        timestamp: -1,
        offset: -1,
        leaderEpoch: -1,
      })),
    }));
    const topics = describable.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): ListOffsetsPartitionResponse => {
        const base = {
          partitionIndex: p.partitionIndex,
          errorCode: ErrorCode.NONE,
          oldStyleOffsets: [] as number[],
          timestamp: -1,
          offset: -1,
          leaderEpoch: -1,
        };
        if (v === 0) {
          const offsets = this.legacyOffsets(t.name, p.partitionIndex, p.timestamp, p.maxNumOffsets, req.replicaId);
          return typeof offsets === 'number' ? { ...base, errorCode: offsets } : { ...base, oldStyleOffsets: offsets };
        }
        if (duplicates.has(`${t.name}-${p.partitionIndex}`)) return { ...base, errorCode: ErrorCode.INVALID_REQUEST };
        const found = this.offsetForTimestamp(
          t.name,
          p.partitionIndex,
          p.timestamp,
          req.replicaId,
          req.isolationLevel,
          v >= 4 ? (p.currentLeaderEpoch ?? -1) : -1,
        );
        if (typeof found === 'number') return { ...base, errorCode: found };
        return found ? { ...base, offset: found.offset, timestamp: found.timestamp, leaderEpoch: v >= 4 ? found.leaderEpoch : -1 } : base;
      }),
    }));
    return encodeResponse(ListOffsetsApi, v, { throttleTimeMs: 0, topics: [...topics, ...unauthorized] });
  }

  /**
   * KafkaApis.handleListOffsetRequestV0 -> Partition.legacyFetchOffsetsForTimestamp: the leader's (or, for replica
   * id -2, any replica's) legacy offsets; a consumer never sees offsets above the high watermark, which then leads
   * the list. A number is an error code.
   */
  private legacyOffsets(topic: string, partitionIndex: number, timestamp: number, maxNumOffsets: number, replicaId: number): number[] | number {
    const partition = this.rm.getPartition(topic, partitionIndex);
    if (!partition) return this.rm.leaderPartitionOrError(topic, partitionIndex) as number;
    if (replicaId !== DEBUGGING_REPLICA_ID && !partition.isLeader()) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const all = legacyFetchOffsetsBefore(partition.log, timestamp, maxNumOffsets);
    if (replicaId !== CONSUMER_REPLICA_ID) return all;
    const hw = partition.highWatermark;
    // Descending, so Kafka's `hw +: allOffsets.dropWhile(_ > hw)` keeps those at or below it.
    return all.some((o) => o > hw) ? [hw, ...all.filter((o) => o <= hw)] : all;
  }

  /** ReplicaManager/Partition.fetchOffsetForTimestamp and UnifiedLog.fetchOffsetByTimestamp; a number is an error code. */
  private offsetForTimestamp(
    topic: string,
    partitionIndex: number,
    timestamp: number,
    replicaId: number,
    isolationLevel: number,
    currentLeaderEpoch: number,
  ): { offset: number; timestamp: number; leaderEpoch: number } | null | number {
    const partition = this.rm.getPartition(topic, partitionIndex);
    if (!partition) return this.rm.leaderPartitionOrError(topic, partitionIndex) as number;
    // Partition.getLocalLog: the epoch check comes before the leader check.
    if (currentLeaderEpoch >= 0 && currentLeaderEpoch !== partition.leaderEpoch) {
      return currentLeaderEpoch < partition.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
    }
    if (replicaId !== DEBUGGING_REPLICA_ID && !partition.isLeader()) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const log = partition.log;
    // Partition.fetchOffsetForTimestamp: consumers see up to the LSO (READ_COMMITTED, v2+) or the high watermark;
    // other replica ids (no isolation level) up to the log end offset.
    const lastFetchable =
      replicaId === CONSUMER_REPLICA_ID ? (isolationLevel === READ_COMMITTED ? partition.lastStableOffset : partition.highWatermark) : log.logEndOffset;
    const epochs = log.leaderEpochCache.entries;
    const epochAt = (offset: number): number => {
      let epoch = -1;
      for (const e of epochs) if (e.startOffset <= offset) epoch = e.epoch;
      return epoch;
    };
    const latestEpoch = epochs.length > 0 ? epochs[epochs.length - 1].epoch : -1;
    if (timestamp === LATEST_TIMESTAMP) return { offset: lastFetchable, timestamp: -1, leaderEpoch: partition.leaderEpoch };
    if (timestamp === EARLIEST_TIMESTAMP || timestamp === EARLIEST_LOCAL_TIMESTAMP) {
      // Without remote storage the local log start is the log start (UnifiedLog.fetchOffsetByTimestamp); its epoch
      // is the first cached one when that starts at or below the log start.
      const start = partition.logStartOffset;
      return { offset: start, timestamp: -1, leaderEpoch: epochs.length > 0 && epochs[0].startOffset <= start ? epochs[0].epoch : -1 };
    }
    // MAX_TIMESTAMP answers the record itself, as KIP-734 specifies and Kafka does from 3.8 (KAFKA-16310); Kafka
    // 3.7.x answers the last offset of the batch holding it (the segment's shallow offset of max timestamp), a bug
    // its fix versions call out, so we follow the KIP here.
    let found = log.fetchOffsetByTimestamp(timestamp);
    // MAX_TIMESTAMP on a log without timestamps (empty, or only message format v0 records): Kafka's segment answers
    // its time index's empty entry (NO_TIMESTAMP, base offset), which the filter below drops for an empty log.
    if (found === null && timestamp === MAX_TIMESTAMP) found = { offset: partition.logStartOffset, timestamp: -1 };
    if (found === null || found.offset >= lastFetchable) return null;
    return { ...found, leaderEpoch: timestamp === MAX_TIMESTAMP ? latestEpoch : epochAt(found.offset) };
  }

  /** DeleteRecords (KafkaApis.handleDeleteRecordsRequest): each partition on its leader. */
  handleDeleteRecords(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = DeleteRecordsApi.decodeRequest(r, v);
    // KafkaApis.handleDeleteRecordsRequest: DELETE on each topic, else TOPIC_AUTHORIZATION_FAILED (low watermark -1).
    const deletable = this.auth.filterByAuthorized(ctx, AclOperation.DELETE, ResourceType.TOPIC, req.topics, (t) => t.name);
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (!deletable.has(t.name)) return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
        const res = this.rm.deleteRecords(t.name, p.partitionIndex, p.offset);
        return { partitionIndex: p.partitionIndex, lowWatermark: res.lowWatermark, errorCode: res.errorCode };
      }),
    }));
    return encodeResponse(DeleteRecordsApi, v, { throttleTimeMs: 0, topics });
  }
}

/** RequestUtils.hasTransactionalRecords for one partition's records: a magic-2 batch with the transactional bit. */
/** A produce answer for a partition that was not appended. */
function partitionError(errorCode: number): ProducePartitionResult {
  return { errorCode, errorMessage: null, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

/** FetchResponse.partitionResponse: an error answer for one partition. */
function errorPartition(partition: number, errorCode: number): FetchPartitionData {
  return {
    partitionIndex: partition,
    errorCode,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: [],
  };
}

/** FetchResponse.toMessage: consecutive partitions of the same topic share an entry, request order kept. */
function groupByTopic(partitions: TpMap<FetchPartitionData>, v: number): FetchableTopicResponse[] {
  const responses: FetchableTopicResponse[] = [];
  let last: FetchableTopicResponse | undefined;
  for (const { tp, data } of partitions.values()) {
    const topic = v >= 13 ? '' : (tp.topic ?? '');
    if (!last || last.topic !== topic || !last.topicId!.equals(tp.topicId)) {
      last = { topic, topicId: tp.topicId, partitions: [] };
      responses.push(last);
    }
    last.partitions.push(data);
  }
  return responses;
}

/**
 * FetchRequest.fetchData and forgottenTopics: the partitions a request names, keyed as Kafka's TopicIdPartition.
 * From v13 topics come by id; an id the metadata cache does not know leaves the name null (UNKNOWN_TOPIC_ID).
 */
function fetchDataOf(
  req: FetchRequest,
  v: number,
  topicName: (id: Buffer) => string | undefined,
): { fetchData: TpMap<PartitionFetchData>; toForget: TopicIdPartition[] } {
  const name = (topic: string, topicId: Buffer): string | null => (v >= 13 ? (topicName(topicId) ?? null) : topic);
  const fetchData = tpMap<PartitionFetchData>();
  for (const t of req.topics) {
    const topic = name(t.topic, t.topicId);
    for (const p of t.partitions) {
      const tp = { topicId: t.topicId, topic, partition: p.partition };
      fetchData.set(tpKey(tp), {
        tp,
        data: {
          fetchOffset: p.fetchOffset,
          logStartOffset: p.logStartOffset,
          maxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: p.currentLeaderEpoch,
          lastFetchedEpoch: p.lastFetchedEpoch,
        },
      });
    }
  }
  const toForget = req.forgottenTopicsData.flatMap((t) =>
    t.partitions.map((partition) => ({ topicId: t.topicId, topic: name(t.topic, t.topicId), partition })),
  );
  return { fetchData, toForget };
}
