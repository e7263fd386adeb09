/**
 * OffsetFetch (key 9), versions 0-7; flexible from 6 (OffsetFetchRequest/Response.json). Kafka 3.7 has 0-8;
 * v8 (several groups per request, KIP-709) is not implemented.
 *
 * Request:
 *   v0-1 => group_id STRING, topics [name STRING, partition_indexes [INT32]]
 *   v2-5 => topics is NULLABLE: null asks for every committed offset of the group
 *   v6   => flexible: compact strings and arrays, tagged fields
 *   v7   => adds require_stable BOOL after topics
 * Response:
 *   v0-1 => topics [name STRING, partitions [partition_index INT32, committed_offset INT64,
 *           metadata NULLABLE_STRING, error_code INT16]]
 *   v2   => adds a top-level error_code INT16 after topics
 *   v3-4 => throttle_time_ms INT32 first
 *   v5   => partitions add committed_leader_epoch INT32 after committed_offset
 *   v6-7 => flexible
 * v0 reads offsets kept in ZooKeeper in Kafka; we serve v0 from the coordinator like v1 (no ZK offsets).
 *
 * librdkafka up to 2.2 asks for all offsets (ListConsumerGroupOffsets without partitions) by writing an
 * int32 0 where the topic count goes: an empty list at v2-5, but at v6-7 its first byte is the compact
 * array length 0, i.e. null, and the other bytes are read as require_stable and the tagged fields (the
 * trailing bytes are ignored, as Kafka's request parser does). That is why Kafka, which offers v7, lists
 * every offset for it.
 */
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

const FIRST_FLEXIBLE = 6;

interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

interface OffsetFetchRequest {
  groupId: string;
  /** null = all topics (v2+). */
  topics: OffsetFetchRequestTopic[] | null;
  /** v7+: fail partitions with pending transactional offsets with UNSTABLE_OFFSET_COMMIT. */
  requireStable: boolean;
}

interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

interface OffsetFetchResponse {
  throttleTimeMs: number;
  topics: OffsetFetchResponseTopic[];
  errorCode: number;
}

function decodeRequest(r: Reader, v: number): OffsetFetchRequest {
  const flex = v >= FIRST_FLEXIBLE;
  const groupId = flex ? r.compactString() : r.string();
  const readTopic = (rt: Reader): OffsetFetchRequestTopic => {
    const t = flex
      ? { name: rt.compactString(), partitionIndexes: rt.compactArray((rr) => rr.int32()) }
      : { name: rt.string(), partitionIndexes: rt.array((rr) => rr.int32()) };
    if (flex) rt.taggedFields();
    return t;
  };
  const topics = flex ? r.compactNullableArray(readTopic) : v >= 2 ? r.nullableArray(readTopic) : r.array(readTopic);
  const requireStable = v >= 7 ? r.bool() : false;
  if (flex) r.taggedFields();
  return { groupId, topics, requireStable };
}

function encodeRequest(w: Writer, v: number, req: OffsetFetchRequest): void {
  const flex = v >= FIRST_FLEXIBLE;
  if (flex) w.compactString(req.groupId);
  else w.string(req.groupId);
  const write = (wt: Writer, t: OffsetFetchRequestTopic) => {
    if (flex) {
      wt.compactString(t.name).compactArray(t.partitionIndexes, (wp, p) => {
        wp.int32(p);
      });
      wt.emptyTaggedFields();
    } else {
      wt.string(t.name).array(t.partitionIndexes, (wp, p) => {
        wp.int32(p);
      });
    }
  };
  if (flex) w.compactNullableArray(req.topics, write);
  else if (v >= 2) w.nullableArray(req.topics, write);
  else w.array(req.topics ?? [], write);
  if (v >= 7) w.bool(req.requireStable);
  if (flex) w.emptyTaggedFields();
}

function decodeResponse(r: Reader, v: number): OffsetFetchResponse {
  const flex = v >= FIRST_FLEXIBLE;
  const throttleTimeMs = v >= 3 ? r.int32() : 0;
  const readTopic = (rt: Reader): OffsetFetchResponseTopic => {
    const name = flex ? rt.compactString() : rt.string();
    const readPartition = (rp: Reader): OffsetFetchResponsePartition => {
      const partitionIndex = rp.int32();
      const committedOffset = rp.int64();
      const committedLeaderEpoch = v >= 5 ? rp.int32() : -1;
      const metadata = flex ? rp.compactNullableString() : rp.nullableString();
      const p = { partitionIndex, committedOffset, committedLeaderEpoch, metadata, errorCode: rp.int16() };
      if (flex) rp.taggedFields();
      return p;
    };
    const partitions = flex ? rt.compactArray(readPartition) : rt.array(readPartition);
    if (flex) rt.taggedFields();
    return { name, partitions };
  };
  const topics = flex ? r.compactArray(readTopic) : r.array(readTopic);
  const errorCode = v >= 2 ? r.int16() : 0;
  if (flex) r.taggedFields();
  return { throttleTimeMs, topics, errorCode };
}

function encodeResponse(w: Writer, v: number, res: OffsetFetchResponse): void {
  const flex = v >= FIRST_FLEXIBLE;
  if (v >= 3) w.int32(res.throttleTimeMs);
  const writePartition = (wp: Writer, p: OffsetFetchResponsePartition) => {
    wp.int32(p.partitionIndex).int64(p.committedOffset);
    if (v >= 5) wp.int32(p.committedLeaderEpoch);
    if (flex) wp.compactNullableString(p.metadata).int16(p.errorCode).emptyTaggedFields();
    else wp.nullableString(p.metadata).int16(p.errorCode);
  };
  const writeTopic = (wt: Writer, t: OffsetFetchResponseTopic) => {
    if (flex) wt.compactString(t.name).compactArray(t.partitions, writePartition).emptyTaggedFields();
    else wt.string(t.name).array(t.partitions, writePartition);
  };
  if (flex) w.compactArray(res.topics, writeTopic);
  else w.array(res.topics, writeTopic);
  if (v >= 2) w.int16(res.errorCode);
  if (flex) w.emptyTaggedFields();
}

export const OffsetFetchApi: ApiCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 7,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
