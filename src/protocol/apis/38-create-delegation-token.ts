/**
 * CreateDelegationToken (key 38, KIP-48), admin client -> any broker: a token for the requester, or (v3+, KIP-373)
 * for another owner, with its renewers and max lifetime. We serve v0-3, Kafka 3.7's range.
 */
import * as schema from '../messages/CreateDelegationToken';
import { messageApi } from './messageApi';

export interface DelegationTokenPrincipal {
  principalType: string;
  principalName: string;
}

export interface CreateDelegationTokenRequest {
  /** v3+: the owner; null (or absent before v3) = the requester. */
  ownerPrincipalType: string | null;
  ownerPrincipalName: string | null;
  renewers: DelegationTokenPrincipal[];
  /** -1 (or <= 0): delegation.token.max.lifetime.ms. */
  maxLifetimeMs: number;
}

export interface CreateDelegationTokenResponse {
  errorCode: number;
  principalType: string;
  principalName: string;
  /** v3+. */
  tokenRequesterPrincipalType: string;
  tokenRequesterPrincipalName: string;
  issueTimestampMs: number;
  expiryTimestampMs: number;
  maxTimestampMs: number;
  tokenId: string;
  hmac: Buffer;
  throttleTimeMs: number;
}

export const CreateDelegationTokenApi = messageApi<CreateDelegationTokenRequest, CreateDelegationTokenResponse>(
  schema.CreateDelegationTokenRequest,
  schema.CreateDelegationTokenResponse,
  { minVersion: 0, maxVersion: 3 },
);
