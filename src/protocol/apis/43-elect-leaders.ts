/**
 * ElectLeaders (key 43), admin client -> controller: run a preferred (or unclean) leader election for some
 * partitions, or for every partition when TopicPartitions is null (KIP-183, KIP-460; kafka-leader-election.sh;
 * KafkaController.electLeaders in ZK mode). We serve Kafka 3.7's 0-2: v1 ElectionType and a top-level ErrorCode,
 * v2 flexible. Before v1 the election is PREFERRED (ElectionType's default 0).
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

export const ElectLeadersApi = messageApi<ElectLeadersRequest, ElectLeadersResponse>(schema.ElectLeadersRequest, schema.ElectLeadersResponse, {
  minVersion: 0,
  maxVersion: 2,
});
