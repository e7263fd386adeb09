/** RenewDelegationToken (key 39, KIP-48): an owner or renewer pushes a token's expiry out by renewPeriodMs. v0-2. */
import * as schema from '../messages/RenewDelegationToken';
import { messageApi } from './messageApi';

export interface RenewDelegationTokenRequest {
  hmac: Buffer;
  /** -1 (< 0): delegation.token.expiry.time.ms. */
  renewPeriodMs: number;
}

export interface RenewDelegationTokenResponse {
  errorCode: number;
  expiryTimestampMs: number;
  throttleTimeMs: number;
}

export const RenewDelegationTokenApi = messageApi<RenewDelegationTokenRequest, RenewDelegationTokenResponse>(
  schema.RenewDelegationTokenRequest,
  schema.RenewDelegationTokenResponse,
  { minVersion: 0, maxVersion: 2 },
);
