import { getLogger, Logger } from '../common/logger';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { LeaderAndIsr } from '../zk/ZkData';
import { ControllerBrokerRequestBatch } from './ControllerBrokerRequestBatch';
import { ControllerContext, PartitionState, TopicPartition, tpString } from './ControllerContext';
import { ControllerEventLog } from './ControllerEventLog';
import { Election, ElectionStrategy } from './Election';

function describe(l: LeaderAndIsr): string {
  return `LeaderAndIsr(leader=${l.leader}, leaderEpoch=${l.leaderEpoch}, isrWithBrokerEpoch=List(${l.isr.map((b) => `BrokerState(brokerId=${b}, brokerEpoch=-1)`).join(', ')}), leaderRecoveryState=${l.leaderRecoveryState === 1 ? 'RECOVERING' : 'RECOVERED'}, partitionEpoch=${l.partitionEpoch})`;
}

/**
 * kafka.controller.ZkPartitionStateMachine: moves partitions between NewPartition, OnlinePartition and
 * OfflinePartition, writing every leader/ISR change to ZooKeeper with an epoch-fenced conditional
 * update before telling the brokers (LeaderAndIsr + UpdateMetadata).
 */
export class PartitionStateMachine {
  private readonly stateChangeLog: Logger;

  constructor(
    private readonly controllerId: number,
    private readonly ctx: ControllerContext,
    private readonly zk: KafkaZkClient,
    private readonly batch: ControllerBrokerRequestBatch,
    private readonly events: ControllerEventLog,
    private readonly uncleanAllowed: (topic: string) => Promise<boolean>,
  ) {
    this.stateChangeLog = getLogger('state.change.logger', '');
  }

  private logChange(tp: TopicPartition, from: PartitionState, to: PartitionState, l?: LeaderAndIsr): void {
    this.stateChangeLog.info(
      `[Controller id=${this.controllerId} epoch=${this.ctx.epoch}] Changed partition ${tpString(tp)} from ${from} to ${to}${l ? ` with state ${describe(l)}` : ''}`,
    );
    this.ctx.partitionStates.set(tpString(tp), to);
    if (l) this.emitPartitionState(tp, to, l);
  }

  /** controller-events.jsonl: a partition's leader, epoch or ISR changed. */
  private emitPartitionState(tp: TopicPartition, state: PartitionState, l: LeaderAndIsr): void {
    this.events.emit('partition_state', {
      topic: tp.topic,
      partition: tp.partition,
      state,
      leader: l.leader,
      leader_epoch: l.leaderEpoch,
      isr: l.isr,
      partition_epoch: l.partitionEpoch,
    });
  }

  stateOf(tp: TopicPartition): PartitionState {
    return this.ctx.partitionStates.get(tpString(tp)) ?? 'NonExistentPartition';
  }

  /**
   * NewPartition -> OnlinePartition: leader = first live assigned replica, ISR = live replicas in
   * assignment order, leader epoch 0, one fenced create per partition (zk-mode.md §4.1, §6.1).
   */
  async initializeLeaderAndIsr(tps: TopicPartition[]): Promise<void> {
    const toCreate = new Map<string, { topic: string; partition: number; leaderAndIsr: LeaderAndIsr; controllerEpoch: number }>();
    for (const tp of tps) {
      if (this.stateOf(tp) === 'NonExistentPartition') this.logChange(tp, 'NonExistentPartition', 'NewPartition');
      const live = this.ctx.replicasFor(tp).filter((r) => this.ctx.isLiveBroker(r));
      if (live.length === 0) {
        this.stateChangeLog.error(
          `[Controller id=${this.controllerId} epoch=${this.ctx.epoch}] Controller failed to initialize partition ${tpString(tp)}: No assigned replicas are alive`,
        );
        continue;
      }
      toCreate.set(tpString(tp), {
        topic: tp.topic,
        partition: tp.partition,
        leaderAndIsr: { leader: live[0], leaderEpoch: 0, isr: live, leaderRecoveryState: 0, partitionEpoch: 0 },
        controllerEpoch: this.ctx.epoch,
      });
    }
    if (toCreate.size === 0) return;
    const results = await this.zk.createTopicPartitionStatesRaw(toCreate, this.ctx.epochZkVersion);
    for (const [key, st] of toCreate) {
      const tp = { topic: st.topic, partition: st.partition };
      const err = results.get(key);
      if (err !== null) {
        this.stateChangeLog.error(
          `[Controller id=${this.controllerId} epoch=${this.ctx.epoch}] Failed to initialize partition ${key}: ${err?.message ?? 'no result'}`,
        );
        continue;
      }
      this.ctx.putLeadership(tp, { leaderAndIsr: st.leaderAndIsr, controllerEpoch: this.ctx.epoch });
      this.batch.addLeaderAndIsrRequestForBrokers(this.ctx.replicasFor(tp), tp, true);
      this.logChange(tp, 'NewPartition', 'OnlinePartition', st.leaderAndIsr);
    }
  }

