/**
 * EndQuorumEpoch (key 54, KIP-595): a leader that resigns (graceful shutdown, or its check-quorum timer expired)
 * tells the voters, listing its preferred successors by descending fetch offset; the first one stands at once and
 * the others back off in strict exponential steps (KafkaRaftClient.endEpochElectionBackoff), so the most
 * up-to-date voter usually wins without waiting for a fetch timeout. Version 0, not flexible. Controller listener
 * only: a ZooKeeper-mode broker neither serves nor advertises it. Layout: ../messages/EndQuorumEpoch.ts.
 */
import * as schema from '../messages/EndQuorumEpoch';
import { messageApi } from './messageApi';
import { QuorumEpochPartitionResponse } from './53-begin-quorum-epoch';

export interface EndQuorumEpochPartitionRequest {
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  preferredSuccessors: number[];
}

export interface EndQuorumEpochRequest {
  clusterId: string | null;
  topics: Array<{ topicName: string; partitions: EndQuorumEpochPartitionRequest[] }>;
}

export interface EndQuorumEpochResponse {
  errorCode: number;
  topics: Array<{ topicName: string; partitions: QuorumEpochPartitionResponse[] }>;
}

export const EndQuorumEpochApi = messageApi<EndQuorumEpochRequest, EndQuorumEpochResponse>(schema.EndQuorumEpochRequest, schema.EndQuorumEpochResponse);
