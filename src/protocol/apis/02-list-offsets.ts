/**
 * ListOffsets (key 2), versions 0-3; none flexible (ListOffsetsRequest/Response.json, flexible from 6).
 *
 * Request:
 *   v0:    replica_id INT32,
 *          topics [name STRING, partitions [partition_index INT32, timestamp INT64, max_num_offsets INT32]]
 *   v1:    partitions drop max_num_offsets (default 1)
 *   v2-v3: isolation_level INT8 after replica_id (default 0 before)
 *
 * Response:
 *   v0:    topics [name STRING, partitions [partition_index INT32, error_code INT16, old_style_offsets [INT64]]]
 *   v1:    partitions [partition_index INT32, error_code INT16, timestamp INT64, offset INT64]
 *   v2-v3: throttle_time_ms INT32 first, then as v1
 *
 * Timestamps -1 (latest) and -2 (earliest) are special; the handler interprets them.
 */
import * as schema from '../messages/ListOffsets';
import { messageApi } from './messageApi';

interface ListOffsetsPartition {
  partitionIndex: number;
  /** v4+; -1 (no fencing) when absent. Always set when decoded; a sender may omit it (written as -1). */
  currentLeaderEpoch?: number;
  timestamp: number;
  /** v0 only; 1 (the schema default) from v1. */
  maxNumOffsets: number;
}

interface ListOffsetsTopic {
  name: string;
  partitions: ListOffsetsPartition[];
}

export interface ListOffsetsRequest {
  replicaId: number;
  /** v2+; 0 (READ_UNCOMMITTED) before. */
  isolationLevel: number;
  topics: ListOffsetsTopic[];
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  /** v0 only; [] from v1. */
  oldStyleOffsets: number[];
  /** v1+; -1 in v0. */
  timestamp: number;
  /** v1+; -1 in v0. */
  offset: number;
}

interface ListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponse {
  /** v2+; 0 before. */
  throttleTimeMs: number;
  topics: ListOffsetsTopicResponse[];
}

export const ListOffsetsApi = messageApi<ListOffsetsRequest, ListOffsetsResponse>(schema.ListOffsetsRequest, schema.ListOffsetsResponse, {
  minVersion: 0,
  maxVersion: 3,
});
