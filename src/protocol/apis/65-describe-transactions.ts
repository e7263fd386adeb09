/**
 * DescribeTransactions (key 65, KIP-664): admin client -> the transaction coordinator of each transactional id
 * (kafka-transactions.sh describe): state, timeout, start time, producer id and epoch, and the partitions of the
 * open transaction. v0, the only version.
 */
import * as schema from '../messages/DescribeTransactions';
import { messageApi } from './messageApi';

export interface DescribeTransactionsRequest {
  transactionalIds: string[];
}

export interface DescribeTransactionsTopicData {
  topic: string;
  partitions: number[];
}

export interface DescribeTransactionState {
  errorCode: number;
  transactionalId: string;
  /** TransactionState.name: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, Dead, PrepareEpochFence. */
  transactionState: string;
  transactionTimeoutMs: number;
  /** -1 when no transaction is open. */
  transactionStartTimeMs: number;
  producerId: number;
  producerEpoch: number;
  topics: DescribeTransactionsTopicData[];
}

export interface DescribeTransactionsResponse {
  throttleTimeMs: number;
  transactionStates: DescribeTransactionState[];
}

export const DescribeTransactionsApi = messageApi<DescribeTransactionsRequest, DescribeTransactionsResponse>(
  schema.DescribeTransactionsRequest,
  schema.DescribeTransactionsResponse,
  { minVersion: 0, maxVersion: 0 },
);
