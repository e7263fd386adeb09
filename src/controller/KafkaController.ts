import { getLogger, Logger } from '../common/logger';
import { ErrorCode } from '../protocol/errors';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { claimNewProducerIdBlock } from '../zk/ProducerIdBlockClaim';
import { BrokerInfo, decodeFeature, encodeFeature, FeatureZNode, ReassignPartitionsZNode } from '../zk/ZkData';
import { applyFeatureUpdates, FeatureUpdateError, FeatureUpdateItem } from './FeatureUpdates';
import { ControllerBrokerRequestBatch } from './ControllerBrokerRequestBatch';
import { ControllerChannelManager } from './ControllerChannelManager';
import { ControllerContext, TopicPartition, tpString } from './ControllerContext';
import { ControllerEventLog } from './ControllerEventLog';
import { ControllerEventManager } from './ControllerEventManager';
import { PartitionStateMachine } from './PartitionStateMachine';
import { TopicDeletionManager } from './TopicDeletionManager';
import { ElectionResult, ElectionType, PreferredReplicaElection } from './PreferredReplicaElection';
import { PartitionReassignment, ReassignmentResult } from './PartitionReassignment';
import {
  ChangeHandlerParts,
  loadTopics,
  processBrokerChange,
  processPartitionModifications,
  processTopicChange,
  triggerOnlinePartitionStateChange,
} from './ControllerChangeHandlers';
import { AlterPartitionItem, AlterPartitionResult, ControllerParts, processAlterPartition, processControlledShutdown } from './ControllerRequests';

export type { AlterPartitionItem, AlterPartitionResult } from './ControllerRequests';
import { StopReplicaResponse } from '../protocol/apis/05-stop-replica';
import { ZkWatchEvent } from '../zk/ZooKeeperClient';

interface ControllerConfig {
  brokerId: number;
  interBrokerListenerName: string;
  controllerSocketTimeoutMs: number;
  uncleanLeaderElectionEnable: boolean;
  deleteTopicEnable: boolean;
  autoLeaderRebalanceEnable: boolean;
  leaderImbalanceCheckIntervalSeconds: number;
  leaderImbalancePerBrokerPercentage: number;
}

/**
 * kafka.controller.KafkaController (ZooKeeper mode): elected through /controller and /controller_epoch,
 * it loads the cluster from ZooKeeper, watches brokers and topics, elects partition leaders and tells
 * the brokers through LeaderAndIsr and UpdateMetadata. Every ZooKeeper write it makes is fenced by the
 * /controller_epoch zkVersion it won.
 */
export class KafkaController {
  readonly ctx = new ControllerContext();
  private activeControllerId = -1;
  private readonly eventManager: ControllerEventManager;
  private readonly log: Logger;
  private channel: ControllerChannelManager | null = null;
  private batch: ControllerBrokerRequestBatch | null = null;
  private psm: PartitionStateMachine | null = null;
  private tdm: TopicDeletionManager | null = null;
  private pre: PreferredReplicaElection | null = null;
  private reassign: PartitionReassignment | null = null;
  private rebalanceTimer: NodeJS.Timeout | null = null;
  private readonly events: ControllerEventLog;
  private shuttingDown = false;

  constructor(
    private readonly config: ControllerConfig,
    private readonly zk: KafkaZkClient,
    private readonly brokerInfo: BrokerInfo,
    /** Re-registers this broker in a new ZooKeeper session; returns the new broker epoch. */
    private readonly reRegisterBroker: () => Promise<number>,
  ) {
    this.eventManager = new ControllerEventManager(config.brokerId);
    this.log = getLogger('kafka.controller.KafkaController', `[Controller id=${config.brokerId}] `);
    this.events = new ControllerEventLog(config.brokerId);
  }

  /** The pieces the request handlers in ControllerRequests.ts work on (valid while active). */
  private parts(): ControllerParts {
    return { ctx: this.ctx, psm: this.psm!, batch: this.batch!, reassign: this.reassign!, log: this.log };
  }

  /** The same, with what the ZooKeeper change handlers in ControllerChangeHandlers.ts also need. */
  private changeParts(): ChangeHandlerParts {
    return {
      ...this.parts(),
      zk: this.zk,
      channel: this.channel!,
      tdm: this.tdm!,
      events: this.events,
      watchers: { brokerChange: this.brokerChangeWatcher, topicChange: this.topicChangeWatcher, partitionModifications: this.partitionModificationsWatcher },
    };
  }

  isActive(): boolean {
    return this.activeControllerId === this.config.brokerId && this.psm !== null;
  }

