/**
 * kafka-configs for users, clients and ips (Kafka 3.7's ConfigCommand): client quotas and user SCRAM credentials.
 * - The entity: `--entity-type users|clients|ips` (repeatable: users and clients together name a <user, client-id>),
 *   each with `--entity-name N` or `--entity-default` in command-line order, or the flags `--user U`, `--client C`,
 *   `--ip I` and their `--*-defaults` (ConfigCommandOptions.entityTypes / entityNames), checked by checkArgs.
 * - --bootstrap-server: quotas through DescribeClientQuotas / AlterClientQuotas (alterQuotaConfigs,
 *   describeQuotaConfigs), SCRAM credentials through ConfigCommandUsers; a user's keys are split as Kafka splits them.
 * - --zookeeper: only users (ZkSupportedConfigTypes is users and brokers), and only SCRAM keys may be altered.
 */
import { promises as dns } from 'dns';
import { isIP } from 'net';
import { configureLogging } from '../common/logger';
import { setDefaultClientSecurity } from '../network/NetworkClient';
import { AlterClientQuotasApi, DescribeClientQuotasApi } from '../protocol/apis';
import { MatchType, type DescribeClientQuotasComponent } from '../protocol/apis/48-describe-client-quotas';
import { ErrorCode } from '../protocol/errors';
import { isScramMechanism, type ScramMechanism } from '../security/scram/ScramCredential';
import { isClientOrUserQuotaConfig, parseJavaDouble } from '../server/ClientQuotaAdmin';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { clientSecurityFromProps } from './AdminClientSecurity';
import { sendToAny } from './AdminRequests';
import { CommandError, brokerList, fail, loadProps } from './CommandUtils';
import {
  ZK_DEPRECATION,
  adminCall,
  alterUserScramCredentialsWithAdmin,
  alterUsersWithZk,
  describeUsersWithAdmin,
  describeUsersWithZk,
  executionError,
  parseConfigsToBeAdded,
} from './ConfigCommandUsers';
import { javaHashMapOrder, javaStringHash } from './JavaHashMapOrder';
import { javaDoubleToString } from '../common/config/ConfigDef';

/** The options kafka-configs parsed that this path reads. */
export interface QuotaCommandOpts {
  bootstrapServer?: string;
  zookeeper?: string;
  commandConfig?: string;
  describe?: boolean;
  alter?: boolean;
  addConfig?: string;
  addConfigFile?: string;
  deleteConfig: string[];
  all?: boolean;
}

/** ConfigType names (ZkConfigManager's ConfigType.all) and the tool's extra types, in Kafka's order. */
const BROKER_SUPPORTED_TYPES = ['topics', 'clients', 'users', 'brokers', 'ips', 'broker-loggers', 'client-metrics'];
const ZK_SUPPORTED_TYPES = ['users', 'brokers'];
/** ConfigCommandOptions.entityFlags / entityDefaultsFlags, in their order. */
const ENTITY_FLAGS: Array<[string, string]> = [
  ['--topic', 'topics'],
  ['--client', 'clients'],
  ['--user', 'users'],
  ['--broker', 'brokers'],
  ['--broker-logger', 'broker-loggers'],
  ['--ip', 'ips'],
];
const DEFAULTS_FLAGS: Array<[string, string]> = [
  ['--client-defaults', 'clients'],
  ['--user-defaults', 'users'],
  ['--broker-defaults', 'brokers'],
  ['--ip-defaults', 'ips'],
];

/** The entity options of a command line, as joptsimple detected them. */
export interface EntityArgs {
  /** ConfigCommandOptions.entityTypes: every --entity-type, then the entity flags' types. */
  types: string[];
  /** ConfigCommandOptions.entityNames: --entity-name / --entity-default ('') in order, then the flags' names. */
  names: string[];
  /** --entity-type, --entity-name or --entity-default was given. */
  entityOptions: boolean;
  /** One of the specific entity flags (--user, --client-defaults, ...) was given. */
  entityFlags: boolean;
}

