/**
 * The static part of kafka.server.DynamicBrokerConfig (Kafka 3.7) and DynamicConfig.Broker: which broker keys may be
 * changed without a restart (AllDynamicConfigs), which only per broker (PerBrokerConfigs), the synonyms that stand
 * for one setting, and the checks a dynamic update goes through before it is stored (validateConfigs).
 */
import { ConfigException, ConfigKey, atLeast, parseType } from '../../common/config/ConfigDef';
import { KAFKA_CONFIG_DEFS } from './KafkaConfigDefs';

/** SslConfigs.RECONFIGURABLE_CONFIGS: keystores and truststores, updatable per listener only. */
export const DYNAMIC_SECURITY_CONFIGS: ReadonlySet<string> = new Set([
  'ssl.keystore.type',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.key.password',
  'ssl.truststore.type',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.truststore.certificates',
]);

/** LogCleaner.ReconfigurableConfigs (message.max.bytes among them: it sizes the cleaner's buffers too). */
const LOG_CLEANER_CONFIGS = [
  'log.cleaner.threads',
  'log.cleaner.dedupe.buffer.size',
  'log.cleaner.io.buffer.load.factor',
  'log.cleaner.io.buffer.size',
  'message.max.bytes',
  'log.cleaner.io.max.bytes.per.second',
  'log.cleaner.backoff.ms',
];

/**
 * ServerTopicConfigSynonyms.TOPIC_CONFIG_SYNONYMS: topic config -> the broker key whose value a topic without an
 * override gets (DynamicLogConfig.ReconfigurableConfigs are these broker keys, log.message.format.version excluded).
 */
export const TOPIC_CONFIG_SYNONYMS: Readonly<Record<string, string>> = {
  'segment.bytes': 'log.segment.bytes',
  'segment.ms': 'log.roll.ms',
  'segment.jitter.ms': 'log.roll.jitter.ms',
  'segment.index.bytes': 'log.index.size.max.bytes',
  'flush.messages': 'log.flush.interval.messages',
  'flush.ms': 'log.flush.interval.ms',
  'retention.bytes': 'log.retention.bytes',
  'retention.ms': 'log.retention.ms',
  'max.message.bytes': 'message.max.bytes',
  'index.interval.bytes': 'log.index.interval.bytes',
  'delete.retention.ms': 'log.cleaner.delete.retention.ms',
  'min.compaction.lag.ms': 'log.cleaner.min.compaction.lag.ms',
  'max.compaction.lag.ms': 'log.cleaner.max.compaction.lag.ms',
  'file.delete.delay.ms': 'log.segment.delete.delay.ms',
  'min.cleanable.dirty.ratio': 'log.cleaner.min.cleanable.ratio',
  'cleanup.policy': 'log.cleanup.policy',
  'unclean.leader.election.enable': 'unclean.leader.election.enable',
  'min.insync.replicas': 'min.insync.replicas',
  'compression.type': 'compression.type',
  preallocate: 'log.preallocate',
  'message.format.version': 'log.message.format.version',
  'message.timestamp.type': 'log.message.timestamp.type',
  'message.timestamp.difference.max.ms': 'log.message.timestamp.difference.max.ms',
  'message.timestamp.before.max.ms': 'log.message.timestamp.before.max.ms',
  'message.timestamp.after.max.ms': 'log.message.timestamp.after.max.ms',
  'message.downconversion.enable': 'log.message.downconversion.enable',
  'local.retention.ms': 'log.local.retention.ms',
  'local.retention.bytes': 'log.local.retention.bytes',
};

/** DynamicLogConfig.ReconfigurableConfigs */
export const DYNAMIC_LOG_CONFIGS: ReadonlySet<string> = new Set(Object.values(TOPIC_CONFIG_SYNONYMS).filter((k) => k !== 'log.message.format.version'));

/**
 * DynamicThreadPool.ReconfigurableConfigs. Node runs requests on one event loop: these are validated as Kafka does
 * (at least 1, between half and double the current value), stored and described, and change nothing else here.
 */
export const DYNAMIC_THREAD_POOL_CONFIGS: readonly string[] = [
  'num.io.threads',
  'num.replica.fetchers',
  'num.recovery.threads.per.data.dir',
  'background.threads',
];

/**
 * DynamicListenerConfig.ReconfigurableConfigs. Only keystores/truststores (above) are applied live here; the others
 * are accepted when they leave the listeners as they are (see DynamicListenerChecks).
 */
