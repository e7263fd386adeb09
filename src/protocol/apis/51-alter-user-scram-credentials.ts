/**
 * AlterUserScramCredentials (key 51, KIP-554), admin client -> the controller: deletions and upsertions of SCRAM
 * credentials. An upsertion carries the salt and the salted password (Hi(password, salt, iterations)) computed by the
 * client, so the password never travels; the broker derives StoredKey and ServerKey. We serve v0, the only version.
 */
import * as schema from '../messages/AlterUserScramCredentials';
import { messageApi } from './messageApi';

export interface ScramCredentialDeletion {
  name: string;
  /** ScramMechanism type: 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512. */
  mechanism: number;
}

export interface ScramCredentialUpsertion {
  name: string;
  mechanism: number;
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

export interface AlterUserScramCredentialsRequest {
  deletions: ScramCredentialDeletion[];
  upsertions: ScramCredentialUpsertion[];
}

export interface AlterUserScramCredentialsResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface AlterUserScramCredentialsResponse {
  throttleTimeMs: number;
  results: AlterUserScramCredentialsResult[];
}

export const AlterUserScramCredentialsApi = messageApi<AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse>(
  schema.AlterUserScramCredentialsRequest,
  schema.AlterUserScramCredentialsResponse,
  { minVersion: 0, maxVersion: 0 },
);
