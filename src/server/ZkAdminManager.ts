import { getLogger, Logger } from '../common/logger';
import { Uuid } from '../common/Uuid';
import { assignReplicasToBrokers, metadataCacheBrokerOrder } from '../admin/AdminUtils';
import * as Topic from '../admin/Topic';
import { validateTopicConfigs } from '../log/TopicConfig';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { TopicExistsError } from '../zk/errors';
import { KafkaConfig } from './KafkaConfig';
import { MetadataCache } from './MetadataCache';

export interface TopicToCreate {
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
}

/**
 * kafka.server.ZkAdminManager + AdminZkClient: validates topic creation, computes Kafka's replica
 * assignment, writes /config/topics/<t> and /brokers/topics/<t> (not fenced: zk-mode.md §6.1), and
 * waits until the controller has elected a leader for every new partition.
 */
export class ZkAdminManager {
  private readonly log: Logger;

  constructor(
    private readonly config: KafkaConfig,
    private readonly zkClient: KafkaZkClient,
    private readonly metadataCache: MetadataCache,
  ) {
    this.log = getLogger('kafka.server.ZkAdminManager', `[Admin Manager on Broker ${config.brokerId}]: `);
  }

  async createTopics(topics: TopicToCreate[], validateOnly: boolean, timeoutMs: number): Promise<TopicCreationResult[]> {
    const results: TopicCreationResult[] = [];
    const created: Array<{ name: string; partitions: number }> = [];
    for (const t of topics) {
      try {
        const { assignment, configs } = this.validate(t);
        if (!validateOnly) {
          await this.createTopicInZk(t.name, assignment, configs);
          created.push({ name: t.name, partitions: assignment.size });
        }
        results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (e) {
        const code = e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR;
        const msg = (e as Error).message;
        if (code === ErrorCode.UNKNOWN_SERVER_ERROR) this.log.error(`Error processing create topic request for ${t.name}`, e);
        else this.log.info(`Error processing create topic request for topic ${t.name}: ${msg}`);
        results.push({ name: t.name, errorCode: code, errorMessage: msg });
      }
    }
    if (created.length > 0 && timeoutMs > 0) {
      const ok = await this.waitForLeaders(created, timeoutMs);
      if (!ok) {
        for (const r of results) {
          if (r.errorCode === ErrorCode.NONE && created.some((c) => c.name === r.name) && !this.hasAllLeaders(r.name, created)) {
            r.errorCode = ErrorCode.REQUEST_TIMED_OUT;
            r.errorMessage = null;
          }
        }
      }
    }
    return results;
  }

  /** Auto-creation through Metadata (kafka.server.AutoTopicCreationManager, ZK mode): broker defaults. */
  async autoCreateTopic(name: string): Promise<number> {
    const [r] = await this.createTopics(
      [{ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }],
      false,
      0,
    );
    this.log.info(`Auto creation of topic ${name} with ${this.config.numPartitions} partitions and replication factor ${this.config.defaultReplicationFactor} is ${r.errorCode === ErrorCode.NONE ? 'successful' : `failed: ${r.errorMessage}`}`);
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
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Duplicate brokers not allowed in replica assignment: ${a.brokerIds.join(', ')} for partition id ${i}.`);
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

  private async createTopicInZk(name: string, assignment: Map<number, number[]>, configs: Record<string, string>): Promise<void> {
    try {
      await this.zkClient.createTopicWithConfig(name, Uuid.randomTopicId().toString(), assignment, configs);
    } catch (e) {
      if (e instanceof TopicExistsError) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
      throw e;
    }
    this.log.info(`Creating topic ${name} with configuration ${JSON.stringify(configs)} and initial partition assignment ${JSON.stringify(Object.fromEntries(assignment))}`);
  }

  private hasAllLeaders(name: string, created: Array<{ name: string; partitions: number }>): boolean {
    const want = created.find((c) => c.name === name)?.partitions ?? 0;
    const parts = this.metadataCache.partitions(name);
    if (!parts || parts.size < want) return false;
    for (const st of parts.values()) if (st.leader < 0) return false;
    return true;
  }

  private waitForLeaders(created: Array<{ name: string; partitions: number }>, timeoutMs: number): Promise<boolean> {
    const done = () => created.every((c) => this.hasAllLeaders(c.name, created));
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
}