const DYNAMIC_LISTENER_CONFIGS = [
  'advertised.listeners',
  'listeners',
  'listener.security.protocol.map',
  'principal.builder.class',
  'ssl.protocol',
  'ssl.provider',
  'ssl.cipher.suites',
  'ssl.enabled.protocols',
  'ssl.keystore.type',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.key.password',
  'ssl.truststore.type',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.keymanager.algorithm',
  'ssl.trustmanager.algorithm',
  'ssl.endpoint.identification.algorithm',
  'ssl.secure.random.implementation',
  'ssl.client.auth',
  'ssl.engine.factory.class',
  'sasl.mechanism.inter.broker.protocol',
  'sasl.jaas.config',
  'sasl.enabled.mechanisms',
  'sasl.kerberos.service.name',
  'sasl.kerberos.kinit.cmd',
  'sasl.kerberos.ticket.renew.window.factor',
  'sasl.kerberos.ticket.renew.jitter',
  'sasl.kerberos.min.time.before.relogin',
  'sasl.kerberos.principal.to.local.rules',
  'sasl.login.refresh.window.factor',
  'sasl.login.refresh.window.jitter',
  'sasl.login.refresh.min.period.seconds',
  'sasl.login.refresh.buffer.seconds',
  'max.connections',
  'max.connection.creation.rate',
  'num.network.threads',
];

/** SocketServer.ReconfigurableConfigs (connection limits; stored and described, not enforced by this broker). */
const SOCKET_SERVER_CONFIGS = ['max.connections.per.ip', 'max.connections.per.ip.overrides', 'max.connections', 'max.connection.creation.rate'];

/** DynamicBrokerConfig.AllDynamicConfigs: the keys DescribeConfigs reports with read_only=false. */
export const ALL_DYNAMIC_CONFIGS: ReadonlySet<string> = new Set([
  ...DYNAMIC_SECURITY_CONFIGS,
  ...LOG_CLEANER_CONFIGS,
  ...DYNAMIC_LOG_CONFIGS,
  ...DYNAMIC_THREAD_POOL_CONFIGS,
  'metric.reporters',
  ...DYNAMIC_LISTENER_CONFIGS,
  ...SOCKET_SERVER_CONFIGS,
  // ProducerStateManagerConfig.RECONFIGURABLE_CONFIGS, DynamicRemoteLogConfig.ReconfigurableConfigs
  'producer.id.expiration.ms',
  'transaction.partition.verification.enable',
  'remote.log.index.file.cache.total.size.bytes',
]);

const CLUSTER_LEVEL_LISTENER_CONFIGS: ReadonlySet<string> = new Set(['max.connections', 'max.connection.creation.rate', 'num.network.threads']);

/** PerBrokerConfigs: security and listener configs, which only make sense for one broker. */
const PER_BROKER_CONFIGS: ReadonlySet<string> = new Set(
  [...DYNAMIC_SECURITY_CONFIGS, ...DYNAMIC_LISTENER_CONFIGS].filter((k) => !CLUSTER_LEVEL_LISTENER_CONFIGS.has(k)),
);

/** DynamicBrokerConfig.ListenerMechanismConfigs: listener.name.<l>.<mechanism>.<config>. */
const LISTENER_MECHANISM_CONFIGS = [
  'sasl.jaas.config',
  'sasl.login.callback.handler.class',
  'sasl.login.class',
  'sasl.server.callback.handler.class',
  'connections.max.reauth.ms',
];

export const LISTENER_CONFIG_REGEX = /^listener\.name\.[^.]*\.(.*)$/;

/** DynamicConfig.Broker's own keys: the replication throttles, which exist only as dynamic configs. */
export const DYNAMIC_ONLY_BROKER_CONFIGS: ReadonlyMap<string, ConfigKey> = new Map(
  ['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second'].map((name) => [
    name,
    // ReplicationQuotaManagerConfig.QuotaBytesPerSecondDefault = Long.MaxValue
    { name, type: 'LONG', defaultValue: '9223372036854775807', validator: atLeast(0), importance: 'MEDIUM', doc: '' } satisfies ConfigKey,
  ]),
);

/** DynamicBrokerConfig.DynamicPasswordConfigs: a key is a password config when it ends with one of these. */
const DYNAMIC_PASSWORD_CONFIGS = [...ALL_DYNAMIC_CONFIGS].filter((k) => KAFKA_CONFIG_DEFS.get(k)?.type === 'PASSWORD');

