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
import { ErrorCode, KafkaError, errorInfo } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import * as Topic from '../../admin/Topic';
import { isListTopicConfig, isTopicConfig, validateTopicConfigs } from '../../log/TopicConfig';
import { KafkaZkClient } from '../../zk/KafkaZkClient';
import { ConfigType } from '../../zk/ZkData';
import { encodeResponse } from '../../protocol/apis/types';
import { KafkaConfig } from '../config/KafkaConfig';
import { ConfigHelper } from '../ConfigHelper';
import { MetadataCache } from '../MetadataCache';

/**
 * Where topic configs are read and written: ZooKeeper (KafkaZkClient) in ZooKeeper mode; in KRaft mode the broker's
 * metadata image for reads (AlterConfigs and IncrementalAlterConfigs are forwarded to the controller there).
 */
export type ConfigStore = Pick<KafkaZkClient, 'topicExists' | 'getTopicConfig' | 'setOrCreateEntityConfigs' | 'createConfigChangeNotification'> & {
  /**
   * KRaft: the dynamic broker configs of broker `name` ('' = the cluster-wide default) from the metadata image's
   * ConfigRecords. Absent in ZooKeeper mode, where dynamic broker configs are not supported.
   */
  dynamicBrokerConfigs?: (name: string) => Readonly<Record<string, string>>;
};

/**
 * KafkaApis' config authorization for one resource: NONE, or TOPIC_/CLUSTER_AUTHORIZATION_FAILED (topics by name,
 * brokers and broker loggers on the cluster). The denied resources are answered after the others, as Kafka does.
 */
export type ConfigResourceAuthorizer = (resourceType: number, resourceName: string) => number;

/** Splits the resources into those to handle and the denied ones with their error. */
function splitAuthorized<T extends { resourceType: number; resourceName: string }>(
  resources: readonly T[],
  authorize: ConfigResourceAuthorizer | undefined,
): [T[], Array<{ res: T; errorCode: number; errorMessage: string }>] {
  if (!authorize) return [[...resources], []];
  const allowed: T[] = [];
  const denied: Array<{ res: T; errorCode: number; errorMessage: string }> = [];
  for (const res of resources) {
    const code = authorize(res.resourceType, res.resourceName);
    if (code === ErrorCode.NONE) allowed.push(res);
    else denied.push({ res, errorCode: code, errorMessage: errorInfo(code).message });
  }
  return [allowed, denied];
}

export class ConfigApis {
  private readonly log: Logger;
  private readonly helper: ConfigHelper;

  constructor(
    private readonly config: KafkaConfig,
    private readonly zk: ConfigStore,
    private readonly metadataCache: MetadataCache,
  ) {
    this.log = getLogger('kafka.server.ZkAdminManager', `[Admin Manager on Broker ${config.brokerId}]: `);
    this.helper = new ConfigHelper(config);
  }

  // ---------------------------------------------------------------- DescribeConfigs

