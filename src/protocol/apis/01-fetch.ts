/**
 * Fetch (key 1), versions 4-11; none flexible (FetchRequest/Response.json, flexible from 12).
 *
 * Request:
 *   v4:     replica_id INT32, max_wait_ms INT32, min_bytes INT32, max_bytes INT32, isolation_level INT8,
 *           topics [topic STRING, partitions [partition INT32, fetch_offset INT64, partition_max_bytes INT32]]
 *   v5-v6:  partitions add log_start_offset INT64 after fetch_offset
 *   v7-v8:  session_id INT32, session_epoch INT32 after isolation_level;
 *           forgotten_topics_data [topic STRING, partitions [INT32]] after topics
 *   v9-v10: partitions add current_leader_epoch INT32 BEFORE fetch_offset
 *   v11:    rack_id STRING at the end
 *
 * Response:
 *   v4:     throttle_time_ms INT32,
 *           responses [topic STRING,
 *                      partitions [partition_index INT32, error_code INT16, high_watermark INT64,
 *                                  last_stable_offset INT64,
 *                                  aborted_transactions NULLABLE [producer_id INT64, first_offset INT64],
 *                                  records RECORDS (int32 size, nullable)]]
 *   v5-v6:  partitions add log_start_offset INT64 after last_stable_offset
 *   v7-v10: error_code INT16, session_id INT32 after throttle_time_ms
 *   v11:    partitions add preferred_read_replica INT32 before records
 *
 * Response `records` is a list of chunks read from segment files, written by reference
 * (Writer.recordsChunks) so batch bytes go from the page cache to the socket uncopied.
 */
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readInt32, writeInt32 } from './versioned';
import { ApiCodec } from './types';

interface FetchPartition {
  partition: number;
  /** v9+; -1 before. */
  currentLeaderEpoch: number;
  fetchOffset: number;
  /** v5+; -1 before (only followers set it). */
  logStartOffset: number;
  partitionMaxBytes: number;
}

interface FetchTopic {
  topic: string;
  partitions: FetchPartition[];
}

interface ForgottenTopic {
  topic: string;
  partitions: number[];
}

export interface FetchRequest {
  /** -1 for consumers, the follower's broker id for replication. */
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  /** 0 = READ_UNCOMMITTED, 1 = READ_COMMITTED. */
  isolationLevel: number;
  /** v7+; 0 before. */
  sessionId: number;
  /** v7+; -1 before. */
  sessionEpoch: number;
  topics: FetchTopic[];
  /** v7+; [] before. */
  forgottenTopicsData: ForgottenTopic[];
  /** v11+; '' before. */
  rackId: string;
}

interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

interface FetchPartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  /** v5+; -1 before. */
  logStartOffset: number;
  abortedTransactions: AbortedTransaction[] | null;
  /** v11+; -1 before. */
  preferredReadReplica: number;
  /** Record batch bytes as one or more chunks (decoding yields one chunk). */
  records: Buffer[] | null;
}

export interface FetchableTopicResponse {
  topic: string;
  partitions: FetchPartitionData[];
}

export interface FetchResponse {
  throttleTimeMs: number;
  /** v7+; 0 before. */
  errorCode: number;
  /** v7+; 0 before. */
  sessionId: number;
  responses: FetchableTopicResponse[];
}

function readAbortedTransaction(r: Reader): AbortedTransaction {
  return { producerId: r.int64(), firstOffset: r.int64() };
}

function writeAbortedTransaction(w: Writer, a: AbortedTransaction): void {
  w.int64(a.producerId).int64(a.firstOffset);
}

