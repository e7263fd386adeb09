import { CloseConnectionError, RequestContext, HandlerResult, ResponseBody } from '../../network/RequestContext';
import { DeleteRecordsApi, FetchApi, ListOffsetsApi, ProduceApi } from '../../protocol/apis';
import { FetchPartitionData, FetchRequest, FetchableTopicResponse, NodeEndpoint } from '../../protocol/apis/01-fetch';
import { ListOffsetsPartitionResponse } from '../../protocol/apis/02-list-offsets';
import { ProduceRequest } from '../../protocol/apis/00-produce';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { encodeResponse } from '../../protocol/apis/types';
import { FetchPartitionRequest, FetchPartitionResult, ProducePartitionResult, ReplicaManager } from '../ReplicaManager';
import { FetchParams } from '../LocalLogReader';
import { FetchManager, FetchSessionCache, PartitionFetchData, TopicIdPartition, TpMap, tpKey, tpMap } from '../FetchSession';

const LATEST_TIMESTAMP = -1;
const EARLIEST_TIMESTAMP = -2;
/** FetchRequest.FUTURE_LOCAL_REPLICA_ID; every other negative replica id (-1, the debugging consumer -2) is a consumer. */
const FUTURE_LOCAL_REPLICA_ID = -3;

/** The data path of KafkaApis: Produce, Fetch, ListOffsets. */
export class DataPlaneApis {
  /** Incremental fetch sessions (KIP-227): kafka.server.FetchManager over a FetchSessionCache. */
  private readonly fetchManager: FetchManager;
  private readonly fetchMaxBytes: number;

  constructor(
    private readonly rm: ReplicaManager,
    config: { maxIncrementalFetchSessionCacheSlots: number; fetchMaxBytes: number },
  ) {
    this.fetchManager = new FetchManager(new FetchSessionCache(config.maxIncrementalFetchSessionCacheSlots));
    this.fetchMaxBytes = config.fetchMaxBytes;
  }

