/**
 * InitProducerId (key 22): a producer obtains a producer id and epoch (KIP-98, KIP-360, KIP-588). Served: v0-4,
 * Kafka 3.7's range (v2 flexible; v3 adds ProducerId/ProducerEpoch so a producer can resume its id; v4 only says
 * the client understands PRODUCER_FENCED). Without a transactional id Kafka's TransactionCoordinator hands out a
 * fresh id with epoch 0 whatever v3+ names, which is what we do; ids come in blocks (/latest_producer_id_block).
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
