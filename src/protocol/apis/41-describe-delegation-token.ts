/**
 * DescribeDelegationToken (key 41, KIP-48): the tokens the requester owns or renews, or may DESCRIBE, optionally
 * only those of the given owners (null = every owner, empty = none). v0-3.
 */
import * as schema from '../messages/DescribeDelegationToken';
import type { DelegationTokenPrincipal } from './38-create-delegation-token';
import { messageApi } from './messageApi';

export interface DescribeDelegationTokenRequest {
  owners: DelegationTokenPrincipal[] | null;
}

export interface DescribedDelegationToken {
  principalType: string;
  principalName: string;
  /** v3+. */
  tokenRequesterPrincipalType: string;
  tokenRequesterPrincipalName: string;
  issueTimestamp: number;
  expiryTimestamp: number;
  maxTimestamp: number;
  tokenId: string;
  hmac: Buffer;
  renewers: DelegationTokenPrincipal[];
}

export interface DescribeDelegationTokenResponse {
  errorCode: number;
  tokens: DescribedDelegationToken[];
  throttleTimeMs: number;
}

export const DescribeDelegationTokenApi = messageApi<DescribeDelegationTokenRequest, DescribeDelegationTokenResponse>(
  schema.DescribeDelegationTokenRequest,
  schema.DescribeDelegationTokenResponse,
  { minVersion: 0, maxVersion: 3 },
);
