/**
 * CreatePartitions (key 37), admin client -> controller: grow a topic's partition count, optionally with an explicit
 * replica assignment per new partition (ZkAdminManager.createPartitions). We serve Kafka 3.7's 0-3: v1 = v0 (KIP-219
 * throttling), v2 flexible, v3 = v2 with KIP-599's strict controller mutation quota, which this broker does not
 * enforce (no controller_mutation_rate quota is configurable here), so it never answers THROTTLING_QUOTA_EXCEEDED.
 *
 * kafkajs writes an empty Assignments list as null (-1): handlers must treat null as "let the broker assign".
 */
import * as schema from '../messages/CreatePartitions';
import { messageApi } from './messageApi';

interface CreatePartitionsAssignment {
  brokerIds: number[];
}

interface CreatePartitionsTopic {
  name: string;
  /** The new total partition count. */
  count: number;
  /** One entry per new partition, or null for broker-chosen placement. */
  assignments: CreatePartitionsAssignment[] | null;
}

export interface CreatePartitionsRequest {
  topics: CreatePartitionsTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

interface CreatePartitionsTopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface CreatePartitionsResponse {
  throttleTimeMs: number;
  results: CreatePartitionsTopicResult[];
}

export const CreatePartitionsApi = messageApi<CreatePartitionsRequest, CreatePartitionsResponse>(
  schema.CreatePartitionsRequest,
  schema.CreatePartitionsResponse,
  {
    minVersion: 0,
    maxVersion: 3,
  },
);
