import { getLogger, Logger } from '../common/logger';
import { ErrorCode } from '../protocol/errors';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { decodeReassignPartitions, encodeReassignPartitions, ReassignPartitionsZNode } from '../zk/ZkData';
import { ControllerBrokerRequestBatch } from './ControllerBrokerRequestBatch';
import { ControllerContext, TopicPartition, tpString } from './ControllerContext';
import { ControllerEventLog } from './ControllerEventLog';
import { PartitionStateMachine } from './PartitionStateMachine';

export interface ReassignmentResult {
  errorCode: number;
  errorMessage: string | null;
}

/**
 * Partition reassignment (KafkaController.onPartitionReassignment, zk-mode.md §6.5). With ORS the original
 * and TRS the target replicas: phase A writes replicas = TRS ++ (ORS - TRS) with adding/removing maps into
 * the topic znode, bumps the leader epoch and starts the new replicas; once the ISR holds all of TRS, phase B
 * moves leadership into TRS if needed, takes the removed replicas out of the ISR, deletes them
 * (StopReplica delete=true), writes the final assignment and clears the legacy znode entry.
 */
export class PartitionReassignment {
  private readonly log: Logger;

  constructor(
    controllerId: number,
    private readonly ctx: ControllerContext,
    private readonly zk: KafkaZkClient,
    private readonly psm: PartitionStateMachine,
    private readonly batch: ControllerBrokerRequestBatch,
    private readonly events: ControllerEventLog,
  ) {
    this.log = getLogger('kafka.controller.KafkaController', `[Controller id=${controllerId}] `);
  }

