import { getLogger, Logger } from '../common/logger';
import { Uuid } from '../common/Uuid';
import { assignReplicasToBrokers, metadataCacheBrokerOrder } from '../admin/AdminUtils';
import * as Topic from '../admin/Topic';
import { validateTopicConfigs } from '../log/TopicConfig';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { isZkError, TopicExistsError } from '../zk/errors';
import { KafkaConfig } from './config/KafkaConfig';
import { ConfigHelper } from './ConfigHelper';
import { MetadataCache } from './MetadataCache';

interface TopicToCreate {
  name: string;
  numPartitions: number; // -1 = broker default
  replicationFactor: number; // -1 = broker default
  assignments: Array<{ partitionIndex: number; brokerIds: number[] }>;
  configs: Array<{ name: string; value: string | null }>;
}

export interface TopicCreationResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
  /** The created topic's id (as written to /brokers/topics/<t>); zeros unless created. */
  topicId: Buffer;
  /** -1 unless created (or validated). */
  numPartitions: number;
  /** -1 unless created (or validated). */
  replicationFactor: number;
  /** Every topic config as DescribeConfigs reports it (without synonyms); [] unless created (or validated). */
  configs: Array<{ name: string; value: string | null; readOnly: boolean; configSource: number; isSensitive: boolean }>;
}

const ZERO_UUID = Buffer.alloc(16);

/** A creation that failed: KafkaApis.handleCreateTopicsRequest reports no configs and -1 counts for it. */
export function failedCreation(name: string, errorCode: number, errorMessage: string | null): TopicCreationResult {
  return { name, errorCode, errorMessage, topicId: ZERO_UUID, numPartitions: -1, replicationFactor: -1, configs: [] };
}

/**
 * kafka.server.ZkAdminManager + AdminZkClient: validates topic creation, computes Kafka's replica
 * assignment, writes /config/topics/<t> and /brokers/topics/<t> (not fenced: zk-mode.md §6.1), and
 * waits until the controller has elected a leader for every new partition.
 */
export class ZkAdminManager {
  private readonly log: Logger;
  private readonly configHelper: ConfigHelper;

  constructor(
    private readonly config: KafkaConfig,
    private readonly zkClient: KafkaZkClient,
    private readonly metadataCache: MetadataCache,
  ) {
    this.log = getLogger('kafka.server.ZkAdminManager', `[Admin Manager on Broker ${config.brokerId}]: `);
    this.configHelper = new ConfigHelper(config);
  }

  async createTopics(topics: TopicToCreate[], validateOnly: boolean, timeoutMs: number): Promise<TopicCreationResult[]> {
    const results: TopicCreationResult[] = [];
    const created: Array<{ name: string; partitions: number }> = [];
    for (const t of topics) {
      try {
        const { assignment, configs } = this.validate(t);
        // ZkAdminManager.maybePopulateMetadataAndConfigs: what the topic gets, reported from CreateTopics v5 on
        // (also for validateOnly); populateIds: the id written to /brokers/topics/<t> (v7).
        const result: TopicCreationResult = {
          name: t.name,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          topicId: ZERO_UUID,
          numPartitions: assignment.size,
          replicationFactor: assignment.get(0)?.length ?? -1,
          configs: this.configHelper
            .topicConfigEntries(configs, false, false)
            .map((e) => ({ name: e.name, value: e.value, readOnly: e.readOnly, configSource: e.configSource, isSensitive: e.isSensitive })),
        };
        if (!validateOnly) {
          result.topicId = (await this.createTopicInZk(t.name, assignment, configs)).toBytes();
          created.push({ name: t.name, partitions: assignment.size });
        }
        results.push(result);
      } catch (e) {
        const code = e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR;
        const msg = (e as Error).message;
        if (code === ErrorCode.UNKNOWN_SERVER_ERROR) this.log.error(`Error processing create topic request for ${t.name}`, e);
        else this.log.info(`Error processing create topic request for topic ${t.name}: ${msg}`);
        results.push(failedCreation(t.name, code, msg));
      }
    }
    if (created.length > 0 && timeoutMs > 0) {
      const ok = await this.waitForLeaders(created, timeoutMs);
      if (!ok) {
        for (const r of results) {
          if (r.errorCode === ErrorCode.NONE && created.some((c) => c.name === r.name) && !this.hasAllLeaders(r.name, created)) {
            // KafkaApis resets the reported configs and counts of any failed creation (the id stays).
            Object.assign(r, failedCreation(r.name, ErrorCode.REQUEST_TIMED_OUT, null), { topicId: r.topicId });
          }
        }
      }
    }
    return results;
  }

