/**
 * ListPartitionReassignments (key 46), admin client -> controller: the reassignments in progress
 * (KIP-455; kafka-reassign-partitions.sh --verify/--list, kafkajs admin.listPartitionReassignments;
 * answered from ControllerContext.partitionsBeingReassigned in ZK mode).
 * Schema: ListPartitionReassignmentsRequest.json / ...Response.json (Kafka 3.7: version 0 only, flexible).
 *
 * Request v0  => TimeoutMs int32
 *                Topics compact_nullable [Name compact_string PartitionIndexes [int32] TAG_BUFFER]
 *                TAG_BUFFER
 *   Topics null lists every ongoing reassignment.
 *
 * Response v0 => ThrottleTimeMs int32 ErrorCode int16 ErrorMessage compact_nullable_string
 *                Topics [Name compact_string
 *                        Partitions [PartitionIndex int32 Replicas [int32] AddingReplicas [int32]
 *                                    RemovingReplicas [int32] TAG_BUFFER]
 *                        TAG_BUFFER]
 *                TAG_BUFFER
 */
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readInt32, writeInt32 } from './versioned';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

interface ListPartitionReassignmentsTopics {
  name: string;
  partitionIndexes: number[];
}

export interface ListPartitionReassignmentsRequest {
  timeoutMs: number;
  /** null = list everything. */
  topics: ListPartitionReassignmentsTopics[] | null;
}

interface OngoingPartitionReassignment {
  partitionIndex: number;
  /** The current replica set (original plus adding replicas while reassigning). */
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

interface OngoingTopicReassignment {
  name: string;
  partitions: OngoingPartitionReassignment[];
}

export interface ListPartitionReassignmentsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  topics: OngoingTopicReassignment[];
}

function decodeRequest(r: Reader, _v: number): ListPartitionReassignmentsRequest {
  const timeoutMs = r.int32();
  const topics = r.compactNullableArray((rr): ListPartitionReassignmentsTopics => {
    const name = rr.compactString();
    const partitionIndexes = rr.compactArray(readInt32);
    rr.taggedFields();
    return { name, partitionIndexes };
  });
  r.taggedFields();
  return { timeoutMs, topics };
}

function encodeRequest(w: Writer, _v: number, req: ListPartitionReassignmentsRequest): void {
  w.int32(req.timeoutMs);
  w.compactNullableArray(req.topics, (ww, t) => {
    ww.compactString(t.name).compactArray(t.partitionIndexes, writeInt32).emptyTaggedFields();
  });
  w.emptyTaggedFields();
}

function decodeResponse(r: Reader, _v: number): ListPartitionReassignmentsResponse {
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  const errorMessage = r.compactNullableString();
  const topics = r.compactArray((rr): OngoingTopicReassignment => {
    const name = rr.compactString();
    const partitions = rr.compactArray((r3): OngoingPartitionReassignment => {
      const partitionIndex = r3.int32();
      const replicas = r3.compactArray(readInt32);
      const addingReplicas = r3.compactArray(readInt32);
      const removingReplicas = r3.compactArray(readInt32);
      r3.taggedFields();
      return { partitionIndex, replicas, addingReplicas, removingReplicas };
    });
    rr.taggedFields();
    return { name, partitions };
  });
  r.taggedFields();
  return { throttleTimeMs, errorCode, errorMessage, topics };
}

function encodeResponse(w: Writer, _v: number, res: ListPartitionReassignmentsResponse): void {
  w.int32(res.throttleTimeMs).int16(res.errorCode).compactNullableString(res.errorMessage);
  w.compactArray(res.topics, (ww, t) => {
    ww.compactString(t.name);
    ww.compactArray(t.partitions, (w3, p) => {
      w3.int32(p.partitionIndex);
      w3.compactArray(p.replicas, writeInt32);
      w3.compactArray(p.addingReplicas, writeInt32);
      w3.compactArray(p.removingReplicas, writeInt32);
      w3.emptyTaggedFields();
    });
    ww.emptyTaggedFields();
  });
  w.emptyTaggedFields();
}

export const ListPartitionReassignmentsApi: ApiCodec<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse> = {
  apiKey: ApiKey.ListPartitionReassignments,
  name: 'ListPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
