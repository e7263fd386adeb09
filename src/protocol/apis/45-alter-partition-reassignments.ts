/**
 * AlterPartitionReassignments (key 45), admin client -> controller: start or cancel partition reassignments
 * (KIP-455; kafka-reassign-partitions.sh --execute/--cancel, kafkajs admin.alterPartitionReassignments;
 * KafkaController.onPartitionReassignment in ZK mode). Kafka 3.7 has version 0 only (flexible); we serve it.
 * Replicas null cancels the pending reassignment of that partition.
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
