/**
 * org.apache.kafka.metadata.PartitionRegistration: a partition's replicas, ISR, leader and epochs as the KRaft
 * metadata image holds it, built from a PartitionRecord and merged with PartitionChangeRecords (MetadataImage.replay).
 */
import { DIRECTORY_MIGRATING, DIRECTORY_UNASSIGNED, uuids } from './DirectoryId';

/** org.apache.kafka.metadata.PartitionRegistration. */
export interface PartitionRegistration {
  replicas: number[];
  /** One directory id per replica (PartitionRecord v1+); empty before directory assignment. */
  directories: Buffer[];
  isr: number[];
  removingReplicas: number[];
  addingReplicas: number[];
  leader: number;
  /** LeaderRecoveryState: 0 RECOVERED, 1 RECOVERING. */
  leaderRecoveryState: number;
  leaderEpoch: number;
  partitionEpoch: number;
  elr: number[] | null;
  lastKnownElr: number[] | null;
}

/** PartitionChangeRecord.leader's "unchanged" value (PartitionChangeBuilder / PartitionRegistration.NO_LEADER_CHANGE). */
export const NO_LEADER_CHANGE = -2;

const ints = (v: unknown): number[] => (v as number[]).slice();
const optInts = (v: unknown): number[] | null => (v === null || v === undefined ? null : (v as number[]).slice());

/** new PartitionRegistration(PartitionRecord): a record without directories (before v1) gets MIGRATING ones. */
export function partitionFromRecord(d: Record<string, unknown>): PartitionRegistration {
  const replicas = ints(d.replicas);
  const dirs = uuids(d.directories);
  return {
    replicas,
    directories: dirs.length > 0 ? dirs : replicas.map(() => DIRECTORY_MIGRATING),
    isr: ints(d.isr),
    removingReplicas: ints(d.removingReplicas),
    addingReplicas: ints(d.addingReplicas),
    leader: d.leader as number,
    leaderRecoveryState: (d.leaderRecoveryState as number | undefined) ?? 0,
    leaderEpoch: d.leaderEpoch as number,
    partitionEpoch: d.partitionEpoch as number,
    elr: optInts(d.eligibleLeaderReplicas),
    lastKnownElr: optInts(d.lastKnownELR),
  };
}

export function clonePartition(p: PartitionRegistration): PartitionRegistration {
  return {
    ...p,
    replicas: p.replicas.slice(),
    directories: p.directories.slice(),
    isr: p.isr.slice(),
    removingReplicas: p.removingReplicas.slice(),
    addingReplicas: p.addingReplicas.slice(),
    elr: p.elr ? p.elr.slice() : null,
    lastKnownElr: p.lastKnownElr ? p.lastKnownElr.slice() : null,
  };
}

/** PartitionRegistration.merge(PartitionChangeRecord): null fields are unchanged; a new leader bumps the leader epoch. */
export function mergePartitionChange(p: PartitionRegistration, d: Record<string, unknown>): PartitionRegistration {
  const replicas = d.replicas === null || d.replicas === undefined ? p.replicas : ints(d.replicas);
  let directories: Buffer[];
  const dirs = d.directories as Buffer[] | null | undefined;
  if (dirs && dirs.length > 0) directories = uuids(dirs);
  else if (d.replicas !== null && d.replicas !== undefined) {
    // DirectoryId.createDirectoriesFrom: replicas that stay keep their directory, new ones are UNASSIGNED.
    directories = replicas.map((r) => {
      const i = p.replicas.indexOf(r);
      return i >= 0 && p.directories[i] ? p.directories[i] : DIRECTORY_UNASSIGNED;
    });
  } else directories = p.directories;
  const leaderField = (d.leader as number | undefined) ?? NO_LEADER_CHANGE;
  const lrs = (d.leaderRecoveryState as number | undefined) ?? -1;
  return {
    replicas,
    directories,
    isr: d.isr === null || d.isr === undefined ? p.isr : ints(d.isr),
    removingReplicas: d.removingReplicas === null || d.removingReplicas === undefined ? p.removingReplicas : ints(d.removingReplicas),
    addingReplicas: d.addingReplicas === null || d.addingReplicas === undefined ? p.addingReplicas : ints(d.addingReplicas),
    leader: leaderField === NO_LEADER_CHANGE ? p.leader : leaderField,
    leaderEpoch: leaderField === NO_LEADER_CHANGE ? p.leaderEpoch : p.leaderEpoch + 1,
    // LeaderRecoveryState.changeTo: -1 keeps the current state.
    leaderRecoveryState: lrs === -1 ? p.leaderRecoveryState : lrs,
    partitionEpoch: p.partitionEpoch + 1,
    elr: d.eligibleLeaderReplicas === null || d.eligibleLeaderReplicas === undefined ? p.elr : ints(d.eligibleLeaderReplicas),
    lastKnownElr: d.lastKnownELR === null || d.lastKnownELR === undefined ? p.lastKnownElr : ints(d.lastKnownELR),
  };
}