  get controllerId(): number {
    return this.activeControllerId;
  }

  startup(): Promise<void> {
    this.zk.zk.registerStateChangeHandler({
      name: 'controller-state-change-handler',
      beforeInitializingSession: () => this.eventManager.put('Expire', async () => this.onSessionExpired()),
      afterInitializingSession: () =>
        void this.eventManager.put('RegisterBrokerAndReelect', async () => {
          await this.reRegisterBroker();
          await this.elect();
        }),
    });
    return this.eventManager.put('Startup', () => this.elect());
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.eventManager.close();
    this.onControllerResignation();
    this.events.close();
  }

  // ------------------------------------------------------------------ election

  private controllerWatcher = (): void => {
    if (this.shuttingDown) return;
    void this.eventManager.put('ControllerChange', async () => {
      const id = await this.zk.getControllerId(this.controllerWatcher);
      const wasActive = this.isActive();
      this.activeControllerId = id ?? -1;
      if (wasActive && id !== this.config.brokerId) this.onControllerResignation();
      if (id === null) await this.elect(); // /controller deleted: Reelect
    });
  };

  private async elect(): Promise<void> {
    if (this.shuttingDown) return;
    const current = await this.zk.getControllerId(this.controllerWatcher);
    if (current !== null) {
      this.activeControllerId = current;
      if (current !== this.config.brokerId) {
        this.log.info(`Broker ${current} has been elected as the controller, so stopping the election process.`);
      }
      return;
    }
    try {
      const { epoch, epochZkVersion } = await this.zk.registerControllerAndIncrementControllerEpoch(this.config.brokerId);
      this.ctx.epoch = epoch;
      this.ctx.epochZkVersion = epochZkVersion;
      this.activeControllerId = this.config.brokerId;
      this.log.info(
        `${this.config.brokerId} successfully elected as the controller. Epoch incremented to ${epoch} and epoch zk version is now ${epochZkVersion}`,
      );
      this.events.emit('election_won', { controller: this.config.brokerId, epoch, epoch_zk_version: epochZkVersion });
      await this.onControllerFailover();
    } catch (e) {
      if ((e as Error).name === 'ControllerMovedError') {
        const id = await this.zk.getControllerId(this.controllerWatcher);
        this.activeControllerId = id ?? -1;
        this.log.info(`Controller moved to another broker (${id}) while this broker tried to become controller.`);
        this.onControllerResignation();
        return;
      }
      this.log.error('Error while electing or becoming controller on broker ' + this.config.brokerId + '. Trigger controller movement immediately', e);
      this.onControllerResignation();
      this.activeControllerId = -1;
      await this.zk.deleteController(this.ctx.epochZkVersion).catch(() => undefined);
    }
  }

  private onSessionExpired(): void {
    this.log.info('ZooKeeper session expired: resigning as controller if needed');
    this.onControllerResignation();
    this.activeControllerId = -1;
  }

  private onControllerResignation(): void {
    if (!this.psm) return;
    this.log.info(`Resigned as controller (epoch ${this.ctx.epoch})`);
    this.channel?.shutdown();
    this.channel = null;
    this.batch = null;
    this.psm = null;
    this.tdm = null;
    this.pre = null;
    this.reassign = null;
    if (this.rebalanceTimer) clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = null;
    this.ctx.reset();
  }

  // ------------------------------------------------------------------ failover

