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
import * as schema from '../messages/Produce';
import { messageApi } from './messageApi';

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

export const ProduceApi = messageApi<ProduceRequest, ProduceResponse>(schema.ProduceRequest, schema.ProduceResponse, { minVersion: 3, maxVersion: 7 });
