import { Logger } from '../common/logger';
import { ErrorCode } from '../protocol/errors';
import { LeaderAndIsr } from '../zk/ZkData';
import { ControllerBrokerRequestBatch } from './ControllerBrokerRequestBatch';
import { ControllerContext, TopicPartition, tpString } from './ControllerContext';
import { PartitionReassignment } from './PartitionReassignment';
import { PartitionStateMachine } from './PartitionStateMachine';

export interface AlterPartitionItem {
  /** The topic by name (AlterPartition v0-1), or "" when `topicId` names it (v2+). */
  topic: string;
  /** v2+: the topic id as Kafka prints it (base64url); resolved through the controller's context. */
  topicId?: string;
  partition: number;
  leaderEpoch: number;
  newIsr: number[];
  leaderRecoveryState: number;
  partitionEpoch: number;
}

export interface AlterPartitionResult {
  topic: string;
  /** The id the item named (v2+), so the answer can name the topic the same way. */
  topicId?: string;
  partition: number;
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
  isr: number[];
  leaderRecoveryState: number;
  partitionEpoch: number;
}

/** What the request handlers below need of the active controller. */
export interface ControllerParts {
  ctx: ControllerContext;
  psm: PartitionStateMachine;
  batch: ControllerBrokerRequestBatch;
  reassign: PartitionReassignment;
  log: Logger;
}

/**
 * AlterPartition from a partition leader (KafkaController.processAlterPartition, zk-mode.md §4.5):
 * broker epoch must match its registration, leader epoch and partition epoch must be current, and every
 * new ISR member must be alive; then the ISR is written with the leader epoch unchanged.
 * Runs inside the controller's event queue.
 */