  private async onControllerFailover(): Promise<void> {
    this.log.info('Registering handlers');
    await this.zk.createFeatureZNodeIfMissing(); // IBP >= 2.7: /feature, enabled, no finalized features
    const channel = new ControllerChannelManager(this.config.brokerId, this.config.interBrokerListenerName, this.config.controllerSocketTimeoutMs);
    this.channel = channel;
    this.batch = new ControllerBrokerRequestBatch(this.config.brokerId, this.ctx, channel, undefined, (brokerId, res) =>
      this.onStopReplicaResponse(brokerId, res),
    );
    this.psm = new PartitionStateMachine(this.config.brokerId, this.ctx, this.zk, this.batch, this.events, async (topic) => {
      const cfg = await this.zk.getTopicConfig(topic);
      const v = cfg['unclean.leader.election.enable'];
      return v !== undefined ? v === 'true' : this.config.uncleanLeaderElectionEnable;
    });
    this.pre = new PreferredReplicaElection(this.config.brokerId, this.ctx, this.psm);
    this.reassign = new PartitionReassignment(this.config.brokerId, this.ctx, this.zk, this.psm, this.batch, this.events);
    this.tdm = new TopicDeletionManager(this.config.brokerId, this.ctx, this.zk, this.batch, this.events, this.config.deleteTopicEnable);
    this.log.info('Initializing controller context');
    const brokers = await this.zk.getAllBrokersInCluster(this.brokerChangeWatcher);
    for (const b of brokers) {
      this.ctx.liveBrokers.set(b.info.id, b);
      channel.addBroker(b.info.id, b.info);
    }
    this.log.info(`Initialized broker epochs cache: HashMap(${brokers.map((b) => `${b.info.id} -> ${b.epoch}`).join(', ')})`);
    const topics = await this.zk.getAllTopicsInCluster(this.topicChangeWatcher);
    await loadTopics(this.changeParts(), topics);
    this.log.info(`Currently active brokers in the cluster: Set(${this.ctx.liveBrokerIds().join(', ')})`);
    this.log.info(`Current list of topics in the cluster: HashSet(${[...this.ctx.allTopics].join(', ')})`);
    const all = this.ctx.allPartitions();
    const states = await this.zk.getTopicPartitionStates(all);
    for (const tp of all) {
      const st = states.get(tpString(tp));
      if (st) {
        this.ctx.putLeadership(tp, st);
        const alive = st.leaderAndIsr.leader >= 0 && this.ctx.isLiveBroker(st.leaderAndIsr.leader);
        this.ctx.partitionStates.set(tpString(tp), alive ? 'OnlinePartition' : 'OfflinePartition');
      }
    }
    this.log.info('Sending update metadata request');
    this.batch.addUpdateMetadataRequestForBrokers(this.ctx.liveBrokerIds(), all);
    // Replica state machine start-up: every live replica gets its stored state (no ZooKeeper write).
    for (const tp of all) {
      if (this.ctx.leadership(tp)) this.batch.addLeaderAndIsrRequestForBrokers(this.ctx.replicasFor(tp), tp, false);
    }
    // Replicas on dead brokers go offline; then partition state machine start-up elects what it can.
    const dead = new Set<number>();
    for (const tp of all) for (const r of this.ctx.replicasFor(tp)) if (!this.ctx.isLiveBroker(r)) dead.add(r);
    await triggerOnlinePartitionStateChange(this.changeParts());
    for (const b of dead) await this.psm.removeReplicaFromIsr(b, this.ctx.partitionsOnBroker(b));
    this.batch.sendRequestsToBrokers(this.ctx.epoch);
    // Resume topic deletions that a previous controller left unfinished.
    await this.tdm.onTopicDeletionRequested(await this.zk.getTopicDeletions(this.topicDeletionWatcher));
    await this.processPreferredReplicaElectionZNode();
    // Resume reassignments: legacy znode first, then those recorded in topic znodes (already loaded).
    await this.zk.watchExistence(ReassignPartitionsZNode.path, this.reassignPartitionsWatcher);
    await this.reassign.onLegacyZNode();
    await this.reassign.maybeCompleteAll();
    if (this.config.autoLeaderRebalanceEnable) this.scheduleAutoLeaderRebalance(5000);
    this.log.info(`Ready to serve as the new controller with epoch ${this.ctx.epoch}`);
  }

  // ------------------------------------------------------------------ watches

  private brokerChangeWatcher = (): void => {
    if (this.shuttingDown) return;
    void this.eventManager.put('BrokerChange', async () => {
      if (this.isActive()) await processBrokerChange(this.changeParts());
    });
  };

  private topicChangeWatcher = (): void => {
    if (this.shuttingDown) return;
    void this.eventManager.put('TopicChange', async () => {
      if (this.isActive()) await processTopicChange(this.changeParts());
    });
  };

  private scheduleAutoLeaderRebalance(delayMs: number): void {
    if (this.rebalanceTimer) clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = setTimeout(() => {
      void this.eventManager
        .put('AutoPreferredReplicaLeaderElection', async () => {
          if (!this.isActive()) return;
          await this.pre!.checkAndTriggerAutoLeaderRebalance(this.config.leaderImbalancePerBrokerPercentage);
          this.batch!.sendRequestsToBrokers(this.ctx.epoch);
          this.scheduleAutoLeaderRebalance(this.config.leaderImbalanceCheckIntervalSeconds * 1000);
        })
        .catch(() => undefined);
    }, delayMs);
    this.rebalanceTimer.unref();
  }

