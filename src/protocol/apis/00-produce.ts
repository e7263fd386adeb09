/**
 * Produce (key 0): a producer appends record batches to partition leaders (KafkaApis.handleProduceRequest ->
 * ReplicaManager.appendRecords). We serve v0-10, Kafka 3.7's ZK-broker range:
 * - v0-2 carry message format v0/v1 message sets (magic 0/1); the leader converts them to one magic-2 batch on
 *   append (LogValidator: message format v2 is forced from IBP 3.0). v3+ must carry exactly one magic-2 batch.
 * - v7 only announces zstd; v8 adds RecordErrors/ErrorMessage for LogValidator's per-record errors (KIP-467);
 *   v9 is flexible; v10 adds the tagged CurrentLeader (per partition) and NodeEndpoints (per response) that
 *   Kafka fills on NOT_LEADER_OR_FOLLOWER (KIP-951).
 * `records` is a slice of the request frame (never a copy): a magic-2 batch is validated and appended as it arrived.
 */
import * as schema from '../messages/Produce';
import { messageApi } from './messageApi';

interface PartitionProduceData {
  index: number;
  /** The record batch (or v0-2 message set) bytes: a view into the request frame. */
  records: Buffer | null;
}

interface TopicProduceData {
  name: string;
  partitionData: PartitionProduceData[];
}

export interface ProduceRequest {
  /** v3+; null before. */
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: TopicProduceData[];
}

interface BatchIndexAndErrorMessage {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

interface LeaderIdAndEpoch {
  leaderId: number;
  leaderEpoch: number;
}

interface PartitionProduceResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  /** v2+; -1 unless the topic uses LogAppendTime. */
  logAppendTimeMs: number;
  /** v5+; -1 before. */
  logStartOffset: number;
  /** v8+; the records that made the batch fail (LogValidator), [] otherwise. */
  recordErrors?: BatchIndexAndErrorMessage[];
  /** v8+; the batch-level message of a record validation failure, null otherwise. */
  errorMessage?: string | null;
  /** v10+ tagged; written only on NOT_LEADER_OR_FOLLOWER (default -1/-1 is not written). */
  currentLeader?: LeaderIdAndEpoch;
}

interface TopicProduceResponse {
  name: string;
  partitionResponses: PartitionProduceResponse[];
}

interface NodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ProduceResponse {
  responses: TopicProduceResponse[];
  /** v1+. */
  throttleTimeMs: number;
  /** v10+ tagged; the leaders named in currentLeader, on the listener of the request. */
  nodeEndpoints?: NodeEndpoint[];
}

export const ProduceApi = messageApi<ProduceRequest, ProduceResponse>(schema.ProduceRequest, schema.ProduceResponse, { minVersion: 0, maxVersion: 10 });
