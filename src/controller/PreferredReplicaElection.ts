import { getLogger, Logger } from '../common/logger';
import { ErrorCode } from '../protocol/errors';
import { ControllerContext, TopicPartition, tpString } from './ControllerContext';
import { PartitionStateMachine } from './PartitionStateMachine';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { decodePreferredReplicaElection, PreferredReplicaElectionZNode } from '../zk/ZkData';
import { ZkWatcher } from '../zk/ZooKeeperClient';

export interface ElectionResult {
  topic: string;
  partition: number;
  errorCode: number;
  errorMessage: string | null;
}

/** Election types of the ElectLeaders API. */
export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;

/**
 * Preferred and unclean leader elections on demand (ElectLeaders, /admin/preferred_replica_election) and
 * the periodic auto leader rebalance (KafkaController.checkAndTriggerAutoLeaderRebalance, zk-mode.md §4.3).
 */
export class PreferredReplicaElection {
  private readonly log: Logger;

  constructor(
    controllerId: number,
    private readonly ctx: ControllerContext,
    private readonly psm: PartitionStateMachine,
  ) {
    this.log = getLogger('kafka.controller.KafkaController', `[Controller id=${controllerId}] `);
  }

  /** Elects for the given partitions (null = all); per-partition results with Kafka's error codes. */
  async elect(partitions: TopicPartition[] | null, type: number): Promise<ElectionResult[]> {
    const tps = partitions ?? this.ctx.allPartitions();
    const results: ElectionResult[] = [];
    const candidates: TopicPartition[] = [];
    for (const tp of tps) {
      const l = this.ctx.leadership(tp);
      const replicas = this.ctx.replicasFor(tp);
      if (!l || replicas.length === 0 || this.ctx.topicsToBeDeleted.has(tp.topic)) {
        results.push({ ...tp, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The partition ${tpString(tp)} does not exist.` });
      } else if (type === ElectionType.PREFERRED && l.leaderAndIsr.leader === replicas[0]) {
        results.push({ ...tp, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' });
      } else if (type === ElectionType.UNCLEAN && l.leaderAndIsr.leader >= 0 && this.ctx.isLiveBroker(l.leaderAndIsr.leader)) {
        results.push({ ...tp, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' });
      } else {
        candidates.push(tp);
      }
    }
    if (candidates.length > 0) {
      const { elected, failed } = await this.psm.electLeaders(
        candidates,
        type === ElectionType.PREFERRED ? 'preferred' : 'offline',
        type === ElectionType.UNCLEAN,
      );
      for (const tp of elected) results.push({ ...tp, errorCode: ErrorCode.NONE, errorMessage: null });
      for (const tp of failed) {
        results.push(
          type === ElectionType.PREFERRED
            ? {
                ...tp,
                errorCode: ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE,
                errorMessage: `Failed to elect leader for partition ${tpString(tp)} under strategy PreferredReplicaPartitionLeaderElectionStrategy`,
              }
            : {
                ...tp,
                errorCode: ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE,
                errorMessage: `Failed to elect leader for partition ${tpString(tp)} under strategy OfflinePartitionLeaderElectionStrategy(true)`,
              },
        );
      }
    }
    return results;
  }

  /**
   * Legacy /admin/preferred_replica_election (zk-mode.md §3.4): elect the listed partitions, then delete the
   * znode (fenced by the controller epoch); an exists-watch stays armed for the next one.
   */
  async onLegacyZNode(zk: KafkaZkClient, watcher: ZkWatcher): Promise<void> {
    const node = await zk.getDataAndStat(PreferredReplicaElectionZNode.path, watcher);
    if (!node) {
      await zk.watchExistence(PreferredReplicaElectionZNode.path, watcher);
      return;
    }
    const partitions = decodePreferredReplicaElection(node.data);
    this.log.info(`Starting replica leader election (PREFERRED) for partitions ${partitions.map(tpString).join(',')} triggered by ZkTriggered`);
    await this.elect(partitions, ElectionType.PREFERRED);
    await zk.deleteRecursive(PreferredReplicaElectionZNode.path, this.ctx.epochZkVersion);
    await zk.watchExistence(PreferredReplicaElectionZNode.path, watcher);
  }

  /**
   * For each broker, the share of the partitions it prefers (first assigned replica) that it does not lead;
   * above leader.imbalance.per.broker.percentage, preferred election for those whose preferred replica is
   * live and in the ISR.
   */
  async checkAndTriggerAutoLeaderRebalance(imbalancePercentage: number): Promise<TopicPartition[]> {
    const byPreferred = new Map<number, TopicPartition[]>();
    for (const tp of this.ctx.allPartitions()) {
      if (this.ctx.topicsToBeDeleted.has(tp.topic)) continue;
      const preferred = this.ctx.replicasFor(tp)[0];
      if (preferred === undefined) continue;
      const list = byPreferred.get(preferred) ?? [];
      list.push(tp);
      byPreferred.set(preferred, list);
    }
    const toElect: TopicPartition[] = [];
    for (const [broker, tps] of byPreferred) {
      if (!this.ctx.isEligibleLeader(broker)) continue;
      const notLed = tps.filter((tp) => this.ctx.leadership(tp)?.leaderAndIsr.leader !== broker);
      const ratio = notLed.length / tps.length;
      this.log.debug(`Leader imbalance ratio for broker ${broker} is ${ratio}`);
      if (ratio * 100 > imbalancePercentage) {
        toElect.push(...notLed.filter((tp) => this.ctx.leadership(tp)?.leaderAndIsr.isr.includes(broker)));
      }
    }
    if (toElect.length > 0) {
      this.log.info(`Starting replica leader election (PREFERRED) for partitions ${toElect.map(tpString).join(',')} triggered by AutoTriggered`);
      await this.psm.electLeaders(toElect, 'preferred');
    }
    return toElect;
  }
}
