/**
 * LeaderAndIsr (key 4), controller -> replica brokers: the leader, ISR and replica set of each
 * partition the recipient hosts (kafka.controller.ControllerChannelManager; handled by
 * ReplicaManager.becomeLeaderOrFollower). Schema: LeaderAndIsrRequest.json / LeaderAndIsrResponse.json
 * (Kafka 3.7, versions 0-7, flexible from 4). Our controller sends v7 like an IBP >= 3.4 Apache controller.
 *
 * PartitionState(v) => TopicName string (v0-1 only) PartitionIndex int32 ControllerEpoch int32
 *                      Leader int32 LeaderEpoch int32 Isr [int32] PartitionEpoch int32 Replicas [int32]
 *                      AddingReplicas [int32] (v3+) RemovingReplicas [int32] (v3+) IsNew bool (v1+)
 *                      LeaderRecoveryState int8 (v6+) TAG_BUFFER (v4+)
 * Request v0-1 => ControllerId int32 ControllerEpoch int32 UngroupedPartitionStates [PartitionState]
 *                 LiveLeaders [BrokerId int32 HostName string Port int32]
 * Request v2-3 => ControllerId ControllerEpoch BrokerEpoch int64
 *                 TopicStates [TopicName string PartitionStates [PartitionState]] LiveLeaders
 * Request v4   => v3 in flexible form (compact strings/arrays, TAG_BUFFER after every struct and at the end)
 * Request v5-6 => ControllerId ControllerEpoch BrokerEpoch Type int8
 *                 TopicStates [TopicName TopicId uuid PartitionStates] LiveLeaders TAG_BUFFER
 * Request v7   => ControllerId isKRaftController bool ControllerEpoch BrokerEpoch Type TopicStates LiveLeaders
 *
 * Response v0-4 => ErrorCode int16 PartitionErrors [TopicName string PartitionIndex int32 ErrorCode int16]
 * Response v5-7 => ErrorCode int16 Topics [TopicId uuid PartitionErrors [PartitionIndex int32 ErrorCode int16]]
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

// --- request ---

// --- response ---

export const LeaderAndIsrApi = messageApi<LeaderAndIsrRequest, LeaderAndIsrResponse>(schema.LeaderAndIsrRequest, schema.LeaderAndIsrResponse, {
  minVersion: 0,
  maxVersion: 7,
});
