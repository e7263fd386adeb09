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
import * as schema from '../messages/Fetch';
import { messageApi } from './messageApi';

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

export const FetchApi = messageApi<FetchRequest, FetchResponse>(schema.FetchRequest, schema.FetchResponse, { minVersion: 0, maxVersion: 11 });
