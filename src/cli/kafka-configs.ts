/**
 * kafka-configs (Kafka's ConfigCommand): --describe [--all] and --alter --add-config/--delete-config for
 * topics and brokers (and the cluster-wide broker default) through DescribeConfigs/AlterConfigs, and for
 * topics and brokers through ZooKeeper with --zookeeper (users, clients and ips: ConfigCommandQuotas), writing
 * /config/<type>/<name> and a /config/changes/config_change_ notification as AdminZkClient does.
 * An alter sends AlterConfigs with the merged set of dynamic configs, as Kafka 3.7's ConfigCommand does for brokers.
 */
import { Command } from 'commander';
import { Admin } from 'kafkajs';
import { configureLogging } from '../common/logger';
import { sanitize } from '../common/Sanitizer';
import { AlterConfigsApi, DescribeConfigsApi } from '../protocol/apis';
import { ConfigResourceType } from '../protocol/apis/32-describe-configs';
import { errorInfo } from '../protocol/errors';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import * as D from '../zk/ZkData';
import { ZooKeeperClient } from '../zk/ZooKeeperClient';
import { describeCluster, sendToAny } from './AdminRequests';
import { CommandError, brokerList, collect, createKafka, fail, loadProps, runTool } from './CommandUtils';
import { parseConfigsToBeAdded } from './ConfigCommandUsers';
import { isClientQuotaCommand, runClientQuotaCommand } from './ConfigCommandQuotas';
import { alterBrokersWithZk, checkSensitiveEntries, describeBrokersWithZk } from './ConfigCommandBrokers';

interface Opts {
  bootstrapServer?: string;
  zookeeper?: string;
  commandConfig?: string;
  entityType?: string;
  entityName?: string;
  entityDefault?: boolean;
  describe?: boolean;
  alter?: boolean;
  addConfig?: string;
  addConfigFile?: string;
  deleteConfig: string[];
  all?: boolean;
  topic?: string;
  broker?: string;
  brokerDefaults?: boolean;
  user?: string;
  client?: string;
}

const ENTITY_TYPES = ['topics', 'clients', 'users', 'brokers', 'broker-loggers', 'ips'];
/** DescribeConfigsResponse ConfigSource names (ConfigEntry.ConfigSource). */
const SOURCES = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
];

function entity(o: Opts): { type: string; name: string | null; isDefault: boolean } {
  const shortcuts: [string | boolean | undefined, string][] = [
    [o.topic, 'topics'],
    [o.broker, 'brokers'],
    [o.brokerDefaults, 'brokers'],
    [o.user, 'users'],
    [o.client, 'clients'],
  ];
  const given = shortcuts.filter(([v]) => v !== undefined && v !== false);
  if (given.length > 0) {
    const [v, type] = given[0];
    return { type, name: typeof v === 'string' ? v : null, isDefault: v === true };
  }
  if (!o.entityType) fail('At least one of --entity-type, --topic, --broker, --broker-defaults, --user or --client must be specified');
  if (!ENTITY_TYPES.includes(o.entityType)) fail(`Invalid entity type ${o.entityType}, the entity type must be one of ${ENTITY_TYPES.join(', ')}`);
  return { type: o.entityType, name: o.entityName ?? null, isDefault: !!o.entityDefault };
}

function singular(type: string): string {
  return type === 'broker-loggers' ? 'broker-logger' : type.replace(/s$/, '');
}

function resourceType(type: string): number {
  if (type === 'topics') return ConfigResourceType.TOPIC;
  if (type === 'brokers') return ConfigResourceType.BROKER;
  if (type === 'broker-loggers') return ConfigResourceType.BROKER_LOGGER;
  return fail(
    `The broker does not support ${type === 'ips' ? 'DESCRIBE_CLIENT_QUOTAS' : 'DESCRIBE_CLIENT_QUOTAS'} for entity type ${type}; use --zookeeper for ${type}`,
  );
}

