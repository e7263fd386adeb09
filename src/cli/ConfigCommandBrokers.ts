/**
 * kafka-configs for `--entity-type brokers` (Kafka 3.7's ConfigCommand):
 * - with --zookeeper, only while the affected broker(s) are down (validateBrokersNotRunning): the configs are checked
 *   as DynamicBrokerConfig.validateConfigs checks them, password configs are encrypted with the password.encoder.*
 *   configs given in --add-config (preProcessBrokerConfigs; those are never stored), and /config/brokers/<id|<default>>
 *   is written with a change notification (AdminZkClient.changeBrokerConfig);
 * - with --bootstrap-server, an alter re-sends the current dynamic set, so every sensitive entry (its value is never
 *   described) must be given again (ConfigCommand.alterConfig).
 */
import { ConfigException } from '../common/config/ConfigDef';
import { DEFAULT_BROKER_ENTITY } from '../server/config/DynamicBrokerConfig';
import { isPasswordConfig, validateConfigs } from '../server/config/DynamicBrokerConfigDefs';
import { EncryptingPasswordEncoder } from '../server/config/PasswordEncoder';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { javaPropertiesOrder } from '../zk/data/json';
import * as D from '../zk/ZkData';
import { CommandError, fail } from './CommandUtils';

const ZK_DEPRECATION =
  'Warning: --zookeeper is deprecated and will be removed in a future version of Kafka.\nUse --bootstrap-server instead to specify a broker to connect to.';

/** ConfigCommand.Entity.toString for brokers. */
function entityString(name: string | null): string {
  if (name === null) return 'brokers';
  return name === DEFAULT_BROKER_ENTITY ? 'default brokers' : `brokers '${name}'`;
}

/** Java's Properties.toString. */
function propertiesString(props: ReadonlyMap<string, string>): string {
  return `{${javaPropertiesOrder([...props.keys()])
    .map((k) => `${k}=${props.get(k)}`)
    .join(', ')}}`;
}

/** A Scala `require` failure: IllegalArgumentException("requirement failed: ..."), printed alone on stderr. */
function requireThat(ok: boolean, message: string): void {
  if (!ok) fail(`requirement failed: ${message}`);
}

/** ConfigCommand.validateBrokersNotRunning */
async function validateBrokersNotRunning(zk: KafkaZkClient, entityName: string, errorMessage: string): Promise<void> {
  const info = 'Broker configuration operations using ZooKeeper are only supported if the affected broker(s) are not running.';
  if (entityName !== DEFAULT_BROKER_ENTITY) {
    // AdminZkClient.parseBroker: a name that is not an int names no broker to check.
    if (!/^[+-]?\d+$/.test(entityName)) return;
    const id = Number(entityName);
    requireThat((await zk.getBroker(id)) === null, `${errorMessage} - broker ${id} is running. ${info}`);
  } else {
    const running = (await zk.getAllBrokersInCluster()).length;
    requireThat(running === 0, `${errorMessage} - ${running} brokers are running. ${info}`);
  }
}

/** A ConfigException escapes ConfigCommand.main's handled types: the generic error line, then the exception. */
function configError(e: unknown, args: readonly string[]): never {
  if (e instanceof ConfigException) {
    throw new CommandError(`Error while executing config command with args '${args.join(' ')}'\norg.apache.kafka.common.config.ConfigException: ${e.message}`);
  }
  throw e;
}

