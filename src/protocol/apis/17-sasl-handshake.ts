/**
 * SaslHandshake (key 17): the client names its SASL mechanism; the broker answers UNSUPPORTED_SASL_MECHANISM with
 * its enabled mechanisms, or NONE. v0: raw length-prefixed SASL tokens follow (no Kafka headers); v1: the tokens
 * travel in SaslAuthenticate requests. Served by the SocketServer's SaslServerAuthenticator before authentication;
 * once authenticated, KafkaApis answers ILLEGAL_SASL_STATE (KafkaApis.handleSaslHandshakeRequest).
 */
import * as schema from '../messages/SaslHandshake';
import { messageApi } from './messageApi';

export interface SaslHandshakeRequest {
  mechanism: string;
}

export interface SaslHandshakeResponse {
  errorCode: number;
  mechanisms: string[];
}

export const SaslHandshakeApi = messageApi<SaslHandshakeRequest, SaslHandshakeResponse>(schema.SaslHandshakeRequest, schema.SaslHandshakeResponse);
