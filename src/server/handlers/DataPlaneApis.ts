import { CloseConnectionError, RequestContext, HandlerResult, ResponseBody } from '../../network/RequestContext';
import { DeleteRecordsApi, FetchApi, ListOffsetsApi, ProduceApi } from '../../protocol/apis';
import { FetchRequest, FetchableTopicResponse } from '../../protocol/apis/01-fetch';
import { ListOffsetsPartitionResponse } from '../../protocol/apis/02-list-offsets';
import { ProduceRequest } from '../../protocol/apis/00-produce';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { encodeResponse } from '../../protocol/apis/types';
import { FetchPartitionRequest, FetchPartitionResult, ProducePartitionResult, ReplicaManager } from '../ReplicaManager';

const LATEST_TIMESTAMP = -1;
const EARLIEST_TIMESTAMP = -2;

/** The data path of KafkaApis: Produce, Fetch, ListOffsets. */
export class DataPlaneApis {
  constructor(private readonly rm: ReplicaManager) {}

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
