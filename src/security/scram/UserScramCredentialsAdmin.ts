/**
 * ZkAdminManager.describeUserScramCredentials / alterUserScramCredentials (Kafka 3.7, ZooKeeper mode): SCRAM
 * credentials live as user configs in /config/users/<sanitized user> next to the user's quotas, one key per
 * mechanism (`SCRAM-SHA-256=salt=..,stored_key=..,server_key=..,iterations=..`). An alter rewrites the user's znode
 * and creates a /config/changes notification so every broker refreshes its credential cache. The store is an
 * interface so this logic is unit-testable without ZooKeeper.
 */
import { desanitize, sanitize } from '../../common/Sanitizer';
import type { AlterUserScramCredentialsRequest, AlterUserScramCredentialsResult } from '../../protocol/apis/51-alter-user-scram-credentials';
import type {
  CredentialInfo,
  DescribeUserScramCredentialsResponse,
  DescribeUserScramCredentialsResult,
} from '../../protocol/apis/50-describe-user-scram-credentials';
import { ErrorCode, KafkaError, errorInfo } from '../../protocol/errors';
import {
  SCRAM_MECHANISMS,
  ScramMechanism,
  credentialFromSaltedPassword,
  credentialFromString,
  credentialToString,
  scramMechanismFromType,
  scramMechanismInfo,
  scramMechanismType,
} from './ScramCredential';

/** /config/users as AdminZkClient reads and writes it (names are sanitized, as in the znode paths). */
export interface UserConfigStore {
  /** AdminZkClient.fetchEntityConfig(users, name): {} when the znode is absent. */
  fetchUserConfig(sanitizedUser: string): Promise<Record<string, string>>;
  /** AdminZkClient.fetchAllEntityConfigs(users). */
  fetchAllUserConfigs(): Promise<Map<string, Record<string, string>>>;
  /** AdminZkClient.changeConfigs(users, name, configs): rewrite the znode, then a change notification. */
  changeUserConfig(sanitizedUser: string, config: Record<string, string>): Promise<void>;
}

/** ZkAdminManager's maxIterations for an upsertion. */
export const MAX_SCRAM_ITERATIONS = 16384;

const USERNAME_MUST_NOT_BE_EMPTY = 'Username must not be empty';
const UNKNOWN_SCRAM_MECHANISM = 'Unknown SCRAM mechanism';

/** ApiError.fromThrowable: a KafkaError keeps its code; anything else is UNKNOWN_SERVER_ERROR. */
function errorCodeOf(e: unknown): number {
  return e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR;
}

/** The credential infos of a user's config, in ScramMechanism order; null without any SCRAM key. */
function credentialInfos(config: Readonly<Record<string, string>>): CredentialInfo[] | null {
  const present = SCRAM_MECHANISMS.filter((m) => config[m] !== undefined);
  if (present.length === 0) return null;
  return present.map((m) => ({ mechanism: scramMechanismType(m), iterations: credentialFromString(config[m]).iterations }));
}

function describeResult(user: string, config: Readonly<Record<string, string>>, explicitUser: boolean): DescribeUserScramCredentialsResult | null {
  const base = { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: [] };
  let infos: CredentialInfo[] | null;
  try {
    infos = credentialInfos(config);
  } catch (e) {
    // Bad data in the znode: the user's result carries the error (Errors.message, as Kafka sets it).
    const code = errorCodeOf(e);
    return { ...base, errorCode: code, errorMessage: errorInfo(code).message };
  }
  if (infos) return { ...base, credentialInfos: infos };
  if (explicitUser)
    return { ...base, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}` };
  return null;
}

/** ZkAdminManager.describeUserScramCredentials: users null or empty describes every user with a credential. */
export async function describeUserScramCredentials(
  store: UserConfigStore,
  users: readonly string[] | null,
): Promise<Omit<DescribeUserScramCredentialsResponse, 'throttleTimeMs'>> {
  const results = new Map<string, DescribeUserScramCredentialsResult>();
  try {
    if (users === null || users.length === 0) {
      for (const [sanitized, config] of await store.fetchAllUserConfigs()) {
        const user = desanitize(sanitized);
        const r = describeResult(user, config, false);
        if (r) results.set(user, r);
      }
      const sorted = [...results.keys()].sort();
      return { errorCode: ErrorCode.NONE, errorMessage: null, results: sorted.map((u) => results.get(u)!) };
    }
    const counts = new Map<string, number>();
    for (const u of users) counts.set(u, (counts.get(u) ?? 0) + 1);
    for (const [u, n] of counts) {
      const base = { user: u, credentialInfos: [] };
      if (u === '') results.set(u, { ...base, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: USERNAME_MUST_NOT_BE_EMPTY });
      else if (n > 1)
        results.set(u, {
          ...base,
          errorCode: ErrorCode.DUPLICATE_RESOURCE,
          errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${u}`,
        });
    }
    for (const u of counts.keys()) {
      if (results.has(u)) continue;
      try {
        results.set(u, describeResult(u, await store.fetchUserConfig(sanitize(u)), true)!);
      } catch (e) {
        const code = errorCodeOf(e);
        results.set(u, { user: u, errorCode: code, errorMessage: errorInfo(code).message, credentialInfos: [] });
      }
    }
    return { errorCode: ErrorCode.NONE, errorMessage: null, results: [...counts.keys()].map((u) => results.get(u)!) };
  } catch (e) {
    // Reading all users from ZooKeeper failed (ApiError.messageWithFallback).
    const code = errorCodeOf(e);
    return { errorCode: code, errorMessage: e instanceof KafkaError ? e.message : errorInfo(code).message, results: [] };
  }
}