  private preferredReplicaElectionWatcher = (): void => {
    if (this.shuttingDown) return;
    void this.eventManager.put('ReplicaLeaderElection', () => this.processPreferredReplicaElectionZNode());
  };

  /** Legacy /admin/preferred_replica_election (zk-mode.md §3.4): elect, then delete the znode (fenced). */
  private async processPreferredReplicaElectionZNode(): Promise<void> {
    if (!this.isActive()) return;
    await this.pre!.onLegacyZNode(this.zk, this.preferredReplicaElectionWatcher);
    this.batch!.sendRequestsToBrokers(this.ctx.epoch);
  }

  private reassignPartitionsWatcher = (): void => {
    if (this.shuttingDown) return;
    void this.eventManager.put('ZkPartitionReassignment', async () => {
      if (!this.isActive()) return;
      await this.zk.watchExistence(ReassignPartitionsZNode.path, this.reassignPartitionsWatcher);
      await this.reassign!.onLegacyZNode();
    });
  };

  /** AlterPartitionReassignments (KIP-455): start, replace or cancel (null target) per partition. */
  alterPartitionReassignments(
    items: Array<{ topic: string; partition: number; replicas: number[] | null }>,
  ): Promise<{ errorCode: number; results: Array<{ topic: string; partition: number } & ReassignmentResult> }> {
    return this.eventManager.put('ApiPartitionReassignment', async () => {
      if (!this.isActive()) return { errorCode: ErrorCode.NOT_CONTROLLER, results: [] };
      const results: Array<{ topic: string; partition: number } & ReassignmentResult> = [];
      for (const it of items) {
        const tp = { topic: it.topic, partition: it.partition };
        results.push({ ...tp, ...(await this.reassign!.alter(tp, it.replicas, false)) });
      }
      this.batch!.sendRequestsToBrokers(this.ctx.epoch);
      return { errorCode: ErrorCode.NONE, results };
    });
  }

  listPartitionReassignments(
    filter: TopicPartition[] | null,
  ): Promise<{ errorCode: number; ongoing: Array<{ tp: TopicPartition; replicas: number[]; adding: number[]; removing: number[] }> }> {
    return this.eventManager.put('ListPartitionReassignments', async () => {
      if (!this.isActive()) return { errorCode: ErrorCode.NOT_CONTROLLER, ongoing: [] };
      return { errorCode: ErrorCode.NONE, ongoing: this.reassign!.list(filter) };
    });
  }

  /** ElectLeaders API (KafkaController.electLeaders): preferred or unclean, for some or all partitions. */
  electLeaders(partitions: TopicPartition[] | null, type: number): Promise<{ errorCode: number; results: ElectionResult[] }> {
    return this.eventManager.put('ReplicaLeaderElection', async () => {
      if (!this.isActive()) return { errorCode: ErrorCode.NOT_CONTROLLER, results: [] };
      this.log.info(
        `Starting replica leader election (${type === ElectionType.PREFERRED ? 'PREFERRED' : 'UNCLEAN'}) for partitions ${partitions ? partitions.map(tpString).join(',') : 'all'} triggered by AdminClientTriggered`,
      );
      const results = await this.pre!.elect(partitions, type);
      this.batch!.sendRequestsToBrokers(this.ctx.epoch);
      return { errorCode: ErrorCode.NONE, results };
    });
  }

  private topicDeletionWatcher = (): void => {
    if (this.shuttingDown) return;
    void this.eventManager.put('TopicDeletion', async () => {
      if (!this.isActive()) return;
      await this.tdm!.onTopicDeletionRequested(await this.zk.getTopicDeletions(this.topicDeletionWatcher));
    });
  };

  private partitionModificationsWatcher = (event: ZkWatchEvent): void => {
    if (this.shuttingDown) return;
    const topic = event.path.split('/').pop()!;
    void this.eventManager.put('PartitionModifications', async () => {
      if (this.isActive()) await processPartitionModifications(this.changeParts(), topic);
    });
  };

  private onStopReplicaResponse(brokerId: number, res: StopReplicaResponse): void {
    void this.eventManager.put('TopicDeletionStopReplicaResponseReceived', async () => {
      if (!this.isActive()) return;
      if (res.errorCode !== 0) this.log.warn(`StopReplica to broker ${brokerId} failed with error ${res.errorCode}`);
      for (const e of res.partitionErrors) {
        if (this.ctx.topicsToBeDeleted.has(e.topicName)) {
          await this.tdm!.onStopReplicaResponse(brokerId, { topic: e.topicName, partition: e.partitionIndex }, e.errorCode);
        }
      }
    });
  }