/** Scans the raw arguments for the entity options (commander keeps only the last of a repeated option). */
export function parseEntityArgs(args: readonly string[]): EntityArgs {
  const typeOpts: string[] = [];
  const nameOpts: string[] = [];
  const flagValues = new Map<string, string>();
  const flagsSeen = new Set<string>();
  const withValue = new Set(['--entity-type', '--entity-name', ...ENTITY_FLAGS.map(([f]) => f)]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const opt = eq > 0 ? a.substring(0, eq) : a;
    let value: string | undefined;
    if (withValue.has(opt)) value = eq > 0 ? a.substring(eq + 1) : args[++i];
    if (opt === '--entity-type' && value !== undefined) typeOpts.push(value);
    else if (opt === '--entity-name' && value !== undefined) nameOpts.push(value);
    else if (opt === '--entity-default') nameOpts.push('');
    else if (withValue.has(opt) && value !== undefined) {
      flagValues.set(opt, value);
      flagsSeen.add(opt);
    } else if (DEFAULTS_FLAGS.some(([f]) => f === opt)) flagsSeen.add(opt);
  }
  const flags = [...ENTITY_FLAGS, ...DEFAULTS_FLAGS].filter(([f]) => flagsSeen.has(f));
  return {
    types: [...typeOpts, ...flags.map(([, t]) => t)],
    names: [
      ...nameOpts,
      ...ENTITY_FLAGS.filter(([f]) => flagsSeen.has(f)).map(([f]) => flagValues.get(f)!),
      ...DEFAULTS_FLAGS.filter(([f]) => flagsSeen.has(f)).map(() => ''),
    ],
    entityOptions: args.some((a) => /^--entity-(type|name|default)(=|$)/.test(a)),
    entityFlags: flags.length > 0,
  };
}

/** Whether this command is about users, clients or ips (the quota entities; the commands this module runs). */
export function isClientQuotaCommand(args: readonly string[]): boolean {
  const { types } = parseEntityArgs(args);
  return types.includes('users') || types.includes('clients') || types.includes('ips');
}

/** ConfigCommandOptions.checkArgs, the parts that apply to users and clients; Kafka's messages. */
export function checkArgs(o: QuotaCommandOpts, e: EntityArgs): void {
  if ([o.describe, o.alter].filter(Boolean).length !== 1) fail('Command must include exactly one action: --describe, --alter');
  if (o.describe && (o.addConfig !== undefined || o.deleteConfig.length > 0)) {
    fail(`Option "[describe]" can't be used with option "[${o.addConfig !== undefined ? 'add-config' : 'delete-config'}]"`);
  }
  const dups = e.types.filter((t, i) => e.types.indexOf(t) !== i);
  if (dups.length > 0) fail(`Duplicate entity type(s) specified: ${[...new Set(dups)].join(',')}`);
  const [allowed, connect] =
    o.zookeeper === undefined ? [BROKER_SUPPORTED_TYPES, '--bootstrap-server or --bootstrap-controller'] : [ZK_SUPPORTED_TYPES, '--zookeeper'];
  for (const t of e.types) {
    if (!allowed.includes(t)) fail(`Invalid entity type ${t}, the entity type must be one of ${allowed.join(', ')} with a ${connect} argument`);
  }
  if (e.types.length > 1 && !(e.types.length === 2 && e.types.includes('users') && e.types.includes('clients'))) {
    fail("Only 'users' and 'clients' entity types may be specified together");
  }
  if (e.entityOptions && e.entityFlags) fail('--entity-{type,name,default} should not be used in conjunction with specific entity flags');
  const connects = [o.bootstrapServer, o.zookeeper].filter((x) => x !== undefined).length;
  if (connects === 0) fail('One of the required --bootstrap-server, --boostrap-controller, or --zookeeper arguments must be specified');
  if (connects > 1) fail('Only one of --bootstrap-server, --boostrap-controller, and --zookeeper can be specified');
  if (o.all && o.zookeeper !== undefined) fail('--bootstrap-server must be specified for --all');
  if (o.alter) {
    if (!e.names.some((n) => n.length > 0) && !e.names.includes('')) {
      fail('an entity-name or default entity must be specified with --alter of users, clients, brokers or ips');
    }
    if (o.addConfig !== undefined && o.addConfigFile !== undefined) fail('Only one of --add-config or --add-config-file must be specified');
    if (o.addConfig === undefined && o.addConfigFile === undefined && o.deleteConfig.length === 0) {
      fail('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter');
    }
  }
}

/**
 * checkArgs for ips: every named ip must be a valid IP or resolvable host (DynamicConfig.Ip.isValidIpEntity, which
 * resolves the name as InetAddress.getByName does).
 */
