/**
 * OffsetDelete (key 47, KIP-496): deletes a group's committed offsets for some partitions. Kafka 3.7 has only v0
 * (not flexible). Note the response order: the top-level error comes BEFORE the throttle time.
 */
import * as schema from '../messages/OffsetDelete';
import { messageApi } from './messageApi';

interface OffsetDeleteRequestPartition {
  partitionIndex: number;
}

interface OffsetDeleteRequestTopic {
  name: string;
  partitions: OffsetDeleteRequestPartition[];
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
