/**
 * ElectLeaders (key 43), admin client -> controller: run a preferred (or unclean) leader election for
 * some partitions, or for every partition when TopicPartitions is null (KIP-183, KIP-460;
 * kafka-leader-election.sh; handled by KafkaController.electLeaders in ZK mode).
 * Schema: ElectLeadersRequest.json / ElectLeadersResponse.json (Kafka 3.7, versions 0-2, flexible from 2).
 *
 * Request v0   => TopicPartitions [Topic string PartitionId [int32]] (nullable: null = all partitions)
 *                 TimeoutMs int32
 * Request v1   => ElectionType int8 TopicPartitions TimeoutMs
 * Request v2   => v1 in flexible form (compact strings/arrays, TAG_BUFFER after every struct and at the end)
 *
 * Response v0  => ThrottleTimeMs int32
 *                 ReplicaElectionResults [Topic string
 *                                         PartitionResult [PartitionId int32 ErrorCode int16
 *                                                          ErrorMessage nullable string]]
 * Response v1  => ThrottleTimeMs int32 ErrorCode int16 ReplicaElectionResults
 * Response v2  => v1 in flexible form
 *
 * Absent fields decode to the schema default: ElectionType 0 (PREFERRED, the only kind v0 knows),
 * top-level ErrorCode 0.
 */
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readArr, readInt32, readStr, writeArr, writeInt32, writeStr } from './versioned';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

const FIRST_FLEXIBLE = 2;

/** ElectionType values (org.apache.kafka.common.ElectionType). */
const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;

interface ElectLeadersTopicPartitions {
  topic: string;
  partitionId: number[];
}

export interface ElectLeadersRequest {
  /** v1+; 0 (PREFERRED) when absent. */
  electionType: number;
  /** null = every partition of the cluster. */
  topicPartitions: ElectLeadersTopicPartitions[] | null;
  timeoutMs: number;
}

interface ElectLeadersPartitionResult {
  partitionId: number;
  errorCode: number;
  errorMessage: string | null;
}

interface ElectLeadersReplicaElectionResult {
  topic: string;
  partitionResult: ElectLeadersPartitionResult[];
}

export interface ElectLeadersResponse {
  throttleTimeMs: number;
  /** v1+; 0 when absent. */
  errorCode: number;
  replicaElectionResults: ElectLeadersReplicaElectionResult[];
}

// --- version-aware primitives (compact forms in flexible versions) ---

function readNullableStr(r: Reader, flex: boolean): string | null {
  return flex ? r.compactNullableString() : r.nullableString();
}
function writeNullableStr(w: Writer, flex: boolean, s: string | null): void {
  if (flex) w.compactNullableString(s);
  else w.nullableString(s);
}

// --- request ---

function readTopicPartitions(r: Reader, flex: boolean): ElectLeadersTopicPartitions {
  const topic = readStr(r, flex);
  const partitionId = readArr(r, flex, readInt32);
  if (flex) r.taggedFields();
  return { topic, partitionId };
}

function decodeRequest(r: Reader, v: number): ElectLeadersRequest {
  const flex = v >= FIRST_FLEXIBLE;
  const electionType = v >= 1 ? r.int8() : ElectionType.PREFERRED;
  const item = (rr: Reader): ElectLeadersTopicPartitions => readTopicPartitions(rr, flex);
  const topicPartitions = flex ? r.compactNullableArray(item) : r.nullableArray(item);
  const timeoutMs = r.int32();
  if (flex) r.taggedFields();
  return { electionType, topicPartitions, timeoutMs };
}

function encodeRequest(w: Writer, v: number, req: ElectLeadersRequest): void {
  const flex = v >= FIRST_FLEXIBLE;
  if (v >= 1) w.int8(req.electionType);
  const item = (ww: Writer, t: ElectLeadersTopicPartitions): void => {
    writeStr(ww, flex, t.topic);
    writeArr(ww, flex, t.partitionId, writeInt32);
    if (flex) ww.emptyTaggedFields();
  };
  if (flex) w.compactNullableArray(req.topicPartitions, item);
  else w.nullableArray(req.topicPartitions, item);
  w.int32(req.timeoutMs);
  if (flex) w.emptyTaggedFields();
}

// --- response ---

function decodeResponse(r: Reader, v: number): ElectLeadersResponse {
  const flex = v >= FIRST_FLEXIBLE;
  const throttleTimeMs = r.int32();
  const errorCode = v >= 1 ? r.int16() : 0;
  const replicaElectionResults = readArr(r, flex, (rr): ElectLeadersReplicaElectionResult => {
    const topic = readStr(rr, flex);
    const partitionResult = readArr(rr, flex, (r3): ElectLeadersPartitionResult => {
      const partitionId = r3.int32();
      const code = r3.int16();
      const errorMessage = readNullableStr(r3, flex);
      if (flex) r3.taggedFields();
      return { partitionId, errorCode: code, errorMessage };
    });
    if (flex) rr.taggedFields();
    return { topic, partitionResult };
  });
  if (flex) r.taggedFields();
  return { throttleTimeMs, errorCode, replicaElectionResults };
}

function encodeResponse(w: Writer, v: number, res: ElectLeadersResponse): void {
  const flex = v >= FIRST_FLEXIBLE;
  w.int32(res.throttleTimeMs);
  if (v >= 1) w.int16(res.errorCode);
  writeArr(w, flex, res.replicaElectionResults, (ww, t) => {
    writeStr(ww, flex, t.topic);
    writeArr(ww, flex, t.partitionResult, (w3, p) => {
      w3.int32(p.partitionId).int16(p.errorCode);
      writeNullableStr(w3, flex, p.errorMessage);
      if (flex) w3.emptyTaggedFields();
    });
    if (flex) ww.emptyTaggedFields();
  });
  if (flex) w.emptyTaggedFields();
}

export const ElectLeadersApi: ApiCodec<ElectLeadersRequest, ElectLeadersResponse> = {
  apiKey: ApiKey.ElectLeaders,
  name: 'ElectLeaders',
  minVersion: 0,
  maxVersion: 2,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
