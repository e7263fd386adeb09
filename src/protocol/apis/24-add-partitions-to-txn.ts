/**
 * AddPartitionsToTxn (key 24, KIP-98; v4 KIP-890): a transactional producer -> its transaction coordinator, naming
 * the partitions it is about to write in the open transaction. v0-3 carry one transaction in the V3AndBelow fields;
 * v4 (broker -> coordinator only, Kafka's AddPartitionsToTxnManager) batches transactions, each maybe VerifyOnly.
 * We serve v0-4, Kafka 3.7's range.
 */
import * as schema from '../messages/AddPartitionsToTxn';
import { messageApi } from './messageApi';

export interface AddPartitionsToTxnTopic {
  name: string;
  partitions: number[];
}

export interface AddPartitionsToTxnTransaction {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  verifyOnly: boolean;
  topics: AddPartitionsToTxnTopic[];
}

export interface AddPartitionsToTxnRequest {
  /** v4+ only ([] below). */
  transactions: AddPartitionsToTxnTransaction[];
  /** v0-3 only. */
  v3AndBelowTransactionalId: string;
  v3AndBelowProducerId: number;
  v3AndBelowProducerEpoch: number;
  v3AndBelowTopics: AddPartitionsToTxnTopic[];
}

export interface AddPartitionsToTxnPartitionResult {
  partitionIndex: number;
  partitionErrorCode: number;
}

export interface AddPartitionsToTxnTopicResult {
  name: string;
  resultsByPartition: AddPartitionsToTxnPartitionResult[];
}

export interface AddPartitionsToTxnResult {
  transactionalId: string;
  topicResults: AddPartitionsToTxnTopicResult[];
}

export interface AddPartitionsToTxnResponse {
  throttleTimeMs: number;
  /** v4+: a top-level error for the whole request. */
  errorCode: number;
  /** v4+. */
  resultsByTransaction: AddPartitionsToTxnResult[];
  /** v0-3. */
  resultsByTopicV3AndBelow: AddPartitionsToTxnTopicResult[];
}

export const AddPartitionsToTxnApi = messageApi<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>(
  schema.AddPartitionsToTxnRequest,
  schema.AddPartitionsToTxnResponse,
  { minVersion: 0, maxVersion: 4 },
);
