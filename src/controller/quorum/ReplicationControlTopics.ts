/**
 * The topic half of Kafka 3.7's ReplicationControlManager (with the request-level checks of ControllerApis):
 * CreateTopics, DeleteTopics (by name or id) and CreatePartitions, with Kafka's validation order, error codes and
 * messages. A new topic is one atomic batch: TopicRecord, its ConfigRecords, then one PartitionRecord per partition
 * (leader = first active replica, ISR = the active replicas, epochs 0). Replicas are placed by the
 * StripedReplicaPlacer over the registered brokers; a topic id is a random Uuid.
 */
import { hasCollision, hasCollisionChars, validate as validateTopicName } from '../../admin/Topic';
import { Logger } from '../../common/logger';
import { Uuid } from '../../common/Uuid';
import { CreatableTopicConfigs, CreatableTopicResult, CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/apis/19-create-topics';
import { DeletableTopicResult, DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/apis/20-delete-topics';
import { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/apis/37-create-partitions';
import { AlterConfigOp } from '../../protocol/apis/44-incremental-alter-configs';
import { errorInfo, ErrorCode, KafkaError } from '../../protocol/errors';
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { MetadataImage } from '../../metadata/image/MetadataImage';
import { ClusterControlManager } from './ClusterControlManager';
import { ConfigurationControlManager } from './ConfigurationControlManager';
import { ApiError, apiException, atomicResultOf, ControllerResult } from './ControllerResult';
import { ConfigResourceType, MV, partitionRecordVersion, record } from './MetadataRecords';
import { LeaderRecoveryState } from './PartitionChangeBuilder';
import { StripedReplicaPlacer } from './StripedReplicaPlacer';

/** The configs a created topic reports (CreateTopics v5+): the broker's effective topic configs, when known. */
export type EffectiveTopicConfigs = (creationConfigs: Map<string, string>) => CreatableTopicConfigs[];

/** DescribeConfigsResponse.ConfigSource.DYNAMIC_TOPIC_CONFIG. */
const DYNAMIC_TOPIC_CONFIG = 1;

interface NewPartition {
  replicas: number[];
  isr: number[];
}

export class ReplicationControlTopics {
  constructor(
    private readonly image: () => MetadataImage,
    private readonly clusterControl: ClusterControlManager,
    private readonly configControl: ConfigurationControlManager,
    private readonly placer: StripedReplicaPlacer,
    private readonly defaults: { numPartitions: number; replicationFactor: number },
    private readonly effectiveTopicConfigs: EffectiveTopicConfigs | undefined,
    private readonly log: Logger,
  ) {}

  private partitionRecord(topicId: Buffer, partitionId: number, p: NewPartition): ApiMessageAndVersion {
    const mv = this.image().metadataVersion();
    const data: Record<string, unknown> = {
      partitionId,
      topicId,
      replicas: p.replicas,
      isr: p.isr,
      removingReplicas: [],
      addingReplicas: [],
      leader: p.isr[0],
      leaderRecoveryState: LeaderRecoveryState.RECOVERED,
      leaderEpoch: 0,
      partitionEpoch: 0,
    };
    if (mv >= MV.IBP_3_7_IV2) data.directories = p.replicas.map((r) => this.clusterControl.defaultDir(r));
    return record('PartitionRecord', partitionRecordVersion(mv), data);
  }

  createTopics(request: CreateTopicsRequest): ControllerResult<CreateTopicsResponse> {
    // ControllerApis: a name given twice gets INVALID_REQUEST for every occurrence and is not created.
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const t of request.topics) (seen.has(t.name) ? duplicates : seen).add(t.name);
    const topics = request.topics.filter((t) => !duplicates.has(t.name));

    const errors = new Map<string, ApiError>();
    for (const t of topics) {
      try {
        validateTopicName(t.name);
      } catch (e) {
        errors.set(t.name, ApiError.fromThrowable(e));
        continue;
      }
      if (hasCollisionChars(t.name)) {
        const colliding = [...this.image().topicsByName.keys()].find((n) => n !== t.name && hasCollisionChars(n) && hasCollision(n, t.name));
        if (colliding !== undefined)
          errors.set(t.name, new ApiError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${t.name}' collides with existing topic: ${colliding}`));
      }
    }
    for (const t of topics) {
      if (this.image().topicsByName.has(t.name)) errors.set(t.name, new ApiError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`));
    }
    // computeConfigChanges: null values are refused.
    for (const t of topics) {
      if (errors.has(t.name)) continue;
      const nulls = t.configs.filter((c) => c.value === null).map((c) => c.name);
      if (nulls.length > 0) errors.set(t.name, new ApiError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${nulls.join(',')}`));
    }

    const records: ApiMessageAndVersion[] = [];
    const successes = new Map<string, CreatableTopicResult>();
    for (const t of topics) {
      if (errors.has(t.name)) continue;
      let configRecords: ApiMessageAndVersion[] = [];
      if (t.configs.length > 0) {
        const ops = t.configs.map((c) => ({ name: c.name, op: AlterConfigOp.SET, value: c.value }));
        const result = this.configControl.incrementalAlterConfig({ resourceType: ConfigResourceType.TOPIC, resourceName: t.name }, ops, true);
        if (result.response.isFailure()) {
          errors.set(t.name, result.response);
          continue;
        }
        configRecords = result.records;
      }
      let error: ApiError;
      try {
        error = this.createTopic(t, records, successes, configRecords);
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e;
        error = ApiError.fromThrowable(e);
      }
      if (error.isFailure()) errors.set(t.name, error);
    }

    const response: CreateTopicsResponse = { throttleTimeMs: 0, topics: [] };
    const summary: string[] = [];
    for (const t of topics) {
      const error = errors.get(t.name);
      if (error) {
        response.topics.push(failedTopic(t.name, error));
        summary.push(`${t.name}: ${errorInfo(error.code).name} (${error.message})`);
      } else {
        response.topics.push(successes.get(t.name)!);
        summary.push(`${t.name}: SUCCESS`);
      }
    }
    for (const name of duplicates) response.topics.push(failedTopic(name, new ApiError(ErrorCode.INVALID_REQUEST, 'Duplicate topic name.')));
    if (request.validateOnly) {
      this.log.info(`Validate-only CreateTopics result(s): ${summary.join(', ')}`);
      return atomicResultOf([], response);
    }
    this.log.info(`CreateTopics result(s): ${summary.join(', ')}`);
    return atomicResultOf(records, response);
  }

  private createTopic(
    topic: CreateTopicsRequest['topics'][number],
    records: ApiMessageAndVersion[],
    successes: Map<string, CreatableTopicResult>,
    configRecords: ApiMessageAndVersion[],
  ): ApiError {
    const newParts = new Map<number, NewPartition>();
    if (topic.assignments.length > 0) {
      if (topic.replicationFactor !== -1) {
        return new ApiError(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but replication factor was not set to -1.');
      }
      if (topic.numPartitions !== -1) {
        return new ApiError(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but numPartitions was not set to -1.');
      }
      let replicationFactor: number | undefined;
      for (const a of topic.assignments) {
        if (newParts.has(a.partitionIndex)) {
          return new ApiError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Found multiple manual partition assignments for partition ${a.partitionIndex}`);
        }
        this.validateManualPartitionAssignment(a.brokerIds, replicationFactor);
        replicationFactor = a.brokerIds.length;
        const isr = a.brokerIds.filter((b) => this.clusterControl.isActive(b));
        if (isr.length === 0) {
          return new ApiError(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `All brokers specified in the manual partition assignment for partition ${a.partitionIndex} are fenced or in controlled shutdown.`,
          );
        }
        newParts.set(a.partitionIndex, { replicas: [...a.brokerIds], isr });
      }
      for (let i = 0; i < newParts.size; i++) {
        if (!newParts.has(i)) return new ApiError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'partitions should be a consecutive 0-based integer sequence');
      }
    } else if (topic.replicationFactor < -1 || topic.replicationFactor === 0) {
      return new ApiError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.');
    } else if (topic.numPartitions < -1 || topic.numPartitions === 0) {
      return new ApiError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
    } else {
      const numPartitions = topic.numPartitions === -1 ? this.defaults.numPartitions : topic.numPartitions;
      const replicationFactor = topic.replicationFactor === -1 ? this.defaults.replicationFactor : topic.replicationFactor;
      let placements: number[][];
      try {
        placements = this.placer.place(numPartitions, replicationFactor, this.clusterControl.usableBrokers());
      } catch (e) {
        if (e instanceof KafkaError && e.code === ErrorCode.INVALID_REPLICATION_FACTOR) {
          return new ApiError(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${replicationFactor} time(s): ${e.message}`);
        }
        throw e;
      }
      for (let partitionId = 0; partitionId < placements.length; partitionId++) {
        const isr = placements[partitionId].filter((b) => this.clusterControl.isActive(b));
        // All replicas fenced or shutting down: refused like the placer would (INVALID_REPLICATION_FACTOR).
        if (isr.length === 0) {
          return new ApiError(
            ErrorCode.INVALID_REPLICATION_FACTOR,
            `Unable to replicate the partition ${replicationFactor} time(s): All brokers are currently fenced or in controlled shutdown.`,
          );
        }
        newParts.set(partitionId, { replicas: placements[partitionId], isr });
      }
    }
    const topicId = Uuid.randomUuid().toBytes();
    const creationConfigs = new Map(topic.configs.map((c) => [c.name, c.value ?? '']));
    const configs: CreatableTopicConfigs[] = this.effectiveTopicConfigs
      ? this.effectiveTopicConfigs(creationConfigs)
      : [...creationConfigs]
          .sort((a, b) => a[0].localeCompare(b[0]))
          .map(([name, value]) => ({ name, value, readOnly: false, configSource: DYNAMIC_TOPIC_CONFIG, isSensitive: false }));
    successes.set(topic.name, {
      name: topic.name,
      topicId,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topicConfigErrorCode: ErrorCode.NONE,
      numPartitions: newParts.size,
      replicationFactor: newParts.get(0)!.replicas.length,
      configs,
    });
    records.push(record('TopicRecord', 0, { name: topic.name, topicId }));
    // ConfigRecords go after the TopicRecord but before the PartitionRecords.
    records.push(...configRecords);
    for (const [partitionId, p] of [...newParts].sort((a, b) => a[0] - b[0])) records.push(this.partitionRecord(topicId, partitionId, p));
    return ApiError.NONE;
  }

  private validateManualPartitionAssignment(replicas: number[], replicationFactor: number | undefined): void {
    const invalid = (m: string) => apiException(ErrorCode.INVALID_REPLICA_ASSIGNMENT, m);
    if (replicas.length === 0) throw invalid('The manual partition assignment includes an empty replica list.');
    const sorted = [...replicas].sort((a, b) => a - b);
    let prev: number | undefined;
    for (const brokerId of sorted) {
      if (!this.image().brokers.has(brokerId)) {
        throw invalid(`The manual partition assignment includes broker ${brokerId}, but no such broker is registered.`);
      }
      if (brokerId === prev) throw invalid(`The manual partition assignment includes the broker ${prev} more than once.`);
      prev = brokerId;
    }
    if (replicationFactor !== undefined && sorted.length !== replicationFactor) {
      throw invalid(
        `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`,
      );
    }
  }

  /** DeleteTopics by name (v0-5) or by name or id (v6+), as ControllerApis.deleteTopics answers it. */
  deleteTopics(request: DeleteTopicsRequest, version: number): ControllerResult<DeleteTopicsResponse> {
    const zero = Uuid.ZERO_UUID.toBytes();
    const entries =
      version >= 6 && request.topics
        ? request.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
        : request.topicNames.map((name) => ({ name: name as string | null, topicId: zero }));
    const byId = (e: { topicId: Buffer }) => Buffer.isBuffer(e.topicId) && !e.topicId.equals(zero);
    const nameCounts = new Map<string, number>();
    const idCounts = new Map<string, number>();
    for (const e of entries) {
      if (byId(e)) idCounts.set(e.topicId.toString('hex'), (idCounts.get(e.topicId.toString('hex')) ?? 0) + 1);
      else if (e.name !== null) nameCounts.set(e.name, (nameCounts.get(e.name) ?? 0) + 1);
    }
    const records: ApiMessageAndVersion[] = [];
    const deleted = new Set<string>();
    const responses: DeletableTopicResult[] = entries.map((e) => {
      const result = (name: string | null, topicId: Buffer, error: ApiError): DeletableTopicResult => ({
        name,
        topicId,
        errorCode: error.code,
        errorMessage: error.isFailure() ? error.message : null,
      });
      if (byId(e)) {
        const hex = e.topicId.toString('hex');
        if ((idCounts.get(hex) ?? 0) > 1) return result(null, e.topicId, new ApiError(ErrorCode.INVALID_REQUEST, 'Duplicate topic id.'));
        const topic = this.image().topicsById.get(hex);
        if (!topic) return result(null, e.topicId, ApiError.of(ErrorCode.UNKNOWN_TOPIC_ID));
        if (!deleted.has(hex)) records.push(record('RemoveTopicRecord', 0, { topicId: topic.id }));
        deleted.add(hex);
        return result(topic.name, topic.id, ApiError.NONE);
      }
      const name = e.name ?? '';
      if ((nameCounts.get(name) ?? 0) > 1) return result(name, zero, new ApiError(ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'));
      const topic = this.image().topicsByName.get(name);
      if (!topic) return result(name, zero, ApiError.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      const hex = topic.id.toString('hex');
      if (!deleted.has(hex)) records.push(record('RemoveTopicRecord', 0, { topicId: topic.id }));
      deleted.add(hex);
      return result(name, topic.id, ApiError.NONE);
    });
    return atomicResultOf(records, { throttleTimeMs: 0, responses });
  }

  createPartitions(request: CreatePartitionsRequest): ControllerResult<CreatePartitionsResponse> {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const records: ApiMessageAndVersion[] = [];
    const results = request.topics.map((t) => {
      let error = ApiError.NONE;
      if ((counts.get(t.name) ?? 0) > 1) error = new ApiError(ErrorCode.INVALID_REQUEST, 'Duplicate topic name.');
      else {
        try {
          this.createPartitionsOf(t, records);
        } catch (e) {
          if (!(e instanceof KafkaError)) throw e;
          error = ApiError.fromThrowable(e);
        }
      }
      return { name: t.name, errorCode: error.code, errorMessage: error.message };
    });
    return atomicResultOf(request.validateOnly ? [] : records, { throttleTimeMs: 0, results });
  }

  private createPartitionsOf(topic: CreatePartitionsRequest['topics'][number], records: ApiMessageAndVersion[]): void {
    const info = this.image().topicsByName.get(topic.name);
    if (!info) throw apiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const current = info.partitions.size;
    if (topic.count === current) throw apiException(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
    if (topic.count < current) {
      throw apiException(
        ErrorCode.INVALID_PARTITIONS,
        `The topic ${topic.name} currently has ${current} partition(s); ${topic.count} would not be an increase.`,
      );
    }
    const additional = topic.count - current;
    // kafkajs sends an empty list as null: both mean "let the controller place them".
    const assignments = topic.assignments && topic.assignments.length > 0 ? topic.assignments : null;
    if (assignments && assignments.length !== additional) {
      throw apiException(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Attempted to add ${additional} additional partition(s), but only ${assignments.length} assignment(s) were specified.`,
      );
    }
    const first = info.partitions.get(0) ?? info.partitions.values().next().value;
    if (!first) throw apiException(ErrorCode.UNKNOWN_SERVER_ERROR, `Invalid state: topic ${topic.name} appears to have no partitions.`);
    const replicationFactor = first.replicas.length;
    let placements: number[][];
    if (assignments) {
      placements = assignments.map((a, i) => {
        this.validateManualPartitionAssignment(a.brokerIds, replicationFactor);
        if (!a.brokerIds.some((b) => this.clusterControl.isActive(b))) {
          throw apiException(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `All brokers specified in the manual partition assignment for partition ${current + i} are fenced or in controlled shutdown.`,
          );
        }
        return [...a.brokerIds];
      });
    } else {
      placements = this.placer.place(additional, replicationFactor, this.clusterControl.usableBrokers());
    }
    const newRecords = placements.map((replicas, i) => {
      const isr = replicas.filter((b) => this.clusterControl.isActive(b));
      if (isr.length === 0) {
        throw apiException(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          `Unable to replicate the partition ${replicationFactor} time(s): All brokers are currently fenced or in controlled shutdown.`,
        );
      }
      return this.partitionRecord(info.id, current + i, { replicas, isr });
    });
    records.push(...newRecords);
  }
}

function failedTopic(name: string, error: ApiError): CreatableTopicResult {
  return {
    name,
    topicId: Uuid.ZERO_UUID.toBytes(),
    errorCode: error.code,
    errorMessage: error.message,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: [],
  };
}
