/**
 * CreateTopics (key 19), versions 0-4; none flexible (CreateTopicsRequest/Response.json, flexible from 5).
 *
 * Request:
 *   v0:    topics [name STRING, num_partitions INT32, replication_factor INT16,
 *                  assignments [partition_index INT32, broker_ids [INT32]],
 *                  configs [name STRING, value NULLABLE_STRING]],
 *          timeout_ms INT32
 *   v1-v4: v0 + validate_only BOOLEAN at the end (default false)
 *          (v4, KIP-464: num_partitions / replication_factor may be -1 = broker default even
 *           without assignments; same layout)
 *
 * Response:
 *   v0:    topics [name STRING, error_code INT16]
 *   v1:    topics add error_message NULLABLE_STRING
 *   v2-v4: throttle_time_ms INT32 first, then as v1
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

interface CreatableTopicResult {
  name: string;
  errorCode: number;
  /** v1+; null before. */
  errorMessage: string | null;
}

export interface CreateTopicsResponse {
  /** v2+; 0 before. */
  throttleTimeMs: number;
  topics: CreatableTopicResult[];
}

export const CreateTopicsApi = messageApi<CreateTopicsRequest, CreateTopicsResponse>(schema.CreateTopicsRequest, schema.CreateTopicsResponse, {
  minVersion: 0,
  maxVersion: 4,
});
