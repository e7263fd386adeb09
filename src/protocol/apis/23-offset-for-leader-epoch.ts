/**
 * OffsetForLeaderEpoch (key 23), follower (or consumer) -> leader: the end offset of a given leader
 * epoch, so a new follower can truncate its log to where it diverged from the leader (KIP-101, KIP-279;
 * ReplicaFetcherThread.fetchEpochEndOffsets -> ReplicaManager.lastOffsetForLeaderEpoch ->
 * LeaderEpochFileCache.endOffsetFor). Schema: OffsetForLeaderEpochRequest.json / ...Response.json
 * (Kafka 3.7, versions 0-4, flexible from 4). An IBP 2.3-2.7 follower sends v3, a 2.8+ one v4.
 *
 * Request v0-1 => Topics [Topic string Partitions [Partition int32 LeaderEpoch int32]]
 * Request v2   => Topics [Topic string Partitions [Partition int32 CurrentLeaderEpoch int32 LeaderEpoch int32]]
 * Request v3   => ReplicaId int32 Topics (as v2)
 * Request v4   => v3 in flexible form (compact strings/arrays, TAG_BUFFER after every struct and at the end)
 *
 * Response v0  => Topics [Topic string Partitions [ErrorCode int16 Partition int32 EndOffset int64]]
 * Response v1  => Topics [Topic string Partitions [ErrorCode int16 Partition int32 LeaderEpoch int32 EndOffset int64]]
 * Response v2-3 => ThrottleTimeMs int32 Topics (as v1)
 * Response v4  => v3 in flexible form
 *
 * Fields absent in a version decode to the schema default: ReplicaId -2 (the "debug" consumer id,
 * which Kafka lets read past the high watermark), CurrentLeaderEpoch -1, ThrottleTimeMs 0, LeaderEpoch -1.
 */
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readArr, readStr, writeArr, writeStr } from './versioned';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

const FIRST_FLEXIBLE = 4;

/** ReplicaId default for v0-2 requests (FetchRequest.DEBUGGING_CONSUMER_ID). */
const OFFSET_FOR_LEADER_EPOCH_DEFAULT_REPLICA_ID = -2;

interface OffsetForLeaderPartition {
  partition: number;
  /** v2+; -1 (no fencing) when absent. */
  currentLeaderEpoch: number;
  leaderEpoch: number;
}

interface OffsetForLeaderTopic {
  topic: string;
  partitions: OffsetForLeaderPartition[];
}

export interface OffsetForLeaderEpochRequest {
  /** v3+; follower broker id, -1 for a consumer, -2 when absent. */
  replicaId: number;
  topics: OffsetForLeaderTopic[];
}

interface EpochEndOffset {
  errorCode: number;
  partition: number;
  /** v1+; -1 when absent or unknown. */
  leaderEpoch: number;
  /** -1 when unknown (UNDEFINED_EPOCH_OFFSET). */
  endOffset: number;
}

interface OffsetForLeaderTopicResult {
  topic: string;
  partitions: EpochEndOffset[];
}

export interface OffsetForLeaderEpochResponse {
  /** v2+; 0 when absent. */
  throttleTimeMs: number;
  topics: OffsetForLeaderTopicResult[];
}

// --- version-aware primitives (compact forms in flexible versions) ---

// --- request ---

function decodeRequest(r: Reader, v: number): OffsetForLeaderEpochRequest {
  const flex = v >= FIRST_FLEXIBLE;
  const replicaId = v >= 3 ? r.int32() : OFFSET_FOR_LEADER_EPOCH_DEFAULT_REPLICA_ID;
  const topics = readArr(r, flex, (rr): OffsetForLeaderTopic => {
    const topic = readStr(rr, flex);
    const partitions = readArr(rr, flex, (r3): OffsetForLeaderPartition => {
      const partition = r3.int32();
      const currentLeaderEpoch = v >= 2 ? r3.int32() : -1;
      const leaderEpoch = r3.int32();
      if (flex) r3.taggedFields();
      return { partition, currentLeaderEpoch, leaderEpoch };
    });
    if (flex) rr.taggedFields();
    return { topic, partitions };
  });
  if (flex) r.taggedFields();
  return { replicaId, topics };
}

function encodeRequest(w: Writer, v: number, req: OffsetForLeaderEpochRequest): void {
  const flex = v >= FIRST_FLEXIBLE;
  if (v >= 3) w.int32(req.replicaId);
  writeArr(w, flex, req.topics, (ww, t) => {
    writeStr(ww, flex, t.topic);
    writeArr(ww, flex, t.partitions, (w3, p) => {
      w3.int32(p.partition);
      if (v >= 2) w3.int32(p.currentLeaderEpoch);
      w3.int32(p.leaderEpoch);
      if (flex) w3.emptyTaggedFields();
    });
    if (flex) ww.emptyTaggedFields();
  });
  if (flex) w.emptyTaggedFields();
}

// --- response ---

function decodeResponse(r: Reader, v: number): OffsetForLeaderEpochResponse {
  const flex = v >= FIRST_FLEXIBLE;
  const throttleTimeMs = v >= 2 ? r.int32() : 0;
  const topics = readArr(r, flex, (rr): OffsetForLeaderTopicResult => {
    const topic = readStr(rr, flex);
    const partitions = readArr(rr, flex, (r3): EpochEndOffset => {
      const errorCode = r3.int16();
      const partition = r3.int32();
      const leaderEpoch = v >= 1 ? r3.int32() : -1;
      const endOffset = r3.int64();
      if (flex) r3.taggedFields();
      return { errorCode, partition, leaderEpoch, endOffset };
    });
    if (flex) rr.taggedFields();
    return { topic, partitions };
  });
  if (flex) r.taggedFields();
  return { throttleTimeMs, topics };
}

function encodeResponse(w: Writer, v: number, res: OffsetForLeaderEpochResponse): void {
  const flex = v >= FIRST_FLEXIBLE;
  if (v >= 2) w.int32(res.throttleTimeMs);
  writeArr(w, flex, res.topics, (ww, t) => {
    writeStr(ww, flex, t.topic);
    writeArr(ww, flex, t.partitions, (w3, p) => {
      w3.int16(p.errorCode).int32(p.partition);
      if (v >= 1) w3.int32(p.leaderEpoch);
      w3.int64(p.endOffset);
      if (flex) w3.emptyTaggedFields();
    });
    if (flex) ww.emptyTaggedFields();
  });
  if (flex) w.emptyTaggedFields();
}

export const OffsetForLeaderEpochApi: ApiCodec<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> = {
  apiKey: ApiKey.OffsetForLeaderEpoch,
  name: 'OffsetForLeaderEpoch',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
