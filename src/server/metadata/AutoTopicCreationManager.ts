/**
 * kafka.server.AutoTopicCreationManager (KRaft): topics a broker creates on its own (Metadata with
 * allowAutoTopicCreation, FindCoordinator's __consumer_offsets) are created by the active controller through a
 * CreateTopics request. Auto-creation does not wait for the answer: the client is told LEADER_NOT_AVAILABLE and
 * asks again, and a topic already being created is not asked for twice (Kafka's inflightTopics). The other admin
 * operations of a KRaft broker are forwarded whole (ForwardingManager), so only creation is offered here.
 */
import { getLogger, Logger } from '../../common/logger';
import { CreateTopicsApi } from '../../protocol/apis';
import { ErrorCode, errorInfo } from '../../protocol/errors';
import type { ControllerChannel } from '../BrokerLifecycleManager';
import type { KafkaConfig } from '../config/KafkaConfig';
import type { TopicCreationResult } from '../ZkAdminManager';

/** CreateTopicsRequest.Builder's latest version in 3.7. */
const CREATE_TOPICS_VERSION = 7;
const ZERO_UUID = Buffer.alloc(16);

interface TopicToCreate {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: Array<{ partitionIndex: number; brokerIds: number[] }>;
  configs: Array<{ name: string; value: string | null }>;
}

export class AutoTopicCreationManager {
  private readonly inflight = new Set<string>();
  private readonly log: Logger;

  constructor(
    private readonly config: KafkaConfig,
    private readonly channel: ControllerChannel,
  ) {
    this.log = getLogger('kafka.server.AutoTopicCreationManager', `[AutoTopicCreationManager broker=${config.brokerId}] `);
  }

  /** Sends the creation to the controller and waits for its answer (a topic being created is not asked for twice). */
  async createTopics(topics: TopicToCreate[], validateOnly: boolean, timeoutMs: number): Promise<TopicCreationResult[]> {
    const failed = (name: string, errorCode: number, errorMessage: string | null): TopicCreationResult => ({
      name,
      errorCode,
      errorMessage,
      topicId: ZERO_UUID,
      numPartitions: -1,
      replicationFactor: -1,
      configs: [],
    });
    const wanted = topics.filter((t) => !this.inflight.has(t.name));
    const results = new Map<string, TopicCreationResult>();
    for (const t of topics) if (this.inflight.has(t.name)) results.set(t.name, failed(t.name, ErrorCode.NONE, null));
    if (wanted.length > 0) {
      for (const t of wanted) this.inflight.add(t.name);
      try {
        const res = await this.channel.send(CreateTopicsApi, CREATE_TOPICS_VERSION, { topics: wanted, timeoutMs, validateOnly });
        for (const r of res.topics) {
          results.set(r.name, {
            ...failed(r.name, r.errorCode, r.errorMessage),
            topicId: r.topicId ?? ZERO_UUID,
            numPartitions: r.numPartitions ?? -1,
            replicationFactor: r.replicationFactor ?? -1,
          });
          if (r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
            this.log.warn(
              `Cleared inflight topic creation state for ${r.name}: the controller answered ${errorInfo(r.errorCode).name} (${r.errorMessage ?? ''})`,
            );
          }
        }
      } catch (e) {
        this.channel.reset?.();
        this.log.warn(`Unable to create topics ${wanted.map((t) => t.name).join(',')} through the controller: ${(e as Error).message}`);
        for (const t of wanted) results.set(t.name, failed(t.name, ErrorCode.REQUEST_TIMED_OUT, (e as Error).message));
      } finally {
        for (const t of wanted) this.inflight.delete(t.name);
      }
    }
    return topics.map((t) => results.get(t.name) ?? failed(t.name, ErrorCode.UNKNOWN_SERVER_ERROR, null));
  }

  /**
   * Metadata's auto-creation: the request goes to the controller in the background with the broker defaults
   * (num.partitions, default.replication.factor); the answer is NONE at once (the Metadata handler reports
   * LEADER_NOT_AVAILABLE until the topic's partitions reach this broker's metadata).
   */
  autoCreateTopic(name: string): Promise<number> {
    if (!this.inflight.has(name)) {
      const cfg = this.config;
      void this.createTopics(
        [{ name, numPartitions: cfg.numPartitions, replicationFactor: cfg.defaultReplicationFactor, assignments: [], configs: [] }],
        false,
        0,
      ).then(([r]) =>
        this.log.info(
          `Auto creation of topic ${name} with ${cfg.numPartitions} partitions and replication factor ${cfg.defaultReplicationFactor} is ${r.errorCode === ErrorCode.NONE ? 'successful' : `failed: ${r.errorMessage ?? errorInfo(r.errorCode).name}`}`,
        ),
      );
    }
    return Promise.resolve(ErrorCode.NONE);
  }

  /** Forwarded in KRaft mode (ForwardingManager); never called. */
  deleteTopics(): Promise<Map<string, number>> {
    return Promise.reject(new Error('DeleteTopics is forwarded to the controller in KRaft mode'));
  }

  /** Forwarded in KRaft mode (ForwardingManager); never called. */
  createPartitions(): Promise<{ errorCode: number; errorMessage: string | null }> {
    return Promise.reject(new Error('CreatePartitions is forwarded to the controller in KRaft mode'));
  }
}
