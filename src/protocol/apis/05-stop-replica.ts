/**
 * StopReplica (key 5), controller -> broker: stop fetching/serving some replicas, and delete their logs
 * when asked (topic deletion, reassignment) (ReplicaManager.stopReplicas). Schema: StopReplicaRequest.json /
 * StopReplicaResponse.json (Kafka 3.7, versions 0-4, flexible from 2). Our controller sends v4 (IBP >= 3.4).
 * The layout of each version is the description in ../messages.
 *
 * Absent fields decode to the schema default: isKRaftController false, BrokerEpoch -1,
 * DeletePartitions false, LeaderEpoch -1, empty arrays.
 */
import * as schema from '../messages/StopReplica';
import { messageApi } from './messageApi';

interface StopReplicaPartitionV0 {
  topicName: string;
  partitionIndex: number;
}

interface StopReplicaTopicV1 {
  name: string;
  partitionIndexes: number[];
}

interface StopReplicaPartitionState {
  partitionIndex: number;
  /** Current leader epoch; -1 "no epoch", -2 "topic queued for deletion" (KIP-570). */
  leaderEpoch: number;
  deletePartition: boolean;
}

interface StopReplicaTopicState {
  topicName: string;
  partitionStates: StopReplicaPartitionState[];
}

export interface StopReplicaRequest {
  controllerId: number;
  isKRaftController: boolean;
  controllerEpoch: number;
  brokerEpoch: number;
  /** v0-2 only (v3+ carries DeletePartition per partition). */
  deletePartitions: boolean;
  /** v0 only. */
  ungroupedPartitions: StopReplicaPartitionV0[];
  /** v1-2 only. */
  topics: StopReplicaTopicV1[];
  /** v3+. */
  topicStates: StopReplicaTopicState[];
}

interface StopReplicaPartitionError {
  topicName: string;
  partitionIndex: number;
  errorCode: number;
}

export interface StopReplicaResponse {
  errorCode: number;
  partitionErrors: StopReplicaPartitionError[];
}

export const StopReplicaApi = messageApi<StopReplicaRequest, StopReplicaResponse>(schema.StopReplicaRequest, schema.StopReplicaResponse, {
  minVersion: 0,
  maxVersion: 4,
});
