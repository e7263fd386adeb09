/**
 * The broker-resource half of ZkAdminManager.alterConfigs / incrementalAlterConfigs (Kafka 3.7, ZooKeeper mode):
 * the resource name is this broker's id (per-broker level) or '' (cluster-wide default); the new set of that level is
 * validated by DynamicBrokerConfig as if applied, then (unless validateOnly) written to /config/brokers/<id|<default>>
 * with passwords encrypted, plus a change notification. Every broker applies it from the notification, this one too.
 */
import { ConfigException } from '../../common/config/ConfigDef';
import type { Logger } from '../../common/logger';
import type { AlterConfigsResourceResponse } from '../../protocol/apis/33-alter-configs';
import { AlterConfigOp, AlterableConfigOp } from '../../protocol/apis/44-incremental-alter-configs';
import { ConfigResourceType } from '../../protocol/apis/32-describe-configs';
import { ErrorCode, KafkaError } from '../../protocol/errors';
import { SslConfigError } from '../../security/ssl/SslFactory';
import { BrokerConfigStore, DEFAULT_BROKER_ENTITY, DynamicBrokerConfig } from './DynamicBrokerConfig';
import { isPasswordConfig } from './DynamicBrokerConfigDefs';
import { KAFKA_CONFIG_DEFS } from './KafkaConfigDefs';

type Props = Record<string, string>;

export class DynamicBrokerConfigAdmin {
  constructor(
    private readonly brokerId: number,
    private readonly dynamicConfig: DynamicBrokerConfig,
    private readonly store: BrokerConfigStore,
    private readonly log: Logger,
  ) {}

  /** AlterConfigs: the given set replaces the level's whole set (null values dropped). */
  alterConfigs(name: string, configs: ReadonlyArray<{ name: string; value: string | null }>, validateOnly: boolean): Promise<AlterConfigsResourceResponse> {
    return this.run(name, async (brokerId) => {
      const props: Props = {};
      for (const c of configs) if (c.value !== null) props[c.name] = c.value;
      await this.alterBrokerConfigs(brokerId, props, validateOnly);
    });
  }

  /** IncrementalAlterConfigs: the level's stored set (passwords decoded) with the operations applied. */
  incrementalAlterConfigs(name: string, ops: readonly AlterableConfigOp[], validateOnly: boolean): Promise<AlterConfigsResourceResponse> {
    return this.run(name, async (brokerId) => {
      const seen = new Set<string>();
      for (const op of ops) {
        if (seen.has(op.name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${op.name}`);
        seen.add(op.name);
      }
      const persistent = await this.store.fetchBrokerConfig(brokerId === null ? DEFAULT_BROKER_ENTITY : String(brokerId));
      const props = this.dynamicConfig.fromPersistentProps(persistent, brokerId !== null);
      prepareIncrementalConfigs(ops, props);
      await this.alterBrokerConfigs(brokerId, props, validateOnly);
    });
  }

  private async alterBrokerConfigs(brokerId: number | null, props: Props, validateOnly: boolean): Promise<void> {
    const perBrokerConfig = brokerId !== null;
    this.dynamicConfig.validate(props, perBrokerConfig);
    if (validateOnly) return;
    if (perBrokerConfig) this.dynamicConfig.reloadUpdatedFilesWithoutConfigChange(props);
    const loggable = Object.entries(props)
      .map(([k, v]) => `${k}=${isPasswordConfig(k) ? '[hidden]' : v}`)
      .join(',');
    this.log.info(
      perBrokerConfig ? `Updating broker ${brokerId} with new configuration : ${loggable}` : `Updating brokers with new configuration : ${loggable}`,
    );
    const persistent = this.dynamicConfig.toPersistentProps(props, perBrokerConfig);
    await this.store.changeBrokerConfig(perBrokerConfig ? String(brokerId) : DEFAULT_BROKER_ENTITY, persistent);
  }

  /** getBrokerId and the error mapping of ZkAdminManager: config errors are INVALID_CONFIG naming the resource. */
  private async run(name: string, body: (brokerId: number | null) => Promise<void>): Promise<AlterConfigsResourceResponse> {
    const base = { resourceType: ConfigResourceType.BROKER, resourceName: name };
    try {
      let brokerId: number | null = null;
      if (name !== '') {
        if (!/^[+-]?\d+$/.test(name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
        brokerId = Number(name);
        if (brokerId !== this.brokerId)
          throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${this.brokerId}, but received ${name}`);
      }
      await body(brokerId);
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (e) {
      if (e instanceof ConfigException || e instanceof SslConfigError) {
        const message = `Invalid config value for resource ConfigResource(type=BROKER, name='${name}'): ${e.message}`;
        this.log.info(message);
        return { ...base, errorCode: ErrorCode.INVALID_CONFIG, errorMessage: message };
      }
      if (e instanceof KafkaError) return { ...base, errorCode: e.code, errorMessage: e.message };
      this.log.error(`Error processing alter configs request for resource ConfigResource(type=BROKER, name='${name}')`, e);
      return { ...base, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: (e as Error).message };
    }
  }
}

/** ConfigAdminManager.prepareIncrementalConfigs over KafkaConfig's keys: APPEND/SUBTRACT only for LIST keys. */
export function prepareIncrementalConfigs(ops: readonly AlterableConfigOp[], props: Props): void {
  const listDefault = (name: string, verb: string): string | null => {
    const key = KAFKA_CONFIG_DEFS.get(name);
    if (!key) throw new ConfigException(`Unknown config name: ${name}`);
    if (key.type !== 'LIST') throw new ConfigException(`Config value ${verb} is not allowed for config key: ${name}`);
    return key.defaultValue;
  };
  for (const op of ops) {
    switch (op.configOperation) {
      case AlterConfigOp.SET:
        if (op.value === null) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for: ${op.name}`);
        props[op.name] = op.value;
        break;
      case AlterConfigOp.DELETE:
        delete props[op.name];
        break;
      case AlterConfigOp.APPEND: {
        const def = listDefault(op.name, 'append');
        const old = (props[op.name] ?? def ?? '').split(',').filter((s) => s !== '');
        const adding = (op.value ?? '').split(',').filter((v) => !old.includes(v));
        props[op.name] = [...old, ...adding].join(',');
        break;
      }
      case AlterConfigOp.SUBTRACT: {
        const def = listDefault(op.name, 'subtract');
        const old = (props[op.name] ?? def ?? '').split(',');
        const removing = (op.value ?? '').split(',');
        props[op.name] = old.filter((v) => !removing.includes(v)).join(',');
        break;
      }
      default:
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown alter configs operation ${op.configOperation} for ${op.name}`);
    }
  }
}
