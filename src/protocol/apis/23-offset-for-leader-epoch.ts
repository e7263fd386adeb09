/**
 * OffsetForLeaderEpoch (key 23), follower (or consumer) -> leader: the end offset of a given leader
 * epoch, so a new follower can truncate its log to where it diverged from the leader (KIP-101, KIP-279;
 * ReplicaFetcherThread.fetchEpochEndOffsets -> ReplicaManager.lastOffsetForLeaderEpoch ->
 * LeaderEpochFileCache.endOffsetFor). Schema: OffsetForLeaderEpochRequest.json / ...Response.json
 * (Kafka 3.7, versions 0-4, flexible from 4). An IBP 2.3-2.7 follower sends v3, a 2.8+ one v4.
 *
 * Request v0-1 => Topics [Topic string Partitions [Partition int32 LeaderEpoch int32]]
 * Request v2   => Topics [Topic string Partitions [Partition int32 CurrentLeaderEpoch int32 LeaderEpoch int32]]
 * Request v3   => ReplicaId int32 Topics (as v2)
 * Request v4   => v3 in flexible form (compact strings/arrays, TAG_BUFFER after every struct and at the end)
 *
 * Response v0  => Topics [Topic string Partitions [ErrorCode int16 Partition int32 EndOffset int64]]
 * Response v1  => Topics [Topic string Partitions [ErrorCode int16 Partition int32 LeaderEpoch int32 EndOffset int64]]
 * Response v2-3 => ThrottleTimeMs int32 Topics (as v1)
 * Response v4  => v3 in flexible form
 *
 * Fields absent in a version decode to the schema default: ReplicaId -2 (the "debug" consumer id,
 * which Kafka lets read past the high watermark), CurrentLeaderEpoch -1, ThrottleTimeMs 0, LeaderEpoch -1.
 */
import * as schema from '../messages/OffsetForLeaderEpoch';
import { messageApi } from './messageApi';

interface OffsetForLeaderPartition {
  partition: number;
  /** v2+; -1 (no fencing) when absent. */
  currentLeaderEpoch: number;
  leaderEpoch: number;
}

interface OffsetForLeaderTopic {
  topic: string;
  partitions: OffsetForLeaderPartition[];
}

export interface OffsetForLeaderEpochRequest {
  /** v3+; follower broker id, -1 for a consumer, -2 when absent. */
  replicaId: number;
  topics: OffsetForLeaderTopic[];
}

interface EpochEndOffset {
  errorCode: number;
  partition: number;
  /** v1+; -1 when absent or unknown. */
  leaderEpoch: number;
  /** -1 when unknown (UNDEFINED_EPOCH_OFFSET). */
  endOffset: number;
}

interface OffsetForLeaderTopicResult {
  topic: string;
  partitions: EpochEndOffset[];
}

export interface OffsetForLeaderEpochResponse {
  /** v2+; 0 when absent. */
  throttleTimeMs: number;
  topics: OffsetForLeaderTopicResult[];
}

// --- version-aware primitives (compact forms in flexible versions) ---

// --- request ---

// --- response ---

export const OffsetForLeaderEpochApi = messageApi<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(
  schema.OffsetForLeaderEpochRequest,
  schema.OffsetForLeaderEpochResponse,
  { minVersion: 0, maxVersion: 4 },
);
