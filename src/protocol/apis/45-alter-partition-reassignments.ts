/**
 * AlterPartitionReassignments (key 45), admin client -> controller: start or cancel partition
 * reassignments (KIP-455; kafka-reassign-partitions.sh --execute/--cancel, kafkajs
 * admin.alterPartitionReassignments; KafkaController.onPartitionReassignment in ZK mode).
 * Schema: AlterPartitionReassignmentsRequest.json / ...Response.json (Kafka 3.7: version 0 only, flexible).
 *
 * Request v0  => TimeoutMs int32
 *                Topics [Name compact_string
 *                        Partitions [PartitionIndex int32 Replicas compact_nullable [int32] TAG_BUFFER]
 *                        TAG_BUFFER]
 *                TAG_BUFFER
 *   Replicas null cancels the pending reassignment of that partition.
 *
 * Response v0 => ThrottleTimeMs int32 ErrorCode int16 ErrorMessage compact_nullable_string
 *                Responses [Name compact_string
 *                           Partitions [PartitionIndex int32 ErrorCode int16
 *                                       ErrorMessage compact_nullable_string TAG_BUFFER]
 *                           TAG_BUFFER]
 *                TAG_BUFFER
 */
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readInt32, writeInt32 } from './versioned';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

interface ReassignablePartition {
  partitionIndex: number;
  /** Target replica list, or null to cancel a pending reassignment. */
  replicas: number[] | null;
}

interface ReassignableTopic {
  name: string;
  partitions: ReassignablePartition[];
}

export interface AlterPartitionReassignmentsRequest {
  timeoutMs: number;
  topics: ReassignableTopic[];
}

interface ReassignablePartitionResponse {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
}

interface ReassignableTopicResponse {
  name: string;
  partitions: ReassignablePartitionResponse[];
}

export interface AlterPartitionReassignmentsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  responses: ReassignableTopicResponse[];
}

function decodeRequest(r: Reader, _v: number): AlterPartitionReassignmentsRequest {
  const timeoutMs = r.int32();
  const topics = r.compactArray((rr): ReassignableTopic => {
    const name = rr.compactString();
    const partitions = rr.compactArray((r3): ReassignablePartition => {
      const partitionIndex = r3.int32();
      const replicas = r3.compactNullableArray(readInt32);
      r3.taggedFields();
      return { partitionIndex, replicas };
    });
    rr.taggedFields();
    return { name, partitions };
  });
  r.taggedFields();
  return { timeoutMs, topics };
}

function encodeRequest(w: Writer, _v: number, req: AlterPartitionReassignmentsRequest): void {
  w.int32(req.timeoutMs);
  w.compactArray(req.topics, (ww, t) => {
    ww.compactString(t.name);
    ww.compactArray(t.partitions, (w3, p) => {
      w3.int32(p.partitionIndex).compactNullableArray(p.replicas, writeInt32).emptyTaggedFields();
    });
    ww.emptyTaggedFields();
  });
  w.emptyTaggedFields();
}

function decodeResponse(r: Reader, _v: number): AlterPartitionReassignmentsResponse {
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  const errorMessage = r.compactNullableString();
  const responses = r.compactArray((rr): ReassignableTopicResponse => {
    const name = rr.compactString();
    const partitions = rr.compactArray((r3): ReassignablePartitionResponse => {
      const partitionIndex = r3.int32();
      const code = r3.int16();
      const message = r3.compactNullableString();
      r3.taggedFields();
      return { partitionIndex, errorCode: code, errorMessage: message };
    });
    rr.taggedFields();
    return { name, partitions };
  });
  r.taggedFields();
  return { throttleTimeMs, errorCode, errorMessage, responses };
}

function encodeResponse(w: Writer, _v: number, res: AlterPartitionReassignmentsResponse): void {
  w.int32(res.throttleTimeMs).int16(res.errorCode).compactNullableString(res.errorMessage);
  w.compactArray(res.responses, (ww, t) => {
    ww.compactString(t.name);
    ww.compactArray(t.partitions, (w3, p) => {
      w3.int32(p.partitionIndex).int16(p.errorCode).compactNullableString(p.errorMessage).emptyTaggedFields();
    });
    ww.emptyTaggedFields();
  });
  w.emptyTaggedFields();
}

export const AlterPartitionReassignmentsApi: ApiCodec<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse> = {
  apiKey: ApiKey.AlterPartitionReassignments,
  name: 'AlterPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
