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
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readInt32, writeInt32 } from './versioned';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

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

function decodeRequest(r: Reader, _v: number): CreatePartitionsRequest {
  const topics = r.array((rr): CreatePartitionsTopic => {
    const name = rr.string();
    const count = rr.int32();
    const assignments = rr.nullableArray((r3): CreatePartitionsAssignment => ({ brokerIds: r3.array(readInt32) }));
    return { name, count, assignments };
  });
  const timeoutMs = r.int32();
  const validateOnly = r.bool();
  return { topics, timeoutMs, validateOnly };
}

function encodeRequest(w: Writer, _v: number, req: CreatePartitionsRequest): void {
  w.array(req.topics, (ww, t) => {
    ww.string(t.name).int32(t.count);
    ww.nullableArray(t.assignments, (w3, a) => {
      w3.array(a.brokerIds, writeInt32);
    });
  });
  w.int32(req.timeoutMs).bool(req.validateOnly);
}

function decodeResponse(r: Reader, _v: number): CreatePartitionsResponse {
  const throttleTimeMs = r.int32();
  const results = r.array((rr): CreatePartitionsTopicResult => ({ name: rr.string(), errorCode: rr.int16(), errorMessage: rr.nullableString() }));
  return { throttleTimeMs, results };
}

function encodeResponse(w: Writer, _v: number, res: CreatePartitionsResponse): void {
  w.int32(res.throttleTimeMs);
  w.array(res.results, (ww, t) => {
    ww.string(t.name).int16(t.errorCode).nullableString(t.errorMessage);
  });
}

export const CreatePartitionsApi: ApiCodec<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: Infinity,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
