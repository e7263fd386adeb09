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
import * as schema from '../messages/DeleteRecords';
import { messageApi } from './messageApi';

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

export const DeleteRecordsApi = messageApi<DeleteRecordsRequest, DeleteRecordsResponse>(schema.DeleteRecordsRequest, schema.DeleteRecordsResponse, {
  minVersion: 0,
  maxVersion: 2,
});
