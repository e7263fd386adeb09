/**
 * Kafka 3.7's org.apache.kafka.controller.PartitionChangeBuilder: from a partition's registration and the wanted
 * ISR / replicas / election, the PartitionChangeRecord that gets there (or none when nothing changes). It elects
 * the leader (the current one if still valid, else the first acceptable replica in the target ISR; an unclean
 * election takes any acceptable replica and shrinks the ISR to it), bumps the leader epoch when the leader changes
 * or a replica is removed (and, before 3.6-IV0, on an ISR shrink), and completes a reassignment once the adding
 * replicas are in the ISR. An empty target ISR is never written: the ISR keeps its last member, as Kafka does
 * without eligible leader replicas (KIP-966 is not production in 3.7).
 */
import { ApiMessageAndVersion } from '../../metadata/MetadataRecordSerde';
import { mergePartitionChange, PartitionRegistration } from '../../metadata/image/MetadataImage';
import { MV, partitionChangeRecordVersion, record } from './MetadataRecords';

export const NO_LEADER = -1;
/** PartitionChangeRecord.Leader's default: the leader does not change. */
export const NO_LEADER_CHANGE = -2;

/** LeaderRecoveryState (KIP-704). */
export const LeaderRecoveryState = { RECOVERED: 0, RECOVERING: 1 } as const;

export enum Election {
  /** Perform leader election to keep the partition online; elect the preferred replica if it is in the ISR. */
  PREFERRED,
  /** Elect any replica in the ISR. */
  ONLINE,
  /** Elect any replica, even outside the ISR, when no ISR member is acceptable (may lose data). */
  UNCLEAN,
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Replicas.contains(a, b): every element of b is in a. */
function containsAll(a: readonly number[], b: readonly number[]): boolean {
  return b.every((x) => a.includes(x));
}

/** PartitionRegistration.merge: the registration after a PartitionChangeRecord (the image's replay rule). */
export function mergePartition(p: PartitionRegistration, change: Record<string, unknown>): PartitionRegistration {
  return mergePartitionChange(p, change);
}

export class PartitionChangeBuilder {
  private targetIsr: number[];
  private targetReplicas: number[];
  private targetRemoving: number[];
  private targetAdding: number[];
  private election = Election.ONLINE;
  private targetLeaderRecoveryState: number;

  constructor(
    private readonly partition: PartitionRegistration,
    private readonly topicId: Buffer,
    private readonly partitionId: number,
    /** LeaderAcceptor: may this broker lead (registered, unfenced, not shutting down)? */
    private readonly isAcceptableLeader: (brokerId: number) => boolean,
    private readonly metadataVersion: number,
    /** ClusterDescriber.defaultDir: the log directory a replica new to the partition gets. */
    private readonly defaultDir: (brokerId: number) => Buffer,
  ) {
    this.targetIsr = [...partition.isr];
    this.targetReplicas = [...partition.replicas];
    this.targetRemoving = [...partition.removingReplicas];
    this.targetAdding = [...partition.addingReplicas];
    this.targetLeaderRecoveryState = partition.leaderRecoveryState;
  }

  setTargetIsr(isr: number[]): this {
    this.targetIsr = [...isr];
    return this;
  }

  setTargetReplicas(replicas: number[]): this {
    this.targetReplicas = [...replicas];
    return this;
  }

  setTargetRemoving(removing: number[]): this {
    this.targetRemoving = [...removing];
    return this;
  }

  setTargetAdding(adding: number[]): this {
    this.targetAdding = [...adding];
    return this;
  }

  setElection(election: Election): this {
    this.election = election;
    return this;
  }

  setTargetLeaderRecoveryState(state: number): this {
    this.targetLeaderRecoveryState = state;
    return this;
  }

  private isValidNewLeader(replica: number): boolean {
    return this.targetIsr.includes(replica) && this.isAcceptableLeader(replica);
  }

  /** electLeader: { node, unclean }. */
  electLeader(): { node: number; unclean: boolean } {
    if (this.election === Election.PREFERRED) {
      const preferred = this.targetReplicas[0];
      if (preferred !== undefined && this.isValidNewLeader(preferred)) return { node: preferred, unclean: false };
      if (this.isValidNewLeader(this.partition.leader)) return { node: this.partition.leader, unclean: false };
      const online = this.targetReplicas.slice(1).find((r) => this.isValidNewLeader(r));
      return online !== undefined ? { node: online, unclean: false } : { node: NO_LEADER, unclean: false };
    }
    if (this.isValidNewLeader(this.partition.leader)) return { node: this.partition.leader, unclean: false };
    const online = this.targetReplicas.find((r) => this.isValidNewLeader(r));
    if (online !== undefined) return { node: online, unclean: false };
    if (this.election === Election.UNCLEAN) {
      const unclean = this.targetReplicas.find((r) => this.isAcceptableLeader(r));
      if (unclean !== undefined) return { node: unclean, unclean: true };
    }
    return { node: NO_LEADER, unclean: false };
  }

