/**
 * DescribeConfigs, AlterConfigs and IncrementalAlterConfigs (Kafka's ZkAdminManager.describeConfigs /
 * alterConfigs / incrementalAlterConfigs in ZooKeeper mode). Topic configs live in /config/topics/<t>;
 * a change rewrites that znode and creates /config/changes/config_change_<n> so every broker (this one
 * included) applies it through its ZkConfigManager. Broker resources describe the static config from
 * server.properties; dynamic broker configs are not supported (altering them answers INVALID_REQUEST).
 */
import { getLogger, Logger } from '../../common/logger';
import { RequestContext, ResponseBody } from '../../network/RequestContext';
import { AlterConfigsApi, DescribeConfigsApi, IncrementalAlterConfigsApi } from '../../protocol/apis';
import {
  ConfigResourceType,
  ConfigSource,
  DescribeConfigsResourceConfig,
  DescribeConfigsResult,
  DescribeConfigsSynonym,
} from '../../protocol/apis/32-describe-configs';
import { AlterConfigsResourceResponse } from '../../protocol/apis/33-alter-configs';
import { AlterConfigOp, AlterableConfigOp } from '../../protocol/apis/44-incremental-alter-configs';
import { ErrorCode, KafkaError } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import * as Topic from '../../admin/Topic';
import {
  TOPIC_CONFIG_NAMES,
  isListTopicConfig,
  isTopicConfig,
  topicConfigBrokerSynonyms,
  topicConfigFallbackDefault,
  validateTopicConfigs,
} from '../../log/TopicConfig';
import { KafkaZkClient } from '../../zk/KafkaZkClient';
import { ConfigType } from '../../zk/ZkData';
import { encodeResponse } from '../../protocol/apis/types';
import { KafkaConfig } from '../config/KafkaConfig';
import { MetadataCache } from '../MetadataCache';

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

export class ConfigApis {
  private readonly log: Logger;

  constructor(
    private readonly config: KafkaConfig,
    private readonly zk: KafkaZkClient,
    private readonly metadataCache: MetadataCache,
  ) {
    this.log = getLogger('kafka.server.ZkAdminManager', `[Admin Manager on Broker ${config.brokerId}]: `);
  }

  // ---------------------------------------------------------------- DescribeConfigs

  async handleDescribeConfigs(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = DescribeConfigsApi.decodeRequest(r, v);
    const results: DescribeConfigsResult[] = [];
    for (const res of req.resources) {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      try {
        const all = await this.describeResource(res.resourceType, res.resourceName, req.includeSynonyms);
        const wanted = res.configurationKeys === null ? all : all.filter((c) => res.configurationKeys!.includes(c.name));
        results.push({ ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: wanted });
      } catch (e) {
        const err = this.toError(e, `describing configs of ${res.resourceName}`);
        results.push({ ...base, errorCode: err.code, errorMessage: err.message, configs: [] });
      }
    }
    return encodeResponse(DescribeConfigsApi, v, { throttleTimeMs: 0, results });
  }

