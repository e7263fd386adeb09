/**
 * The consumer properties of kafka-console-consumer (--consumer-property and --consumer.config): which
 * ones reach the kafkajs consumer, which ones this tool applies itself, and which ones are ignored.
 * Kafka's KafkaConsumer validates every known key (ConfigDef) and refuses bad values with a
 * ConfigException; keys it does not know it only logs at INFO ("were supplied but are not used yet",
 * AbstractConfig.logUnused), which the tools' log4j setup (WARN) hides. We validate the same way, and
 * since kafkajs cannot honour every key Kafka knows, we say on stderr which ones we ignore instead of
 * pretending to apply them.
 */
import { APPLIED_SECURITY_KEYS } from './ClientSecurityConfig';
import { CommandError } from './CommandUtils';

/** What the kafkajs consumer and the tool take from the properties. */
export interface ConsoleConsumerSettings {
  sessionTimeout: number;
  heartbeatInterval: number;
  rebalanceTimeout?: number;
  maxWaitTimeInMs: number;
  minBytes?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
  allowAutoTopicCreation: boolean;
  /** Set only when the properties give isolation.level (--isolation-level wins over it, as in Kafka). */
  isolationLevel?: 'read_committed' | 'read_uncommitted';
  /** WARN lines for the keys given but not applied. */
  warnings: string[];
}

/** Kafka's ConfigException text: "Invalid value <v> for configuration <k>: <why>". */
function configError(key: string, value: string, why: string): never {
  throw new CommandError(
    `Unknown error when running consumer: org.apache.kafka.common.config.ConfigException: Invalid value ${value} for configuration ${key}: ${why}`,
  );
}

/** ConfigDef's INT parsing and atLeast(min) validation. */
function intProp(props: Map<string, string>, key: string, min: number): number | undefined {
  const raw = props.get(key);
  if (raw === undefined) return undefined;
  const v = raw.trim();
  if (!/^[-+]?\d+$/.test(v) || Number(v) > 2147483647 || Number(v) < -2147483648) configError(key, raw, 'Not a number of type INT');
  const n = Number(v);
  if (n < min) configError(key, raw, `Value must be at least ${min}`);
  return n;
}

function boolProp(props: Map<string, string>, key: string): boolean | undefined {
  const raw = props.get(key);
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') configError(key, raw, 'Expected value to be either true or false');
  return v === 'true';
}

function oneOf(props: Map<string, string>, key: string, allowed: string[]): string | undefined {
  const raw = props.get(key);
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw.trim())) configError(key, raw, `String must be one of: ${allowed.join(', ')}`);
  return raw.trim();
}

/**
 * Keys of Kafka 3.7's ConsumerConfig that change nothing this tool prints or commits, accepted silently.
 * max.poll.records and auto.commit.interval.ms are among them: Kafka's ConsoleConsumer hands records out
 * one at a time and, on close, rewinds to the first record it did not print before the final commit
 * (ConsumerWrapper.resetUnconsumedOffsets), so how many records a poll returns and how often the
 * consumer commits in between never change which offsets the group ends up with; ours commits per
 * printed record.
 */
const NO_VISIBLE_EFFECT = new Set([
  'max.poll.records',
  'auto.commit.interval.ms',
  'key.deserializer',
  'value.deserializer',
  'check.crcs',
  'exclude.internal.topics',
  'internal.leave.group.on.close',
  'client.dns.lookup',
  'client.rack',
  'metadata.max.age.ms',
  'send.buffer.bytes',
  'receive.buffer.bytes',
  'reconnect.backoff.ms',
  'reconnect.backoff.max.ms',
  'retries',
  'retry.backoff.ms',
  'retry.backoff.max.ms',
  'socket.connection.setup.timeout.ms',
  'socket.connection.setup.timeout.max.ms',
  'connections.max.idle.ms',
  'enable.metrics.push',
  'metrics.sample.window.ms',
  'metrics.num.samples',
  'metrics.recording.level',
  'metric.reporters',
  'auto.include.jmx.reporter',
]);