  private tryElection(rec: Record<string, unknown>): void {
    const result = this.electLeader();
    if (result.node === this.partition.leader) return;
    rec.leader = result.node;
    if (result.unclean) {
      // An unclean election forcibly sets the ISR to the new leader alone (data may be lost), and marks the
      // leader as RECOVERING so it does not expand the ISR before it has recovered (KIP-704).
      rec.isr = [result.node];
      if (this.partition.leaderRecoveryState !== LeaderRecoveryState.RECOVERING && this.metadataVersion >= MV.IBP_3_2_IV0) {
        rec.leaderRecoveryState = LeaderRecoveryState.RECOVERING;
      }
    }
  }

  /** triggerLeaderEpochBumpIfNeeded: a removed replica (and, before 3.6-IV0, an ISR shrink) bumps the leader epoch. */
  private triggerLeaderEpochBumpIfNeeded(rec: Record<string, unknown>): void {
    if (rec.leader !== NO_LEADER_CHANGE) return;
    if (!containsAll(this.targetReplicas, this.partition.replicas)) rec.leader = this.partition.leader;
    else if (this.metadataVersion < MV.IBP_3_6_IV0 && !containsAll(this.targetIsr, this.partition.isr)) rec.leader = this.partition.leader;
  }

  /** PartitionReassignmentReplicas.maybeCompleteReassignment: done once every adding replica is in the ISR. */
  private completeReassignmentIfNeeded(): void {
    if (this.targetRemoving.length === 0 && this.targetAdding.length === 0) return;
    let newIsr = [...this.targetIsr];
    let newReplicas = [...this.targetReplicas];
    if (this.targetRemoving.length > 0) {
      newIsr = newIsr.filter((r) => !this.targetRemoving.includes(r));
      newReplicas = newReplicas.filter((r) => !this.targetRemoving.includes(r));
    }
    if (newIsr.length === 0) return;
    if (!containsAll(newIsr, this.targetAdding)) return;
    this.targetIsr = newIsr;
    this.targetReplicas = newReplicas;
    this.targetRemoving = [];
    this.targetAdding = [];
  }

  build(): ApiMessageAndVersion | null {
    const rec: Record<string, unknown> = {
      partitionId: this.partitionId,
      topicId: this.topicId,
      isr: null,
      leader: NO_LEADER_CHANGE,
      replicas: null,
      removingReplicas: null,
      addingReplicas: null,
      leaderRecoveryState: -1,
      directories: null,
    };
    this.completeReassignmentIfNeeded();
    this.tryElection(rec);
    this.triggerLeaderEpochBumpIfNeeded(rec);
    if (rec.isr === null && this.targetIsr.length > 0 && !sameList(this.targetIsr, this.partition.isr)) rec.isr = this.targetIsr;
    if (this.targetReplicas.length > 0 && !sameList(this.targetReplicas, this.partition.replicas)) {
      rec.replicas = this.targetReplicas;
    }
    if (this.targetReplicas.length > 0 && this.metadataVersion >= MV.IBP_3_7_IV2) {
      // 3.7-IV2+: one directory per replica; replicas that stay keep theirs, new ones get the broker's default.
      const current = new Map(this.partition.replicas.map((r, i) => [r, this.partition.directories[i]]));
      const dirs = this.targetReplicas.map((r) => current.get(r) ?? this.defaultDir(r));
      const same = dirs.length === this.partition.directories.length && dirs.every((d, i) => d.equals(this.partition.directories[i]));
      if (!same) rec.directories = dirs;
    }
    if (!sameList(this.targetRemoving, this.partition.removingReplicas)) rec.removingReplicas = this.targetRemoving;
    if (!sameList(this.targetAdding, this.partition.addingReplicas)) rec.addingReplicas = this.targetAdding;
    if (this.targetLeaderRecoveryState !== this.partition.leaderRecoveryState) rec.leaderRecoveryState = this.targetLeaderRecoveryState;
    const noOp =
      rec.isr === null &&
      rec.leader === NO_LEADER_CHANGE &&
      rec.replicas === null &&
      rec.removingReplicas === null &&
      rec.addingReplicas === null &&
      rec.leaderRecoveryState === -1 &&
      rec.directories === null;
    return noOp ? null : record('PartitionChangeRecord', partitionChangeRecordVersion(this.metadataVersion), rec);
  }
}