export async function processAlterPartition(
  parts: ControllerParts,
  brokerId: number,
  brokerEpoch: number,
  items: AlterPartitionItem[],
): Promise<{ errorCode: number; results: AlterPartitionResult[] }> {
  const b = parts.ctx.liveBrokers.get(brokerId);
  if (!b || (brokerEpoch >= 0 && b.epoch !== brokerEpoch)) return { errorCode: ErrorCode.STALE_BROKER_EPOCH, results: [] };
  const results: AlterPartitionResult[] = [];
  const changes = new Map<string, { tp: TopicPartition; topicId?: string; leaderAndIsr: LeaderAndIsr }>();
  // v2+ names topics by id: KafkaController.processAlterPartition resolves them through controllerContext.topicNames.
  const namesById = items.some((it) => it.topicId !== undefined) ? new Map([...parts.ctx.topicIds].map(([name, id]) => [id, name])) : null;
  for (const it of items) {
    const topic = it.topicId !== undefined ? namesById!.get(it.topicId) : it.topic;
    const tp = { topic: topic ?? '', partition: it.partition };
    const cur = topic === undefined ? undefined : parts.ctx.leadership(tp);
    const reject = (errorCode: number) =>
      results.push({ ...tp, topicId: it.topicId, errorCode, leaderId: -1, leaderEpoch: -1, isr: [], leaderRecoveryState: 0, partitionEpoch: -1 });
    if (topic === undefined) reject(ErrorCode.UNKNOWN_TOPIC_ID);
    else if (!cur || parts.ctx.topicsToBeDeleted.has(topic)) reject(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    else if (it.leaderEpoch < cur.leaderAndIsr.leaderEpoch) reject(ErrorCode.FENCED_LEADER_EPOCH);
    else if (it.leaderEpoch > cur.leaderAndIsr.leaderEpoch || cur.leaderAndIsr.leader !== brokerId) reject(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    else if (it.partitionEpoch !== cur.leaderAndIsr.partitionEpoch) reject(ErrorCode.INVALID_UPDATE_VERSION);
    else if (it.newIsr.some((r) => !parts.ctx.isEligibleLeader(r) || !parts.ctx.replicasFor(tp).includes(r))) reject(ErrorCode.INELIGIBLE_REPLICA);
    else
      changes.set(tpString(tp), {
        tp,
        topicId: it.topicId,
        leaderAndIsr: { ...cur.leaderAndIsr, isr: it.newIsr.slice(), leaderRecoveryState: it.leaderRecoveryState },
      });
  }
  const written = changes.size > 0 ? await parts.psm.writeIsrChanges(changes) : new Map<string, LeaderAndIsr>();
  // A reassignment completes once the ISR holds every target replica.
  for (const c of changes.values()) if (parts.ctx.partitionReassignments.has(tpString(c.tp))) await parts.reassign.maybeComplete(c.tp);
  for (const [k, c] of changes) {
    const l = written.get(k);
    if (l)
      results.push({
        ...c.tp,
        topicId: c.topicId,
        errorCode: ErrorCode.NONE,
        leaderId: l.leader,
        leaderEpoch: l.leaderEpoch,
        isr: l.isr,
        leaderRecoveryState: l.leaderRecoveryState,
        partitionEpoch: l.partitionEpoch,
      });
    else
      results.push({
        ...c.tp,
        topicId: c.topicId,
        errorCode: ErrorCode.INVALID_UPDATE_VERSION,
        leaderId: -1,
        leaderEpoch: -1,
        isr: [],
        leaderRecoveryState: 0,
        partitionEpoch: -1,
      });
  }
  parts.batch.sendRequestsToBrokers(parts.ctx.epoch);
  return { errorCode: ErrorCode.NONE, results };
}

/**
 * ControlledShutdown (zk-mode.md §5.4): move leadership of the broker's partitions with RF > 1 to another
 * ISR member, stop it following the others and take it out of their ISR, then answer with the replicated
 * partitions it still leads. Runs inside the controller's event queue.
 */
export async function processControlledShutdown(
  parts: ControllerParts,
  brokerId: number,
  brokerEpoch: number,
): Promise<{ errorCode: number; remaining: TopicPartition[] }> {
  const b = parts.ctx.liveBrokers.get(brokerId);
  if (!b) return { errorCode: ErrorCode.BROKER_NOT_AVAILABLE, remaining: [] };
  if (brokerEpoch >= 0 && brokerEpoch < b.epoch) return { errorCode: ErrorCode.STALE_BROKER_EPOCH, remaining: [] };
  parts.ctx.shuttingDownBrokerIds.add(brokerId);
  parts.log.info(`Shutting down broker ${brokerId}`);
  const replicated = parts.ctx.partitionsOnBroker(brokerId).filter((tp) => parts.ctx.replicasFor(tp).length > 1 && !parts.ctx.topicsToBeDeleted.has(tp.topic));
  const led = replicated.filter((tp) => parts.ctx.leadership(tp)?.leaderAndIsr.leader === brokerId);
  const followed = replicated.filter((tp) => parts.ctx.leadership(tp)?.leaderAndIsr.leader !== brokerId);
  if (led.length > 0) await parts.psm.electLeaders(led, 'controlledShutdown');
  // Followers stop fetching (StopReplica delete=false) and leave the ISR (OfflineReplica, epoch + 1).
  for (const tp of followed) {
    parts.batch.addStopReplicaRequestForBrokers([brokerId], tp, false, parts.ctx.leadership(tp)?.leaderAndIsr.leaderEpoch ?? -1);
  }
  parts.batch.sendRequestsToBrokers(parts.ctx.epoch);
  if (followed.length > 0) await parts.psm.removeReplicaFromIsr(brokerId, followed);
  parts.batch.sendRequestsToBrokers(parts.ctx.epoch);
  // Like Kafka's replicatedPartitionsBrokerLeads(): single-replica partitions cannot move and do not count.
  const remaining = parts.ctx.partitionsLedByBroker(brokerId).filter((tp) => parts.ctx.replicasFor(tp).length > 1);
  return { errorCode: ErrorCode.NONE, remaining };
}