interface RequestStatus {
  user: string;
  /** undefined: no mechanism determined (empty user); null: an unknown mechanism type. */
  mechanism: ScramMechanism | null | undefined;
  legal: boolean;
  iterations: number;
}

function upsertionStatus(u: { name: string; mechanism: number; iterations: number }): RequestStatus {
  if (u.name === '') return { user: u.name, mechanism: undefined, legal: false, iterations: u.iterations };
  const m = scramMechanismFromType(u.mechanism) ?? null;
  if (m === null) return { user: u.name, mechanism: null, legal: false, iterations: u.iterations };
  const legal = u.iterations >= scramMechanismInfo(m).minIterations && u.iterations <= MAX_SCRAM_ITERATIONS;
  return { user: u.name, mechanism: m, legal, iterations: u.iterations };
}

function deletionStatus(d: { name: string; mechanism: number }): RequestStatus {
  if (d.name === '') return { user: d.name, mechanism: undefined, legal: false, iterations: 0 };
  const m = scramMechanismFromType(d.mechanism) ?? null;
  return { user: d.name, mechanism: m, legal: m !== null, iterations: 0 };
}

/**
 * ZkAdminManager.alterUserScramCredentials: each user either fails as a whole (empty name, unknown mechanism,
 * iterations outside [4096, 16384], the same user/mechanism twice, deleting a credential it does not have) or has
 * all its deletions and upsertions written in one rewrite of its znode. One result per user.
 */
export async function alterUserScramCredentials(store: UserConfigStore, req: AlterUserScramCredentialsRequest): Promise<AlterUserScramCredentialsResult[]> {
  const results: AlterUserScramCredentialsResult[] = [];
  const illegalUpsertions = req.upsertions.map(upsertionStatus).filter((s) => !s.legal);
  const illegalDeletions = req.deletions.map(deletionStatus).filter((s) => !s.legal);

  // User -> message; upsertion messages replace deletion messages of the same user (Scala's Map ++).
  const illegalByUser = new Map<string, string>();
  for (const s of illegalDeletions) illegalByUser.set(s.user, s.user === '' ? USERNAME_MUST_NOT_BE_EMPTY : UNKNOWN_SCRAM_MECHANISM);
  for (const s of illegalUpsertions) {
    let msg: string;
    if (s.user === '') msg = USERNAME_MUST_NOT_BE_EMPTY;
    else if (s.mechanism === null) msg = UNKNOWN_SCRAM_MECHANISM;
    else msg = s.iterations > MAX_SCRAM_ITERATIONS ? 'Too many iterations' : 'Too few iterations';
    illegalByUser.set(s.user, msg);
  }
  for (const [user, msg] of illegalByUser) {
    const code = msg === UNKNOWN_SCRAM_MECHANISM ? ErrorCode.UNSUPPORTED_SASL_MECHANISM : ErrorCode.UNACCEPTABLE_CREDENTIAL;
    results.push({ user, errorCode: code, errorMessage: msg });
  }

  const invalidUsers = new Set([...illegalUpsertions, ...illegalDeletions].map((s) => s.user));
  const pairs = [...req.upsertions, ...req.deletions].filter((x) => !invalidUsers.has(x.name)).map((x) => `${x.mechanism}\u0000${x.name}`);
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (const p of pairs) {
    if (seen.has(p)) duplicated.add(p.substring(p.indexOf('\u0000') + 1));
    seen.add(p);
  }
  for (const user of duplicated) {
    results.push({ user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'A user credential cannot be altered twice in the same request' });
  }

  const potentiallyValid = [...new Set(pairs.map((p) => p.substring(p.indexOf('\u0000') + 1)))].filter((u) => !duplicated.has(u));
  const configs = new Map<string, Record<string, string>>();
  const failed = new Map<string, unknown>();
  for (const user of potentiallyValid) {
    try {
      configs.set(user, await store.fetchUserConfig(sanitize(user)));
    } catch (e) {
      failed.set(user, e);
    }
  }

  const mechanismName = (type: number): ScramMechanism => scramMechanismFromType(type)!;
  const invalidDeletionUsers = new Set(
    req.deletions.filter((d) => configs.has(d.name) && configs.get(d.name)![mechanismName(d.mechanism)] === undefined).map((d) => d.name),
  );
  for (const user of invalidDeletionUsers) {
    results.push({ user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to delete a user credential that does not exist' });
  }

  const toAlter = potentiallyValid.filter((u) => configs.has(u) && !invalidDeletionUsers.has(u));
  for (const user of toAlter) {
    const config = configs.get(user)!;
    try {
      for (const d of req.deletions) if (d.name === user) delete config[mechanismName(d.mechanism)];
      for (const u of req.upsertions) {
        if (u.name !== user) continue;
        const m = mechanismName(u.mechanism);
        config[m] = credentialToString(credentialFromSaltedPassword(m, u.salt, u.saltedPassword, u.iterations));
      }
      await store.changeUserConfig(sanitize(user), config);
    } catch (e) {
      failed.set(user, e);
    }
  }
  for (const [user, e] of failed) {
    const code = errorCodeOf(e);
    results.push({ user, errorCode: code, errorMessage: errorInfo(code).message });
  }
  for (const user of toAlter) if (!failed.has(user)) results.push({ user, errorCode: ErrorCode.NONE, errorMessage: null });
  return results;
}
