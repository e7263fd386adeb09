import { ErrorCode, KafkaError } from '../protocol/errors';

/**
 * Topic-level configs (org.apache.kafka.common.config.TopicConfig / kafka.log.LogConfig): the names a
 * topic override may use, their types, and the broker config each one falls back to.
 */
type Kind = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list';

interface TopicConfigDef {
  kind: Kind;
  serverDefault: string | null; // broker config key supplying the default
  validValues?: string[];
  min?: number;
  max?: number;
  /** LogConfig's own default, for configs without a broker key (or whose key we do not model). */
  defaultValue?: string;
}

const defs: Record<string, TopicConfigDef> = {
  'cleanup.policy': { kind: 'list', serverDefault: 'log.cleanup.policy', validValues: ['compact', 'delete'] },
  'compression.type': {
    kind: 'string',
    serverDefault: 'compression.type',
    validValues: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'],
  },
  'delete.retention.ms': { kind: 'long', serverDefault: 'log.cleaner.delete.retention.ms', min: 0 },
  'file.delete.delay.ms': { kind: 'long', serverDefault: 'log.segment.delete.delay.ms', min: 0 },
  'flush.messages': { kind: 'long', serverDefault: 'log.flush.interval.messages', min: 1 },
  'flush.ms': { kind: 'long', serverDefault: 'log.flush.interval.ms', min: 0 },
  'follower.replication.throttled.replicas': { kind: 'list', serverDefault: null, defaultValue: '' },
  'index.interval.bytes': { kind: 'int', serverDefault: 'log.index.interval.bytes', min: 0 },
  'leader.replication.throttled.replicas': { kind: 'list', serverDefault: null, defaultValue: '' },
  'local.retention.bytes': { kind: 'long', serverDefault: 'log.local.retention.bytes', min: -2, defaultValue: '-2' },
  'local.retention.ms': { kind: 'long', serverDefault: 'log.local.retention.ms', min: -2, defaultValue: '-2' },
  'max.compaction.lag.ms': { kind: 'long', serverDefault: 'log.cleaner.max.compaction.lag.ms', min: 1 },
  'max.message.bytes': { kind: 'int', serverDefault: 'message.max.bytes', min: 0 },
  'message.downconversion.enable': { kind: 'boolean', serverDefault: 'log.message.downconversion.enable' },
  'message.format.version': { kind: 'string', serverDefault: 'log.message.format.version' },
  'message.timestamp.after.max.ms': { kind: 'long', serverDefault: 'log.message.timestamp.after.max.ms', min: 0 },
  'message.timestamp.before.max.ms': { kind: 'long', serverDefault: 'log.message.timestamp.before.max.ms', min: 0 },
  'message.timestamp.difference.max.ms': { kind: 'long', serverDefault: 'log.message.timestamp.difference.max.ms', min: 0 },
  'message.timestamp.type': { kind: 'string', serverDefault: 'log.message.timestamp.type', validValues: ['CreateTime', 'LogAppendTime'] },
  'min.cleanable.dirty.ratio': { kind: 'double', serverDefault: 'log.cleaner.min.cleanable.ratio', min: 0, max: 1 },
  'min.compaction.lag.ms': { kind: 'long', serverDefault: 'log.cleaner.min.compaction.lag.ms', min: 0 },
  'min.insync.replicas': { kind: 'int', serverDefault: 'min.insync.replicas', min: 1 },
  preallocate: { kind: 'boolean', serverDefault: 'log.preallocate' },
  'remote.storage.enable': { kind: 'boolean', serverDefault: null, defaultValue: 'false' },
  'retention.bytes': { kind: 'long', serverDefault: 'log.retention.bytes' },
  'retention.ms': { kind: 'long', serverDefault: 'log.retention.ms', min: -1 },
  'segment.bytes': { kind: 'int', serverDefault: 'log.segment.bytes', min: 14 },
  'segment.index.bytes': { kind: 'int', serverDefault: 'log.index.size.max.bytes', min: 4 },
  'segment.jitter.ms': { kind: 'long', serverDefault: 'log.roll.jitter.ms', min: 0 },
  'segment.ms': { kind: 'long', serverDefault: 'log.roll.ms', min: 1 },
  'unclean.leader.election.enable': { kind: 'boolean', serverDefault: 'unclean.leader.election.enable' },
};

export const TOPIC_CONFIG_NAMES: readonly string[] = Object.keys(defs).sort();

export function isTopicConfig(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(defs, name);
}

/** LogConfig's own default for a config with no broker key we model (DescribeConfigs), else null. */
export function topicConfigFallbackDefault(name: string): string | null {
  return defs[name]?.defaultValue ?? null;
}

/** Whether a config is a list (IncrementalAlterConfigs APPEND/SUBTRACT only apply to lists). */
export function isListTopicConfig(name: string): boolean {
  return defs[name]?.kind === 'list';
}

/**
 * Broker keys that supply a topic config's default, highest priority first (LogConfig.TopicConfigSynonyms):
 * DescribeConfigs lists them as synonyms and takes the source from the first one that is set.
 */
export function topicConfigBrokerSynonyms(name: string): string[] {
  switch (name) {
    case 'retention.ms':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
    case 'segment.ms':
      return ['log.roll.ms', 'log.roll.hours'];
    case 'segment.jitter.ms':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
    case 'flush.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    default: {
      const key = defs[name]?.serverDefault;
      return key ? [key] : [];
    }
  }
}

/**
 * Validates topic overrides as Kafka's LogConfig.validate does; throws KafkaError(INVALID_CONFIG) with a
 * message that names the key.
 */
export function validateTopicConfigs(configs: Record<string, string>): void {
  for (const [name, value] of Object.entries(configs)) {
    const def = defs[name];
    if (!def) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
    const bad = (why: string) => new KafkaError(ErrorCode.INVALID_CONFIG, `Invalid value ${value} for configuration ${name}: ${why}`);
    const v = value.trim();
    switch (def.kind) {
      case 'int':
      case 'long': {
        if (!/^-?\d+$/.test(v)) throw bad(`Not a number of type ${def.kind.toUpperCase()}`);
        const n = Number(v);
        if (def.kind === 'int' && (n > 2147483647 || n < -2147483648)) throw bad('Not a number of type INT');
        if (def.min !== undefined && n < def.min) throw bad(`Value must be at least ${def.min}`);
        break;
      }
      case 'double': {
        const n = Number(v);
        if (v === '' || Number.isNaN(n)) throw bad('Not a number of type DOUBLE');
        if (def.min !== undefined && n < def.min) throw bad(`Value must be at least ${def.min}`);
        if (def.max !== undefined && n > def.max) throw bad(`Value must be no more than ${def.max}`);
        break;
      }
      case 'boolean':
        if (v.toLowerCase() !== 'true' && v.toLowerCase() !== 'false') throw bad('Expected value to be either true or false');
        break;
      case 'string':
        if (def.validValues && !def.validValues.includes(v)) throw bad(`String must be one of: ${def.validValues.join(', ')}`);
        break;
      case 'list':
        if (def.validValues) {
          for (const item of v.split(',').map((s) => s.trim())) {
            if (!def.validValues.includes(item)) throw bad(`[${item}] is not a valid value. Valid values are [${def.validValues.join(', ')}]`);
          }
        }
        break;
    }
  }
}
