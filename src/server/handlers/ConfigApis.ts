/**
 * DescribeConfigs, AlterConfigs and IncrementalAlterConfigs (Kafka's ZkAdminManager.describeConfigs /
 * alterConfigs / incrementalAlterConfigs in ZooKeeper mode). Topic configs live in /config/topics/<t>;
 * a change rewrites that znode and creates /config/changes/config_change_<n> so every broker (this one
 * included) applies it through its ZkConfigManager. Broker resources (ZkAdminManager.alterBrokerConfigs): the
 * broker's own id or '' (the cluster-wide default), validated by DynamicBrokerConfig and written to
 * /config/brokers/<id|<default>> (passwords encrypted) with a change notification; see BrokerConfigAdmin.
 */
import { getLogger, Logger } from '../../common/logger';
import { RequestContext, ResponseBody } from '../../network/RequestContext';
import { AlterConfigsApi, DescribeConfigsApi, IncrementalAlterConfigsApi } from '../../protocol/apis';
import { ConfigResourceType, DescribeConfigsResourceConfig, DescribeConfigsResult } from '../../protocol/apis/32-describe-configs';
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
import { BrokerConfigLayers, ConfigHelper } from '../ConfigHelper';
import { MetadataCache } from '../MetadataCache';
import type { BrokerConfigStore, DynamicBrokerConfig } from '../config/DynamicBrokerConfig';
import { DynamicBrokerConfigAdmin } from '../config/DynamicBrokerConfigAdmin';

/**
 * Where topic configs are read and written: ZooKeeper (KafkaZkClient) in ZooKeeper mode; in KRaft mode the broker's
 * metadata image for reads (AlterConfigs and IncrementalAlterConfigs are forwarded to the controller there).
 */
export type ConfigStore = Pick<KafkaZkClient, 'topicExists' | 'getTopicConfig' | 'setOrCreateEntityConfigs' | 'createConfigChangeNotification'> & {
  /**
   * KRaft: the dynamic broker configs of broker `name` ('' = the cluster-wide default) from the metadata image's
   * ConfigRecords. Absent in ZooKeeper mode, where DynamicBrokerConfig has them.
   */
  dynamicBrokerConfigs?: (name: string) => Readonly<Record<string, string>>;
  /**
   * KRaft: the broker's config as server.properties gave it (DynamicBrokerConfig.staticConfig). The KafkaConfig the
   * broker runs with also carries the dynamic values once they are applied, which must not show as STATIC_BROKER_CONFIG.
   */
  staticBrokerConfig?: KafkaConfig;
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
  /** ZooKeeper mode with dynamic broker configs: the broker-resource side of AlterConfigs. */
  private readonly brokerAdmin: DynamicBrokerConfigAdmin | null;

  constructor(
    private readonly config: KafkaConfig,
    private readonly zk: ConfigStore,
    private readonly metadataCache: MetadataCache,
    /** ZooKeeper mode: the broker's DynamicBrokerConfig and /config/brokers. */
    dynamic?: { config: DynamicBrokerConfig; store: BrokerConfigStore },
  ) {
    this.log = getLogger('kafka.server.ZkAdminManager', `[Admin Manager on Broker ${config.brokerId}]: `);
    this.helper = new ConfigHelper(config, brokerLayers(config, zk, dynamic?.config));
    this.brokerAdmin = dynamic ? new DynamicBrokerConfigAdmin(config.brokerId, dynamic.config, dynamic.store, this.log) : null;
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
      // ConfigHelper.describeConfigs: '' is the cluster-wide default level (its dynamic configs only).
      if (name === '') return this.helper.defaultBrokerConfigEntries(includeSynonyms, includeDocumentation);
      if (!/^[+-]?\d+$/.test(name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
      if (Number(name) !== this.config.brokerId) {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${this.config.brokerId} or empty string, but received ${name}`);
      }
      return this.helper.brokerConfigEntries(includeSynonyms, includeDocumentation);
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
      if (res.resourceType === ConfigResourceType.BROKER && this.brokerAdmin) {
        responses.push(await this.brokerAdmin.alterConfigs(res.resourceName, res.configs, req.validateOnly));
        continue;
      }
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
      if (res.resourceType === ConfigResourceType.BROKER && this.brokerAdmin) {
        responses.push(await this.brokerAdmin.incrementalAlterConfigs(res.resourceName, res.configs, req.validateOnly));
        continue;
      }
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
        // KRaft brokers forward AlterConfigs to the controller; this is only reached without a DynamicBrokerConfig.
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
 * The layers DescribeConfigs shows for this broker: DynamicBrokerConfig's in ZooKeeper mode, the metadata image's
 * ConfigRecords in KRaft mode (ConfigStore.dynamicBrokerConfigs), none otherwise.
 */
function brokerLayers(config: KafkaConfig, zk: ConfigStore, dynamicConfig: DynamicBrokerConfig | undefined): BrokerConfigLayers {
  if (dynamicConfig) {
    return {
      staticConfig: dynamicConfig.staticConfig,
      dynamicBroker: () => dynamicConfig.currentDynamicBrokerConfigs(),
      dynamicDefault: () => dynamicConfig.currentDynamicDefaultConfigs(),
    };
  }
  const dynamic = zk.dynamicBrokerConfigs;
  return {
    staticConfig: zk.staticBrokerConfig ?? config,
    dynamicBroker: () => (dynamic ? dynamic(String(config.brokerId)) : {}),
    dynamicDefault: () => (dynamic ? dynamic('') : {}),
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
