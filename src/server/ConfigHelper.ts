/**
 * kafka.server.ConfigHelper's config entries: what DescribeConfigs (and CreateTopics v5+, for the created topic)
 * report for each topic or broker config: value, source, synonyms, read-only and sensitive flags, and (v3+) the
 * config's type and documentation. Synonyms come in DynamicBrokerConfig's order of precedence: this broker's dynamic
 * value, the cluster-wide dynamic default, server.properties, the KafkaConfig default.
 */
import { ConfigType as ConfigDefType } from '../common/config/ConfigDef';
import { topicConfigBrokerSynonyms, topicConfigFallbackDefault, TOPIC_CONFIG_NAMES } from '../log/TopicConfig';
import { TOPIC_CONFIG_DOCS } from '../log/TopicConfigDocs';
import { ConfigSource, DescribeConfigsResourceConfig, DescribeConfigsSynonym } from '../protocol/apis/32-describe-configs';
import { ALL_DYNAMIC_CONFIGS, brokerConfigSynonyms, brokerConfigType } from './config/DynamicBrokerConfigDefs';
import { KafkaConfig } from './config/KafkaConfig';

/** The layers of a broker's config (DynamicBrokerConfig's maps), by precedence. */
export interface BrokerConfigLayers {
  /** The config as server.properties gave it. */
  readonly staticConfig: KafkaConfig;
  /** /config/brokers/<id> (decoded). */
  dynamicBroker(): Readonly<Record<string, string>>;
  /** /config/brokers/<default>. */
  dynamicDefault(): Readonly<Record<string, string>>;
}

/** A broker without dynamic configs. */
export function staticLayers(config: KafkaConfig): BrokerConfigLayers {
  return { staticConfig: config, dynamicBroker: () => ({}), dynamicDefault: () => ({}) };
}

const has = (o: Readonly<Record<string, unknown>>, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isDynamicSource = (s: number): boolean => s === ConfigSource.DYNAMIC_BROKER_CONFIG || s === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;

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
  constructor(
    private readonly config: KafkaConfig,
    private readonly layers: BrokerConfigLayers = staticLayers(config),
  ) {}

  /** Every topic config of a topic with these overrides (ConfigHelper.allConfigs(logConfig)), by name. */
  topicConfigEntries(overrides: Readonly<Record<string, string>>, includeSynonyms: boolean, includeDocumentation: boolean): DescribeConfigsResourceConfig[] {
    return TOPIC_CONFIG_NAMES.map((n) => this.topicConfigEntry(n, overrides, includeSynonyms, includeDocumentation));
  }

  /**
   * Every broker config as this broker runs with it (ConfigHelper.allConfigs: KafkaConfig's keys plus every other key
   * given statically or dynamically, e.g. listener.name.<l>.ssl.keystore.location).
   */
  brokerConfigEntries(includeSynonyms: boolean, includeDocumentation: boolean): DescribeConfigsResourceConfig[] {
    const names = KafkaConfig.configNames();
    const known = new Set(names);
    const extra = new Set([
      ...Object.keys(this.layers.staticConfig.originals),
      ...Object.keys(this.layers.dynamicDefault()),
      ...Object.keys(this.layers.dynamicBroker()),
    ]);
    const others = [...extra].filter((n) => !known.has(n)).sort();
    return [...names, ...others].map((n) => this.brokerConfigEntry(n, includeSynonyms, includeDocumentation));
  }

  /** The cluster-wide default resource (name ''): the dynamic default configs only, with their default-level synonyms. */
  defaultBrokerConfigEntries(includeSynonyms: boolean, includeDocumentation: boolean): DescribeConfigsResourceConfig[] {
    return Object.keys(this.layers.dynamicDefault())
      .sort()
      .map((n) => this.brokerConfigEntry(n, includeSynonyms, includeDocumentation, false));
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
    const dynamicDefault = synonyms.length > 0 && isDynamicSource(synonyms[0].source) ? synonyms[0].value : null;
    const overridden = Object.prototype.hasOwnProperty.call(overrides, name);
    // Without an override: the broker's current default (a dynamic one first: in KRaft mode it is not in this.config).
    const value = overridden ? overrides[name] : (dynamicDefault ?? this.topicDefault(name));
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
   * ConfigHelper.createBrokerConfigEntry: the value this broker runs with (a password's is null, as is any key whose
   * type is unknown), the source of the first synonym, read_only unless DynamicBrokerConfig.AllDynamicConfigs has it.
   * At the default level (perBrokerConfig false) only the DYNAMIC_DEFAULT_BROKER_CONFIG synonyms are listed.
   */
  brokerConfigEntry(name: string, includeSynonyms: boolean, includeDocumentation: boolean, perBrokerConfig = true): DescribeConfigsResourceConfig {
    const type = brokerConfigType(name);
    const key = KafkaConfig.configKey(name);
    // KafkaConfig.maybeSensitive: a key whose type cannot be determined is treated as sensitive.
    const isSensitive = type === undefined || type === 'PASSWORD';
    const allSynonyms = this.configSynonyms(name, brokerConfigSynonyms(name, true), isSensitive).filter(
      (s) => perBrokerConfig || s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
    );
    const configSource = allSynonyms.length > 0 ? allSynonyms[0].source : ConfigSource.DEFAULT_CONFIG;
    let value: string | null = null;
    if (!isSensitive) {
      if (allSynonyms.length > 0 && isDynamicSource(allSynonyms[0].source) && allSynonyms[0].name === name) value = allSynonyms[0].value;
      else if (key) value = this.config.valueString(name);
      else value = allSynonyms.find((s) => s.name === name)?.value ?? null;
    }
    return {
      name,
      value,
      readOnly: !ALL_DYNAMIC_CONFIGS.has(name),
      configSource,
      isSensitive,
      synonyms: includeSynonyms ? allSynonyms : [],
      configType: DescribeConfigType[type ?? 'UNKNOWN'],
      documentation: includeDocumentation ? (key?.doc ?? null) : null,
    };
  }

  /**
   * ConfigHelper.configSynonyms: every synonym's dynamic per-broker value, then dynamic default, static
   * (server.properties) and KafkaConfig default values, from the first entry named `name` on (Kafka's dropWhile; e.g.
   * a topic's retention.ms without an override has none when log.retention.ms itself is not set).
   */
  private configSynonyms(name: string, names: readonly string[], isSensitive: boolean): DescribeConfigsSynonym[] {
    const all: DescribeConfigsSynonym[] = [];
    const hide = (v: string | null) => (isSensitive ? null : v);
    const perBroker = this.layers.dynamicBroker();
    const defaults = this.layers.dynamicDefault();
    const st = this.layers.staticConfig;
    for (const n of names) if (has(perBroker, n)) all.push({ name: n, value: hide(perBroker[n]), source: ConfigSource.DYNAMIC_BROKER_CONFIG });
    for (const n of names) if (has(defaults, n)) all.push({ name: n, value: hide(defaults[n]), source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    for (const n of names) {
      if (!st.isSupplied(n)) continue;
      const v = KafkaConfig.configKey(n) ? st.valueString(n) : String(st.originals[n]);
      all.push({ name: n, value: hide(v), source: ConfigSource.STATIC_BROKER_CONFIG });
    }
    for (const n of names) {
      const def = KafkaConfig.configKey(n)?.defaultValue ?? null;
      if (def !== null) all.push({ name: n, value: hide(def), source: ConfigSource.DEFAULT_CONFIG });
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
