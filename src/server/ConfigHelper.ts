/**
 * kafka.server.ConfigHelper's config entries: what DescribeConfigs (and CreateTopics v5+, for the created topic)
 * report for each topic or broker config: value, source, synonyms, read-only and sensitive flags, and (v3+) the
 * config's type and documentation. Dynamic broker configs are not supported, so the synonyms are the static
 * (server.properties) values and the defaults.
 */
import { ConfigType as ConfigDefType } from '../common/config/ConfigDef';
import { topicConfigBrokerSynonyms, topicConfigFallbackDefault, TOPIC_CONFIG_NAMES } from '../log/TopicConfig';
import { TOPIC_CONFIG_DOCS } from '../log/TopicConfigDocs';
import { ConfigSource, DescribeConfigsResourceConfig, DescribeConfigsSynonym } from '../protocol/apis/32-describe-configs';
import { KafkaConfig } from './config/KafkaConfig';

/** DynamicBrokerConfig.brokerConfigSynonyms: broker keys that stand for the same setting, by priority. */
const BROKER_SYNONYM_GROUPS: readonly string[][] = [
  ['log.roll.ms', 'log.roll.hours'],
  ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
  ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
  ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
];

function brokerConfigSynonyms(name: string): readonly string[] {
  return BROKER_SYNONYM_GROUPS.find((g) => g.includes(name)) ?? [name];
}

/** DescribeConfigsResponse.ConfigType ids (ConfigHelper.configResponseType). */
export const DescribeConfigType: Readonly<Record<ConfigDefType | 'UNKNOWN', number>> = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
};

export class ConfigHelper {
  constructor(private readonly config: KafkaConfig) {}

  /** Every topic config of a topic with these overrides (ConfigHelper.allConfigs(logConfig)), by name. */
  topicConfigEntries(overrides: Readonly<Record<string, string>>, includeSynonyms: boolean, includeDocumentation: boolean): DescribeConfigsResourceConfig[] {
    return TOPIC_CONFIG_NAMES.map((n) => this.topicConfigEntry(n, overrides, includeSynonyms, includeDocumentation));
  }

  /** Every broker config (KafkaConfig.configNames) as this broker runs with it. */
  brokerConfigEntries(includeSynonyms: boolean, includeDocumentation: boolean): DescribeConfigsResourceConfig[] {
    return KafkaConfig.configNames().map((n) => this.brokerConfigEntry(n, includeSynonyms, includeDocumentation));
  }

  /** ConfigHelper.createTopicConfigEntry: the override, else the broker default it falls back to. */
  topicConfigEntry(
    name: string,
    overrides: Readonly<Record<string, string>>,
    includeSynonyms: boolean,
    includeDocumentation: boolean,
  ): DescribeConfigsResourceConfig {
    const brokerNames = topicConfigBrokerSynonyms(name);
    const synonyms = brokerNames.length > 0 ? this.configSynonyms(brokerNames[0], brokerNames, false) : [];
    const overridden = Object.prototype.hasOwnProperty.call(overrides, name);
    const value = overridden ? overrides[name] : this.topicDefault(name);
    if (overridden) synonyms.unshift({ name, value, source: ConfigSource.TOPIC_CONFIG });
    const configSource = synonyms.length > 0 ? synonyms[0].source : ConfigSource.DEFAULT_CONFIG;
    const def = TOPIC_CONFIG_DOCS[name];
    // The source is always reported; the synonyms only when the request asks for them (include_synonyms).
    return {
      name,
      value,
      readOnly: false,
      configSource,
      isSensitive: false,
      synonyms: includeSynonyms ? synonyms : [],
      configType: DescribeConfigType[def?.type ?? 'UNKNOWN'],
      documentation: includeDocumentation ? (def?.doc ?? null) : null,
    };
  }

  /**
   * ConfigHelper.createBrokerConfigEntry(perBrokerConfig = true): value from server.properties or the default, source from
   * the first synonym that has a value. read_only is true for every key: this broker applies no dynamic
   * broker config, so none can be changed without a restart.
   */
  brokerConfigEntry(name: string, includeSynonyms: boolean, includeDocumentation: boolean): DescribeConfigsResourceConfig {
    const key = KafkaConfig.configKey(name)!;
    const isSensitive = key.type === 'PASSWORD';
    const synonyms = this.configSynonyms(name, brokerConfigSynonyms(name), isSensitive);
    const configSource = synonyms.length > 0 ? synonyms[0].source : ConfigSource.DEFAULT_CONFIG;
    return {
      name,
      value: isSensitive ? null : this.config.valueString(name),
      readOnly: true,
      configSource,
      isSensitive,
      synonyms: includeSynonyms ? synonyms : [],
      configType: DescribeConfigType[key.type],
      documentation: includeDocumentation ? key.doc : null,
    };
  }

  /**
   * ConfigHelper.configSynonyms: the static (server.properties) values of every synonym, then their defaults,
   * from the first entry named `name` on (Kafka's dropWhile; e.g. a topic's retention.ms without an override
   * has none, since log.retention.ms itself has no default). Dynamic broker configs are not supported here.
   */
  private configSynonyms(name: string, names: readonly string[], isSensitive: boolean): DescribeConfigsSynonym[] {
    const all: DescribeConfigsSynonym[] = [];
    for (const n of names) {
      if (KafkaConfig.configKey(n) && this.config.isSupplied(n)) {
        all.push({ name: n, value: isSensitive ? null : this.config.valueString(n), source: ConfigSource.STATIC_BROKER_CONFIG });
      }
    }
    for (const n of names) {
      const def = KafkaConfig.configKey(n)?.defaultValue ?? null;
      if (def !== null) all.push({ name: n, value: isSensitive ? null : def, source: ConfigSource.DEFAULT_CONFIG });
    }
    const from = all.findIndex((s) => s.name === name);
    return from < 0 ? [] : all.slice(from);
  }

  /** The value a topic without an override gets (KafkaServer.copyKafkaConfigToLog, then LogConfig defaults). */
  private topicDefault(name: string): string | null {
    const c = this.config;
    switch (name) {
      case 'retention.ms':
        return String(c.logRetentionTimeMillis);
      case 'segment.ms':
        return String(c.logRollTimeMillis);
      case 'segment.jitter.ms':
        return String(c.logRollTimeJitterMillis);
      case 'flush.ms':
        return String(c.logFlushIntervalMs);
      default: {
        const key = topicConfigBrokerSynonyms(name)[0];
        if (key && KafkaConfig.configKey(key)) return c.valueString(key);
        return topicConfigFallbackDefault(name);
      }
    }
  }
}
