/**
 * Vote (key 52, KIP-595): a candidate for epoch E asks each voter for its vote, giving the epoch and end offset of its
 * log; a voter grants at most one vote per epoch, and only to a log at least as up to date as its own
 * (KafkaRaftClient.handleVoteRequest). Version 0, flexible. Controller listener only: a ZooKeeper-mode broker has
 * no handler, so it neither serves nor advertises it. Layout: ../messages/Vote.ts.
 */
import * as schema from '../messages/Vote';
import { messageApi } from './messageApi';

export interface VotePartitionRequest {
  partitionIndex: number;
  candidateEpoch: number;
  candidateId: number;
  lastOffsetEpoch: number;
  lastOffset: number;
}

export interface VoteRequest {
  /** null: not checked (KafkaRaftClient.hasValidClusterId). */
  clusterId: string | null;
  topics: Array<{ topicName: string; partitions: VotePartitionRequest[] }>;
}

export interface VotePartitionResponse {
  partitionIndex: number;
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
  voteGranted: boolean;
}

export interface VoteResponse {
  errorCode: number;
  topics: Array<{ topicName: string; partitions: VotePartitionResponse[] }>;
}

export const VoteApi = messageApi<VoteRequest, VoteResponse>(schema.VoteRequest, schema.VoteResponse);
