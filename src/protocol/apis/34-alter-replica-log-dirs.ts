/**
 * AlterReplicaLogDirs (key 34, KIP-113), admin client -> the broker holding the replicas
 * (kafka-reassign-partitions.sh with "log_dirs"): move each listed replica to another of this broker's log dirs.
 * The broker creates a future log in the destination, copies the current log into it and swaps the two when it
 * has caught up. We serve v0-2 (Kafka 3.7's range): v1 is v0 (throttling), v2 flexible.
 */
import * as schema from '../messages/AlterReplicaLogDirs';
import { messageApi } from './messageApi';

interface AlterReplicaLogDirTopic {
  name: string;
  partitions: number[];
}

interface AlterReplicaLogDir {
  /** The absolute destination log dir. */
  path: string;
  topics: AlterReplicaLogDirTopic[];
}

export interface AlterReplicaLogDirsRequest {
  dirs: AlterReplicaLogDir[];
}

interface AlterReplicaLogDirPartitionResult {
  partitionIndex: number;
  errorCode: number;
}

interface AlterReplicaLogDirTopicResult {
  topicName: string;
  partitions: AlterReplicaLogDirPartitionResult[];
}

export interface AlterReplicaLogDirsResponse {
  throttleTimeMs: number;
  results: AlterReplicaLogDirTopicResult[];
}

export const AlterReplicaLogDirsApi = messageApi<AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse>(
  schema.AlterReplicaLogDirsRequest,
  schema.AlterReplicaLogDirsResponse,
  { minVersion: 0, maxVersion: 2 },
);
