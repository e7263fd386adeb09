/**
 * kafka-configs for users (Kafka 3.7's ConfigCommand): SCRAM credentials.
 * - --zookeeper: alterConfigWithZk / describeConfigWithZk. Only SCRAM keys may be altered; the tool computes the
 *   credential itself (ScramFormatter.generateCredential, 4096 iterations unless given) and writes
 *   /config/users/<user> plus a change notification (AdminZkClient.changeConfigs). Describe prints the stored
 *   strings (`Configs for user-principal 'alice' are SCRAM-SHA-256=salt=...`).
 * - --bootstrap-server: alterUserScramCredentialConfigs / describeClientQuotaAndUserScramCredentialConfigs through
 *   AlterUserScramCredentials (to the controller, salted password computed here as KafkaAdminClient does) and
 *   DescribeUserScramCredentials (`SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192`).
 * User quotas over a broker, the checks splitting SCRAM keys from quota keys, and the dispatch are in
 * ConfigCommandQuotas.ts.
 */
import { desanitize, sanitize } from '../common/Sanitizer';
import { AuthenticationError } from '../network/NetworkClient';
import { AlterUserScramCredentialsApi, DescribeUserScramCredentialsApi } from '../protocol/apis';
import { ErrorCode, errorInfo } from '../protocol/errors';
import {
  SCRAM_MECHANISMS,
  ScramMechanism,
  credentialFromPassword,
  credentialToString,
  isScramMechanism,
  saltedPassword,
  scramMechanismFromType,
  scramMechanismInfo,
  scramMechanismType,
  secureRandomString,
} from '../security/scram/ScramCredential';
import { zkUserConfigStore } from '../security/scram/ZkUserConfigStore';
import type { KafkaZkClient } from '../zk/KafkaZkClient';
import { javaPropertiesOrder } from '../zk/data/json';
import { sendToAny, sendToController } from './AdminRequests';
import { CommandError, fail } from './CommandUtils';

/** ConfigCommand.DefaultScramIterations. */
export const DEFAULT_SCRAM_ITERATIONS = 4096;
/** QuotaConfigs.isClientOrUserQuotaConfig. */
const QUOTA_CONFIGS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'];
/** ConfigEntityName.Default. */
const DEFAULT_ENTITY = '<default>';

/**
 * ConfigCommand.parseConfigsToBeAdded: split on commas outside [...], each item on '=' outside [...] into exactly a
 * key and a value; every bracket is then dropped from the value ('k=[a,b]' -> 'a,b').
 */
export function parseConfigsToBeAdded(text: string): Map<string, string> {
  const items = text.split(/,(?=[^\]]*(?:\[|$))/);
  while (items.length > 1 && items[items.length - 1] === '') items.pop(); // Java's split drops trailing empty strings
  const out = new Map<string, string>();
  for (const item of items) {
    const pair = item.split(/\s*=\s*(?=[^\]]*(?:\[|$))/);
    if (pair.length !== 2) fail('requirement failed: Invalid entity config: all configs to be added must be in the format "key=val".');
    out.set(pair[0].trim(), pair[1].replace(/[[\]]/g, '').trim());
  }
  return out;
}

/** A Java enum's name, as `$mechanism` prints in ConfigCommand's ZooKeeper messages (SCRAM_SHA_256). */
const enumName = (m: ScramMechanism): string => m.replace(/-/g, '_');

/** Integer.parseInt of the iterations text, NumberFormatException's message when it is not an int. */
function parseIterations(text: string): number {
  const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n > 2147483647 || n < -2147483648) fail(`For input string: "${text}"`);
  return n;
}

/** ConfigCommand.preProcessScramCredentials's parsing: `[iterations=N,]password=P`. */
export function parseScramCredentialConfig(mechanism: ScramMechanism, value: string, viaZk: boolean): { iterations: number; password: string } {
  // ZooKeeper path: iterations=([0-9]*); admin path: iterations=(-?[0-9]*) with -1 meaning the default.
  const m = (viaZk ? /^(?:iterations=([0-9]*),)?password=(.*)$/s : /^(?:iterations=(-?[0-9]*),)?password=(.*)$/s).exec(value);
  if (!m) fail(`Invalid credential property ${viaZk ? enumName(mechanism) : mechanism}=${value}`);
  const iterations = m[1] !== undefined && m[1] !== '-1' ? parseIterations(m[1]) : DEFAULT_SCRAM_ITERATIONS;
  const min = scramMechanismInfo(mechanism).minIterations;
  if (iterations < min) fail(`Iterations ${iterations} is less than the minimum ${min} required for ${viaZk ? enumName(mechanism) : mechanism}`);
  return { iterations, password: m[2] };
}

