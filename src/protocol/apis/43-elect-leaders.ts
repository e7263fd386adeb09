/**
 * ElectLeaders (key 43), admin client -> controller: run a preferred (or unclean) leader election for
 * some partitions, or for every partition when TopicPartitions is null (KIP-183, KIP-460;
 * kafka-leader-election.sh; handled by KafkaController.electLeaders in ZK mode).
 * Schema: ElectLeadersRequest.json / ElectLeadersResponse.json (Kafka 3.7, versions 0-2, flexible from 2).
 *
 * Request v0   => TopicPartitions [Topic string PartitionId [int32]] (nullable: null = all partitions)
 *                 TimeoutMs int32
 * Request v1   => ElectionType int8 TopicPartitions TimeoutMs
 * Request v2   => v1 in flexible form (compact strings/arrays, TAG_BUFFER after every struct and at the end)
 *
 * Response v0  => ThrottleTimeMs int32
 *                 ReplicaElectionResults [Topic string
 *                                         PartitionResult [PartitionId int32 ErrorCode int16
 *                                                          ErrorMessage nullable string]]
 * Response v1  => ThrottleTimeMs int32 ErrorCode int16 ReplicaElectionResults
 * Response v2  => v1 in flexible form
 *
 * Absent fields decode to the schema default: ElectionType 0 (PREFERRED, the only kind v0 knows),
 * top-level ErrorCode 0.
 */
import * as schema from '../messages/ElectLeaders';
import { messageApi } from './messageApi';

interface ElectLeadersTopicPartitions {
  topic: string;
  partitions: number[];
}

export interface ElectLeadersRequest {
  /** v1+; 0 (PREFERRED) when absent. */
  electionType: number;
  /** null = every partition of the cluster. */
  topicPartitions: ElectLeadersTopicPartitions[] | null;
  timeoutMs: number;
}

interface ElectLeadersPartitionResult {
  partitionId: number;
  errorCode: number;
  errorMessage: string | null;
}

interface ElectLeadersReplicaElectionResult {
  topic: string;
  partitionResult: ElectLeadersPartitionResult[];
}

export interface ElectLeadersResponse {
  throttleTimeMs: number;
  /** v1+; 0 when absent. */
  errorCode: number;
  replicaElectionResults: ElectLeadersReplicaElectionResult[];
}

// --- version-aware primitives (compact forms in flexible versions) ---

// --- request ---

// --- response ---

export const ElectLeadersApi = messageApi<ElectLeadersRequest, ElectLeadersResponse>(schema.ElectLeadersRequest, schema.ElectLeadersResponse, {
  minVersion: 0,
  maxVersion: 2,
});
