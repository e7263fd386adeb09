/**
 * The Fetch API (KafkaApis.handleFetchRequest and processResponseCallback): consumers' and followers' reads, with
 * fetch sessions (KIP-227), authorization, quotas and down-conversion for v0-3. Moved out of DataPlaneApis so the
 * fetch path is one module.
 */
import { RequestContext, HandlerResult, ResponseBody } from '../../network/RequestContext';
import { FetchApi } from '../../protocol/apis';
import { FUTURE_LOCAL_REPLICA_ID, FetchPartitionData, FetchRequest, FetchableTopicResponse, NodeEndpoint } from '../../protocol/apis/01-fetch';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { encodeResponse } from '../../protocol/apis/types';
import { downConvertFetchResults } from './FetchDownConversion';
import { FetchPartitionRequest, FetchPartitionResult, ReplicaManager } from '../ReplicaManager';
import { FetchParams } from '../LocalLogReader';
import {
  FetchManager,
  FetchSessionCache,
  FullFetchContext,
  PartitionFetchData,
  TopicIdPartition,
  TpMap,
  fetchPartitionRequest,
  tpKey,
  tpMap,
} from '../FetchSession';
import { AclOperation } from '../../security/AclEntry';
import { CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import { AuthHelper } from './AuthHelper';
import type { RequestThrottler } from '../quota/RequestThrottler';

/** FetchResponse.recordsSize: the record bytes of one partition of a response. */
function recordsSize(records: Buffer | Buffer[] | null): number {
  if (records === null) return 0;
  if (Buffer.isBuffer(records)) return records.length;
  let n = 0;
  for (const b of records) n += b.length;
  return n;
}

export class FetchApis {
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
    // The partitions to read, as parallel arrays (no object per partition): an incremental session hands over the
    // read requests it keeps, so an idle follower's fetch builds none.
    const count = context.partitionCount;
    const tps = presized<TopicIdPartition>(count);
    const keys = presized<string>(count);
    const parts = presized<FetchPartitionRequest>(count);
    let n = 0;
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
    context.foreachPartition((tp, data, key, req) => {
      if (followerDenied) erroneous.set(key, { tp, data: errorPartition(tp.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED) });
      else if (tp.topic === null) erroneous.set(key, { tp, data: errorPartition(tp.partition, ErrorCode.UNKNOWN_TOPIC_ID) });
      else if (readable && !readable.has(tp.topic)) erroneous.set(key, { tp, data: errorPartition(tp.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED) });
      else if (!cache.partitionState(tp.topic, tp.partition))
        erroneous.set(key, { tp, data: errorPartition(tp.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) });
      else {
        tps[n] = tp;
        keys[n] = key;
        parts[n++] = req ?? fetchPartitionRequest(tp.topic, tp.partition, data);
      }
    });
    tps.length = keys.length = parts.length = n;

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
      for (let i = 0; i < results.length; i++) {
        const res = results[i];
        // An incremental session leaves out what did not change: such a read is not even shaped into a response.
        if (context.canOmit(keys[i], res)) continue;
        partitions.set(keys[i], { tp: tps[i], data: this.fetchPartitionResponse(ctx, v, res, nodeEndpoints) });
      }
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

    if (parts.length === 0) return respond([]);
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
}

/** An array of `n` empty slots, filled in order (no regrowth while a session's partitions are listed). */
function presized<T>(n: number): T[] {
  // Past this V8 would make a sparse (dictionary) array; such requests grow as usual.
  return n <= 16384 ? new Array<T>(n) : [];
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
