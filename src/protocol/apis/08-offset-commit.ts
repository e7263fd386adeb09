/**
 * OffsetCommit (key 8): a consumer stores the offsets it has processed. We serve Kafka 3.7's 0-9 (flexible
 * from 8). v0 offsets go to ZooKeeper (/consumers/<group>/offsets/<topic>/<partition>) and any broker takes
 * them (KafkaApis.commitOffsetsToZookeeper); v1+ go to the group coordinator (__consumer_offsets). v1 may
 * carry a commit timestamp, v2-4 a retention time, v7 a group instance id (static membership). v9 (KIP-848)
 * renames the generation to GenerationIdOrMemberEpoch: for a classic group Kafka 3.7's old coordinator
 * (GroupCoordinatorAdapter.commitOffsets) takes it as the generation id, and so do we.
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
  maxVersion: 9,
});
