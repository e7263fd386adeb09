/**
 * CreatePartitions (key 37), admin client -> controller: grow a topic's partition count, optionally with
 * an explicit replica assignment per new partition (ZkAdminManager.createPartitions). Schema:
 * CreatePartitionsRequest.json / CreatePartitionsResponse.json (Kafka 3.7 has 0-3, flexible from 2; we
 * implement 0-1, the versions kafkajs uses). v1 is identical to v0 on the wire (KIP-219 throttling only).
 *
 * Request v0-1  => Topics [Name string Count int32 Assignments nullable [BrokerIds [int32]]]
 *                  TimeoutMs int32 ValidateOnly bool
 * Response v0-1 => ThrottleTimeMs int32 Results [Name string ErrorCode int16 ErrorMessage nullable string]
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
    maxVersion: 1,
  },
);
