/**
 * InitProducerId (key 22), producer -> any broker (idempotent) or transaction coordinator
 * (transactional): allocate a producer id and epoch (KIP-98, KIP-360, KIP-588;
 * TransactionCoordinator.handleInitProducerId, ids from the /latest_producer_id_block znode in ZK mode).
 * Schema: InitProducerIdRequest.json / InitProducerIdResponse.json (Kafka 3.7, versions 0-4, flexible from 2).
 *
 * Request v0-1 => TransactionalId nullable_string TransactionTimeoutMs int32
 * Request v2   => TransactionalId compact_nullable_string TransactionTimeoutMs int32 TAG_BUFFER
 * Request v3-4 => TransactionalId compact_nullable_string TransactionTimeoutMs int32
 *                 ProducerId int64 ProducerEpoch int16 TAG_BUFFER
 *   (v3 lets a producer resume its id after INVALID_PRODUCER_EPOCH; v4 only announces that the client
 *    understands PRODUCER_FENCED.)
 *
 * Response v0-1 => ThrottleTimeMs int32 ErrorCode int16 ProducerId int64 ProducerEpoch int16
 * Response v2-4 => same fields, then TAG_BUFFER
 *
 * Absent fields decode to the schema default: ProducerId -1, ProducerEpoch -1.
 */
import * as schema from '../messages/InitProducerId';
import { messageApi } from './messageApi';

export interface InitProducerIdRequest {
  /** null for an idempotent (non-transactional) producer. */
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** v3+; -1 when absent. */
  producerId: number;
  /** v3+; -1 when absent. */
  producerEpoch: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export const InitProducerIdApi = messageApi<InitProducerIdRequest, InitProducerIdResponse>(schema.InitProducerIdRequest, schema.InitProducerIdResponse, {
  minVersion: 0,
  maxVersion: 4,
});
