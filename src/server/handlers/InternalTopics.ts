/**
 * The internal topics a broker creates itself (Kafka's DefaultAutoTopicCreationManager.creatableTopic): on
 * FindCoordinator for a group or transactional id, and on a Metadata request that names them, `__consumer_offsets`
 * and `__transaction_state` are created with their own partition count, replication factor and configs
 * (GroupCoordinator.groupMetadataTopicConfigs, TransactionStateManager.transactionTopicConfigs), never as ordinary
 * auto-created topics.
 */
import type { Logger } from '../../common/logger';
import { ErrorCode } from '../../protocol/errors';
import type { KafkaConfig } from '../config/KafkaConfig';
import type { KafkaApisDeps } from './ApiDeps';

export const GROUP_METADATA_TOPIC = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC = '__transaction_state';

export interface InternalTopicToCreate {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: Array<{ partitionIndex: number; brokerIds: number[] }>;
  configs: Array<{ name: string; value: string }>;
}

/** creatableTopic for an internal topic; null for any other name. */
export function internalTopicToCreate(name: string, cfg: KafkaConfig): InternalTopicToCreate | null {
  if (name === GROUP_METADATA_TOPIC) {
    return {
      name,
      numPartitions: cfg.offsetsTopicPartitions,
      replicationFactor: cfg.offsetsTopicReplicationFactor,
      assignments: [],
      configs: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'compression.type', value: 'producer' },
        { name: 'segment.bytes', value: String(cfg.offsetsTopicSegmentBytes) },
      ],
    };
  }
  if (name === TRANSACTION_STATE_TOPIC) {
    // Unclean election off, no compression, compaction (TransactionLog's enforced settings), and the configured ISR.
    return {
      name,
      numPartitions: cfg.transactionTopicPartitions,
      replicationFactor: cfg.transactionTopicReplicationFactor,
      assignments: [],
      configs: [
        { name: 'unclean.leader.election.enable', value: 'false' },
        { name: 'compression.type', value: 'uncompressed' },
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'min.insync.replicas', value: String(cfg.transactionTopicMinISR) },
        { name: 'segment.bytes', value: String(cfg.transactionTopicSegmentBytes) },
      ],
    };
  }
  return null;
}

/** Creates internal topics on first use; concurrent requests share one creation. */
export class InternalTopicCreator {
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: KafkaApisDeps,
    private readonly log: Logger,
  ) {}

  /**
   * Starts the creation (the caller answers COORDINATOR_NOT_AVAILABLE meanwhile). With fewer alive brokers than the
   * replication factor nothing is tried, and the error says which setting is behind it.
   */
  ensure(name: string): Promise<void> {
    const existing = this.inflight.get(name);
    if (existing) return existing;
    const cfg = this.deps.config;
    const topic = internalTopicToCreate(name, cfg);
    if (!topic) return Promise.resolve();
    const alive = this.deps.metadataCache.aliveBrokerIds().length;
    if (alive < topic.replicationFactor) {
      const [what, setting] =
        name === GROUP_METADATA_TOPIC
          ? ['offsets topic', 'offsets.topic.replication.factor']
          : ['transactions state topic', 'transaction.state.log.replication.factor'];
      this.log.error(
        `Number of alive brokers '${alive}' does not meet the required replication factor '${topic.replicationFactor}' for the ${what} (configured via '${setting}'). This error can be ignored if the cluster is starting up and not all brokers are up yet.`,
      );
      return Promise.resolve();
    }
    const p = (async () => {
      try {
        const [res] = await this.deps.adminManager.createTopics([topic], false, 0);
        if (res.errorCode !== ErrorCode.NONE && res.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
          this.log.warn(`Failed to create internal topic ${name}: ${res.errorMessage ?? res.errorCode}`);
        }
      } finally {
        this.inflight.delete(name);
      }
    })();
    this.inflight.set(name, p);
    return p;
  }

  /**
   * Metadata auto-creation of an internal topic (createTopicsInZk): the error to report for it. Created or already
   * there: LEADER_NOT_AVAILABLE until its leaders are known.
   */
  async createForMetadata(name: string): Promise<number> {
    const topic = internalTopicToCreate(name, this.deps.config)!;
    const [res] = await this.deps.adminManager.createTopics([topic], false, 0);
    const code = res.errorCode;
    return code === ErrorCode.NONE || code === ErrorCode.TOPIC_ALREADY_EXISTS || code === ErrorCode.REQUEST_TIMED_OUT ? ErrorCode.LEADER_NOT_AVAILABLE : code;
  }
}
