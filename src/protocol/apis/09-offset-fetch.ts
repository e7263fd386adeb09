/**
 * OffsetFetch (key 9), versions 0-5; none flexible (OffsetFetchRequest/Response.json, flexible from 6).
 *
 * Request:
 *   v0-1 => group_id STRING, topics [name STRING, partition_indexes [INT32]]
 *   v2-5 => topics is NULLABLE: null asks for every committed offset of the group
 * Response:
 *   v0-1 => topics [name STRING, partitions [partition_index INT32, committed_offset INT64,
 *           metadata NULLABLE_STRING, error_code INT16]]
 *   v2   => adds a top-level error_code INT16 after topics
 *   v3-4 => throttle_time_ms INT32 first
 *   v5   => partitions add committed_leader_epoch INT32 after committed_offset
 * v0 reads offsets kept in ZooKeeper in Kafka; we serve v0 from the coordinator like v1 (no ZK offsets).
 */
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequest {
  groupId: string;
  /** null = all topics (v2+). */
  topics: OffsetFetchRequestTopic[] | null;
}

export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponse {
  throttleTimeMs: number;
  topics: OffsetFetchResponseTopic[];
  errorCode: number;
}

function readTopic(r: Reader): OffsetFetchRequestTopic {
  return { name: r.string(), partitionIndexes: r.array((rr) => rr.int32()) };
}

function decodeRequest(r: Reader, v: number): OffsetFetchRequest {
  const groupId = r.string();
  const topics = v >= 2 ? r.nullableArray(readTopic) : r.array(readTopic);
  return { groupId, topics };
}

function encodeRequest(w: Writer, v: number, req: OffsetFetchRequest): void {
  w.string(req.groupId);
  const write = (wt: Writer, t: OffsetFetchRequestTopic) => {
    wt.string(t.name).array(t.partitionIndexes, (wp, p) => {
      wp.int32(p);
    });
  };
  if (v >= 2) w.nullableArray(req.topics, write);
  else w.array(req.topics ?? [], write);
}

function decodeResponse(r: Reader, v: number): OffsetFetchResponse {
  const throttleTimeMs = v >= 3 ? r.int32() : 0;
  const topics = r.array((rt): OffsetFetchResponseTopic => ({
    name: rt.string(),
    partitions: rt.array((rp): OffsetFetchResponsePartition => {
      const partitionIndex = rp.int32();
      const committedOffset = rp.int64();
      const committedLeaderEpoch = v >= 5 ? rp.int32() : -1;
      return { partitionIndex, committedOffset, committedLeaderEpoch, metadata: rp.nullableString(), errorCode: rp.int16() };
    }),
  }));
  const errorCode = v >= 2 ? r.int16() : 0;
  return { throttleTimeMs, topics, errorCode };
}

function encodeResponse(w: Writer, v: number, res: OffsetFetchResponse): void {
  if (v >= 3) w.int32(res.throttleTimeMs);
  w.array(res.topics, (wt, t) => {
    wt.string(t.name).array(t.partitions, (wp, p) => {
      wp.int32(p.partitionIndex).int64(p.committedOffset);
      if (v >= 5) wp.int32(p.committedLeaderEpoch);
      wp.nullableString(p.metadata).int16(p.errorCode);
    });
  });
  if (v >= 2) w.int16(res.errorCode);
}

export const OffsetFetchApi: ApiCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: Infinity,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
