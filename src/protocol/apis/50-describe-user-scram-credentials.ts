/**
 * DescribeUserScramCredentials (key 50, KIP-554), admin client -> any broker: the SCRAM mechanisms and iteration
 * counts each user has credentials for (never the salt or keys). Users null or empty = every user with a credential.
 * We serve v0, the only version.
 */
import * as schema from '../messages/DescribeUserScramCredentials';
import { messageApi } from './messageApi';

export interface DescribeUserScramCredentialsRequest {
  /** null (or empty) describes every user that has a SCRAM credential. */
  users: { name: string }[] | null;
}

export interface CredentialInfo {
  /** ScramMechanism type: 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512. */
  mechanism: number;
  iterations: number;
}

export interface DescribeUserScramCredentialsResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
  credentialInfos: CredentialInfo[];
}

export interface DescribeUserScramCredentialsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  results: DescribeUserScramCredentialsResult[];
}

export const DescribeUserScramCredentialsApi = messageApi<DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse>(
  schema.DescribeUserScramCredentialsRequest,
  schema.DescribeUserScramCredentialsResponse,
  { minVersion: 0, maxVersion: 0 },
);