  /** Validation of a requested target (KafkaController.validateReassignment wording). */
  validate(tp: TopicPartition, target: number[]): ReassignmentResult {
    if (!this.ctx.leadership(tp) || this.ctx.topicsToBeDeleted.has(tp.topic)) {
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The partition ${tpString(tp)} does not exist.` };
    }
    if (target.length === 0)
      return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'Empty replica list specified in partition reassignment.' };
    if (new Set(target).size !== target.length) {
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage: `Duplicate replica ids in partition reassignment replica list: ${JSON.stringify(target)}`,
      };
    }
    if (target.some((b) => !this.ctx.isLiveBroker(b))) {
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage: `Replica assignment has brokers that are not alive. Replica list: ${target.join(',')}, live broker list: ${this.ctx.liveBrokerIds().join(',')}`,
      };
    }
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  /** Starts (or replaces) a reassignment; target null cancels one in progress (back to the original replicas). */
  async alter(tp: TopicPartition, target: number[] | null, zkTriggered: boolean): Promise<ReassignmentResult> {
    const key = tpString(tp);
    const ongoing = this.ctx.partitionReassignments.get(key);
    if (target === null) {
      if (!ongoing)
        return {
          errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS,
          errorMessage: `Attempted to cancel reassignment of partition ${key}, but no reassignment is in progress.`,
        };
      const origin = this.ctx.replicasFor(tp).filter((r) => !ongoing.adding.includes(r));
      return this.alter(tp, origin, ongoing.zkTriggered);
    }
    const v = this.validate(tp, target);
    if (v.errorCode !== ErrorCode.NONE) return v;
    const current = this.ctx.replicasFor(tp);
    const origin = ongoing ? current.filter((r) => !ongoing.adding.includes(r)) : current;
    const adding = target.filter((r) => !origin.includes(r));
    const removing = origin.filter((r) => !target.includes(r));
    const replicas = [...target, ...origin.filter((r) => !target.includes(r))];
    this.log.info(
      `Updating assignment of partition ${key} from ${JSON.stringify({ replicas: current })} to ${JSON.stringify({ replicas, addingReplicas: adding, removingReplicas: removing })}`,
    );
    this.ctx.partitionAssignments.get(tp.topic)!.set(tp.partition, replicas);
    if (adding.length === 0 && removing.length === 0) {
      this.ctx.partitionReassignments.delete(key);
      await this.writeTopicZNode(tp.topic);
      if (zkTriggered) await this.removeFromLegacyZNode([tp]);
      return { errorCode: ErrorCode.NONE, errorMessage: null };
    }
    this.ctx.partitionReassignments.set(key, { tp, target, adding, removing, zkTriggered });
    await this.writeTopicZNode(tp.topic);
    // Phase A: every replica (old and new) learns the full set with a new leader epoch; new ones are created.
    await this.psm.bumpLeaderEpoch([tp], adding);
    this.events.emit('reassignment_started', { topic: tp.topic, partition: tp.partition, replicas, adding, removing });
    await this.maybeComplete(tp);
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  /** Phase B once every target replica is in the ISR. Called after ISR changes and broker start-ups. */
  async maybeComplete(tp: TopicPartition): Promise<void> {
    const key = tpString(tp);
    const r = this.ctx.partitionReassignments.get(key);
    const l = this.ctx.leadership(tp);
    if (!r || !l || !r.target.every((b) => l.leaderAndIsr.isr.includes(b))) return;
    this.log.info(`Target replicas ${r.target.join(',')} have all caught up with the leader for reassigning partition ${key}`);
    this.ctx.partitionAssignments.get(tp.topic)!.set(tp.partition, r.target.slice());
    this.ctx.partitionReassignments.delete(key);
    const leader = l.leaderAndIsr.leader;
    if (!r.target.includes(leader) || !this.ctx.isLiveBroker(leader)) {
      await this.psm.electLeaders([tp], 'reassignment', false, () => r.target);
    } else {
      await this.psm.bumpLeaderEpoch([tp]);
    }
    for (const b of r.removing) {
      this.batch.addStopReplicaRequestForBrokers([b], tp, false, this.ctx.leadership(tp)?.leaderAndIsr.leaderEpoch ?? -1);
      await this.psm.removeReplicaFromIsr(b, [tp]);
      this.batch.addStopReplicaRequestForBrokers([b], tp, true, this.ctx.leadership(tp)?.leaderAndIsr.leaderEpoch ?? -1);
    }
    await this.writeTopicZNode(tp.topic);
    if (r.zkTriggered) await this.removeFromLegacyZNode([tp]);
    this.batch.addUpdateMetadataRequestForBrokers(this.ctx.liveBrokerIds(), [tp]);
    this.batch.sendRequestsToBrokers(this.ctx.epoch);
    this.events.emit('reassignment_completed', { topic: tp.topic, partition: tp.partition, replicas: r.target });
  }

  async maybeCompleteAll(): Promise<void> {
    for (const { tp } of [...this.ctx.partitionReassignments.values()]) await this.maybeComplete(tp);
  }

  /** Failover: reassignments recorded in topic znodes (API-triggered) are resumed, as Kafka does. */
  resumeFromTopicZNode(topic: string, adding: Map<number, number[]>, removing: Map<number, number[]>): void {
    for (const p of new Set([...adding.keys(), ...removing.keys()])) {
      const tp = { topic, partition: p };
      const replicas = this.ctx.replicasFor(tp);
      const rem = removing.get(p) ?? [];
      this.ctx.partitionReassignments.set(tpString(tp), {
        tp,
        target: replicas.filter((r) => !rem.includes(r)),
        adding: adding.get(p) ?? [],
        removing: rem,
        zkTriggered: false,
      });
    }
  }

  /** /admin/reassign_partitions (legacy tools): start each listed reassignment. */
  async onLegacyZNode(): Promise<void> {
    const node = await this.zk.getDataAndStat(ReassignPartitionsZNode.path);
    if (!node) return;
    for (const e of decodeReassignPartitions(node.data)) {
      const tp = { topic: e.topic, partition: e.partition };
      const res = await this.alter(tp, e.replicas, true);
      if (res.errorCode !== ErrorCode.NONE) {
        this.log.error(`Skipping reassignment of ${tpString(tp)}: ${res.errorMessage}`);
        await this.removeFromLegacyZNode([tp]);
      }
    }
  }

  private async removeFromLegacyZNode(tps: TopicPartition[]): Promise<void> {
    const node = await this.zk.getDataAndStat(ReassignPartitionsZNode.path);
    if (!node) return;
    const rest = decodeReassignPartitions(node.data).filter((e) => !tps.some((tp) => tp.topic === e.topic && tp.partition === e.partition));
    if (rest.length === 0) await this.zk.deleteRecursive(ReassignPartitionsZNode.path, this.ctx.epochZkVersion);
    else
      await this.zk.fencedOp(
        { type: 'setData', path: ReassignPartitionsZNode.path, data: encodeReassignPartitions(rest), version: -1 },
        this.ctx.epochZkVersion,
      );
  }

  private async writeTopicZNode(topic: string): Promise<void> {
    const adding = new Map<number, number[]>();
    const removing = new Map<number, number[]>();
    for (const r of this.ctx.partitionReassignments.values()) {
      if (r.tp.topic !== topic) continue;
      if (r.adding.length > 0) adding.set(r.tp.partition, r.adding);
      if (r.removing.length > 0) removing.set(r.tp.partition, r.removing);
    }
    await this.zk.setTopicAssignment(
      topic,
      {
        topicId: this.ctx.topicIds.get(topic) ?? null,
        partitions: this.ctx.partitionAssignments.get(topic)!,
        adding,
        removing,
      },
      this.ctx.epochZkVersion,
    );
  }

  list(filter: TopicPartition[] | null): Array<{ tp: TopicPartition; replicas: number[]; adding: number[]; removing: number[] }> {
    return [...this.ctx.partitionReassignments.values()]
      .filter((r) => !filter || filter.some((f) => f.topic === r.tp.topic && f.partition === r.tp.partition))
      .map((r) => ({ tp: r.tp, replicas: this.ctx.replicasFor(r.tp), adding: r.adding, removing: r.removing }));
  }
}