async function checkIpNames(e: EntityArgs): Promise<void> {
  if (!e.types.includes('ips')) return;
  for (const name of e.names.filter((n) => n.length > 0)) {
    if (isIP(name) !== 0) continue;
    const resolved = await dns.lookup(name).then(
      () => true,
      () => false,
    );
    if (!resolved) fail(`The entity name for ${e.types[0]} must be a valid IP or resolvable host, but it is: ${name}`);
  }
}

/** ConfigCommand.parseConfigsToBeAdded (file, then --add-config) with validatePropsKey. */
function configsToBeAdded(o: QuotaCommandOpts): Map<string, string> {
  const add = new Map([...loadProps(o.addConfigFile), ...(o.addConfig !== undefined ? parseConfigsToBeAdded(o.addConfig) : new Map<string, string>())]);
  for (const k of add.keys()) if (!/^[a-zA-Z0-9._-]*$/.test(k)) fail(`Invalid character found for config key: ${k}`);
  return add;
}

/** ConfigCommand.parseConfigsToBeDeleted: every --delete-config value split on ',' and trimmed. */
const configsToBeDeleted = (o: QuotaCommandOpts): string[] => o.deleteConfig.flatMap((d) => d.split(',')).map((s) => s.trim());

/** How Scala prints the collections in ConfigCommand's messages: a Set of added keys, a Buffer (or List()) of deleted ones. */
const scalaSet = (xs: readonly string[]): string => `Set(${xs.join(', ')})`;
const scalaBuffer = (xs: readonly string[], given: boolean): string => (given ? `ArrayBuffer(${xs.join(', ')})` : 'List()');

/** ClientQuotaEntity.USER / CLIENT_ID for the tool's entity types. */
const QUOTA_ENTITY_TYPE: Record<string, string> = { users: 'user', clients: 'client-id', ips: 'ip' };

/** ConfigCommand.getAllClientQuotasConfigs' filter: a name, the default (''), or any named entity (no name given). */
export function quotaFilter(types: readonly string[], names: readonly string[]): DescribeClientQuotasComponent[] {
  if (names.length > types.length) fail('More entity names specified than entity types');
  return types.map((t, i) => {
    const entityType = QUOTA_ENTITY_TYPE[t];
    if (entityType === undefined) fail(`Unexpected entity type ${t}`);
    const name = names[i];
    if (name === undefined) return { entityType, matchType: MatchType.SPECIFIED, match: null };
    if (name === '') return { entityType, matchType: MatchType.DEFAULT, match: null };
    return { entityType, matchType: MatchType.EXACT, match: name };
  });
}

type Described = { entity: Array<{ entityType: string; entityName: string | null }>; values: Array<{ key: string; value: number }> };

/** Admin.describeClientQuotas with ClientQuotaFilter.containsOnly: the entities, as the admin client's HashMap iterates them. */
async function describeClientQuotas(bootstrap: string[], args: readonly string[], types: readonly string[], names: readonly string[]): Promise<Described[]> {
  const components = quotaFilter(types, names);
  const res = await adminCall(args, () => sendToAny(bootstrap, DescribeClientQuotasApi, 1, { components, strict: true }, 30000));
  if (res.errorCode !== ErrorCode.NONE) throw executionError(args, res.errorCode, res.errorMessage);
  const entries = res.entries ?? [];
  // DescribeClientQuotasResponse.complete: HashMap<ClientQuotaEntity, HashMap<String, Double>>, sized to the answer.
  return javaHashMapOrder(entries, (e) => clientQuotaEntityHash(e.entity), entries.length).map((e) => ({
    entity: e.entity,
    values: javaHashMapOrder(e.values, (v) => javaStringHash(v.key), e.values.length),
  }));
}

/** ClientQuotaEntity.hashCode: Objects.hash(entries) = 31 + the map's hashCode (sum of key hash ^ value hash). */
function clientQuotaEntityHash(entity: ReadonlyArray<{ entityType: string; entityName: string | null }>): number {
  const byType = new Map(entity.map((e) => [e.entityType, e.entityName]));
  let h = 0;
  for (const [k, v] of byType) h = (h + (javaStringHash(k) ^ (v === null ? 0 : javaStringHash(v)))) | 0;
  return (31 + h) | 0;
}

