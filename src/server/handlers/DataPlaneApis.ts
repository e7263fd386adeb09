import { CloseConnectionError, RequestContext, HandlerResult, ResponseBody } from '../../network/RequestContext';
import { DeleteRecordsApi, FetchApi, ListOffsetsApi, ProduceApi } from '../../protocol/apis';
import { FetchRequest, FetchableTopicResponse } from '../../protocol/apis/01-fetch';
import { ListOffsetsPartitionResponse } from '../../protocol/apis/02-list-offsets';
import { ProduceRequest } from '../../protocol/apis/00-produce';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { encodeResponse } from '../../protocol/apis/types';
import { downConvertFetchResults } from './FetchDownConversion';
import { legacyFetchOffsetsBefore } from '../../log/LegacyOffsets';
import { FetchPartitionRequest, FetchPartitionResult, ProducePartitionResult, ReplicaManager } from '../ReplicaManager';

const LATEST_TIMESTAMP = -1;
const EARLIEST_TIMESTAMP = -2;
/** KIP-734 (ListOffsets v7+): the record with the largest timestamp. */
const MAX_TIMESTAMP = -3;
/** KIP-405 (ListOffsets v8+): the first offset of the local log. */
const EARLIEST_LOCAL_TIMESTAMP = -4;
/** ListOffsetsRequest.CONSUMER_REPLICA_ID and DEBUGGING_REPLICA_ID. */
const CONSUMER_REPLICA_ID = -1;
const DEBUGGING_REPLICA_ID = -2;

/** The data path of KafkaApis: Produce, Fetch, ListOffsets. */
export class DataPlaneApis {
  constructor(private readonly rm: ReplicaManager) {}

  /**
   * KafkaApis.handleProduceRequest. v0-2 message sets are converted to v2 by the partition (LogValidator). v8+:
   * LogValidator's per-record errors answer RecordErrors and ErrorMessage (only for them, as Kafka's
   * LogAppendResult.errorMessage is set only for a RecordValidationException). v10+: NOT_LEADER_OR_FOLLOWER names
   * the leader Kafka knows (the local partition, else the metadata cache) in CurrentLeader, and its endpoint on
   * the request's listener in NodeEndpoints (KIP-951, KafkaApis.getCurrentLeader).
   */
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
          const leader = this.currentLeader(t.name, p.index);
          const node = this.rm.metadataCache.getAliveBroker(leader.leaderId);
          const endpoint = this.rm.metadataCache.endpointFor(leader.leaderId, ctx.listenerName);
          if (node && endpoint) nodeEndpoints.set(node.id, { nodeId: node.id, host: endpoint.host, port: endpoint.port, rack: node.rack });
          return { ...out, currentLeader: leader };
        }),
      }));
      return encodeResponse(ProduceApi, v, { responses, throttleTimeMs: 0, nodeEndpoints: [...nodeEndpoints.values()] });
    };
    if (!validAcks) {
      return encode(
        entries.map(() => ({ errorCode: ErrorCode.INVALID_REQUIRED_ACKS, errorMessage: null, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 })),
      );
    }
    const out = this.rm.appendRecords(v, req.acks, req.timeoutMs, entries);
    return Array.isArray(out) ? encode(out) : out.then(encode);
  }

  /** KafkaApis.getCurrentLeader: the local partition's leader and epoch, else the metadata cache's, else -1/-1. */
  private currentLeader(topic: string, partition: number): { leaderId: number; leaderEpoch: number } {
    const local = this.rm.getPartition(topic, partition);
    if (local) return { leaderId: local.leaderReplicaId, leaderEpoch: local.leaderEpoch };
    const cached = this.rm.metadataCache.partitionState(topic, partition);
    return cached ? { leaderId: cached.leader, leaderEpoch: cached.leaderEpoch } : { leaderId: -1, leaderEpoch: -1 };
  }

  handleFetch(ctx: RequestContext, r: Reader): HandlerResult {
    const v = ctx.header.apiVersion;
    const req: FetchRequest = FetchApi.decodeRequest(r, v);
    const parts: FetchPartitionRequest[] = [];
    for (const t of req.topics) {
      for (const p of t.partitions) {
        parts.push({
          topic: t.topic,
          partition: p.partition,
          fetchOffset: p.fetchOffset,
          partitionMaxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: p.currentLeaderEpoch,
        });
      }
    }
    const params = { replicaId: req.replicaId, maxWaitMs: req.maxWaitMs, minBytes: req.minBytes, maxBytes: req.maxBytes, hardMaxBytesLimit: v <= 2 };
    const encode = (results: FetchPartitionResult[]): ResponseBody => {
      // Fetch v0-3 read message format v0/v1: the one down-conversion hook (FetchDownConversion.ts).
      if (v < 4) downConvertFetchResults(v, results, parts, this.rm, req.replicaId);
      const responses: FetchableTopicResponse[] = [];
      let last: FetchableTopicResponse | undefined;
      for (const res of results) {
        if (!last || last.topic !== res.topic) {
          last = { topic: res.topic, partitions: [] };
          responses.push(last);
        }
        last.partitions.push({
          partitionIndex: res.partition,
          errorCode: res.errorCode,
          highWatermark: res.highWatermark,
          lastStableOffset: res.lastStableOffset,
          logStartOffset: res.logStartOffset,
          abortedTransactions: res.errorCode === ErrorCode.NONE ? [] : null,
          preferredReadReplica: -1,
          records: res.records ?? [],
        });
      }
      return encodeResponse(FetchApi, v, { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses });
    };
    const out = this.rm.fetchMessages(params, parts);
    return Array.isArray(out) ? encode(out) : out.then(encode);
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
    const topics = req.topics.map((t) => ({
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
    return encodeResponse(ListOffsetsApi, v, { throttleTimeMs: 0, topics });
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
    // No transactions here, so the last stable offset is the high watermark (READ_COMMITTED = READ_UNCOMMITTED).
    void isolationLevel;
    const lastFetchable = replicaId === CONSUMER_REPLICA_ID ? partition.highWatermark : log.logEndOffset;
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
