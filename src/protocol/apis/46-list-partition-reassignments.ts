/**
 * ListPartitionReassignments (key 46), admin client -> controller: the reassignments in progress
 * (KIP-455; kafka-reassign-partitions.sh --verify/--list, kafkajs admin.listPartitionReassignments;
 * answered from ControllerContext.partitionsBeingReassigned in ZK mode).
 * Schema: ListPartitionReassignmentsRequest.json / ...Response.json (Kafka 3.7: version 0 only, flexible).
 *
 * Request v0  => TimeoutMs int32
 *                Topics compact_nullable [Name compact_string PartitionIndexes [int32] TAG_BUFFER]
 *                TAG_BUFFER
 *   Topics null lists every ongoing reassignment.
 *
 * Response v0 => ThrottleTimeMs int32 ErrorCode int16 ErrorMessage compact_nullable_string
 *                Topics [Name compact_string
 *                        Partitions [PartitionIndex int32 Replicas [int32] AddingReplicas [int32]
 *                                    RemovingReplicas [int32] TAG_BUFFER]
 *                        TAG_BUFFER]
 *                TAG_BUFFER
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