/** Keys this tool or createKafka apply (see buildConsumerSettings and kafka-console-consumer.ts). */
const APPLIED = new Set([
  'bootstrap.servers',
  'client.id',
  'group.id',
  'enable.auto.commit',
  'auto.offset.reset',
  'request.timeout.ms',
  'default.api.timeout.ms',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'max.poll.interval.ms',
  'fetch.max.wait.ms',
  'fetch.min.bytes',
  'fetch.max.bytes',
  'max.partition.fetch.bytes',
  'allow.auto.create.topics',
  'isolation.level',
]);

/** Keys Kafka's consumer knows and would act on, but kafkajs cannot: reported as ignored. */
function unsupported(key: string): boolean {
  if (APPLIED_SECURITY_KEYS.has(key)) return false; // createKafka applies them (ClientSecurityConfig.ts)
  return (
    key.startsWith('ssl.') ||
    key.startsWith('sasl.') ||
    [
      'security.protocol',
      'security.providers',
      'partition.assignment.strategy',
      'group.instance.id',
      'group.protocol',
      'group.remote.assignor',
      'interceptor.classes',
      'rebalance.timeout.ms',
    ].includes(key)
  );
}

/** A log4j line as Kafka's tools print it on stderr: "[2026-12-07 06:20:00,123] WARN msg (logger)". */
export function log4jLine(level: 'WARN' | 'ERROR', message: string, logger: string): string {
  const ts = new Date().toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
  return `[${ts}] ${level} ${message} (${logger})\n`;
}

/**
 * --isolation-level: ConsoleConsumer puts it into the consumer properties as isolation.level, so KafkaConsumer's
 * ConfigDef validates it (ValidString.in(read_committed, read_uncommitted)) like the property.
 */
export function isolationLevelOf(value: string): 'read_committed' | 'read_uncommitted' {
  return oneOf(new Map([['isolation.level', value]]), 'isolation.level', ['read_committed', 'read_uncommitted']) as 'read_committed' | 'read_uncommitted';
}

export function buildConsumerSettings(props: Map<string, string>): ConsoleConsumerSettings {
  const warnings: string[] = [];
  // Validated as KafkaConsumer's ConfigDef does, even where the value changes nothing visible.
  intProp(props, 'max.poll.records', 1);
  intProp(props, 'auto.commit.interval.ms', 0);
  intProp(props, 'request.timeout.ms', 0);
  intProp(props, 'default.api.timeout.ms', 0);
  boolProp(props, 'enable.auto.commit');
  const reset = oneOf(props, 'auto.offset.reset', ['latest', 'earliest', 'none']);
  if (reset === 'none') warnings.push("auto.offset.reset=none is not supported by this tool; partitions without a committed offset start at 'latest'.");
  const isolation = oneOf(props, 'isolation.level', ['read_committed', 'read_uncommitted']) as ConsoleConsumerSettings['isolationLevel'];
  const ignored = [...props.keys()].filter((k) => unsupported(k));
  if (ignored.length > 0) warnings.push(`These consumer configurations are not supported by this tool and were ignored: ${ignored.join(', ')}`);
  const unknown = [...props.keys()].filter((k) => !APPLIED.has(k) && !APPLIED_SECURITY_KEYS.has(k) && !NO_VISIBLE_EFFECT.has(k) && !unsupported(k));
  if (unknown.length > 0) warnings.push(`These configurations '[${unknown.join(', ')}]' were supplied but are not used yet.`);
  return {
    // Our tool's defaults (a short session so a killed tool leaves its group quickly; Kafka's fetch.max.wait.ms).
    sessionTimeout: intProp(props, 'session.timeout.ms', -2147483648) ?? 10000,
    heartbeatInterval: intProp(props, 'heartbeat.interval.ms', -2147483648) ?? 1000,
    // Kafka sends max.poll.interval.ms as the JoinGroup rebalance timeout.
    rebalanceTimeout: intProp(props, 'max.poll.interval.ms', 1),
    maxWaitTimeInMs: intProp(props, 'fetch.max.wait.ms', 0) ?? 500,
    minBytes: intProp(props, 'fetch.min.bytes', 0),
    maxBytes: intProp(props, 'fetch.max.bytes', 0),
    maxBytesPerPartition: intProp(props, 'max.partition.fetch.bytes', 0),
    allowAutoTopicCreation: boolProp(props, 'allow.auto.create.topics') ?? false,
    isolationLevel: isolation,
    warnings,
  };
}
