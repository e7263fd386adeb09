/**
 * Produce (key 0), versions 3-7; none flexible (ProduceRequest/Response.json, flexible from 9).
 * Versions 0-2 (message formats 0/1) are not supported: protocol.md §3.1.
 *
 * Request (same layout for v3-v7; v7 only announces that zstd may be used, KIP-110):
 *   transactional_id NULLABLE_STRING, acks INT16, timeout_ms INT32,
 *   topic_data [name STRING, partition_data [index INT32, records RECORDS (int32 size, nullable)]]
 *
 * Response:
 *   v3-v4: responses [name STRING,
 *                     partition_responses [index INT32, error_code INT16, base_offset INT64,
 *                                          log_append_time_ms INT64]],
 *          throttle_time_ms INT32                  -- AFTER the array (protocol.md §5.4)
 *   v5-v7: partition_responses add log_start_offset INT64 after log_append_time_ms
 *
 * `records` is a slice of the request frame (Reader.nullableBytes), never a copy: the broker
 * validates and appends those bytes as they arrived (DESIGN.md §3).
 */
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

interface PartitionProduceData {
  index: number;
  /** The record batch bytes: a view into the request frame. */
  records: Buffer | null;
}

interface TopicProduceData {
  name: string;
  partitionData: PartitionProduceData[];
}

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: TopicProduceData[];
}

interface PartitionProduceResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  /** -1 unless the topic uses LogAppendTime. */
  logAppendTimeMs: number;
  /** v5+; -1 before. */
  logStartOffset: number;
}

interface TopicProduceResponse {
  name: string;
  partitionResponses: PartitionProduceResponse[];
}

export interface ProduceResponse {
  responses: TopicProduceResponse[];
  throttleTimeMs: number;
}

function readPartitionData(r: Reader): PartitionProduceData {
  return { index: r.int32(), records: r.nullableBytes() };
}

function readTopicData(r: Reader): TopicProduceData {
  return { name: r.string(), partitionData: r.array(readPartitionData) };
}

function writePartitionData(w: Writer, p: PartitionProduceData): void {
  w.int32(p.index).nullableBytes(p.records);
}

function writeTopicData(w: Writer, t: TopicProduceData): void {
  w.string(t.name).array(t.partitionData, writePartitionData);
}

export const ProduceApi: ApiCodec<ProduceRequest, ProduceResponse> = {
  apiKey: ApiKey.Produce,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 7,
  firstFlexibleVersion: Infinity,

  decodeRequest(r: Reader, _version: number): ProduceRequest {
    const transactionalId = r.nullableString();
    const acks = r.int16();
    const timeoutMs = r.int32();
    const topicData = r.array(readTopicData);
    return { transactionalId, acks, timeoutMs, topicData };
  },

  encodeRequest(w: Writer, _version: number, req: ProduceRequest): void {
    w.nullableString(req.transactionalId).int16(req.acks).int32(req.timeoutMs);
    w.array(req.topicData, writeTopicData);
  },

  decodeResponse(r: Reader, version: number): ProduceResponse {
    const responses = r.array((rt): TopicProduceResponse => ({
      name: rt.string(),
      partitionResponses: rt.array((rp): PartitionProduceResponse => ({
        index: rp.int32(),
        errorCode: rp.int16(),
        baseOffset: rp.int64(),
        logAppendTimeMs: rp.int64(),
        logStartOffset: version >= 5 ? rp.int64() : -1,
      })),
    }));
    const throttleTimeMs = r.int32();
    return { responses, throttleTimeMs };
  },

  encodeResponse(w: Writer, version: number, res: ProduceResponse): void {
    w.array(res.responses, (wt, t) => {
      wt.string(t.name);
      wt.array(t.partitionResponses, (wp, p) => {
        wp.int32(p.index).int16(p.errorCode).int64(p.baseOffset).int64(p.logAppendTimeMs);
        if (version >= 5) wp.int64(p.logStartOffset);
      });
    });
    w.int32(res.throttleTimeMs);
  },
};
