/**
 * Kafka 3.7's org.apache.kafka.controller.ConfigurationControlManager: topic and broker dynamic configs as
 * ConfigRecords (a null value deletes the key). IncrementalAlterConfigs SETs, DELETEs, APPENDs to or SUBTRACTs from
 * single keys (APPEND/SUBTRACT only for LIST-typed keys); the legacy AlterConfigs replaces a resource's whole set.
 * Validation as ControllerConfigurationValidator and the controller's existence check do it: topic names, topic
 * config values (through the broker's own validation, handed in as `validateTopicConfig`), broker ids; a topic must
 * exist unless it is being created, a broker must be registered unless the resource is the cluster default ("").
 */
import { isValid as isValidTopicName, validate as validateTopicName } from '../../admin/Topic';
import { Logger } from '../../common/logger';
import { AlterConfigOp } from '../../protocol/apis/44-incremental-alter-configs';
import { AlterConfigsResourceResponse } from '../../protocol/apis/33-alter-configs';
import { ErrorCode } from '../../protocol/errors';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { MetadataImage } from '../../metadata/image/MetadataImage';
import { ApiError, apiException, ControllerResult, resultOf } from './ControllerResult';
import { ConfigResourceType, record } from './MetadataRecords';

export interface ConfigResource {
  resourceType: number;
  resourceName: string;
}

/** (name, value) -> an error message, or null when valid: the broker's LogConfig validation of a topic config. */
export type TopicConfigValidator = (name: string, value: string | null) => string | null;

const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

/** Keys whose ConfigDef type is LIST (KafkaConfigSchema.isSplittable), with their defaults where they have one. */
const LIST_KEYS: Record<number, Record<string, string | null>> = {
  [ConfigResourceType.TOPIC]: {
    'cleanup.policy': 'delete',
    'leader.replication.throttled.replicas': null,
    'follower.replication.throttled.replicas': null,
  },
  [ConfigResourceType.BROKER]: {
    'log.cleanup.policy': 'delete',
    'sasl.enabled.mechanisms': 'GSSAPI',
    'ssl.cipher.suites': null,
    'ssl.enabled.protocols': null,
    'metric.reporters': null,
  },
};

const TYPE_NAMES: Record<number, string> = { 0: 'UNKNOWN', 2: 'TOPIC', 4: 'BROKER', 8: 'BROKER_LOGGER', 16: 'CLIENT_METRICS' };

export function configKey(r: ConfigResource): string {
  return `${r.resourceType}:${r.resourceName}`;
}

export class ConfigurationControlManager {
  constructor(
    private readonly image: () => MetadataImage,
    private readonly validateTopicConfig: TopicConfigValidator | undefined,
    private readonly log: Logger,
  ) {}

  currentConfigs(r: ConfigResource): Map<string, string> {
    return this.image().configs.get(configKey(r)) ?? new Map();
  }

