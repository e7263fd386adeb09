/**
 * DeleteRecords (key 21): the admin client moves partitions' log start offsets forward (KIP-107;
 * kafka-delete-records.sh, kafkajs admin.deleteTopicRecords). Served: v0-2, Kafka 3.7's range (v1 only changes
 * throttling, KIP-219; v2 is flexible). Offset -1 means "up to the high watermark"; the leader answers once every
 * replica's log start offset has caught up (ReplicaManager.deleteRecords, the delete-records purgatory).
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

export const DeleteRecordsApi = messageApi<DeleteRecordsRequest, DeleteRecordsResponse>(schema.DeleteRecordsRequest, schema.DeleteRecordsResponse, {
  minVersion: 0,
  maxVersion: 2,
});