/** ConfigCommand.preProcessBrokerConfigs: password.encoder.* taken out of the set and used to encrypt the passwords. */
export function preProcessBrokerConfigs(add: Map<string, string>, perBrokerConfig: boolean): void {
  const encoderConfigs = new Map([...add].filter(([k]) => k.startsWith('password.encoder.')));
  for (const k of encoderConfigs.keys()) add.delete(k);
  validateConfigs(Object.fromEntries(add), perBrokerConfig);
  const passwordConfigs = [...add.keys()].filter(isPasswordConfig);
  if (passwordConfigs.length === 0) return;
  requireThat(
    encoderConfigs.has('password.encoder.secret'),
    `password.encoder.secret must be specified to update Set(${passwordConfigs.join(', ')}).` +
      ' Other password encoder configs like cipher algorithm and iterations may also be specified' +
      ' to override the default encoding parameters. Password encoder configs will not be persisted' +
      ' in ZooKeeper.',
  );
  // ConfigCommand.createPasswordEncoder: the default key factory; cipher, key length and iterations may be given.
  const encoder = new EncryptingPasswordEncoder(
    encoderConfigs.get('password.encoder.secret')!,
    null,
    encoderConfigs.get('password.encoder.cipher.algorithm') ?? 'AES/CBC/PKCS5Padding',
    Number(encoderConfigs.get('password.encoder.key.length') ?? 128),
    Number(encoderConfigs.get('password.encoder.iterations') ?? 4096),
  );
  for (const k of passwordConfigs) add.set(k, encoder.encode(add.get(k)!));
}

/** ConfigCommand.alterConfigWithZk for brokers. */
export async function alterBrokersWithZk(
  zk: KafkaZkClient,
  name: string | null,
  isDefault: boolean,
  add: Map<string, string>,
  del: string[],
  args: readonly string[],
): Promise<void> {
  console.log(ZK_DEPRECATION);
  if (name === null && !isDefault) fail('an entity-name or default entity must be specified with --alter of users, clients, brokers or ips');
  const entityName = isDefault ? DEFAULT_BROKER_ENTITY : name!;
  if (add.size > 0 || del.length > 0) {
    const deleted = del.length === 0 ? 'List()' : `ArrayBuffer(${del.join(', ')})`;
    await validateBrokersNotRunning(
      zk,
      entityName,
      `--bootstrap-server option must be specified to update brokers configs: {add: ${propertiesString(add)}, delete: ${deleted}}`,
    );
    try {
      preProcessBrokerConfigs(add, entityName !== DEFAULT_BROKER_ENTITY);
    } catch (e) {
      configError(e, args);
    }
  }
  const configs = await zk.getEntityConfigs(D.ConfigType.Broker, entityName);
  const invalid = del.filter((k) => !(k in configs));
  if (invalid.length > 0) fail(`Invalid config(s): ${invalid.join(',')}`);
  for (const [k, v] of add) configs[k] = v;
  for (const k of del) delete configs[k];
  await zk.setOrCreateEntityConfigs(D.ConfigType.Broker, entityName, configs);
  await zk.createConfigChangeNotification(`${D.ConfigType.Broker}/${entityName}`);
  console.log(`Completed updating config for entity: ${entityString(entityName)}.`);
}

/** ConfigCommand.describeConfigWithZk for brokers: the stored (encoded) values, only while the broker(s) are down. */
export async function describeBrokersWithZk(zk: KafkaZkClient, name: string | null, isDefault: boolean): Promise<void> {
  console.log(ZK_DEPRECATION);
  const entityName = isDefault ? DEFAULT_BROKER_ENTITY : (name ?? '');
  await validateBrokersNotRunning(zk, entityName, '--bootstrap-server option must be specified to describe brokers');
  const names = entityName !== '' ? [entityName] : (await zk.getChildren(D.ConfigEntityTypeZNode.path(D.ConfigType.Broker)).catch(() => [])).sort();
  for (const n of names) {
    const configs = await zk.getEntityConfigs(D.ConfigType.Broker, n);
    console.log(
      `Configs for ${entityString(n)} are ${Object.entries(configs)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
    );
  }
}

/**
 * ConfigCommand.alterConfig for brokers over the admin client: the described dynamic entries of a password config
 * have no value, so the user must give each of them again (else they would be overwritten with nothing).
 */
export function checkSensitiveEntries(entries: ReadonlyMap<string, string | null>): void {
  const missing = [...entries].filter(([, v]) => v === null).map(([k]) => k);
  if (missing.length > 0) {
    fail(`All sensitive broker config entries must be specified for --alter, missing entries: Set(${missing.join(', ')})`);
  }
}