export function isPasswordConfig(name: string): boolean {
  return DYNAMIC_PASSWORD_CONFIGS.some((p) => name.endsWith(p));
}

/** DynamicConfig.Broker.nonDynamicProps: KafkaConfig keys that are neither dynamic nor dynamic-only. */
export function isNonDynamicConfig(name: string): boolean {
  return KAFKA_CONFIG_DEFS.has(name) && !ALL_DYNAMIC_CONFIGS.has(name) && !DYNAMIC_ONLY_BROKER_CONFIGS.has(name);
}

/** DynamicBrokerConfig.brokerConfigSynonyms: the keys that stand for one setting, by priority. */
export function brokerConfigSynonyms(name: string, matchListenerOverride: boolean): string[] {
  switch (name) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours'];
    case 'log.roll.jitter.ms':
    case 'log.roll.jitter.hours':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
    default: {
      const m = LISTENER_CONFIG_REGEX.exec(name);
      if (m && matchListenerOverride) {
        const mechanismConfig = LISTENER_MECHANISM_CONFIGS.find((c) => m[1].endsWith(c));
        return [name, mechanismConfig ?? m[1]];
      }
      return [name];
    }
  }
}

/** KafkaConfig.configType: the key's own type, else (listener.name.<l>.<key>) its base key's; undefined if unknown. */
export function brokerConfigType(name: string): ConfigKey['type'] | undefined {
  const exact = KAFKA_CONFIG_DEFS.get(name) ?? DYNAMIC_ONLY_BROKER_CONFIGS.get(name);
  if (exact) return exact.type;
  for (const n of brokerConfigSynonyms(name, true)) {
    const t = KAFKA_CONFIG_DEFS.get(n)?.type;
    if (t) return t;
  }
  return undefined;
}

/** Set.toString as Scala prints it: Set(a, b). */
function scalaSet(names: Iterable<string>): string {
  return `Set(${[...names].join(', ')})`;
}

/** DynamicBrokerConfig.perBrokerConfigs */
export function perBrokerConfigs(names: Iterable<string>): string[] {
  return [...names].filter((n) => {
    if (PER_BROKER_CONFIGS.has(n)) return true;
    const m = LISTENER_CONFIG_REGEX.exec(n);
    return m !== null && !CLUSTER_LEVEL_LISTENER_CONFIGS.has(m[1]);
  });
}

/** DynamicBrokerConfig.nonDynamicConfigs / securityConfigsWithoutListenerPrefix */
export function nonDynamicConfigs(names: Iterable<string>): string[] {
  return [...names].filter(isNonDynamicConfig);
}

export function securityConfigsWithoutListenerPrefix(names: Iterable<string>): string[] {
  return [...names].filter((n) => DYNAMIC_SECURITY_CONFIGS.has(n));
}

/**
 * DynamicBrokerConfig.validateConfigTypes (DynamicConfig.Broker.validate on the keys with their listener prefix
 * removed): each known dynamic key's value parses as its type and passes its validator; unknown keys are allowed.
 */
export function validateConfigTypes(props: Readonly<Record<string, string>>): void {
  for (const [k, v] of Object.entries(props)) {
    const m = LISTENER_CONFIG_REGEX.exec(k);
    const base = m ? m[1] : k;
    const key = DYNAMIC_ONLY_BROKER_CONFIGS.get(base) ?? (ALL_DYNAMIC_CONFIGS.has(base) ? KAFKA_CONFIG_DEFS.get(base) : undefined);
    if (!key) continue;
    const parsed = parseType(base, v, key.type);
    key.validator?.ensureValid(base, parsed.value);
  }
}

/** DynamicBrokerConfig.validateConfigs: the checks of an update before the new KafkaConfig is even built. */
export function validateConfigs(props: Readonly<Record<string, string>>, perBrokerConfig: boolean): void {
  const check = (invalid: string[], message: string) => {
    if (invalid.length > 0) throw new ConfigException(`${message}: ${scalaSet(invalid)}`);
  };
  const names = Object.keys(props);
  check(nonDynamicConfigs(names), 'Cannot update these configs dynamically');
  check(securityConfigsWithoutListenerPrefix(names), 'These security configs can be dynamically updated only per-listener using the listener prefix');
  validateConfigTypes(props);
  if (!perBrokerConfig) check(perBrokerConfigs(names), 'Cannot update these configs at default cluster level, broker id must be specified');
}
