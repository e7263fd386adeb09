/**
 * Kafka 3.7's ScramImage.describe: DescribeUserScramCredentials answered from a KRaft node's metadata image. No users
 * (null or empty) lists every user with a credential; a user named twice is DUPLICATE_RESOURCE, a user without any
 * credential RESOURCE_NOT_FOUND; each result lists the user's mechanisms with their iterations (never the keys).
 */
import type {
  DescribeUserScramCredentialsResponse,
  DescribeUserScramCredentialsResult,
  CredentialInfo,
} from '../../protocol/apis/50-describe-user-scram-credentials';
import { ErrorCode } from '../../protocol/errors';
import type { SecurityImage } from './SecurityImage';

const DESCRIBE_DUPLICATE_USER = 'Cannot describe SCRAM credentials for the same user twice in a single request: ';
const DESCRIBE_USER_THAT_DOES_NOT_EXIST = 'Attempt to describe a user credential that does not exist: ';

export function describeScramCredentials(image: SecurityImage, users: ReadonlyArray<{ name: string }> | null): DescribeUserScramCredentialsResponse {
  const unique = new Map<string, boolean>();
  if (users === null || users.length === 0) {
    for (const byUser of image.scram.values()) for (const u of byUser.keys()) unique.set(u, false);
  } else {
    for (const u of users) unique.set(u.name, unique.has(u.name));
  }
  const mechanisms = [...image.scram.keys()].sort((a, b) => a - b);
  const results: DescribeUserScramCredentialsResult[] = [];
  for (const [user, duplicate] of unique) {
    if (duplicate) {
      results.push({ user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: DESCRIBE_DUPLICATE_USER + user, credentialInfos: [] });
      continue;
    }
    const infos: CredentialInfo[] = [];
    for (const m of mechanisms) {
      const c = image.scram.get(m)!.get(user);
      if (c) infos.push({ mechanism: m, iterations: c.iterations });
    }
    if (infos.length > 0) results.push({ user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: infos });
    else results.push({ user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: DESCRIBE_USER_THAT_DOES_NOT_EXIST + user, credentialInfos: [] });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
}
