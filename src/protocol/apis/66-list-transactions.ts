/**
 * ListTransactions (key 66, KIP-664): admin client -> every broker (kafka-transactions.sh list): the transactional
 * ids its coordinator owns, filtered by state names and producer ids (empty filters: all). v0, the only version.
 */
import * as schema from '../messages/ListTransactions';
import { messageApi } from './messageApi';

export interface ListTransactionsRequest {
  stateFilters: string[];
  producerIdFilters: number[];
}

export interface ListedTransactionState {
  transactionalId: string;
  producerId: number;
  transactionState: string;
}

export interface ListTransactionsResponse {
  throttleTimeMs: number;
  errorCode: number;
  /** State names of the filter Kafka does not know. */
  unknownStateFilters: string[];
  transactionStates: ListedTransactionState[];
}

export const ListTransactionsApi = messageApi<ListTransactionsRequest, ListTransactionsResponse>(
  schema.ListTransactionsRequest,
  schema.ListTransactionsResponse,
  { minVersion: 0, maxVersion: 0 },
);
