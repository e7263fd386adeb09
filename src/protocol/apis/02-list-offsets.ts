/**
 * ListOffsets (key 2): the offset of a partition at a point in time (KafkaApis.handleListOffsetRequest). We serve
 * v0-8, Kafka 3.7's ZK-broker range. Special timestamps: -1 latest (high watermark for consumers, the last stable
 * offset under READ_COMMITTED), -2 earliest (log start offset), -3 MAX_TIMESTAMP (v7+, KIP-734: the record with
 * the largest timestamp), -4 EARLIEST_LOCAL_TIMESTAMP (v8+, KIP-405: the local log start, which without tiered
 * storage is the log start offset). v0 answers a list of old-style offsets (legacy max_num_offsets); v4 adds
 * CurrentLeaderEpoch fencing and the LeaderEpoch of the answer; v6 is flexible.
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
  /** v4+; the leader epoch of the answer, -1 when unknown. */
  leaderEpoch?: number;
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
  maxVersion: 8,
});
