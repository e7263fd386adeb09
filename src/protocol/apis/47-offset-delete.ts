/**
 * OffsetDelete (key 47), version 0; not flexible (OffsetDeleteRequest/Response.json, KIP-496).
 *
 * Request v0  => group_id STRING, topics [name STRING, partitions [partition_index INT32]]
 * Response v0 => error_code INT16, throttle_time_ms INT32,
 *                topics [name STRING, partitions [partition_index INT32, error_code INT16]]
 * Note the order: this response puts the top-level error BEFORE the throttle time.
 */
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

interface OffsetDeleteRequestTopic {
  name: string;
  partitions: number[];
}

interface OffsetDeleteRequest {
  groupId: string;
  topics: OffsetDeleteRequestTopic[];
}

interface OffsetDeleteResponseTopic {
  name: string;
  partitions: Array<{ partitionIndex: number; errorCode: number }>;
}

interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: OffsetDeleteResponseTopic[];
}

export const OffsetDeleteApi: ApiCodec<OffsetDeleteRequest, OffsetDeleteResponse> = {
  apiKey: ApiKey.OffsetDelete,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: Infinity,

  decodeRequest(r: Reader, _v: number): OffsetDeleteRequest {
    const groupId = r.string();
    return { groupId, topics: r.array((rt): OffsetDeleteRequestTopic => ({ name: rt.string(), partitions: rt.array((rp) => rp.int32()) })) };
  },

  encodeRequest(w: Writer, _v: number, req: OffsetDeleteRequest): void {
    w.string(req.groupId).array(req.topics, (wt, t) => {
      wt.string(t.name).array(t.partitions, (wp, p) => {
        wp.int32(p);
      });
    });
  },

  decodeResponse(r: Reader, _v: number): OffsetDeleteResponse {
    const errorCode = r.int16();
    const throttleTimeMs = r.int32();
    const topics = r.array((rt): OffsetDeleteResponseTopic => ({
      name: rt.string(),
      partitions: rt.array((rp) => ({ partitionIndex: rp.int32(), errorCode: rp.int16() })),
    }));
    return { errorCode, throttleTimeMs, topics };
  },

  encodeResponse(w: Writer, _v: number, res: OffsetDeleteResponse): void {
    w.int16(res.errorCode)
      .int32(res.throttleTimeMs)
      .array(res.topics, (wt, t) => {
        wt.string(t.name).array(t.partitions, (wp, p) => {
          wp.int32(p.partitionIndex).int16(p.errorCode);
        });
      });
  },
};
