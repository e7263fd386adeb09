/**
 * DescribeLogDirs (key 35), admin client -> each broker (kafka-log-dirs.sh --describe): per log dir of the
 * broker, its error (KAFKA_STORAGE_ERROR when offline) and, per queried partition, the size in bytes, the offset
 * lag and whether it is a future replica (being moved there by AlterReplicaLogDirs). Topics null = every log.
 * We serve v0-4 (Kafka 3.7's range): v1 is v0 (throttling), v2 flexible, v3 adds the top-level ErrorCode,
 * v4 TotalBytes and UsableBytes of each log dir's file system.
 */
import * as schema from '../messages/DescribeLogDirs';
import { messageApi } from './messageApi';

interface DescribableLogDirTopic {
  topic: string;
  partitions: number[];
}

export interface DescribeLogDirsRequest {
  /** null = every partition this broker has a log for. */
  topics: DescribableLogDirTopic[] | null;
}

export interface DescribeLogDirsPartition {
  partitionIndex: number;
  partitionSize: number;
  /** Current replica: max(HW - LEO, 0); future replica: the current replica's LEO minus its own. */
  offsetLag: number;
  isFutureKey: boolean;
}

export interface DescribeLogDirsTopic {
  name: string;
  partitions: DescribeLogDirsPartition[];
}

export interface DescribeLogDirsResult {
  errorCode: number;
  logDir: string;
  topics: DescribeLogDirsTopic[];
  /** v4+: -1 when unknown. */
  totalBytes: number;
  /** v4+: -1 when unknown. */
  usableBytes: number;
}

export interface DescribeLogDirsResponse {
  throttleTimeMs: number;
  /** v3+. */
  errorCode: number;
  results: DescribeLogDirsResult[];
}

export const DescribeLogDirsApi = messageApi<DescribeLogDirsRequest, DescribeLogDirsResponse>(schema.DescribeLogDirsRequest, schema.DescribeLogDirsResponse, {
  minVersion: 0,
  maxVersion: 4,
});
