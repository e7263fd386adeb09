/**
 * OffsetCommit (key 8), versions 0-7; none flexible (OffsetCommitRequest/Response.json, flexible from 8).
 *
 * Request:
 *   v0   => group_id STRING, topics [name STRING, partitions [partition_index INT32, committed_offset INT64,
 *           committed_metadata NULLABLE_STRING]]
 *   v1   => group_id, generation_id INT32, member_id STRING, topics [name, partitions [partition_index,
 *           committed_offset, commit_timestamp INT64, committed_metadata]]
 *   v2-4 => group_id, generation_id, member_id, retention_time_ms INT64, topics [name, partitions [partition_index,
 *           committed_offset, committed_metadata]]
 *   v5   => retention_time_ms removed
 *   v6   => partitions add committed_leader_epoch INT32 after committed_offset
 *   v7   => group_instance_id NULLABLE_STRING after member_id
 * Response:
 *   v0-2 => topics [name STRING, partitions [partition_index INT32, error_code INT16]]
 *   v3-7 => throttle_time_ms INT32 first
 *
 * Absent fields decode to Kafka's defaults: generation -1, member "", retention -1, leader epoch -1,
 * commit timestamp -1, group instance null.
 */
import * as schema from '../messages/OffsetCommit';
import { messageApi } from './messageApi';

interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  commitTimestamp: number;
  committedMetadata: string | null;
}

interface OffsetCommitRequestTopic {
  name: string;
  partitions: OffsetCommitRequestPartition[];
}

interface OffsetCommitRequest {
  groupId: string;
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
  retentionTimeMs: number;
  topics: OffsetCommitRequestTopic[];
}

interface OffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

interface OffsetCommitResponseTopic {
  name: string;
  partitions: OffsetCommitResponsePartition[];
}

interface OffsetCommitResponse {
  throttleTimeMs: number;
  topics: OffsetCommitResponseTopic[];
}

export const OffsetCommitApi = messageApi<OffsetCommitRequest, OffsetCommitResponse>(schema.OffsetCommitRequest, schema.OffsetCommitResponse, {
  minVersion: 0,
  maxVersion: 7,
});