export const FetchApi: ApiCodec<FetchRequest, FetchResponse> = {
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 11,
  firstFlexibleVersion: Infinity,

  decodeRequest(r: Reader, version: number): FetchRequest {
    const replicaId = r.int32();
    const maxWaitMs = r.int32();
    const minBytes = r.int32();
    const maxBytes = r.int32();
    const isolationLevel = r.int8();
    const sessionId = version >= 7 ? r.int32() : 0;
    const sessionEpoch = version >= 7 ? r.int32() : -1;
    const topics = r.array((rt): FetchTopic => ({
      topic: rt.string(),
      partitions: rt.array((rp): FetchPartition => {
        const partition = rp.int32();
        const currentLeaderEpoch = version >= 9 ? rp.int32() : -1;
        const fetchOffset = rp.int64();
        const logStartOffset = version >= 5 ? rp.int64() : -1;
        const partitionMaxBytes = rp.int32();
        return { partition, currentLeaderEpoch, fetchOffset, logStartOffset, partitionMaxBytes };
      }),
    }));
    const forgottenTopicsData = version >= 7 ? r.array((rf): ForgottenTopic => ({ topic: rf.string(), partitions: rf.array(readInt32) })) : [];
    const rackId = version >= 11 ? r.string() : '';
    return {
      replicaId,
      maxWaitMs,
      minBytes,
      maxBytes,
      isolationLevel,
      sessionId,
      sessionEpoch,
      topics,
      forgottenTopicsData,
      rackId,
    };
  },

  encodeRequest(w: Writer, version: number, req: FetchRequest): void {
    w.int32(req.replicaId).int32(req.maxWaitMs).int32(req.minBytes).int32(req.maxBytes).int8(req.isolationLevel);
    if (version >= 7) w.int32(req.sessionId).int32(req.sessionEpoch);
    w.array(req.topics, (wt, t) => {
      wt.string(t.topic);
      wt.array(t.partitions, (wp, p) => {
        wp.int32(p.partition);
        if (version >= 9) wp.int32(p.currentLeaderEpoch);
        wp.int64(p.fetchOffset);
        if (version >= 5) wp.int64(p.logStartOffset);
        wp.int32(p.partitionMaxBytes);
      });
    });
    if (version >= 7) {
      w.array(req.forgottenTopicsData, (wf, f) => {
        wf.string(f.topic).array(f.partitions, writeInt32);
      });
    }
    if (version >= 11) w.string(req.rackId);
  },

  decodeResponse(r: Reader, version: number): FetchResponse {
    const throttleTimeMs = r.int32();
    const errorCode = version >= 7 ? r.int16() : 0;
    const sessionId = version >= 7 ? r.int32() : 0;
    const responses = r.array((rt): FetchableTopicResponse => ({
      topic: rt.string(),
      partitions: rt.array((rp): FetchPartitionData => {
        const partitionIndex = rp.int32();
        const errorCode = rp.int16();
        const highWatermark = rp.int64();
        const lastStableOffset = rp.int64();
        const logStartOffset = version >= 5 ? rp.int64() : -1;
        const abortedTransactions = rp.nullableArray(readAbortedTransaction);
        const preferredReadReplica = version >= 11 ? rp.int32() : -1;
        const bytes = rp.nullableBytes();
        return {
          partitionIndex,
          errorCode,
          highWatermark,
          lastStableOffset,
          logStartOffset,
          abortedTransactions,
          preferredReadReplica,
          records: bytes === null ? null : [bytes],
        };
      }),
    }));
    return { throttleTimeMs, errorCode, sessionId, responses };
  },

  encodeResponse(w: Writer, version: number, res: FetchResponse): void {
    w.int32(res.throttleTimeMs);
    if (version >= 7) w.int16(res.errorCode).int32(res.sessionId);
    w.array(res.responses, (wt, t) => {
      wt.string(t.topic);
      wt.array(t.partitions, (wp, p) => {
        wp.int32(p.partitionIndex).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset);
        if (version >= 5) wp.int64(p.logStartOffset);
        wp.nullableArray(p.abortedTransactions, writeAbortedTransaction);
        if (version >= 11) wp.int32(p.preferredReadReplica);
        wp.recordsChunks(p.records);
      });
    });
  },
};