  /** Auto-creation through Metadata (kafka.server.AutoTopicCreationManager, ZK mode): broker defaults. */
  async autoCreateTopic(name: string): Promise<number> {
    const [r] = await this.createTopics([{ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }], false, 0);
    this.log.info(
      `Auto creation of topic ${name} with ${this.config.numPartitions} partitions and replication factor ${this.config.defaultReplicationFactor} is ${r.errorCode === ErrorCode.NONE ? 'successful' : `failed: ${r.errorMessage}`}`,
    );
    return r.errorCode;
  }

  private validate(t: TopicToCreate): { assignment: Map<number, number[]>; configs: Record<string, string> } {
    Topic.validate(t.name);
    if (this.metadataCache.contains(t.name)) {
      throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
    }
    if (Topic.hasCollisionChars(t.name)) {
      const clash = this.metadataCache.allTopics().find((o) => o !== t.name && Topic.hasCollision(o, t.name));
      if (clash) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${t.name}' collides with existing topic: ${clash}`);
    }
    const configs: Record<string, string> = {};
    for (const c of t.configs) {
      if (c.value === null) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${c.name}`);
      configs[c.name] = c.value;
    }
    validateTopicConfigs(configs);

    if (t.assignments.length > 0) {
      if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
        throw new KafkaError(
          ErrorCode.INVALID_REQUEST,
          'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
        );
      }
      return { assignment: this.validateManualAssignment(t.assignments), configs };
    }
    const numPartitions = t.numPartitions === -1 ? this.config.numPartitions : t.numPartitions;
    const rf = t.replicationFactor === -1 ? this.config.defaultReplicationFactor : t.replicationFactor;
    if (numPartitions <= 0) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    if (rf <= 0) throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
    const order = metadataCacheBrokerOrder(this.metadataCache.aliveBrokerIds());
    const brokers = order.map((id) => ({ id, rack: this.metadataCache.getAliveBroker(id)?.rack ?? null }));
    return { assignment: assignReplicasToBrokers(brokers, numPartitions, rf), configs };
  }

  private validateManualAssignment(assignments: Array<{ partitionIndex: number; brokerIds: number[] }>): Map<number, number[]> {
    const sorted = [...assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
    const result = new Map<number, number[]>();
    const alive = new Set(this.metadataCache.aliveBrokerIds());
    sorted.forEach((a, i) => {
      if (a.partitionIndex !== i) {
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence');
      }
      if (a.brokerIds.length === 0) {
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Replica assignment for partition ${i} is empty`);
      }
      if (new Set(a.brokerIds).size !== a.brokerIds.length) {
        throw new KafkaError(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Duplicate brokers not allowed in replica assignment: ${a.brokerIds.join(', ')} for partition id ${i}.`,
        );
      }
      if (a.brokerIds.length !== sorted[0].brokerIds.length) {
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'All partitions should have the same number of replicas');
      }
      const unknown = a.brokerIds.filter((b) => !alive.has(b));
      if (unknown.length > 0) {
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`);
      }
      result.set(i, a.brokerIds.slice());
    });
    return result;
  }

  private async createTopicInZk(name: string, assignment: Map<number, number[]>, configs: Record<string, string>): Promise<Uuid> {
    const topicId = Uuid.randomTopicId();
    try {
      await this.zkClient.createTopicWithConfig(name, topicId.toString(), assignment, configs);
    } catch (e) {
      if (e instanceof TopicExistsError) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
      throw e;
    }
    this.log.info(
      `Creating topic ${name} with configuration ${JSON.stringify(configs)} and initial partition assignment ${JSON.stringify(Object.fromEntries(assignment))}`,
    );
    return topicId;
  }

  /**
   * DeleteTopics (ZkAdminManager.deleteTopics): mark each topic under /admin/delete_topics for the
   * controller, then wait until the metadata cache no longer has it (REQUEST_TIMED_OUT otherwise).
   */
  async deleteTopics(topics: string[], timeoutMs: number): Promise<Map<string, number>> {
    const results = new Map<string, number>();
    for (const t of topics) {
      try {
        await this.zkClient.createDeleteTopicPath(t);
        this.log.info(`Marked topic ${t} for deletion`);
      } catch (e) {
        if (!isZkError(e, 'NODEEXISTS')) throw e;
        this.log.info(`Topic ${t} is already marked for deletion`);
      }
      results.set(t, ErrorCode.NONE);
    }
    if (timeoutMs > 0) {
      const gone = () => topics.every((t) => !this.metadataCache.contains(t));
      if (!(await this.waitForMetadata(gone, timeoutMs))) {
        for (const t of topics) if (this.metadataCache.contains(t)) results.set(t, ErrorCode.REQUEST_TIMED_OUT);
      }
    }
    return results;
  }

  /**
   * CreatePartitions (AdminZkClient.addPartitions, zk-mode.md §6.2): only increases; new replicas from
   * Kafka's assignment over the registered brokers sorted by id, started at partition 0's first replica.
   */
  async createPartitions(
    topic: string,
    count: number,
    assignments: Array<{ brokerIds: number[] }> | null,
    validateOnly: boolean,
    timeoutMs: number,
  ): Promise<{ errorCode: number; errorMessage: string | null }> {
    const existing = (await this.zkClient.getReplicaAssignmentAndTopicIds([topic])).get(topic);
    if (!existing || existing.partitions.size === 0 || !this.metadataCache.contains(topic)) {
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The topic '${topic}' does not exist.` };
    }
    if (await this.zkClient.isTopicMarkedForDeletion(topic)) {
      return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: `The topic '${topic}' is queued for deletion.` };
    }
    if (existing.adding.size > 0 || existing.removing.size > 0) {
      return { errorCode: ErrorCode.REASSIGNMENT_IN_PROGRESS, errorMessage: `A partition reassignment is in progress for the topic '${topic}'.` };
    }
    const current = existing.partitions.size;
    if (count < current) {
      return {
        errorCode: ErrorCode.INVALID_PARTITIONS,
        errorMessage: `Topic currently has ${current} partitions, which is higher than the requested ${count}.`,
      };
    }
    if (count === current) {
      return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic already has ${current} partitions.` };
    }
    const increase = count - current;
    const rf = existing.partitions.get(0)!.length;
    const alive = this.metadataCache.aliveBrokerIds().sort((a, b) => a - b);
    let added: Map<number, number[]>;
    if (assignments && assignments.length > 0) {
      if (assignments.length !== increase) {
        return {
          errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          errorMessage: `Increasing the number of partitions by ${increase} but ${assignments.length} assignments provided.`,
        };
      }
      added = new Map();
      for (let i = 0; i < assignments.length; i++) {
        const ids = assignments[i].brokerIds;
        const unknown = ids.filter((b) => !alive.includes(b));
        if (unknown.length > 0) {
          return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.` };
        }
        if (ids.length !== rf || new Set(ids).size !== ids.length) {
          return {
            errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            errorMessage: `Inconsistent replication factor between partitions, partition 0 has ${rf} while partition ${current + i} has replicas [${ids.join(', ')}].`,
          };
        }
        added.set(current + i, ids.slice());
      }
    } else {
      try {
        const first = existing.partitions.get(0)![0];
        const startIndex = Math.max(
          0,
          alive.findIndex((id) => id >= first),
        );
        added = assignReplicasToBrokers(
          alive.map((id) => ({ id, rack: this.metadataCache.getAliveBroker(id)?.rack ?? null })),
          increase,
          rf,
          startIndex,
          current,
        );
      } catch (e) {
        if (e instanceof KafkaError) return { errorCode: e.code, errorMessage: e.message };
        throw e;
      }
    }
    if (validateOnly) return { errorCode: ErrorCode.NONE, errorMessage: null };
    const partitions = new Map(existing.partitions);
    for (const [p, r] of added) partitions.set(p, r);
    await this.zkClient.setTopicAssignment(topic, { ...existing, partitions });
    this.log.info(`Creating ${increase} partitions for '${topic}' with the following replica assignment: ${JSON.stringify(Object.fromEntries(added))}.`);
    if (timeoutMs > 0) {
      const ready = () => {
        const parts = this.metadataCache.partitions(topic);
        return !!parts && parts.size >= count && [...parts.values()].every((p) => p.leader >= 0);
      };
      if (!(await this.waitForMetadata(ready, timeoutMs))) return { errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: null };
    }
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  private waitForMetadata(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
      const off = this.metadataCache.onUpdate(() => {
        if (done()) {
          clearTimeout(timer);
          off();
          resolve(true);
        }
      });
    });
  }

  private hasAllLeaders(name: string, created: Array<{ name: string; partitions: number }>): boolean {
    const want = created.find((c) => c.name === name)?.partitions ?? 0;
    const parts = this.metadataCache.partitions(name);
    if (!parts || parts.size < want) return false;
    for (const st of parts.values()) if (st.leader < 0) return false;
    return true;
  }

  private waitForLeaders(created: Array<{ name: string; partitions: number }>, timeoutMs: number): Promise<boolean> {
    return this.waitForMetadata(() => created.every((c) => this.hasAllLeaders(c.name, created)), timeoutMs);
  }
}
