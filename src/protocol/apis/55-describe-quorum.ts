/**
 * DescribeQuorum (key 55, KIP-595, v1 KIP-836): the leader's view of the metadata quorum: epoch, high watermark, and
 * each voter's and observer's log end offset (v1: last fetch and last caught-up times), as kafka-metadata-quorum
 * prints it. Versions 0-1, flexible. Listeners broker and controller, but a ZooKeeper-mode broker has no quorum to
 * describe: it has no handler, so it neither serves nor advertises it. Layout: ../messages/DescribeQuorum.ts.
 */
import * as schema from '../messages/DescribeQuorum';
import { messageApi } from './messageApi';

export interface DescribeQuorumRequest {
  topics: Array<{ topicName: string; partitions: Array<{ partitionIndex: number }> }>;
}

export interface QuorumReplicaState {
  replicaId: number;
  logEndOffset: number;
  /** v1+; -1 before or when unknown. */
  lastFetchTimestamp: number;
  /** v1+; -1 before or when unknown. */
  lastCaughtUpTimestamp: number;
}

export interface DescribeQuorumPartition {
  partitionIndex: number;
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  currentVoters: QuorumReplicaState[];
  observers: QuorumReplicaState[];
}

export interface DescribeQuorumResponse {
  errorCode: number;
  topics: Array<{ topicName: string; partitions: DescribeQuorumPartition[] }>;
}

export const DescribeQuorumApi = messageApi<DescribeQuorumRequest, DescribeQuorumResponse>(schema.DescribeQuorumRequest, schema.DescribeQuorumResponse);
