import { getLogger, Logger } from '../common/logger';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { ControllerBrokerRequestBatch } from './ControllerBrokerRequestBatch';
import { ControllerContext, TopicPartition, tpString } from './ControllerContext';
import { ControllerEventLog } from './ControllerEventLog';

/** StopReplica's leader epoch sentinel for a topic queued for deletion (KIP-570). */
const EPOCH_DURING_DELETE = -2;

type ReplicaDeletionState = 'ReplicaDeletionStarted' | 'ReplicaDeletionSuccessful' | 'ReplicaDeletionIneligible';

/**
 * kafka.controller.TopicDeletionManager (zk-mode.md §6.3): a topic marked under /admin/delete_topics is
 * deleted once every replica is alive: brokers learn leader -2 through UpdateMetadata, replicas get
 * StopReplica(delete=true); when all replicas confirmed, /brokers/topics/<t> (recursively),
 * /config/topics/<t> and the marker are removed, each write fenced by the controller epoch.
 */
export class TopicDeletionManager {
  private readonly replicaStates = new Map<string, Map<number, ReplicaDeletionState>>();
  private readonly log: Logger;

  constructor(
    controllerId: number,
    private readonly ctx: ControllerContext,
    private readonly zk: KafkaZkClient,
    private readonly batch: ControllerBrokerRequestBatch,
    private readonly events: ControllerEventLog,
    private readonly deleteTopicEnable: boolean,
  ) {
    this.log = getLogger('kafka.controller.TopicDeletionManager', `[Topic Deletion Manager ${controllerId}] `);
  }

  /** /admin/delete_topics children changed (or failover): queue what is deletable, drop the rest. */
  async onTopicDeletionRequested(markers: string[]): Promise<void> {
    const unknown = markers.filter((t) => !this.ctx.allTopics.has(t));
    if (unknown.length > 0) {
      this.log.info(`Ignoring request to delete non-existing topics ${unknown.join(',')}`);
      await this.zk.deleteTopicDeletions(unknown, this.ctx.epochZkVersion);
    }
    const known = markers.filter((t) => this.ctx.allTopics.has(t));
    if (known.length === 0) return;
    if (!this.deleteTopicEnable) {
      this.log.info(`Removing ${known.join(',')} since delete topic is disabled`);
      await this.zk.deleteTopicDeletions(known, this.ctx.epochZkVersion);
      return;
    }
    for (const t of known) {
      if (!this.ctx.topicsToBeDeleted.has(t)) this.log.info(`Handling deletion for topics ${t}`);
      this.ctx.topicsToBeDeleted.add(t);
    }
    await this.resumeDeletions();
  }

  isTopicQueuedUpForDeletion(topic: string): boolean {
    return this.ctx.topicsToBeDeleted.has(topic);
  }

  /** Starts or finishes deletions whose replicas are all alive (Kafka retries on broker start-up). */
  async resumeDeletions(): Promise<void> {
    for (const topic of [...this.ctx.topicsToBeDeleted]) {
      const states = this.replicaStates.get(topic);
      if (states && [...states.values()].every((s) => s === 'ReplicaDeletionSuccessful')) {
        await this.completeDeleteTopic(topic);
        continue;
      }
      const replicas = new Set(this.ctx.partitionsOfTopic(topic).flatMap((tp) => this.ctx.replicasFor(tp)));
      const dead = [...replicas].filter((r) => !this.ctx.isLiveBroker(r));
      if (dead.length > 0) {
        this.log.info(
          `Not retrying deletion of topic ${topic} at this time since it is marked ineligible for deletion (replicas on dead brokers ${dead.join(',')})`,
        );
        continue;
      }
      if (!states || [...states.values()].some((s) => s === 'ReplicaDeletionIneligible')) await this.onTopicDeletion(topic);
    }
  }

  private async onTopicDeletion(topic: string): Promise<void> {
    const partitions = this.ctx.partitionsOfTopic(topic);
    this.log.info(`Topic deletion callback for ${topic}`);
    // Every broker stops serving the topic first: UpdateMetadata with leader -2 (LeaderDuringDelete).
    this.batch.addUpdateMetadataRequestForBrokers(this.ctx.liveBrokerIds(), partitions);
    const states = new Map<number, ReplicaDeletionState>();
    for (const tp of partitions) {
      for (const r of this.ctx.replicasFor(tp)) {
        states.set(r, 'ReplicaDeletionStarted');
        this.batch.addStopReplicaRequestForBrokers([r], tp, true, EPOCH_DURING_DELETE);
      }
      this.ctx.partitionStates.set(tpString(tp), 'OfflinePartition');
    }
    this.replicaStates.set(topic, states);
    this.pending.set(topic, new Set(partitions.flatMap((tp) => this.ctx.replicasFor(tp).map((r) => `${r}:${tpString(tp)}`))));
    this.batch.sendRequestsToBrokers(this.ctx.epoch);
  }

  private readonly pending = new Map<string, Set<string>>();

  /** A StopReplica(delete) response for one replica (called inside the controller's event queue). */
  async onStopReplicaResponse(brokerId: number, tp: TopicPartition, errorCode: number): Promise<void> {
    const states = this.replicaStates.get(tp.topic);
    const waiting = this.pending.get(tp.topic);
    if (!states || !waiting) return;
    if (errorCode !== 0) {
      this.log.warn(`Replica ${brokerId} of ${tpString(tp)} failed deletion with error ${errorCode}: topic ineligible for now`);
      states.set(brokerId, 'ReplicaDeletionIneligible');
      return;
    }
    waiting.delete(`${brokerId}:${tpString(tp)}`);
    if ([...waiting].every((k) => !k.startsWith(`${brokerId}:`))) states.set(brokerId, 'ReplicaDeletionSuccessful');
    if (waiting.size === 0) {
      for (const r of states.keys()) states.set(r, 'ReplicaDeletionSuccessful');
      await this.completeDeleteTopic(tp.topic);
    }
  }

  private async completeDeleteTopic(topic: string): Promise<void> {
    const partitions = this.ctx.partitionsOfTopic(topic);
    await this.zk.deleteTopicZNode(topic, this.ctx.epochZkVersion);
    await this.zk.deleteTopicConfigs([topic], this.ctx.epochZkVersion);
    await this.zk.deleteTopicDeletions([topic], this.ctx.epochZkVersion);
    for (const tp of partitions) {
      this.ctx.partitionLeadershipInfo.delete(tpString(tp));
      this.ctx.partitionStates.delete(tpString(tp));
    }
    this.ctx.partitionAssignments.delete(topic);
    this.ctx.allTopics.delete(topic);
    this.ctx.topicIds.delete(topic);
    this.ctx.topicsToBeDeleted.delete(topic);
    this.replicaStates.delete(topic);
    this.pending.delete(topic);
    this.log.info(`Deletion of topic ${topic} successfully completed`);
    this.events.emit('topic_deleted', { topic });
  }
}
