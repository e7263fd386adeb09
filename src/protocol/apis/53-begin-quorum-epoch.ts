/**
 * BeginQuorumEpoch (key 53, KIP-595): a newly elected leader tells every voter that has not yet acknowledged it
 * (LeaderState.nonAcknowledgingVoters), so they stop their elections and start fetching from it. Version 0, not
 * flexible. Controller listener only: a ZooKeeper-mode broker neither serves nor advertises it.
 * Layout: ../messages/BeginQuorumEpoch.ts.
 */
import * as schema from '../messages/BeginQuorumEpoch';
import { messageApi } from './messageApi';

export interface BeginQuorumEpochRequest {
  clusterId: string | null;
  topics: Array<{ topicName: string; partitions: Array<{ partitionIndex: number; leaderId: number; leaderEpoch: number }> }>;
}

export interface QuorumEpochPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
}

export interface BeginQuorumEpochResponse {
  errorCode: number;
  topics: Array<{ topicName: string; partitions: QuorumEpochPartitionResponse[] }>;
}

export const BeginQuorumEpochApi = messageApi<BeginQuorumEpochRequest, BeginQuorumEpochResponse>(
  schema.BeginQuorumEpochRequest,
  schema.BeginQuorumEpochResponse,
);