  /** The configs of one resource (ZkAdminManager.describeConfigs). */
  private async describeResource(type: number, name: string, includeSynonyms: boolean): Promise<DescribeConfigsResourceConfig[]> {
    if (type === ConfigResourceType.TOPIC) {
      Topic.validate(name);
      if (!this.metadataCache.contains(name) && !(await this.zk.topicExists(name))) {
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist.`);
      }
      const overrides = await this.zk.getTopicConfig(name);
      return TOPIC_CONFIG_NAMES.map((n) => this.topicConfigEntry(n, overrides, includeSynonyms));
    }
    if (type === ConfigResourceType.BROKER) {
      if (name === '') return []; // no dynamic cluster-wide defaults (/config/brokers/<default>) are supported
      if (name !== String(this.config.brokerId)) {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${this.config.brokerId} or empty string, but received ${name}`);
      }
      return KafkaConfig.configNames().map((n) => this.brokerConfigEntry(n, includeSynonyms));
    }
    throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${type}`);
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

  /** ConfigHelper.createTopicConfigEntry: the override, else the broker default it falls back to. */
  private topicConfigEntry(name: string, overrides: Readonly<Record<string, string>>, includeSynonyms: boolean): DescribeConfigsResourceConfig {
    const brokerNames = topicConfigBrokerSynonyms(name);
    const synonyms = brokerNames.length > 0 ? this.configSynonyms(brokerNames[0], brokerNames, false) : [];
    const overridden = Object.prototype.hasOwnProperty.call(overrides, name);
    const value = overridden ? overrides[name] : this.topicDefault(name);
    if (overridden) synonyms.unshift({ name, value, source: ConfigSource.TOPIC_CONFIG });
    const configSource = synonyms.length > 0 ? synonyms[0].source : ConfigSource.DEFAULT_CONFIG;
    // The source is always reported; the synonyms only when the request asks for them (include_synonyms).
    return { name, value, readOnly: false, configSource, isSensitive: false, synonyms: includeSynonyms ? synonyms : [] };
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

  /**
   * ConfigHelper.createBrokerConfigEntry(perBrokerConfig = true): value from server.properties or the default, source from
   * the first synonym that has a value. read_only is true for every key: this broker applies no dynamic
   * broker config, so none can be changed without a restart.
   */
  private brokerConfigEntry(name: string, includeSynonyms: boolean): DescribeConfigsResourceConfig {
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
    };
  }

  // ---------------------------------------------------------------- AlterConfigs / IncrementalAlterConfigs

  async handleAlterConfigs(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = AlterConfigsApi.decodeRequest(r, v);
    const responses: AlterConfigsResourceResponse[] = [];
    for (const res of req.resources) {
      responses.push(
        await this.alterResource(res.resourceType, res.resourceName, req.validateOnly, async () => {
          // AlterConfigs replaces the whole set; null values are dropped (ZkAdminManager.alterTopicConfigs).
          const props: Record<string, string> = {};
          for (const c of res.configs) if (c.value !== null) props[c.name] = c.value;
          return props;
        }),
      );
    }
    return encodeResponse(AlterConfigsApi, v, { throttleTimeMs: 0, responses });
  }

  async handleIncrementalAlterConfigs(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = IncrementalAlterConfigsApi.decodeRequest(r, v);
    const responses: AlterConfigsResourceResponse[] = [];
    for (const res of req.resources) {
      responses.push(
        await this.alterResource(res.resourceType, res.resourceName, req.validateOnly, async () => {
          const current = await this.zk.getTopicConfig(res.resourceName);
          return applyIncrementalOps(current, res.configs);
        }),
      );
    }
    return encodeResponse(IncrementalAlterConfigsApi, v, { throttleTimeMs: 0, responses });
  }

  /** Validates the new topic config set and, unless validateOnly, writes it with a change notification. */
  private async alterResource(
    type: number,
    name: string,
    validateOnly: boolean,
    newProps: () => Promise<Record<string, string>>,
  ): Promise<AlterConfigsResourceResponse> {
    const base = { resourceType: type, resourceName: name };
    try {
      if (type === ConfigResourceType.BROKER) {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Dynamic broker configs are not supported by this broker: change server.properties and restart it');
      }
      if (type !== ConfigResourceType.TOPIC) {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `AlterConfigs is only supported for topics and brokers, but resource type is ${type}`);
      }
      Topic.validate(name);
      if (!(await this.zk.topicExists(name))) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist.`);
      const props = await newProps();
      validateTopicConfigs(props);
      if (!validateOnly) {
        // AdminZkClient.changeTopicConfig: the entity znode first, then the notification every broker watches.
        await this.zk.setOrCreateEntityConfigs(ConfigType.Topic, name, props);
        await this.zk.createConfigChangeNotification(`${ConfigType.Topic}/${name}`);
        this.log.info(`Updated configs of topic ${name}: ${JSON.stringify(props)}`);
      }
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (e) {
      const err = this.toError(e, `altering configs of ${name}`);
      return { ...base, errorCode: err.code, errorMessage: err.message };
    }
  }

  private toError(e: unknown, what: string): KafkaError {
    if (e instanceof KafkaError) return e;
    const name = (e as Error).name;
    if (name === 'InvalidTopicException' || (e as { code?: unknown }).code === ErrorCode.INVALID_TOPIC_EXCEPTION) {
      return new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, (e as Error).message);
    }
    this.log.error(`Error ${what}`, e);
    return new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, (e as Error).message);
  }
}

/**
 * ZkAdminManager.prepareIncrementalConfigs: SET/DELETE any key, APPEND/SUBTRACT list values. Unknown keys are
 * left to validateTopicConfigs (INVALID_CONFIG naming the key); a key twice in one resource is INVALID_REQUEST.
 */
export function applyIncrementalOps(current: Readonly<Record<string, string>>, ops: readonly AlterableConfigOp[]): Record<string, string> {
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${op.name}`);
    seen.add(op.name);
  }
  const props: Record<string, string> = { ...current };
  for (const op of ops) {
    switch (op.configOperation) {
      case AlterConfigOp.SET:
        if (op.value === null) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for: ${op.name}`);
        props[op.name] = op.value;
        break;
      case AlterConfigOp.DELETE:
        delete props[op.name];
        break;
      case AlterConfigOp.APPEND:
      case AlterConfigOp.SUBTRACT: {
        if (!isTopicConfig(op.name)) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${op.name}`);
        if (!isListTopicConfig(op.name)) {
          throw new KafkaError(ErrorCode.INVALID_CONFIG, `Config value append is not allowed for config key: ${op.name}`);
        }
        const items = (props[op.name] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const given = (op.value ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const next =
          op.configOperation === AlterConfigOp.APPEND ? [...items, ...given.filter((g) => !items.includes(g))] : items.filter((i) => !given.includes(i));
        props[op.name] = next.join(',');
        break;
      }
      default:
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown alter configs operation ${op.configOperation} for ${op.name}`);
    }
  }
  return props;
}
