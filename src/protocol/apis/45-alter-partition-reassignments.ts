/**
 * AlterPartitionReassignments (key 45), admin client -> controller: start or cancel partition
 * reassignments (KIP-455; kafka-reassign-partitions.sh --execute/--cancel, kafkajs
 * admin.alterPartitionReassignments; KafkaController.onPartitionReassignment in ZK mode).
 * Schema: AlterPartitionReassignmentsRequest.json / ...Response.json (Kafka 3.7: version 0 only, flexible).
 *
 * Request v0  => TimeoutMs int32
 *                Topics [Name compact_string
 *                        Partitions [PartitionIndex int32 Replicas compact_nullable [int32] TAG_BUFFER]
 *                        TAG_BUFFER]
 *                TAG_BUFFER
 *   Replicas null cancels the pending reassignment of that partition.
 *
 * Response v0 => ThrottleTimeMs int32 ErrorCode int16 ErrorMessage compact_nullable_string
 *                Responses [Name compact_string
 *                           Partitions [PartitionIndex int32 ErrorCode int16
 *                                       ErrorMessage compact_nullable_string TAG_BUFFER]
 *                           TAG_BUFFER]
 *                TAG_BUFFER
 */
import * as schema from '../messages/AlterPartitionReassignments';
import { messageApi } from './messageApi';

interface ReassignablePartition {
  partitionIndex: number;
  /** Target replica list, or null to cancel a pending reassignment. */
  replicas: number[] | null;
}

interface ReassignableTopic {
  name: string;
  partitions: ReassignablePartition[];
}

export interface AlterPartitionReassignmentsRequest {
  timeoutMs: number;
  topics: ReassignableTopic[];
}

interface ReassignablePartitionResponse {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
}

interface ReassignableTopicResponse {
  name: string;
  partitions: ReassignablePartitionResponse[];
}

export interface AlterPartitionReassignmentsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  responses: ReassignableTopicResponse[];
}

export const AlterPartitionReassignmentsApi = messageApi<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse>(
  schema.AlterPartitionReassignmentsRequest,
  schema.AlterPartitionReassignmentsResponse,
  { minVersion: 0, maxVersion: 0 },
);