/** ConfigCommand.describeQuotaConfigs: `Quota configs for user-principal 'alice', client-id 'app' are producer_byte_rate=1024.0`. */
export function quotaConfigsLine(d: Described): string {
  const part = (type: string, label: string): string[] => {
    const e = d.entity.find((x) => x.entityType === type);
    if (!e) return [];
    return [e.entityName !== null ? `${label} '${e.entityName}'` : `the default ${label}`];
  };
  const entity = [...part('user', 'user-principal'), ...part('client-id', 'client-id'), ...part('ip', 'ip')].join(', ');
  return `Quota configs for ${entity} are ${d.values.map((v) => `${v.key}=${javaDoubleToString(v.value)}`).join(', ')}`;
}

/** ConfigCommand.alterQuotaConfigs: the current quotas read back first (deletes of absent keys fail), then one alteration. */
async function alterQuotaConfigs(
  bootstrap: string[],
  args: readonly string[],
  types: readonly string[],
  names: readonly string[],
  add: ReadonlyMap<string, string>,
  del: readonly string[],
): Promise<void> {
  if (types.length !== names.length) fail('Exactly one entity name must be specified for every entity type');
  const current = (await describeClientQuotas(bootstrap, args, types, names))[0]?.values.map((v) => v.key) ?? [];
  const invalid = del.filter((k) => !current.includes(k));
  if (invalid.length > 0) fail(`Invalid config(s): ${invalid.join(',')}`);
  const ops = [...add].map(([key, value]) => {
    const v = parseJavaDouble(value);
    if (v === null) fail(`Cannot parse quota configuration value for ${key}: ${value}`);
    return { key, value: v, remove: false };
  });
  // ClientQuotaAlteration.Op(key, null): sent as value 0.0 with remove set.
  for (const key of del) ops.push({ key, value: 0, remove: true });
  const entity = types.map((t, i) => ({ entityType: QUOTA_ENTITY_TYPE[t], entityName: names[i] === '' ? null : names[i] }));
  const res = await adminCall(args, () => sendToAny(bootstrap, AlterClientQuotasApi, 1, { entries: [{ entity, ops }], validateOnly: false }, 60000));
  const failed = res.entries.find((e) => e.errorCode !== ErrorCode.NONE);
  if (failed) throw executionError(args, failed.errorCode, failed.errorMessage);
}

/** ConfigCommand.alterConfig, the users / clients case: SCRAM and quota keys checked and split as Kafka does. */
async function alterUsersOrClients(
  bootstrap: string[],
  args: readonly string[],
  types: readonly string[],
  names: readonly string[],
  add: ReadonlyMap<string, string>,
  del: readonly string[],
  deleteGiven: boolean,
): Promise<void> {
  const addKeys = [...add.keys()];
  const hasQuota = addKeys.some(isClientOrUserQuotaConfig) || del.some(isClientOrUserQuotaConfig);
  const scramAdd = addKeys.filter(isScramMechanism);
  const scramDel = del.filter(isScramMechanism);
  const unknownAdd = addKeys.filter((k) => !isScramMechanism(k) && !isClientOrUserQuotaConfig(k));
  const unknownDel = del.filter((k) => !isScramMechanism(k) && !isClientOrUserQuotaConfig(k));
  if (types[0] === 'clients' || types.length === 2) {
    if (unknownAdd.length > 0 || scramAdd.length > 0)
      fail(`Only quota configs can be added for 'clients' using --bootstrap-server. Unexpected config names: ${scalaSet([...unknownAdd, ...scramAdd])}`);
    if (unknownDel.length > 0 || scramDel.length > 0)
      fail(
        `Only quota configs can be deleted for 'clients' using --bootstrap-server. Unexpected config names: ${scalaBuffer([...unknownDel, ...scramDel], deleteGiven)}`,
      );
  } else {
    if (unknownAdd.length > 0)
      fail(`Only quota and SCRAM credential configs can be added for 'users' using --bootstrap-server. Unexpected config names: ${scalaSet(unknownAdd)}`);
    if (unknownDel.length > 0)
      fail(
        `Only quota and SCRAM credential configs can be deleted for 'users' using --bootstrap-server. Unexpected config names: ${scalaBuffer(unknownDel, deleteGiven)}`,
      );
    if (scramAdd.length > 0 || scramDel.length > 0) {
      if (names.includes('')) fail('The use of --entity-default or --user-defaults is not allowed with User SCRAM Credentials using --bootstrap-server.');
      if (hasQuota) fail("Cannot alter both quota and SCRAM credential configs simultaneously for 'users' using --bootstrap-server.");
    }
  }
  if (hasQuota) await alterQuotaConfigs(bootstrap, args, types, names, add, del);
  else {
    const scram = scramAdd.map((k) => [k, add.get(k)!] as [ScramMechanism, string]);
    await alterUserScramCredentialsWithAdmin(bootstrap, args, names[0], scram, scramDel as ScramMechanism[]);
  }
}

