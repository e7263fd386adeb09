/**
 * ListPartitionReassignments (key 46), admin client -> controller: the reassignments in progress (KIP-455;
 * kafka-reassign-partitions.sh --verify/--list, kafkajs admin.listPartitionReassignments; answered from
 * ControllerContext.partitionsBeingReassigned in ZK mode). Kafka 3.7 has version 0 only (flexible); we serve it.
 * Topics null lists every ongoing reassignment.
 */
import * as schema from '../messages/ListPartitionReassignments';
import { messageApi } from './messageApi';

interface ListPartitionReassignmentsTopics {
  name: string;
  partitionIndexes: number[];
}

export interface ListPartitionReassignmentsRequest {
  timeoutMs: number;
  /** null = list everything. */
  topics: ListPartitionReassignmentsTopics[] | null;
}

interface OngoingPartitionReassignment {
  partitionIndex: number;
  /** The current replica set (original plus adding replicas while reassigning). */
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

interface OngoingTopicReassignment {
  name: string;
  partitions: OngoingPartitionReassignment[];
}

export interface ListPartitionReassignmentsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  topics: OngoingTopicReassignment[];
}

export const ListPartitionReassignmentsApi = messageApi<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse>(
  schema.ListPartitionReassignmentsRequest,
  schema.ListPartitionReassignmentsResponse,
  { minVersion: 0, maxVersion: 0 },
);
