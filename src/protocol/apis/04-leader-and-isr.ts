/**
 * LeaderAndIsr (key 4), controller -> replica brokers: the leader, ISR and replica set of each
 * partition the recipient hosts (kafka.controller.ControllerChannelManager; handled by
 * ReplicaManager.becomeLeaderOrFollower). Schema: LeaderAndIsrRequest.json / LeaderAndIsrResponse.json
 * (Kafka 3.7, versions 0-7, flexible from 4). Our controller sends v7 like an IBP >= 3.4 Apache controller.
 * The layout of each version is the description in ../messages.
 *
 * Fields absent in a version decode to the schema default (BrokerEpoch -1, Type 0, TopicId zero UUID,
 * IsNew false, LeaderRecoveryState 0, empty arrays, TopicName "").
 */
import type { PartitionState } from './PartitionState';
import * as schema from '../messages/LeaderAndIsr';
import { messageApi } from './messageApi';

export interface LeaderAndIsrPartitionState extends PartitionState {
  addingReplicas: number[];
  removingReplicas: number[];
  isNew: boolean;
  /** 0 RECOVERED, 1 RECOVERING (KIP-704). */
  leaderRecoveryState: number;
}

interface LeaderAndIsrTopicState {
  topicName: string;
  /** 16 bytes; Buffer.alloc(16) when absent (v < 5). */
  topicId: Buffer;
  partitionStates: LeaderAndIsrPartitionState[];
}

interface LeaderAndIsrLiveLeader {
  brokerId: number;
  hostName: string;
  port: number;
}

export interface LeaderAndIsrRequest {
  controllerId: number;
  isKRaftController: boolean;
  controllerEpoch: number;
  brokerEpoch: number;
  /** 0 UNKNOWN (normal ZK mode), 1 INCREMENTAL, 2 FULL (ZK migration only). */
  type: number;
  /** v0-1 only. */
  ungroupedPartitionStates: LeaderAndIsrPartitionState[];
  /** v2+. */
  topicStates: LeaderAndIsrTopicState[];
  liveLeaders: LeaderAndIsrLiveLeader[];
}

interface LeaderAndIsrPartitionError {
  /** Only on the wire in v0-4; "" otherwise. */
  topicName: string;
  partitionIndex: number;
  errorCode: number;
}

interface LeaderAndIsrTopicError {
  topicId: Buffer;
  partitionErrors: LeaderAndIsrPartitionError[];
}

export interface LeaderAndIsrResponse {
  errorCode: number;
  /** v0-4. */
  partitionErrors: LeaderAndIsrPartitionError[];
  /** v5+. */
  topics: LeaderAndIsrTopicError[];
}

export const LeaderAndIsrApi = messageApi<LeaderAndIsrRequest, LeaderAndIsrResponse>(schema.LeaderAndIsrRequest, schema.LeaderAndIsrResponse, {
  minVersion: 0,
  maxVersion: 7,
});