  /**
   * Elects leaders for the given partitions with one of Kafka's strategies and writes the results.
   * Partitions without an eligible leader are left untouched and reported as failed.
   */
  /**
   * Same leader and ISR with leader epoch + 1 (KafkaController.updateLeaderEpochAndSendRequest): used by
   * reassignment so every replica learns the new replica set; `isNewFor` replicas are created (IsNew).
   */
  async bumpLeaderEpoch(tps: TopicPartition[], isNewFor: number[] = []): Promise<TopicPartition[]> {
    const updates = new Map<string, LeaderAndIsr>();
    for (const tp of tps) {
      const cur = this.ctx.leadership(tp);
      if (cur) updates.set(tpString(tp), { ...cur.leaderAndIsr, leaderEpoch: cur.leaderAndIsr.leaderEpoch + 1 });
    }
    return this.writeUpdates(updates, tps, (tp, l) => {
      const replicas = this.ctx.replicasFor(tp);
      const fresh = replicas.filter((r) => isNewFor.includes(r));
      if (fresh.length > 0) this.batch.addLeaderAndIsrRequestForBrokers(fresh, tp, true);
      this.batch.addLeaderAndIsrRequestForBrokers(
        replicas.filter((r) => !isNewFor.includes(r)),
        tp,
        false,
      );
      this.emitPartitionState(tp, this.stateOf(tp), l);
    });
  }

  async electLeaders(
    tps: TopicPartition[],
    strategy: ElectionStrategy,
    forceUnclean = false,
    assignmentOverride?: (tp: TopicPartition) => number[],
  ): Promise<{ elected: TopicPartition[]; failed: TopicPartition[] }> {
    const updates = new Map<string, LeaderAndIsr>();
    const failed: TopicPartition[] = [];
    const uncleanByTopic = new Map<string, boolean>();
    for (const tp of tps) {
      const cur = this.ctx.leadership(tp);
      if (!cur) {
        failed.push(tp);
        continue;
      }
      if (cur.controllerEpoch > this.ctx.epoch) {
        failed.push(tp); // written by a newer controller: we are a zombie (zk-mode.md §3.2)
        continue;
      }
      const assignment = assignmentOverride ? assignmentOverride(tp) : this.ctx.replicasFor(tp);
      let result = Election.elect(strategy, assignment, cur.leaderAndIsr, this.ctx, false);
      // Kafka reads the topic's unclean.leader.election.enable only when no live ISR member exists, once per topic.
      if (!result && strategy === 'offline') {
        let unclean = forceUnclean ? true : uncleanByTopic.get(tp.topic);
        if (unclean === undefined) {
          unclean = await this.uncleanAllowed(tp.topic);
          uncleanByTopic.set(tp.topic, unclean);
        }
        if (unclean) {
          result = Election.elect(strategy, assignment, cur.leaderAndIsr, this.ctx, true);
          // offlinePartitionLeaderElection marks UncleanLeaderElectionsPerSec when it finds a live non-ISR leader.
          if (result) this.ctx.stats.uncleanLeaderElections++;
        }
      }
      if (!result) {
        failed.push(tp);
        const from = this.stateOf(tp);
        if (from !== 'OfflinePartition' && strategy === 'offline') this.logChange(tp, from, 'OfflinePartition');
        continue;
      }
      updates.set(tpString(tp), result);
    }
    const elected = await this.writeUpdates(updates, tps, (tp, l) => {
      this.batch.addLeaderAndIsrRequestForBrokers(this.ctx.replicasFor(tp), tp, false);
      this.logChange(tp, this.stateOf(tp), 'OnlinePartition', l);
    });
    // A Set, not elected.some(): at 10,000 partitions the pairwise scan alone took seconds.
    const electedKeys = new Set(elected.map(tpString));
    return { elected, failed: failed.concat(tps.filter((tp) => updates.has(tpString(tp)) && !electedKeys.has(tpString(tp)))) };
  }

