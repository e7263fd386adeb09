/**
 * DeleteRecords (key 21), admin client -> partition leaders: advance each partition's log start offset
 * (KIP-107; kafka-delete-records.sh, kafkajs admin.deleteTopicRecords; ReplicaManager.deleteRecords,
 * answered from the delayed-delete-records purgatory once every replica's log start offset has caught up).
 * Schema: DeleteRecordsRequest.json / DeleteRecordsResponse.json (Kafka 3.7, versions 0-2, flexible from 2).
 *
 * Request v0-1  => Topics [Name string Partitions [PartitionIndex int32 Offset int64]] TimeoutMs int32
 * Request v2    => v1 in flexible form (compact strings/arrays, TAG_BUFFER after every struct and at the end)
 *   Offset -1 means "up to the high watermark".
 *
 * Response v0-1 => ThrottleTimeMs int32
 *                  Topics [Name string Partitions [PartitionIndex int32 LowWatermark int64 ErrorCode int16]]
 * Response v2   => v1 in flexible form
 *
 * v1 differs from v0 only in throttling behaviour (KIP-219: respond first, then throttle).
 */
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readArr, readStr, writeArr, writeStr } from './versioned';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

const FIRST_FLEXIBLE = 2;

interface DeleteRecordsPartition {
  partitionIndex: number;
  /** The new log start offset; -1 = the high watermark. */
  offset: number;
}

interface DeleteRecordsTopic {
  name: string;
  partitions: DeleteRecordsPartition[];
}

export interface DeleteRecordsRequest {
  topics: DeleteRecordsTopic[];
  timeoutMs: number;
}

interface DeleteRecordsPartitionResult {
  partitionIndex: number;
  lowWatermark: number;
  errorCode: number;
}

interface DeleteRecordsTopicResult {
  name: string;
  partitions: DeleteRecordsPartitionResult[];
}

export interface DeleteRecordsResponse {
  throttleTimeMs: number;
  topics: DeleteRecordsTopicResult[];
}

// --- version-aware primitives (compact forms in flexible versions) ---

function decodeRequest(r: Reader, v: number): DeleteRecordsRequest {
  const flex = v >= FIRST_FLEXIBLE;
  const topics = readArr(r, flex, (rr): DeleteRecordsTopic => {
    const name = readStr(rr, flex);
    const partitions = readArr(rr, flex, (r3): DeleteRecordsPartition => {
      const partitionIndex = r3.int32();
      const offset = r3.int64();
      if (flex) r3.taggedFields();
      return { partitionIndex, offset };
    });
    if (flex) rr.taggedFields();
    return { name, partitions };
  });
  const timeoutMs = r.int32();
  if (flex) r.taggedFields();
  return { topics, timeoutMs };
}

function encodeRequest(w: Writer, v: number, req: DeleteRecordsRequest): void {
  const flex = v >= FIRST_FLEXIBLE;
  writeArr(w, flex, req.topics, (ww, t) => {
    writeStr(ww, flex, t.name);
    writeArr(ww, flex, t.partitions, (w3, p) => {
      w3.int32(p.partitionIndex).int64(p.offset);
      if (flex) w3.emptyTaggedFields();
    });
    if (flex) ww.emptyTaggedFields();
  });
  w.int32(req.timeoutMs);
  if (flex) w.emptyTaggedFields();
}

function decodeResponse(r: Reader, v: number): DeleteRecordsResponse {
  const flex = v >= FIRST_FLEXIBLE;
  const throttleTimeMs = r.int32();
  const topics = readArr(r, flex, (rr): DeleteRecordsTopicResult => {
    const name = readStr(rr, flex);
    const partitions = readArr(rr, flex, (r3): DeleteRecordsPartitionResult => {
      const partitionIndex = r3.int32();
      const lowWatermark = r3.int64();
      const errorCode = r3.int16();
      if (flex) r3.taggedFields();
      return { partitionIndex, lowWatermark, errorCode };
    });
    if (flex) rr.taggedFields();
    return { name, partitions };
  });
  if (flex) r.taggedFields();
  return { throttleTimeMs, topics };
}

function encodeResponse(w: Writer, v: number, res: DeleteRecordsResponse): void {
  const flex = v >= FIRST_FLEXIBLE;
  w.int32(res.throttleTimeMs);
  writeArr(w, flex, res.topics, (ww, t) => {
    writeStr(ww, flex, t.name);
    writeArr(ww, flex, t.partitions, (w3, p) => {
      w3.int32(p.partitionIndex).int64(p.lowWatermark).int16(p.errorCode);
      if (flex) w3.emptyTaggedFields();
    });
    if (flex) ww.emptyTaggedFields();
  });
  if (flex) w.emptyTaggedFields();
}

export const DeleteRecordsApi: ApiCodec<DeleteRecordsRequest, DeleteRecordsResponse> = {
  apiKey: ApiKey.DeleteRecords,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