/** Java's Properties.toString ({k=v, k2=v2}, Properties iteration order). */
function propertiesString(props: ReadonlyMap<string, string>): string {
  return `{${javaPropertiesOrder([...props.keys()])
    .map((k) => `${k}=${props.get(k)}`)
    .join(', ')}}`;
}

/** ConfigCommand.Entity.toString for users: user-principal 'alice', or default user-principal. */
function entityString(sanitizedName: string): string {
  return sanitizedName === DEFAULT_ENTITY ? 'default user-principal' : `user-principal '${desanitize(sanitizedName)}'`;
}

export const ZK_DEPRECATION =
  'Warning: --zookeeper is deprecated and will be removed in a future version of Kafka.\nUse --bootstrap-server instead to specify a broker to connect to.';

/** alterConfigWithZk for users: SCRAM keys only; the credential is computed here and written with a notification. */
export async function alterUsersWithZk(zk: KafkaZkClient, name: string | null, isDefault: boolean, add: Map<string, string>, del: string[]): Promise<void> {
  console.log(ZK_DEPRECATION);
  if (name === null && !isDefault) fail('an entity-name or default entity must be specified with --alter of users, clients, brokers or ips');
  const sanitized = isDefault ? DEFAULT_ENTITY : sanitize(name!);
  if (add.size > 0 || del.length > 0) {
    const deleted = del.length === 0 ? 'List()' : `ArrayBuffer(${del.join(', ')})`;
    const errorMessage = `--bootstrap-server option must be specified to update users configs: {add: ${propertiesString(add)}, delete: ${deleted}}`;
    const info = 'User configuration updates using ZooKeeper are only supported for SCRAM credential updates.';
    if (![...add.keys()].every(isScramMechanism) || !del.every(isScramMechanism)) fail(`requirement failed: ${errorMessage}. ${info}`);
  }
  const toAdd = new Map<string, string>();
  for (const mech of SCRAM_MECHANISMS) {
    const v = add.get(mech);
    if (v === undefined) continue;
    const { iterations, password } = parseScramCredentialConfig(mech, v, true);
    // ScramFormatter.generateCredential: the salt is secureRandomBytes(), a random base-36 string's bytes.
    toAdd.set(mech, credentialToString(credentialFromPassword(mech, password, iterations, Buffer.from(secureRandomString(), 'utf8'))));
  }
  const store = zkUserConfigStore(zk);
  const configs = await store.fetchUserConfig(sanitized);
  const invalid = del.filter((k) => !(k in configs));
  if (invalid.length > 0) fail(`Invalid config(s): ${invalid.join(',')}`);
  for (const [k, v] of toAdd) configs[k] = v;
  for (const k of del) delete configs[k];
  // AdminZkClient.changeUserOrUserClientIdConfig (DynamicConfig.User/Client.validate): a user takes SCRAM and quota
  // configs, the default user entity quota configs only.
  const allowed = (k: string): boolean => QUOTA_CONFIGS.includes(k) || (sanitized !== DEFAULT_ENTITY && isScramMechanism(k));
  const unknown = Object.keys(configs).filter((k) => !allowed(k));
  if (unknown.length > 0) fail(`requirement failed: Unknown Dynamic Configuration: HashSet(${unknown.join(', ')}).`);
  await store.changeUserConfig(sanitized, configs);
  console.log(`Completed updating config for entity: ${entityString(sanitized)}.`);
}

/** describeConfigWithZk for users: one user (even without configs), or every user znode that has configs. */
export async function describeUsersWithZk(zk: KafkaZkClient, name: string | null, isDefault: boolean): Promise<void> {
  console.log(ZK_DEPRECATION);
  const store = zkUserConfigStore(zk);
  const describeAll = name === null && !isDefault;
  const names = describeAll ? [...(await store.fetchAllUserConfigs()).keys()] : [isDefault ? DEFAULT_ENTITY : sanitize(name!)];
  for (const n of names) {
    const configs = await store.fetchUserConfig(n);
    const entries = Object.entries(configs);
    if (entries.length === 0 && describeAll) continue;
    console.log(`Configs for ${entityString(n)} are ${entries.map(([k, v]) => `${k}=${v}`).join(',')}`);
  }
}

