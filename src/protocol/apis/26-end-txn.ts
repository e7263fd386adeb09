/**
 * EndTxn (key 26, KIP-98): a transactional producer -> its transaction coordinator, committing (Committed=true) or
 * aborting the open transaction. v0-3.
 */
import * as schema from '../messages/EndTxn';
import { messageApi } from './messageApi';

export interface EndTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  committed: boolean;
}

export interface EndTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const EndTxnApi = messageApi<EndTxnRequest, EndTxnResponse>(schema.EndTxnRequest, schema.EndTxnResponse, { minVersion: 0, maxVersion: 3 });
