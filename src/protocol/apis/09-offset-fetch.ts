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
import * as schema from '../messages/OffsetFetch';
import { messageApi } from './messageApi';

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

export const OffsetFetchApi = messageApi<OffsetFetchRequest, OffsetFetchResponse>(schema.OffsetFetchRequest, schema.OffsetFetchResponse, {
  minVersion: 0,
  maxVersion: 7,
});
