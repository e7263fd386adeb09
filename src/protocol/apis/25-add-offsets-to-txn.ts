/**
 * AddOffsetsToTxn (key 25, KIP-98): a transactional producer -> its transaction coordinator, adding the group's
 * __consumer_offsets partition to the transaction before TxnOffsetCommit (sendOffsetsToTransaction). v0-3.
 */
import * as schema from '../messages/AddOffsetsToTxn';
import { messageApi } from './messageApi';

export interface AddOffsetsToTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  groupId: string;
}

export interface AddOffsetsToTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const AddOffsetsToTxnApi = messageApi<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>(schema.AddOffsetsToTxnRequest, schema.AddOffsetsToTxnResponse, {
  minVersion: 0,
  maxVersion: 3,
});
