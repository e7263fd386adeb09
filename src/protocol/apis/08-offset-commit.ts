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
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

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
  generationId: number;
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

function decodeRequest(r: Reader, v: number): OffsetCommitRequest {
  const groupId = r.string();
  const generationId = v >= 1 ? r.int32() : -1;
  const memberId = v >= 1 ? r.string() : '';
  const groupInstanceId = v >= 7 ? r.nullableString() : null;
  const retentionTimeMs = v >= 2 && v <= 4 ? r.int64() : -1;
  const topics = r.array((rt): OffsetCommitRequestTopic => ({
    name: rt.string(),
    partitions: rt.array((rp): OffsetCommitRequestPartition => {
      const partitionIndex = rp.int32();
      const committedOffset = rp.int64();
      const committedLeaderEpoch = v >= 6 ? rp.int32() : -1;
      const commitTimestamp = v === 1 ? rp.int64() : -1;
      const committedMetadata = rp.nullableString();
      return { partitionIndex, committedOffset, committedLeaderEpoch, commitTimestamp, committedMetadata };
    }),
  }));
  return { groupId, generationId, memberId, groupInstanceId, retentionTimeMs, topics };
}

function encodeRequest(w: Writer, v: number, req: OffsetCommitRequest): void {
  w.string(req.groupId);
  if (v >= 1) w.int32(req.generationId).string(req.memberId);
  if (v >= 7) w.nullableString(req.groupInstanceId);
  if (v >= 2 && v <= 4) w.int64(req.retentionTimeMs);
  w.array(req.topics, (wt, t) => {
    wt.string(t.name).array(t.partitions, (wp, p) => {
      wp.int32(p.partitionIndex).int64(p.committedOffset);
      if (v >= 6) wp.int32(p.committedLeaderEpoch);
      if (v === 1) wp.int64(p.commitTimestamp);
      wp.nullableString(p.committedMetadata);
    });
  });
}

function decodeResponse(r: Reader, v: number): OffsetCommitResponse {
  const throttleTimeMs = v >= 3 ? r.int32() : 0;
  const topics = r.array((rt): OffsetCommitResponseTopic => ({
    name: rt.string(),
    partitions: rt.array((rp): OffsetCommitResponsePartition => ({ partitionIndex: rp.int32(), errorCode: rp.int16() })),
  }));
  return { throttleTimeMs, topics };
}

function encodeResponse(w: Writer, v: number, res: OffsetCommitResponse): void {
  if (v >= 3) w.int32(res.throttleTimeMs);
  w.array(res.topics, (wt, t) => {
    wt.string(t.name).array(t.partitions, (wp, p) => {
      wp.int32(p.partitionIndex).int16(p.errorCode);
    });
  });
}

export const OffsetCommitApi: ApiCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 7,
  firstFlexibleVersion: Infinity,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
