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
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readInt32, writeInt32 } from './versioned';
import { ApiCodec } from './types';

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

function readTopic(r: Reader): CreatableTopic {
  return {
    name: r.string(),
    numPartitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.array((ra): CreatableReplicaAssignment => ({
      partitionIndex: ra.int32(),
      brokerIds: ra.array(readInt32),
    })),
    configs: r.array((rc): CreateableTopicConfig => ({ name: rc.string(), value: rc.nullableString() })),
  };
}

function writeTopic(w: Writer, t: CreatableTopic): void {
  w.string(t.name).int32(t.numPartitions).int16(t.replicationFactor);
  w.array(t.assignments, (wa, a) => {
    wa.int32(a.partitionIndex).array(a.brokerIds, writeInt32);
  });
  w.array(t.configs, (wc, c) => {
    wc.string(c.name).nullableString(c.value);
  });
}

export const CreateTopicsApi: ApiCodec<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: Infinity,

  decodeRequest(r: Reader, version: number): CreateTopicsRequest {
    const topics = r.array(readTopic);
    const timeoutMs = r.int32();
    const validateOnly = version >= 1 ? r.bool() : false;
    return { topics, timeoutMs, validateOnly };
  },

  encodeRequest(w: Writer, version: number, req: CreateTopicsRequest): void {
    w.array(req.topics, writeTopic).int32(req.timeoutMs);
    if (version >= 1) w.bool(req.validateOnly);
  },

  decodeResponse(r: Reader, version: number): CreateTopicsResponse {
    const throttleTimeMs = version >= 2 ? r.int32() : 0;
    const topics = r.array((rt): CreatableTopicResult => ({
      name: rt.string(),
      errorCode: rt.int16(),
      errorMessage: version >= 1 ? rt.nullableString() : null,
    }));
    return { throttleTimeMs, topics };
  },

  encodeResponse(w: Writer, version: number, res: CreateTopicsResponse): void {
    if (version >= 2) w.int32(res.throttleTimeMs);
    w.array(res.topics, (wt, t) => {
      wt.string(t.name).int16(t.errorCode);
      if (version >= 1) wt.nullableString(t.errorMessage);
    });
  },
};