/** Errors whose exception class is not the error's name in CamelCase + Exception (Errors.java). */
const EXCEPTION_CLASSES: Record<number, string> = {
  [ErrorCode.UNKNOWN_SERVER_ERROR]: 'UnknownServerException',
  [ErrorCode.CLUSTER_AUTHORIZATION_FAILED]: 'ClusterAuthorizationException',
  [ErrorCode.INVALID_CONFIG]: 'InvalidConfigurationException',
  [ErrorCode.SASL_AUTHENTICATION_FAILED]: 'SaslAuthenticationException',
};

/** "RESOURCE_NOT_FOUND" -> "ResourceNotFoundException", as Errors.exception() names its classes. */
export function exceptionClass(code: number): string {
  const known = EXCEPTION_CLASSES[code];
  if (known) return known;
  const camel = errorInfo(code)
    .name.toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return camel.endsWith('Exception') ? camel : `${camel}Exception`;
}

/** What ConfigCommand's main prints for an exception that is not an IllegalArgumentException (stack trace shortened). */
export function executionError(args: readonly string[], code: number, message: string | null): CommandError {
  return new CommandError(
    `Error while executing config command with args '${args.join(' ')}'\n` +
      `java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.${exceptionClass(code)}: ${message ?? errorInfo(code).message}`,
  );
}

/** A request of the admin client: a refused SASL authentication fails it with SaslAuthenticationException. */
export async function adminCall<T>(args: readonly string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (!(e instanceof AuthenticationError)) throw e;
    const reason = e.message.replace(/^SASL authentication with \S+ failed: /, '');
    throw new CommandError(
      `Error while executing config command with args '${args.join(' ')}'\n` +
        `java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.SaslAuthenticationException: ${reason}`,
    );
  }
}

/**
 * ConfigCommand.alterUserScramCredentialConfigs: SCRAM configs of one user go to AlterUserScramCredentials (salt and
 * Hi(password) computed here, as KafkaAdminClient does), sent to the controller. The checks that split SCRAM from
 * quota configs come first (ConfigCommandQuotas).
 */
export async function alterUserScramCredentialsWithAdmin(
  bootstrap: string[],
  args: readonly string[],
  user: string,
  scramAdd: ReadonlyArray<[ScramMechanism, string]>,
  scramDel: readonly ScramMechanism[],
): Promise<void> {
  const upsertions = scramAdd.map(([mech, value]) => {
    const { iterations, password } = parseScramCredentialConfig(mech, value, false);
    const salt = Buffer.from(secureRandomString(), 'utf8');
    return { name: user, mechanism: scramMechanismType(mech), iterations, salt, saltedPassword: saltedPassword(mech, password, salt, iterations) };
  });
  const deletions = scramDel.map((mech) => ({ name: user, mechanism: scramMechanismType(mech) }));
  const res = await adminCall(args, () => sendToController(bootstrap, AlterUserScramCredentialsApi, 0, { deletions, upsertions }, 60000));
  const failed = res.results.find((r) => r.errorCode !== ErrorCode.NONE);
  if (failed) throw executionError(args, failed.errorCode, failed.errorMessage);
}

/** describeClientQuotaAndUserScramCredentialConfigs: the SCRAM part (the quota part is in ConfigCommandQuotas). */
export async function describeUsersWithAdmin(bootstrap: string[], args: readonly string[], name: string | null, isDefault: boolean): Promise<void> {
  if (isDefault) return; // SCRAM credentials are not described for --entity-default
  const res = await adminCall(args, () => sendToAny(bootstrap, DescribeUserScramCredentialsApi, 0, { users: name === null ? [] : [{ name }] }, 30000));
  if (res.errorCode !== ErrorCode.NONE) throw executionError(args, res.errorCode, res.errorMessage);
  // DescribeUserScramCredentialsResult.users(): every result but RESOURCE_NOT_FOUND.
  for (const r of res.results.filter((x) => x.errorCode !== ErrorCode.RESOURCE_NOT_FOUND)) {
    if (r.errorCode !== ErrorCode.NONE) {
      console.log(`Error retrieving SCRAM credential configs for user-principal '${r.user}': ${exceptionClass(r.errorCode)}: ${r.errorMessage}`);
      continue;
    }
    const text = r.credentialInfos.map((i) => `${scramMechanismFromType(i.mechanism) ?? 'UNKNOWN'}=iterations=${i.iterations}`).join(', ');
    console.log(`SCRAM credential configs for user-principal '${r.user}' are ${text}`);
  }
}