  async handleDescribeConfigs(ctx: RequestContext, r: Reader, authorize?: ConfigResourceAuthorizer): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = DescribeConfigsApi.decodeRequest(r, v);
    const results: DescribeConfigsResult[] = [];
    const [allowed, denied] = splitAuthorized(req.resources, authorize);
    for (const res of allowed) {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      try {
        const all = await this.describeResource(res.resourceType, res.resourceName, req.includeSynonyms, req.includeDocumentation === true);
        const wanted = res.configurationKeys === null ? all : all.filter((c) => res.configurationKeys!.includes(c.name));
        results.push({ ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: wanted });
      } catch (e) {
        const err = this.toError(e, `describing configs of ${res.resourceName}`);
        results.push({ ...base, errorCode: err.code, errorMessage: err.message, configs: [] });
      }
    }
    for (const { res, errorCode, errorMessage } of denied) {
      results.push({ resourceType: res.resourceType, resourceName: res.resourceName, errorCode, errorMessage, configs: [] });
    }
    return encodeResponse(DescribeConfigsApi, v, { throttleTimeMs: 0, results });
  }

  /** The configs of one resource (ZkAdminManager.describeConfigs). */
  private async describeResource(
    type: number,
    name: string,
    includeSynonyms: boolean,
    includeDocumentation: boolean,
  ): Promise<DescribeConfigsResourceConfig[]> {
    if (type === ConfigResourceType.TOPIC) {
      Topic.validate(name);
      if (!this.metadataCache.contains(name) && !(await this.zk.topicExists(name))) {
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist.`);
      }
      const overrides = await this.zk.getTopicConfig(name);
      return this.helper.topicConfigEntries(overrides, includeSynonyms, includeDocumentation);
    }
    if (type === ConfigResourceType.BROKER) {
      const dynamic = this.zk.dynamicBrokerConfigs;
      if (name === '') {
        // ConfigHelper: the default resource lists the dynamic cluster-wide defaults only (none in ZooKeeper mode here).
        if (!dynamic) return [];
        const defaults = dynamic('');
        return this.helper
          .brokerConfigEntries(true, includeDocumentation)
          .filter((e) => Object.prototype.hasOwnProperty.call(defaults, e.name))
          .map((e) => withDynamicBrokerConfigs(e, {}, defaults, includeSynonyms));
      }
      if (name !== String(this.config.brokerId)) {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${this.config.brokerId} or empty string, but received ${name}`);
      }
      if (!dynamic) return this.helper.brokerConfigEntries(includeSynonyms, includeDocumentation);
      const perBroker = dynamic(name);
      const defaults = dynamic('');
      return this.helper.brokerConfigEntries(true, includeDocumentation).map((e) => withDynamicBrokerConfigs(e, perBroker, defaults, includeSynonyms));
    }
    throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${type}`);
  }

  // ---------------------------------------------------------------- AlterConfigs / IncrementalAlterConfigs

  async handleAlterConfigs(ctx: RequestContext, r: Reader, authorize?: ConfigResourceAuthorizer): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = AlterConfigsApi.decodeRequest(r, v);
    const responses: AlterConfigsResourceResponse[] = [];
    const [allowed, denied] = splitAuthorized(req.resources, authorize);
    for (const res of allowed) {
      responses.push(
        await this.alterResource(res.resourceType, res.resourceName, req.validateOnly, async () => {
          // AlterConfigs replaces the whole set; null values are dropped (ZkAdminManager.alterTopicConfigs).
          const props: Record<string, string> = {};
          for (const c of res.configs) if (c.value !== null) props[c.name] = c.value;
          return props;
        }),
      );
    }
    for (const { res, errorCode, errorMessage } of denied)
      responses.push({ resourceType: res.resourceType, resourceName: res.resourceName, errorCode, errorMessage });
    return encodeResponse(AlterConfigsApi, v, { throttleTimeMs: 0, responses });
  }

  async handleIncrementalAlterConfigs(ctx: RequestContext, r: Reader, authorize?: ConfigResourceAuthorizer): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = IncrementalAlterConfigsApi.decodeRequest(r, v);
    const responses: AlterConfigsResourceResponse[] = [];
    const [allowed, denied] = splitAuthorized(req.resources, authorize);
    for (const res of allowed) {
      responses.push(
        await this.alterResource(res.resourceType, res.resourceName, req.validateOnly, async () => {
          const current = await this.zk.getTopicConfig(res.resourceName);
          return applyIncrementalOps(current, res.configs);
        }),
      );
    }
    for (const { res, errorCode, errorMessage } of denied)
      responses.push({ resourceType: res.resourceType, resourceName: res.resourceName, errorCode, errorMessage });
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
 * ConfigHelper.createBrokerConfigEntry with DynamicBrokerConfig's layers: the broker's own dynamic value, then the
 * cluster-wide dynamic default, before the static and default synonyms; the value and source are the first synonym's.
 */
function withDynamicBrokerConfigs(
  entry: DescribeConfigsResourceConfig,
  perBroker: Readonly<Record<string, string>>,
  defaults: Readonly<Record<string, string>>,
  includeSynonyms: boolean,
): DescribeConfigsResourceConfig {
  const has = (o: Readonly<Record<string, string>>) => Object.prototype.hasOwnProperty.call(o, entry.name);
  const hide = (v: string) => (entry.isSensitive ? null : v);
  const dynamic: DescribeConfigsSynonym[] = [];
  if (has(perBroker)) dynamic.push({ name: entry.name, value: hide(perBroker[entry.name]), source: ConfigSource.DYNAMIC_BROKER_CONFIG });
  if (has(defaults)) dynamic.push({ name: entry.name, value: hide(defaults[entry.name]), source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
  const synonyms = [...dynamic, ...entry.synonyms];
  const first = dynamic[0];
  return {
    ...entry,
    value: first ? first.value : entry.value,
    configSource: first ? first.source : entry.configSource,
    synonyms: includeSynonyms ? synonyms : [],
  };
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
