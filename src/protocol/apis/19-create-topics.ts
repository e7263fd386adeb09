/**
 * CreateTopics (key 19), admin client -> controller: create topics with a partition count and replication factor
 * (or explicit assignments) and configs, then wait for their leaders (ZkAdminManager.createTopics). We serve Kafka
 * 3.7's 0-7: v1 ValidateOnly and ErrorMessage, v2-3 throttling (KIP-219), v4 -1 = broker default partitions /
 * replication factor (KIP-464), v5 flexible, and the created topic's NumPartitions, ReplicationFactor and Configs
 * (as DescribeConfigs reports them) in the response, v6 = v5 with KIP-599's strict controller mutation quota (not
 * enforced here: no quota is configurable), v7 the created topic's TopicId.
 */
import * as schema from '../messages/CreateTopics';
import { messageApi } from './messageApi';

interface CreatableReplicaAssignment {
  partitionIndex: number;
  brokerIds: number[];
}

interface CreateableTopicConfig {
  name: string;
  value: string | null;
}

interface CreatableTopic {
  name: string;
  /** -1 with manual assignments, or (v4+) for the broker default. */
  numPartitions: number;
  /** -1 with manual assignments, or (v4+) for the broker default. */
  replicationFactor: number;
  assignments: CreatableReplicaAssignment[];
  configs: CreateableTopicConfig[];
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  /** v1+; false before. */
  validateOnly: boolean;
}

export interface CreatableTopicConfigs {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** DescribeConfigsResponse.ConfigSource id. */
  configSource: number;
  isSensitive: boolean;
}

export interface CreatableTopicResult {
  name: string;
  /** v7+; all zeros unless the topic was created. */
  topicId?: Buffer;
  errorCode: number;
  /** v1+; null before. */
  errorMessage: string | null;
  /** v5+ (tagged): an authorization error for describing the configs; 0 here (no authorizer). */
  topicConfigErrorCode?: number;
  /** v5+; -1 unless the creation succeeded (or validated). */
  numPartitions?: number;
  /** v5+; -1 unless the creation succeeded (or validated). */
  replicationFactor?: number;
  /** v5+; [] unless the creation succeeded (or validated). */
  configs?: CreatableTopicConfigs[] | null;
}

export interface CreateTopicsResponse {
  /** v2+; 0 before. */
  throttleTimeMs: number;
  topics: CreatableTopicResult[];
}

export const CreateTopicsApi = messageApi<CreateTopicsRequest, CreateTopicsResponse>(schema.CreateTopicsRequest, schema.CreateTopicsResponse, {
  minVersion: 0,
  maxVersion: 7,
});