  handleProduce(ctx: RequestContext, r: Reader): HandlerResult {
    const v = ctx.header.apiVersion;
    const req: ProduceRequest = ProduceApi.decodeRequest(r, v);
    const validAcks = req.acks === 0 || req.acks === 1 || req.acks === -1;
    const entries = req.topicData.flatMap((t) => t.partitionData.map((p) => ({ topic: t.name, partition: p.index, records: p.records })));
    const encode = (results: ProducePartitionResult[]): ResponseBody => {
      if (req.acks === 0) {
        // No response for acks=0; on error Kafka closes the connection so the client notices (KafkaApis.handleProduceRequest).
        const failed = results.find((x) => x.errorCode !== ErrorCode.NONE);
        if (failed) throw new CloseConnectionError(`acks=0 produce failed with error ${failed.errorCode}: ${failed.errorMessage ?? ''}`);
        return null;
      }
      let i = 0;
      return encodeResponse(ProduceApi, v, {
        responses: req.topicData.map((t) => ({
          name: t.name,
          partitionResponses: t.partitionData.map((p) => {
            const res = results[i++];
            return {
              index: p.index,
              errorCode: res.errorCode,
              baseOffset: res.baseOffset,
              logAppendTimeMs: res.logAppendTimeMs,
              logStartOffset: res.logStartOffset,
            };
          }),
        })),
        throttleTimeMs: 0,
      });
    };
    if (!validAcks) {
      return encode(
        entries.map(() => ({ errorCode: ErrorCode.INVALID_REQUIRED_ACKS, errorMessage: null, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 })),
      );
    }
    const out = this.rm.appendRecords(v, req.acks, req.timeoutMs, entries);
    return Array.isArray(out) ? encode(out) : out.then(encode);
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
    const topicName = (id: Buffer): string | undefined => (v >= 13 ? cache.topicName(id) : undefined);
    const { fetchData, toForget } = fetchDataOf(req, v, topicName);
    const context = this.fetchManager.newContext(v, req.sessionId, req.sessionEpoch, isFromFollower, fetchData, toForget, topicName);

    const erroneous: TpMap<FetchPartitionData> = new Map();
    const interesting: Array<{ tp: TopicIdPartition; topic: string; data: PartitionFetchData }> = [];
    context.foreachPartition((tp, data) => {
      if (tp.topic === null) erroneous.set(tpKey(tp), { tp, data: errorPartition(tp.partition, ErrorCode.UNKNOWN_TOPIC_ID) });
      else if (!cache.partitionState(tp.topic, tp.partition))
        erroneous.set(tpKey(tp), { tp, data: errorPartition(tp.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) });
      else interesting.push({ tp, topic: tp.topic, data });
    });

    const respond = (results: FetchPartitionResult[]): ResponseBody => {
      const partitions: TpMap<FetchPartitionData> = new Map();
      const nodeEndpoints = new Map<number, NodeEndpoint>();
      results.forEach((res, i) => {
        const { tp } = interesting[i];
        partitions.set(tpKey(tp), { tp, data: this.fetchPartitionResponse(ctx, v, res, nodeEndpoints) });
      });
      for (const [key, e] of erroneous) partitions.set(key, e);
      const out = context.updateAndGenerateResponseData(partitions);
      return encodeResponse(FetchApi, v, {
        throttleTimeMs: 0,
        errorCode: out.errorCode,
        sessionId: out.sessionId,
        responses: groupByTopic(out.partitions, v),
        nodeEndpoints: [...nodeEndpoints.values()],
      });
    };

    if (interesting.length === 0) return respond([]);
    const maxBytes = Math.min(req.maxBytes, this.fetchMaxBytes);
    const params: FetchParams = {
      replicaId,
      maxWaitMs: req.maxWaitMs,
      minBytes: Math.min(req.minBytes, maxBytes),
      maxBytes,
      hardMaxBytesLimit: v <= 2,
      // FetchParams.fetchOnlyLeader: a consumer with client metadata (v11+) may read a follower.
      fetchOnlyFromLeader: isFromFollower || (replicaId !== FUTURE_LOCAL_REPLICA_ID && v < 11),
    };
    const parts: FetchPartitionRequest[] = interesting.map(({ tp, topic, data }) => ({
      topic,
      partition: tp.partition,
      fetchOffset: data.fetchOffset,
      partitionMaxBytes: data.maxBytes,
      currentLeaderEpoch: data.currentLeaderEpoch,
      lastFetchedEpoch: data.lastFetchedEpoch,
    }));
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
      abortedTransactions: res.errorCode === ErrorCode.NONE ? [] : null,
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

  handleListOffsets(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = ListOffsetsApi.decodeRequest(r, v);
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): ListOffsetsPartitionResponse => {
        const base = { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, oldStyleOffsets: [] as number[], timestamp: -1, offset: -1 };
        // replica_id -2 is the debugging consumer that may query followers; everyone else needs the leader.
        const part = this.rm.leaderPartitionOrError(t.name, p.partitionIndex);
        if (typeof part === 'number') {
          if (!(req.replicaId === -2 && part === ErrorCode.NOT_LEADER_OR_FOLLOWER && this.rm.getPartition(t.name, p.partitionIndex))) {
            return { ...base, errorCode: part };
          }
        }
        const partition = this.rm.getPartition(t.name, p.partitionIndex)!;
        let found: { offset: number; timestamp: number } | null;
        if (p.timestamp === LATEST_TIMESTAMP) found = { offset: partition.highWatermark, timestamp: -1 };
        else if (p.timestamp === EARLIEST_TIMESTAMP) found = { offset: partition.logStartOffset, timestamp: -1 };
        else found = partition.log.fetchOffsetByTimestamp(p.timestamp);
        if (v === 0) return { ...base, oldStyleOffsets: found ? [found.offset] : [] };
        return found ? { ...base, offset: found.offset, timestamp: found.timestamp } : base;
      }),
    }));
    return encodeResponse(ListOffsetsApi, v, { throttleTimeMs: 0, topics });
  }

  /** DeleteRecords (KafkaApis.handleDeleteRecordsRequest): each partition on its leader. */
  handleDeleteRecords(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = DeleteRecordsApi.decodeRequest(r, v);
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const res = this.rm.deleteRecords(t.name, p.partitionIndex, p.offset);
        return { partitionIndex: p.partitionIndex, lowWatermark: res.lowWatermark, errorCode: res.errorCode };
      }),
    }));
    return encodeResponse(DeleteRecordsApi, v, { throttleTimeMs: 0, topics });
  }
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