/** ConfigCommand.alterConfig for users, clients and ips over a broker, and its closing line. */
async function alterWithAdmin(
  bootstrap: string[],
  args: readonly string[],
  types: readonly string[],
  names: readonly string[],
  o: QuotaCommandOpts,
): Promise<void> {
  const add = configsToBeAdded(o);
  const del = configsToBeDeleted(o);
  if (types[0] === 'ips') {
    // DynamicConfig.Ip.names: connection_creation_rate only (for deletes too, under the same message).
    const unknown = [...add.keys(), ...del].filter((k) => k !== 'connection_creation_rate');
    if (unknown.length > 0)
      fail(`Only connection quota configs can be added for 'ips' using --bootstrap-server. Unexpected config names: ${unknown.join(',')}`);
    await alterQuotaConfigs(bootstrap, args, types, names, add, del);
  } else {
    await alterUsersOrClients(bootstrap, args, types, names, add, del, o.deleteConfig.length > 0);
  }
  // The first entity type and name as given on the command line.
  if (names[0] !== '') console.log(`Completed updating config for ${types[0].slice(0, -1)} ${names[0]}.`);
  else console.log(`Completed updating default config for ${types[0]} in the cluster.`);
}

/** ConfigCommand.describeClientQuotaAndUserScramCredentialConfigs. */
async function describeWithAdmin(bootstrap: string[], args: readonly string[], types: readonly string[], names: readonly string[]): Promise<void> {
  for (const d of await describeClientQuotas(bootstrap, args, types, names)) console.log(quotaConfigsLine(d));
  // SCRAM credentials only for users alone (ConfigCommand.describeQuotaConfigs for ips), not for the default user.
  if (types[0] === 'users' && !types.includes('clients') && !names.includes('')) await describeUsersWithAdmin(bootstrap, args, names[0] ?? null, false);
}

/** ConfigCommand.main for users, clients and ips: checkArgs, then the ZooKeeper or the broker path. */
export async function runClientQuotaCommand(o: QuotaCommandOpts, args: readonly string[]): Promise<void> {
  const e = parseEntityArgs(args);
  checkArgs(o, e);
  await checkIpNames(e);
  // ConfigCommand.parseClientQuotaEntity (ZooKeeper) / processCommand (broker): a name or default for every type.
  if (o.zookeeper !== undefined) {
    if (o.alter && e.names.length !== e.types.length) fail('--entity-name or --entity-default must be specified with each --entity-type for --alter');
    const name = e.names[0];
    // The ZooKeeper client's own log lines stay out of the tool's output.
    configureLogging({ level: 'ERROR', files: false, stream: process.stderr });
    let zk: KafkaZkClient;
    try {
      zk = await KafkaZkClient.create(o.zookeeper, 30000, 10000, '[kafka-configs] ');
    } catch (err) {
      console.log(ZK_DEPRECATION);
      throw new CommandError(`Timed out waiting for connection to ZooKeeper ${o.zookeeper}: ${(err as Error).message}`);
    }
    try {
      const isDefault = name === '';
      const userName = name === undefined || isDefault ? null : name;
      if (o.describe) await describeUsersWithZk(zk, userName, isDefault);
      else await alterUsersWithZk(zk, userName, isDefault, configsToBeAdded(o), configsToBeDeleted(o));
    } finally {
      await zk.close().catch(() => undefined);
    }
    return;
  }
  if (o.alter && e.types.length !== e.names.length) fail('An entity name must be specified for every entity type');
  // The admin client's security (--command-config): TLS and SASL for every request of this path.
  setDefaultClientSecurity(clientSecurityFromProps(loadProps(o.commandConfig)));
  const bootstrap = brokerList(o.bootstrapServer);
  if (o.describe) await describeWithAdmin(bootstrap, args, e.types, e.names);
  else await alterWithAdmin(bootstrap, args, e.types, e.names, o);
}
