/**
 * UnregisterBroker (key 64, KIP-631): removes a broker's registration from KRaft metadata (kafka-cluster
 * unregister). Version 0, flexible.
 */
import * as schema from '../messages/UnregisterBroker';
import { messageApi } from './messageApi';

export interface UnregisterBrokerRequest {
  brokerId: number;
}

export interface UnregisterBrokerResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
}

export const UnregisterBrokerApi = messageApi<UnregisterBrokerRequest, UnregisterBrokerResponse>(
  schema.UnregisterBrokerRequest,
  schema.UnregisterBrokerResponse,
);
