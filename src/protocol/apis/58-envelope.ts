/**
 * Envelope (key 58, KIP-590): a request forwarded by a broker to the controller with its original principal.
 * A ZK-mode Kafka 3.7 broker without forwarding (no ZooKeeper-to-KRaft migration) treats it as unparsable and
 * closes the connection; see KafkaApis.
 */
import * as schema from '../messages/Envelope';
import { messageApi } from './messageApi';

export interface EnvelopeRequest {
  requestData: Buffer;
  requestPrincipal: Buffer | null;
  clientHostAddress: Buffer;
}

export interface EnvelopeResponse {
  responseData: Buffer | null;
  errorCode: number;
}

export const EnvelopeApi = messageApi<EnvelopeRequest, EnvelopeResponse>(schema.EnvelopeRequest, schema.EnvelopeResponse);