  /** The records of one resource's incremental change, or the error that refuses it. */
  incrementalAlterConfig(
    resource: ConfigResource,
    ops: Array<{ name: string; op: number; value: string | null }>,
    newlyCreatedResource: boolean,
  ): ControllerResult<ApiError> {
    const records: ApiMessageAndVersion[] = [];
    const current = this.currentConfigs(resource);
    // ConfigAdminManager.preprocess: only DELETE may come without a value.
    const nulls = ops.filter((o) => o.op !== AlterConfigOp.DELETE && o.value === null).map((o) => o.name);
    if (nulls.length > 0) return resultOf([], new ApiError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`));
    for (const { name, op, value } of ops) {
      const currentValue = current.get(name) ?? null;
      let newValue: string | null = currentValue;
      switch (op) {
        case AlterConfigOp.SET:
          newValue = value;
          break;
        case AlterConfigOp.DELETE:
          newValue = null;
          break;
        case AlterConfigOp.APPEND:
        case AlterConfigOp.SUBTRACT: {
          const listKeys = LIST_KEYS[resource.resourceType] ?? {};
          if (!(name in listKeys)) {
            return resultOf([], new ApiError(ErrorCode.INVALID_CONFIG, `Can't ${OP_NAMES[op]} to key ${name} because its type is not LIST.`));
          }
          // getParts: the current value, or the key's default when it has none.
          const base = newValue ?? listKeys[name];
          const parts = base === null || base === '' ? [] : base.split(',').map((s) => s.trim());
          for (const v of (value ?? '').split(',')) {
            if (op === AlterConfigOp.APPEND) {
              if (!parts.includes(v)) parts.push(v);
            } else {
              const i = parts.indexOf(v);
              if (i >= 0) parts.splice(i, 1);
            }
          }
          newValue = parts.join(',');
          break;
        }
        default:
          return resultOf([], new ApiError(ErrorCode.INVALID_REQUEST, `Unknown alter configs operation ${op} for key ${name}`));
      }
      // Broker configs are always written, even unchanged, so brokers reload them (Kafka does the same).
      if (currentValue !== newValue || resource.resourceType === ConfigResourceType.BROKER) {
        records.push(record('ConfigRecord', 0, { resourceType: resource.resourceType, resourceName: resource.resourceName, name, value: newValue }));
      }
    }
    const error = this.validateAlterConfig(resource, records, newlyCreatedResource);
    return resultOf(error.isFailure() ? [] : records, error);
  }

  /** legacyAlterConfigResource: the new set replaces the old; keys left out are deleted. */
  legacyAlterConfig(resource: ConfigResource, configs: Array<{ name: string; value: string | null }>): ControllerResult<ApiError> {
    const records: ApiMessageAndVersion[] = [];
    const current = this.currentConfigs(resource);
    const newConfigs = new Map(configs.map((c) => [c.name, c.value]));
    const rec = (name: string, value: string | null) =>
      record('ConfigRecord', 0, { resourceType: resource.resourceType, resourceName: resource.resourceName, name, value });
    for (const [name, value] of newConfigs) {
      if ((current.get(name) ?? null) !== value || resource.resourceType === ConfigResourceType.BROKER) records.push(rec(name, value));
    }
    for (const name of current.keys()) if (!newConfigs.has(name)) records.push(rec(name, null));
    const error = this.validateAlterConfig(resource, records, false);
    return resultOf(error.isFailure() ? [] : records, error);
  }

  /** IncrementalAlterConfigs for a whole request: duplicate resources are refused, as ControllerApis does. */
  incrementalAlterConfigs(
    resources: Array<ConfigResource & { configs: Array<{ name: string; configOperation: number; value: string | null }> }>,
    validateOnly: boolean,
  ): ControllerResult<AlterConfigsResourceResponse[]> {
    return this.alterEach(resources, validateOnly, (r) =>
      this.incrementalAlterConfig(
        r,
        r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value })),
        false,
      ),
    );
  }

  legacyAlterConfigs(
    resources: Array<ConfigResource & { configs: Array<{ name: string; value: string | null }> }>,
    validateOnly: boolean,
  ): ControllerResult<AlterConfigsResourceResponse[]> {
    return this.alterEach(resources, validateOnly, (r) => this.legacyAlterConfig(r, r.configs));
  }

  private alterEach<R extends ConfigResource>(
    resources: R[],
    validateOnly: boolean,
    alter: (r: R) => ControllerResult<ApiError>,
  ): ControllerResult<AlterConfigsResourceResponse[]> {
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(configKey(r), (counts.get(configKey(r)) ?? 0) + 1);
    const records: ApiMessageAndVersion[] = [];
    const responses: AlterConfigsResourceResponse[] = resources.map((r) => {
      let error: ApiError;
      if ((counts.get(configKey(r)) ?? 0) > 1) error = new ApiError(ErrorCode.INVALID_REQUEST, 'Duplicate resource.');
      else {
        const result = alter(r);
        error = result.response;
        if (!error.isFailure()) records.push(...result.records);
      }
      return { errorCode: error.code, errorMessage: error.message, resourceType: r.resourceType, resourceName: r.resourceName };
    });
    return resultOf(validateOnly ? [] : records, responses);
  }

  /** validateAlterConfig: ControllerConfigurationValidator, then the existence check (unless newly created). */
  private validateAlterConfig(resource: ConfigResource, altered: ApiMessageAndVersion[], newlyCreatedResource: boolean): ApiError {
    try {
      switch (resource.resourceType) {
        case ConfigResourceType.TOPIC: {
          if (resource.resourceName === '') throw apiException(ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.');
          validateTopicName(resource.resourceName);
          for (const r of altered) {
            const { name, value } = r.data as { name: string; value: string | null };
            if (value !== null && this.validateTopicConfig) {
              const message = this.validateTopicConfig(name, value);
              if (message !== null) return new ApiError(ErrorCode.INVALID_CONFIG, message);
            }
          }
          if (!newlyCreatedResource && !this.image().topicsByName.has(resource.resourceName)) {
            return new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${resource.resourceName}' does not exist.`);
          }
          break;
        }
        case ConfigResourceType.BROKER: {
          if (resource.resourceName === '') break; // cluster-wide defaults are always allowed
          if (!/^-?\d+$/.test(resource.resourceName)) return new ApiError(ErrorCode.INVALID_REQUEST, 'Unable to parse broker name as a base 10 number.');
          const brokerId = Number(resource.resourceName);
          if (!this.image().brokers.has(brokerId)) return new ApiError(ErrorCode.BROKER_ID_NOT_REGISTERED, `No broker with id ${brokerId} found.`);
          break;
        }
        default:
          return new ApiError(ErrorCode.INVALID_REQUEST, `Unknown resource type ${TYPE_NAMES[resource.resourceType] ?? resource.resourceType}`);
      }
    } catch (e) {
      // As Kafka's validateAlterConfig: whatever the validator throws becomes this resource's error.
      return ApiError.fromThrowable(e);
    }
    return ApiError.NONE;
  }

  /** uncleanLeaderElectionEnabledForTopic: the topic's config, else the cluster default (false). */
  uncleanLeaderElectionEnabledForTopic(topic: string): boolean {
    const key = 'unclean.leader.election.enable';
    const value =
      (isValidTopicName(topic) ? this.image().configs.get(`${ConfigResourceType.TOPIC}:${topic}`)?.get(key) : undefined) ??
      this.image().configs.get(`${ConfigResourceType.BROKER}:`)?.get(key);
    return value?.trim().toLowerCase() === 'true';
  }
}