  // ------------------------------------------------------------------ AlterPartition

  /** AlterPartition from a partition leader: see processAlterPartition. */
  alterPartition(brokerId: number, brokerEpoch: number, items: AlterPartitionItem[]): Promise<{ errorCode: number; results: AlterPartitionResult[] }> {
    return this.eventManager.put('AlterPartitionReceived', async () => {
      if (!this.isActive()) return { errorCode: ErrorCode.NOT_CONTROLLER, results: [] };
      return processAlterPartition(this.parts(), brokerId, brokerEpoch, items);
    });
  }

  // ------------------------------------------------------------------ UpdateFeatures

  /**
   * UpdateFeatures (KafkaController.processFeatureUpdates): validated against /feature, our supported range and the
   * live brokers' registered features; /feature is rewritten only when the finalized levels change.
   */
  updateFeatures(updates: FeatureUpdateItem[]): Promise<{ errorCode: number; errors: Map<string, FeatureUpdateError> }> {
    return this.eventManager.put('UpdateFeatures', async () => {
      if (!this.isActive()) return { errorCode: ErrorCode.NOT_CONTROLLER, errors: new Map() };
      const node = await this.zk.getDataAndStat(FeatureZNode.path);
      const existing = new Map<string, number>();
      for (const [name, v] of Object.entries(decodeFeature(node?.data ?? null)?.features ?? {})) existing.set(name, v.maxVersionLevel);
      const brokers = [...this.ctx.liveBrokers.values()].map((b) => b.info.features ?? {});
      const { target, errors } = applyFeatureUpdates(existing, updates, brokers);
      const same = target.size === existing.size && [...target].every(([k, v]) => existing.get(k) === v);
      if (!same) {
        try {
          const features = Object.fromEntries([...target].map(([k, v]) => [k, { minVersionLevel: v, maxVersionLevel: v }]));
          await this.zk.setFeatureZNode(encodeFeature(features));
        } catch (e) {
          this.log.warn(`Processing of feature updates failed due to error: ${(e as Error).message}`);
          for (const [k, err] of errors)
            if (err.errorCode === ErrorCode.NONE) errors.set(k, { errorCode: ErrorCode.FEATURE_UPDATE_FAILED, errorMessage: null });
        }
      }
      return { errorCode: ErrorCode.NONE, errors };
    });
  }

  // ------------------------------------------------------------------ AllocateProducerIds

  /**
   * AllocateProducerIds from a broker (KafkaController.processAllocateProducerIds): the broker must be registered
   * with the epoch it gives; the block is claimed at /latest_producer_id_block on its behalf.
   */
  allocateProducerIds(brokerId: number, brokerEpoch: number): Promise<{ errorCode: number; producerIdStart: number; producerIdLen: number }> {
    return this.eventManager.put('AllocateProducerIds', async () => {
      const fail = (errorCode: number) => ({ errorCode, producerIdStart: -1, producerIdLen: 0 });
      if (!this.isActive()) return fail(ErrorCode.NOT_CONTROLLER);
      const b = this.ctx.liveBrokers.get(brokerId);
      if (!b) {
        this.log.warn(`Ignoring AllocateProducerIds due to unknown broker ${brokerId}`);
        return fail(ErrorCode.BROKER_ID_NOT_REGISTERED);
      }
      if (b.epoch !== brokerEpoch) {
        this.log.warn(`Ignoring AllocateProducerIds due to stale broker epoch ${brokerEpoch} for broker ${brokerId}`);
        return fail(ErrorCode.STALE_BROKER_EPOCH);
      }
      try {
        const block = await claimNewProducerIdBlock(this.zk, brokerId, this.log);
        return { errorCode: ErrorCode.NONE, producerIdStart: Number(block.blockStart), producerIdLen: Number(block.blockEnd - block.blockStart + 1n) };
      } catch (e) {
        this.log.error(`AllocateProducerIds for broker ${brokerId} failed`, e);
        return fail(ErrorCode.UNKNOWN_SERVER_ERROR);
      }
    });
  }

  // ------------------------------------------------------------------ controlled shutdown

  /** ControlledShutdown from a broker: see processControlledShutdown. */
  controlledShutdown(brokerId: number, brokerEpoch: number): Promise<{ errorCode: number; remaining: TopicPartition[] }> {
    return this.eventManager.put('ControlledShutdown', async () => {
      if (!this.isActive()) return { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH, remaining: [] };
      return processControlledShutdown(this.parts(), brokerId, brokerEpoch);
    });
  }
}
