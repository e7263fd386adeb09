/** ExpireDelegationToken (key 40, KIP-48): an owner or renewer sets a token's expiry (a negative period: now, removed). v0-2. */
import * as schema from '../messages/ExpireDelegationToken';
import { messageApi } from './messageApi';

export interface ExpireDelegationTokenRequest {
  hmac: Buffer;
  expiryTimePeriodMs: number;
}

export interface ExpireDelegationTokenResponse {
  errorCode: number;
  expiryTimestampMs: number;
  throttleTimeMs: number;
}

export const ExpireDelegationTokenApi = messageApi<ExpireDelegationTokenRequest, ExpireDelegationTokenResponse>(
  schema.ExpireDelegationTokenRequest,
  schema.ExpireDelegationTokenResponse,
  { minVersion: 0, maxVersion: 2 },
);
