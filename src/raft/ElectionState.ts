/**
 * What a voter must remember across restarts (Kafka's ElectionState): the epoch, the leader of that epoch if
 * known, the candidate it voted for in it if any, and the voter set. Persisted in `quorum-state` by
 * FileBasedStateStore, written before any transition takes effect (QuorumState.durableTransitionTo).
 */
export const UNKNOWN_LEADER_ID = -1;
export const NOT_VOTED = -1;

export interface ElectionState {
  readonly epoch: number;
  /** -1: unknown. */
  readonly leaderId: number;
  /** -1: has not voted in this epoch. */
  readonly votedId: number;
  readonly voters: ReadonlySet<number>;
}

export function withUnknownLeader(epoch: number, voters: ReadonlySet<number>): ElectionState {
  return { epoch, leaderId: UNKNOWN_LEADER_ID, votedId: NOT_VOTED, voters };
}

export function withElectedLeader(epoch: number, leaderId: number, voters: ReadonlySet<number>): ElectionState {
  return { epoch, leaderId, votedId: NOT_VOTED, voters };
}

export function withVotedCandidate(epoch: number, votedId: number, voters: ReadonlySet<number>): ElectionState {
  return { epoch, leaderId: UNKNOWN_LEADER_ID, votedId, voters };
}

export function hasLeader(e: ElectionState): boolean {
  return e.leaderId >= 0;
}

export function hasVoted(e: ElectionState): boolean {
  return e.votedId >= 0;
}