  /**
   * A replica went offline (broker death, controlled shutdown of a follower): remove it from each ISR,
   * never emptying one, and set leader -1 when it was the leader; leader epoch + 1 (zk-mode.md §4.4).
   */
  async removeReplicaFromIsr(brokerId: number, tps: TopicPartition[]): Promise<void> {
    const updates = new Map<string, LeaderAndIsr>();
    for (const tp of tps) {
      const cur = this.ctx.leadership(tp);
      if (!cur || !cur.leaderAndIsr.isr.includes(brokerId)) {
        if (cur && cur.leaderAndIsr.leader === brokerId) {
          updates.set(tpString(tp), { ...cur.leaderAndIsr, leader: -1, leaderEpoch: cur.leaderAndIsr.leaderEpoch + 1 });
        }
        continue;
      }
      const l = cur.leaderAndIsr;
      const isr = l.isr.length === 1 ? l.isr : l.isr.filter((b) => b !== brokerId);
      updates.set(tpString(tp), { ...l, leader: l.leader === brokerId ? -1 : l.leader, isr, leaderEpoch: l.leaderEpoch + 1 });
    }
    await this.writeUpdates(updates, tps, (tp, l) => {
      this.batch.addLeaderAndIsrRequestForBrokers(
        this.ctx.replicasFor(tp).filter((r) => r !== brokerId),
        tp,
        false,
      );
      if (l.leader < 0) this.logChange(tp, this.stateOf(tp), 'OfflinePartition', l);
      else this.emitPartitionState(tp, this.stateOf(tp), l);
    });
  }

  /**
   * A leader's ISR change (AlterPartition): written with the current controller epoch, leader epoch
   * unchanged (zk-mode.md §4.4), then UpdateMetadata to every broker; no LeaderAndIsr.
   */
  async writeIsrChanges(changes: Map<string, { tp: TopicPartition; leaderAndIsr: LeaderAndIsr }>): Promise<Map<string, LeaderAndIsr>> {
    const written = new Map<string, LeaderAndIsr>();
    const tps = [...changes.values()].map((c) => c.tp);
    await this.writeUpdates(new Map([...changes].map(([k, c]) => [k, c.leaderAndIsr])), tps, (tp, l) => {
      written.set(tpString(tp), l);
      this.batch.addUpdateMetadataRequestForBrokers(this.ctx.liveBrokerIds(), [tp]);
      this.stateChangeLog.info(
        `[Controller id=${this.controllerId} epoch=${this.ctx.epoch}] ISR of ${tpString(tp)} changed by its leader to [${l.isr.join(', ')}] (partition epoch ${l.partitionEpoch})`,
      );
      this.emitPartitionState(tp, this.stateOf(tp), l);
    });
    return written;
  }

  /** Conditional writes with the cached zkVersion; BadVersion re-reads and retries once (zk-mode.md §4.2). */
  private async writeUpdates(
    updates: Map<string, LeaderAndIsr>,
    tps: TopicPartition[],
    onWritten: (tp: TopicPartition, l: LeaderAndIsr) => void,
  ): Promise<TopicPartition[]> {
    const written: TopicPartition[] = [];
    if (updates.size === 0) return written;
    const byKey = new Map(tps.map((tp) => [tpString(tp), tp]));
    const res = await this.zk.updateLeaderAndIsr(updates, this.ctx.epoch, this.ctx.epochZkVersion);
    for (const [key, l] of res.finished) {
      const tp = byKey.get(key)!;
      this.ctx.putLeadership(tp, { leaderAndIsr: l, controllerEpoch: this.ctx.epoch });
      onWritten(tp, l);
      written.push(tp);
    }
    if (res.retry.length > 0) {
      // Someone else changed the znode: reload the states and let the caller's next pass decide.
      const fresh = await this.zk.getTopicPartitionStates(res.retry.map((k) => byKey.get(k)!));
      for (const [k, st] of fresh) this.ctx.putLeadership(byKey.get(k)!, st);
    }
    for (const [key, err] of res.failed) {
      this.stateChangeLog.error(`[Controller id=${this.controllerId} epoch=${this.ctx.epoch}] Failed to update partition state of ${key}: ${err.message}`);
      if (err.name === 'ControllerMovedError') throw err;
    }
    return written;
  }
}
