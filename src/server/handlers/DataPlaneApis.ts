import { CloseConnectionError, RequestContext, HandlerResult, ResponseBody } from '../../network/RequestContext';
import { DeleteRecordsApi, ListOffsetsApi, ProduceApi } from '../../protocol/apis';
import { FetchApis } from './FetchApis';
import { ListOffsetsPartitionResponse } from '../../protocol/apis/02-list-offsets';
import { ProduceRequest } from '../../protocol/apis/00-produce';
// ListOffsetsRequest's replica ids are FetchRequest's (same values in Kafka).
import { CONSUMER_REPLICA_ID, DEBUGGING_REPLICA_ID } from '../../protocol/apis/01-fetch';
import { ErrorCode, errorInfo } from '../../protocol/errors';
import { hasTransactionalBatch } from '../../protocol/records/RecordBatch';
import { Reader } from '../../protocol/Reader';
import { encodeResponse } from '../../protocol/apis/types';
import { legacyFetchOffsetsBefore } from '../../log/LegacyOffsets';
import { ProducePartitionResult, ReplicaManager } from '../ReplicaManager';
import { READ_COMMITTED } from '../LocalLogReader';
import { AclOperation } from '../../security/AclEntry';
import { ResourceType } from '../../security/authorizer/Authorizer';
import { AuthHelper } from './AuthHelper';
import type { RequestThrottler } from '../quota/RequestThrottler';

const LATEST_TIMESTAMP = -1;
const EARLIEST_TIMESTAMP = -2;
/** KIP-734 (ListOffsets v7+): the record with the largest timestamp. */
const MAX_TIMESTAMP = -3;
/** KIP-405 (ListOffsets v8+): the first offset of the local log. */
const EARLIEST_LOCAL_TIMESTAMP = -4;

/** The data path of KafkaApis: Produce, Fetch (in FetchApis), ListOffsets. */
export class DataPlaneApis {
  private readonly fetch: FetchApis;

  constructor(
    private readonly rm: ReplicaManager,
    config: { maxIncrementalFetchSessionCacheSlots: number; fetchMaxBytes: number },
    private readonly auth: AuthHelper = new AuthHelper(undefined),
    /** quota: the client quota hooks (RequestThrottler); null, nothing is measured. */
    private readonly throttler: RequestThrottler | null = null,
  ) {
    this.fetch = new FetchApis(rm, config, auth, throttler);
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

  /** Fetch: FetchApis (the fetch path's own module). */
  handleFetch(ctx: RequestContext, r: Reader): HandlerResult {
    return this.fetch.handleFetch(ctx, r);
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
