/**
 * OffsetForLeaderEpoch (key 23): a follower (or consumer) asks the leader where a leader epoch ended, to truncate
 * to the point where its log diverged (KIP-101, KIP-279; ReplicaManager.lastOffsetForLeaderEpoch ->
 * LeaderEpochFileCache.endOffsetFor). Served: v0-4, Kafka 3.7's range (v2 adds CurrentLeaderEpoch fencing, v3
 * ReplicaId, v4 flexible; an IBP 2.3-2.7 follower sends v3, a 2.8+ one v4). An absent ReplicaId decodes to -2, the
 * "debug" consumer that Kafka lets read past the high watermark.
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

export const OffsetForLeaderEpochApi = messageApi<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(
  schema.OffsetForLeaderEpochRequest,
  schema.OffsetForLeaderEpochResponse,
  { minVersion: 0, maxVersion: 4 },
);