type Entry = { name: string; value: string | null; sensitive: boolean; source: number; synonyms: { name: string; value: string | null; source: number }[] };

/**
 * Where KafkaAdminClient sends a config request: a named broker's resource to that broker (only it describes its own
 * configs), anything else (topics, the cluster-wide broker default '') to any broker. Our own requests, not kafkajs':
 * kafkajs refuses the empty resource name of the broker default ("Invalid resource name").
 */
async function configTarget(bootstrap: string[], type: string, name: string): Promise<string[]> {
  if (type !== 'brokers' || name === '') return bootstrap;
  const broker = (await describeCluster(bootstrap)).brokers.find((b) => String(b.id) === name);
  if (!broker) throw new CommandError(`Error while executing config command with args: Broker ${name} is not in the cluster`);
  return [`${broker.host}:${broker.port}`];
}

async function resourceConfig(bootstrap: string[], type: string, name: string, all: boolean): Promise<Entry[]> {
  const res = await sendToAny(await configTarget(bootstrap, type, name), DescribeConfigsApi, 4, {
    resources: [{ resourceType: resourceType(type), resourceName: name, configurationKeys: null }],
    includeSynonyms: true,
    includeDocumentation: false,
  });
  const r = res.results[0];
  if (r.errorCode !== 0) throw new CommandError(`Error while executing config command with args: ${r.errorMessage ?? errorInfo(r.errorCode).message}`);
  const wanted = type === 'topics' ? 1 : name === '' ? 3 : 2;
  return r.configs
    .map((e) => ({
      name: e.name,
      value: e.value,
      sensitive: e.isSensitive,
      source: e.configSource,
      synonyms: e.synonyms.map((sy) => ({ name: sy.name, value: sy.value, source: sy.source })),
    }))
    .filter((e) => all || e.source === wanted)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function describeViaAdmin(admin: Admin, bootstrap: string[], type: string, name: string | null, isDefault: boolean, all: boolean): Promise<void> {
  let names: string[];
  if (isDefault) names = [''];
  else if (name !== null) names = [name];
  else if (type === 'topics') names = (await admin.listTopics()).sort();
  else names = [...(await admin.describeCluster()).brokers.map((b) => String(b.nodeId)).sort(), ''];
  if (type === 'topics' && name !== null && !(await admin.listTopics()).includes(name)) fail(`Topic '${name}' does not exist as expected`);
  for (const n of names) {
    if (n === '') console.log(`Default configs for ${type} in the cluster are:`);
    else console.log(`${all ? 'All' : 'Dynamic'} configs for ${singular(type)} ${n} are:`);
    for (const e of await resourceConfig(bootstrap, type, n, all)) {
      const syn = e.synonyms.map((s) => `${SOURCES[s.source] ?? 'UNKNOWN'}:${s.name}=${s.value}`).join(', ');
      console.log(`  ${e.name}=${e.sensitive ? null : e.value} sensitive=${e.sensitive} synonyms={${syn}}`);
    }
  }
}

async function alterViaAdmin(
  admin: Admin,
  bootstrap: string[],
  type: string,
  name: string | null,
  isDefault: boolean,
  add: Map<string, string>,
  del: string[],
): Promise<void> {
  if (name === null && !isDefault) fail(`an entity name must be specified with --alter of ${type}`);
  const n = isDefault ? '' : name!;
  if (type === 'topics' && !(await admin.listTopics()).includes(n)) fail(`Topic '${n}' does not exist as expected`);
  const current = new Map<string, string | null>((await resourceConfig(bootstrap, type, n, false)).map((e) => [e.name, e.value]));
  const invalid = del.filter((k) => !current.has(k));
  if (invalid.length > 0) fail(`Invalid config(s): ${invalid.join(',')}`);
  for (const k of del) current.delete(k);
  for (const [k, v] of add) current.set(k, v);
  if (type === 'brokers') checkSensitiveEntries(current); // dynconfig: ConfigCommand.alterConfig's sensitive-entries check
  const res = await sendToAny(await configTarget(bootstrap, type, n), AlterConfigsApi, 2, {
    validateOnly: false,
    resources: [{ resourceType: resourceType(type), resourceName: n, configs: [...current].map(([k, v]) => ({ name: k, value: v ?? '' })) }],
  });
  const r = res.responses[0];
  if (r.errorCode !== 0) throw new CommandError(`Error while executing config command with args: ${r.errorMessage ?? errorInfo(r.errorCode).message}`);
  if (isDefault) console.log(`Completed updating default config for ${type} in the cluster.`);
  else console.log(`Completed updating config for ${singular(type)} ${n}.`);
}

async function runZk(o: Opts, type: string, name: string | null, isDefault: boolean, add: Map<string, string>, del: string[]): Promise<void> {
  configureLogging({ level: 'ERROR', files: false, stream: process.stderr });
  if (type === 'broker-loggers') fail('--zookeeper does not support broker-loggers');
  let zk: KafkaZkClient;
  try {
    zk = await KafkaZkClient.create(o.zookeeper!, 30000, 10000, '[kafka-configs] ');
  } catch (e) {
    throw new CommandError(`Timed out waiting for connection to ZooKeeper ${o.zookeeper}: ${(e as Error).message}`);
  }
  try {
    if (type === 'brokers') {
      // dynconfig: ConfigCommandBrokers (only while the brokers are down; passwords encrypted with password.encoder.secret).
      await (o.describe ? describeBrokersWithZk(zk, name, isDefault) : alterBrokersWithZk(zk, name, isDefault, add, del, process.argv.slice(2)));
      return;
    }
    const zkName = isDefault ? '<default>' : name !== null ? (type === 'users' || type === 'clients' ? sanitize(name) : name) : null;
    if (o.describe) {
      const names = zkName !== null ? [zkName] : (await zk.getChildren(D.ConfigEntityTypeZNode.path(type)).catch(() => [])).sort();
      for (const n of names) {
        const cfg = await zk.getEntityConfigs(type, n);
        console.log(
          `Configs for ${singular(type)} '${n}' are ${Object.entries(cfg)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')}`,
        );
      }
      return;
    }
    if (zkName === null) fail(`an entity name must be specified with --alter of ${type}`);
    if (type === 'topics' && !(await zk.topicExists(zkName))) fail(`Topic '${zkName}' does not exist as expected`);
    const cfg = await zk.getEntityConfigs(type, zkName);
    const invalid = del.filter((k) => !(k in cfg));
    if (invalid.length > 0) fail(`Invalid config(s): ${invalid.join(',')}`);
    for (const k of del) delete cfg[k];
    for (const [k, v] of add) cfg[k] = v;
    await zk.setOrCreateEntityConfigs(type, zkName, cfg);
    // AdminZkClient.changeEntityConfig: a sequential change notification the brokers watch.
    const raw = await ZooKeeperClient.connect(o.zookeeper!, { sessionTimeoutMs: 30000, connectionTimeoutMs: 10000, logIdent: '[kafka-configs] ' });
    try {
      await raw.create(
        D.ConfigEntityChangeNotificationSequenceZNode.createPath,
        D.encodeConfigChangeNotification(`${type}/${zkName}`),
        'PERSISTENT_SEQUENTIAL',
      );
    } finally {
      await raw.close();
    }
    console.log(isDefault ? `Completed updating default config for ${type} in the cluster.` : `Completed updating config for ${singular(type)} ${name}.`);
  } finally {
    await zk.close().catch(() => undefined);
  }
}

async function execute(program: Command): Promise<number> {
  const o = program.opts<Opts>();
  // qadmin: users, clients and ips (quotas, SCRAM credentials, repeated --entity-type) follow ConfigCommand's own checks.
  if (isClientQuotaCommand(process.argv.slice(2))) {
    await runClientQuotaCommand(o, process.argv.slice(2));
    return 0;
  }
  if ([o.describe, o.alter].filter(Boolean).length !== 1) fail('Command must include exactly one action: --describe, --alter');
  if (!o.bootstrapServer && !o.zookeeper) fail('Only one of --bootstrap-server or --zookeeper must be specified');
  if (o.bootstrapServer && o.zookeeper) fail('Only one of --bootstrap-server or --zookeeper must be specified');
  const e = entity(o);
  if (o.entityName !== undefined && o.entityDefault) fail('--entity-name and --entity-default cannot be specified together');
  if (e.type === 'brokers' && e.name !== null && !/^\d+$/.test(e.name)) fail(`The entity name for brokers must be a valid integer broker id, found: ${e.name}`);
  const add = new Map([...loadProps(o.addConfigFile), ...(o.addConfig ? parseConfigsToBeAdded(o.addConfig) : new Map<string, string>())]);
  const del = o.deleteConfig
    .flatMap((d) => d.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (o.alter && add.size === 0 && del.length === 0) fail('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter');
  if (o.describe && (add.size > 0 || del.length > 0)) fail('Option "[add-config]" can\'t be used with option "[describe]"');
  if (o.zookeeper) {
    await runZk(o, e.type, e.name, e.isDefault, add, del);
    return 0;
  }
  const bootstrap = brokerList(o.bootstrapServer);
  const admin = createKafka(bootstrap, { clientId: 'kafka-configs', props: loadProps(o.commandConfig) }).admin();
  await admin.connect();
  try {
    if (o.describe) await describeViaAdmin(admin, bootstrap, e.type, e.name, e.isDefault, !!o.all);
    else await alterViaAdmin(admin, bootstrap, e.type, e.name, e.isDefault, add, del);
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function main(): void {
  const program = new Command('kafka-configs')
    .description('This tool helps to manipulate and describe entity config for a topic, client, user, broker, broker-logger or ip')
    .option('--bootstrap-server <String: server to connect to>', 'The Kafka server to connect to. This is required for describing and altering broker configs.')
    .option('--zookeeper <String: urls>', 'DEPRECATED. The connection string for the zookeeper connection in the form host:port.')
    .option('--command-config <String: command config property file>', 'Property file containing configs to be passed to Admin Client.')
    .option('--entity-type <String>', 'Type of entity (topics/clients/users/brokers/broker-loggers/ips)')
    .option('--entity-name <String>', 'Name of entity (topic name/client id/user principal name/broker id/ip)')
    .option('--entity-default', 'Default entity name for clients/users/brokers/ips (applies to corresponding entity type in command line)')
    .option('--describe', 'List configs for the given entity.')
    .option('--alter', 'Alter the configuration for the entity.')
    .option(
      '--add-config <String>',
      "Key Value pairs of configs to add. Square brackets can be used to group values which contain commas: 'k1=v1,k2=[v1,v2,v2],k3=v3'.",
    )
    .option('--add-config-file <String>', 'Path to a properties file with configs to add.')
    .option('--delete-config <String>', "config keys to remove 'k1,k2'", collect, [])
    .option('--all', 'List all configs for the given topic, broker, or broker-logger entity (includes static configuration when the entity type is brokers)')
    .option('--force', 'Suppress console prompts')
    .option('--topic <String: topic>', "The topic's name.")
    .option('--broker <String: broker-id>', "The broker's ID.")
    .option('--broker-defaults', 'The config defaults for all brokers.')
    .option('--user <String: user-principal>', "The user's principal name.")
    .option('--client <String: client-id>', "The client's ID.")
    .option('--user-defaults', 'The config defaults for all users.')
    .option('--client-defaults', 'The config defaults for all clients.')
    .option('--ip <String: ip>', 'The IP address.')
    .option('--ip-defaults', 'The config defaults for all IPs.');
  runTool(program, execute, 'Error while executing config command with args: ');
}

if (require.main === module) main();
