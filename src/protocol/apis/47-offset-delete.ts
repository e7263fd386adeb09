/**
 * OffsetDelete (key 47), version 0; not flexible (OffsetDeleteRequest/Response.json, KIP-496).
 *
 * Request v0  => group_id STRING, topics [name STRING, partitions [partition_index INT32]]
 * Response v0 => error_code INT16, throttle_time_ms INT32,
 *                topics [name STRING, partitions [partition_index INT32, error_code INT16]]
 * Note the order: this response puts the top-level error BEFORE the throttle time.
 */
import * as schema from '../messages/OffsetDelete';
import { messageApi } from './messageApi';

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

export const OffsetDeleteApi = messageApi<OffsetDeleteRequest, OffsetDeleteResponse>(schema.OffsetDeleteRequest, schema.OffsetDeleteResponse, {
  minVersion: 0,
  maxVersion: 0,
});
