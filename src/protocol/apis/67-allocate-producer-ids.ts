/**
 * AllocateProducerIds (key 67, KIP-730), broker -> active controller: a ZK-mode broker at IBP >= 3.0-IV0 asks the
 * controller for its next block of producer ids instead of claiming /latest_producer_id_block itself. Version 0,
 * flexible.
 */
import * as schema from '../messages/AllocateProducerIds';
import { messageApi } from './messageApi';

export interface AllocateProducerIdsRequest {
  brokerId: number;
  brokerEpoch: number;
}

export interface AllocateProducerIdsResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerIdStart: number;
  producerIdLen: number;
}

export const AllocateProducerIdsApi = messageApi<AllocateProducerIdsRequest, AllocateProducerIdsResponse>(
  schema.AllocateProducerIdsRequest,
  schema.AllocateProducerIdsResponse,
);
