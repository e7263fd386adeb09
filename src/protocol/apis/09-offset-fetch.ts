/**
 * OffsetFetch (key 9): the committed offsets of a group. We serve Kafka 3.7's 0-9 (flexible from 6).
 * v0 reads ZooKeeper-stored offsets on any broker (KafkaApis.handleOffsetFetchRequestFromZookeeper); v1+ ask
 * the coordinator. v2+ null topics = every committed offset; v7 RequireStable (KIP-447: a partition with pending
 * transactional offsets answers UNSTABLE_OFFSET_COMMIT); v8 several groups per request (KIP-709) with a per-group error;
 * v9 MemberId/MemberEpoch, which Kafka 3.7's old coordinator ignores for classic groups
 * (GroupCoordinatorAdapter.fetchOffsets passes only the group id and partitions), as we do.
 *
 * For v0-7 the decoded request also carries the single group in `groups`, as Kafka's OffsetFetchRequest.groups()
 * presents it, so the handler serves every version through one path.
 *
 * librdkafka up to 2.2 asks for all offsets (ListConsumerGroupOffsets without partitions) by writing an
 * int32 0 where the topic count goes: an empty list at v2-5, but at v6-7 its first byte is the compact
 * array length 0, i.e. null, and the other bytes are read as require_stable and the tagged fields (the
 * trailing bytes are ignored, as Kafka's request parser does). That is why Kafka lists every offset for it.
 */
import * as schema from '../messages/OffsetFetch';
import { messageApi } from './messageApi';

interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

interface OffsetFetchRequestGroup {
  groupId: string;
  /** v9+, ignored by a classic group's coordinator. */
  memberId: string | null;
  /** v9+, ignored by a classic group's coordinator. */
  memberEpoch: number;
  /** null = all topics. */
  topics: OffsetFetchRequestTopic[] | null;
}

interface OffsetFetchRequest {
  /** v0-7. */
  groupId: string;
  /** v0-7; null = all topics (v2+). */
  topics: OffsetFetchRequestTopic[] | null;
  /** v8+ (filled from groupId/topics for v0-7 on decode). */
  groups: OffsetFetchRequestGroup[];
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

interface OffsetFetchResponseGroup {
  groupId: string;
  topics: OffsetFetchResponseTopic[];
  errorCode: number;
}

interface OffsetFetchResponse {
  throttleTimeMs: number;
  /** v0-7. */
  topics: OffsetFetchResponseTopic[];
  /** v2-7. */
  errorCode: number;
  /** v8+. */
  groups: OffsetFetchResponseGroup[];
}

export const OffsetFetchApi = messageApi<OffsetFetchRequest, OffsetFetchResponse>(schema.OffsetFetchRequest, schema.OffsetFetchResponse, {
  minVersion: 0,
  maxVersion: 9,
  normalizeRequest: (req, version) => (version < 8 ? { ...req, groups: [{ groupId: req.groupId, memberId: null, memberEpoch: -1, topics: req.topics }] } : req),
});
