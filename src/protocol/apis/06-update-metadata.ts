/**
 * UpdateMetadata (key 6), controller -> every live broker: partition states and the live broker list
 * that feed each broker's MetadataCache (kafka.server.ZkMetadataCache.updateMetadata).
 * Schema: UpdateMetadataRequest.json / UpdateMetadataResponse.json (Kafka 3.7, versions 0-8, flexible
 * from 6). Our controller sends v8 (IBP >= 3.4).
 *
 * PartitionState(v) => TopicName string (v0-4 only) PartitionIndex int32 ControllerEpoch int32 Leader int32
 *                      LeaderEpoch int32 Isr [int32] ZkVersion int32 Replicas [int32]
 *                      OfflineReplicas [int32] (v4+) TAG_BUFFER (v6+)
 * Broker(v) => Id int32 V0Host string (v0 only) V0Port int32 (v0 only)
 *              Endpoints [Port int32 Host string Listener string (v3+) SecurityProtocol int16] (v1+)
 *              Rack nullable string (v2+)
 * Request v0-4 => ControllerId int32 ControllerEpoch int32 UngroupedPartitionStates [PartitionState]
 *                 LiveBrokers [Broker]
 * Request v5   => ControllerId ControllerEpoch BrokerEpoch int64
 *                 TopicStates [TopicName string PartitionStates [PartitionState]] LiveBrokers
 * Request v6   => v5 in flexible form (compact strings/arrays, TAG_BUFFER after every struct and at the end)
 * Request v7   => TopicStates gain TopicId uuid after TopicName
 * Request v8   => ControllerId isKRaftController bool ControllerEpoch BrokerEpoch TopicStates LiveBrokers
 *                 TAG_BUFFER, where the top-level TAG_BUFFER may hold tag 0 = Type int8 (KIP-866:
 *                 0 UNKNOWN, 1 INCREMENTAL, 2 FULL; only non-zero during a ZK -> KRaft migration)
 *
 * Response v0-8 => ErrorCode int16 (TAG_BUFFER from v6)
 *
 * Absent fields decode to the schema default (isKRaftController false, Type 0, BrokerEpoch -1, TopicId
 * zero UUID, Listener "", V0Host "", V0Port 0, empty arrays, TopicName ""); an absent Rack decodes to null
 * (the broker has no rack).
 */
import type { PartitionState } from './PartitionState';
import * as schema from '../messages/UpdateMetadata';
import { messageApi } from './messageApi';

/** Kafka calls the partition epoch ZkVersion here (UpdateMetadataPartitionState), PartitionEpoch in LeaderAndIsr. */
export interface UpdateMetadataPartitionState extends Omit<PartitionState, 'partitionEpoch'> {
  zkVersion: number;
  offlineReplicas: number[];
}

interface UpdateMetadataTopicState {
  topicName: string;
  /** 16 bytes; Buffer.alloc(16) when absent (v < 7). */
  topicId: Buffer;
  partitionStates: UpdateMetadataPartitionState[];
}

interface UpdateMetadataEndpoint {
  port: number;
  host: string;
  /** Listener name (v3+); "" when absent. */
  listener: string;
  /** SecurityProtocol id: 0 PLAINTEXT, 1 SSL, 2 SASL_PLAINTEXT, 3 SASL_SSL. */
  securityProtocol: number;
}

export interface UpdateMetadataBroker {
  id: number;
  /** v0 only. */
  v0Host: string;
  /** v0 only. */
  v0Port: number;
  /** v1+. */
  endpoints: UpdateMetadataEndpoint[];
  rack: string | null;
}

export interface UpdateMetadataRequest {
  controllerId: number;
  isKRaftController: boolean;
  /** Tagged (tag 0) in v8+. */
  type: number;
  controllerEpoch: number;
  brokerEpoch: number;
  /** v0-4 only. */
  ungroupedPartitionStates: UpdateMetadataPartitionState[];
  /** v5+. */
  topicStates: UpdateMetadataTopicState[];
  liveBrokers: UpdateMetadataBroker[];
}

interface UpdateMetadataResponse {
  errorCode: number;
}

// --- request ---

// --- response ---

export const UpdateMetadataApi = messageApi<UpdateMetadataRequest, UpdateMetadataResponse>(schema.UpdateMetadataRequest, schema.UpdateMetadataResponse, {
  minVersion: 0,
  maxVersion: 8,
});
