/**
 * SaslAuthenticate (key 36, KIP-152): one SASL token each way after a v1 SaslHandshake, with an error code and
 * message (SASL_AUTHENTICATION_FAILED "Authentication failed: ..."), v1+ the session lifetime
 * (connections.max.reauth.ms, KIP-368), v2 flexible.
 */
import * as schema from '../messages/SaslAuthenticate';
import { messageApi } from './messageApi';

export interface SaslAuthenticateRequest {
  authBytes: Buffer;
}

export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  sessionLifetimeMs: number;
}

export const SaslAuthenticateApi = messageApi<SaslAuthenticateRequest, SaslAuthenticateResponse>(
  schema.SaslAuthenticateRequest,
  schema.SaslAuthenticateResponse,
);
