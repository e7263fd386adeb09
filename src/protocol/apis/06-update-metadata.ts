/**
 * UpdateMetadata (key 6), controller -> every live broker: partition states and the live broker list
 * that feed each broker's MetadataCache (kafka.server.ZkMetadataCache.updateMetadata).
 * Schema: UpdateMetadataRequest.json / UpdateMetadataResponse.json (Kafka 3.7, versions 0-8, flexible
 * from 6). Our controller sends v8 (IBP >= 3.4).
 * The layout of each version is the description in ../messages.
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

export const UpdateMetadataApi = messageApi<UpdateMetadataRequest, UpdateMetadataResponse>(schema.UpdateMetadataRequest, schema.UpdateMetadataResponse, {
  minVersion: 0,
  maxVersion: 8,
});
