/**
 * TxnOffsetCommit (key 28, KIP-98; v3 KIP-447): a transactional producer -> the group coordinator, committing
 * offsets inside its transaction; they become visible to the group only when the transaction commits. v3 adds the
 * consumer's generation and member id so a zombie is fenced by the group. v0-3.
 */
import * as schema from '../messages/TxnOffsetCommit';
import { messageApi } from './messageApi';

export interface TxnOffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: number;
  /** v2+, -1 when absent. */
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}

export interface TxnOffsetCommitRequestTopic {
  name: string;
  partitions: TxnOffsetCommitRequestPartition[];
}

export interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: number;
  producerEpoch: number;
  /** v3+, -1 when absent. */
  generationId: number;
  /** v3+, '' when absent. */
  memberId: string;
  /** v3+, null when absent. */
  groupInstanceId: string | null;
  topics: TxnOffsetCommitRequestTopic[];
}

export interface TxnOffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export interface TxnOffsetCommitResponseTopic {
  name: string;
  partitions: TxnOffsetCommitResponsePartition[];
}

export interface TxnOffsetCommitResponse {
  throttleTimeMs: number;
  topics: TxnOffsetCommitResponseTopic[];
}

export const TxnOffsetCommitApi = messageApi<TxnOffsetCommitRequest, TxnOffsetCommitResponse>(schema.TxnOffsetCommitRequest, schema.TxnOffsetCommitResponse, {
  minVersion: 0,
  maxVersion: 3,
});
