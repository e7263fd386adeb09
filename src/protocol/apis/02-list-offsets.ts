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
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

interface ListOffsetsPartition {
  partitionIndex: number;
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

const readInt64 = (r: Reader): number => r.int64();
const writeInt64 = (w: Writer, v: number): void => {
  w.int64(v);
};

export const ListOffsetsApi: ApiCodec<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: Infinity,

  decodeRequest(r: Reader, version: number): ListOffsetsRequest {
    const replicaId = r.int32();
    const isolationLevel = version >= 2 ? r.int8() : 0;
    const topics = r.array((rt): ListOffsetsTopic => ({
      name: rt.string(),
      partitions: rt.array((rp): ListOffsetsPartition => ({
        partitionIndex: rp.int32(),
        timestamp: rp.int64(),
        maxNumOffsets: version === 0 ? rp.int32() : 1,
      })),
    }));
    return { replicaId, isolationLevel, topics };
  },

  encodeRequest(w: Writer, version: number, req: ListOffsetsRequest): void {
    w.int32(req.replicaId);
    if (version >= 2) w.int8(req.isolationLevel);
    w.array(req.topics, (wt, t) => {
      wt.string(t.name);
      wt.array(t.partitions, (wp, p) => {
        wp.int32(p.partitionIndex).int64(p.timestamp);
        if (version === 0) wp.int32(p.maxNumOffsets);
      });
    });
  },

  decodeResponse(r: Reader, version: number): ListOffsetsResponse {
    const throttleTimeMs = version >= 2 ? r.int32() : 0;
    const topics = r.array((rt): ListOffsetsTopicResponse => ({
      name: rt.string(),
      partitions: rt.array((rp): ListOffsetsPartitionResponse => {
        const partitionIndex = rp.int32();
        const errorCode = rp.int16();
        if (version === 0) {
          return { partitionIndex, errorCode, oldStyleOffsets: rp.array(readInt64), timestamp: -1, offset: -1 };
        }
        return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp: rp.int64(), offset: rp.int64() };
      }),
    }));
    return { throttleTimeMs, topics };
  },

  encodeResponse(w: Writer, version: number, res: ListOffsetsResponse): void {
    if (version >= 2) w.int32(res.throttleTimeMs);
    w.array(res.topics, (wt, t) => {
      wt.string(t.name);
      wt.array(t.partitions, (wp, p) => {
        wp.int32(p.partitionIndex).int16(p.errorCode);
        if (version === 0) wp.array(p.oldStyleOffsets, writeInt64);
        else wp.int64(p.timestamp).int64(p.offset);
      });
    });
  },
};
