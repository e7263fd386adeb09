/**
 * The states of a Raft node other than Leader (Kafka's EpochState and its implementations): each knows its epoch,
 * its ElectionState (what is persisted), the high watermark it carries, and whether it may grant a vote
 * (canGrantVote: Unattached grants to an up-to-date log; Voted only to the candidate it voted for; everyone else
 * never, since each voter votes once per epoch and a known leader or candidacy already took the vote).
 */
import { ElectionState, withElectedLeader, withUnknownLeader, withVotedCandidate } from './ElectionState';
import { Timer } from './Time';

export interface EpochState {
  readonly name: 'Unattached' | 'Voted' | 'Candidate' | 'Follower' | 'Leader' | 'Resigned';
  readonly epoch: number;
  election(): ElectionState;
  highWatermark(): number | undefined;
  canGrantVote(candidateId: number, isLogUpToDate: boolean): boolean;
}

/** The states that end with an election timeout (Unattached, Voted, Candidate, Resigned) share its timer. */
abstract class ElectionTimedState {
  protected readonly electionTimer: Timer;

  protected constructor(now: number, electionTimeoutMs: number) {
    this.electionTimer = new Timer(now, electionTimeoutMs);
  }

  hasElectionTimeoutExpired(now: number): boolean {
    this.electionTimer.update(now);
    return this.electionTimer.isExpired();
  }

  remainingElectionTimeMs(now: number): number {
    this.electionTimer.update(now);
    return this.electionTimer.remainingMs();
  }
}

/** No leader and no vote in this epoch yet: waits for an election timeout (voters) or a leader to appear. */
export class UnattachedState extends ElectionTimedState implements EpochState {
  readonly name = 'Unattached';

  constructor(
    now: number,
    readonly epoch: number,
    readonly voters: ReadonlySet<number>,
    private readonly hw: number | undefined,
    readonly electionTimeoutMs: number,
  ) {
    super(now, electionTimeoutMs);
  }

  election(): ElectionState {
    return withUnknownLeader(this.epoch, this.voters);
  }

  highWatermark(): number | undefined {
    return this.hw;
  }

  canGrantVote(_candidateId: number, isLogUpToDate: boolean): boolean {
    return isLogUpToDate;
  }
}

/** Voted for a candidate in this epoch: grants the same candidate again (a retried request), no one else. */
export class VotedState extends ElectionTimedState implements EpochState {
  readonly name = 'Voted';

  constructor(
    now: number,
    readonly epoch: number,
    readonly votedId: number,
    readonly voters: ReadonlySet<number>,
    private readonly hw: number | undefined,
    electionTimeoutMs: number,
  ) {
    super(now, electionTimeoutMs);
  }

  election(): ElectionState {
    return withVotedCandidate(this.epoch, this.votedId, this.voters);
  }

  highWatermark(): number | undefined {
    return this.hw;
  }

  canGrantVote(candidateId: number): boolean {
    return candidateId === this.votedId;
  }
}

type VoteState = 'UNRECORDED' | 'GRANTED' | 'REJECTED';

/** Stands for election in this epoch, having voted for itself. */
export class CandidateState extends ElectionTimedState implements EpochState {
  readonly name = 'Candidate';
  private readonly voteStates = new Map<number, VoteState>();
  private backoffTimer: Timer;
  private backingOff = false;

  constructor(
    now: number,
    readonly localId: number,
    readonly epoch: number,
    readonly voters: ReadonlySet<number>,
    private readonly hw: number | undefined,
    /** How many elections in a row this node stood in (drives the exponential backoff). */
    readonly retries: number,
    electionTimeoutMs: number,
  ) {
    super(now, electionTimeoutMs);
    for (const v of voters) this.voteStates.set(v, 'UNRECORDED');
    this.voteStates.set(localId, 'GRANTED');
    this.backoffTimer = new Timer(now, 0);
  }

  election(): ElectionState {
    return withVotedCandidate(this.epoch, this.localId, this.voters);
  }

  highWatermark(): number | undefined {
    return this.hw;
  }

  canGrantVote(): boolean {
    return false;
  }

  majoritySize(): number {
    return Math.floor(this.voteStates.size / 2) + 1;
  }

  private count(s: VoteState): number {
    let n = 0;
    for (const v of this.voteStates.values()) if (v === s) n++;
    return n;
  }

  isVoteGranted(): boolean {
    return this.count('GRANTED') >= this.majoritySize();
  }

  /** Not enough votes left to win. */
  isVoteRejected(): boolean {
    return this.count('GRANTED') + this.count('UNRECORDED') < this.majoritySize();
  }

  recordGrantedVote(id: number): void {
    const s = this.voteStates.get(id);
    if (s === undefined) throw new Error(`Attempt to grant vote to non-voter ${id}`);
    if (s === 'REJECTED') throw new Error(`Attempt to grant vote from node ${id} which previously rejected our request`);
    this.voteStates.set(id, 'GRANTED');
  }

  recordRejectedVote(id: number): void {
    const s = this.voteStates.get(id);
    if (s === undefined) throw new Error(`Attempt to reject vote to non-voter ${id}`);
    if (s === 'GRANTED') throw new Error(`Attempt to reject vote from node ${id} which previously granted our request`);
    this.voteStates.set(id, 'REJECTED');
  }

  unrecordedVoters(): number[] {
    return [...this.voteStates].filter(([, s]) => s === 'UNRECORDED').map(([id]) => id);
  }

  grantingVoters(): number[] {
    return [...this.voteStates].filter(([, s]) => s === 'GRANTED').map(([id]) => id);
  }

  rejectingVoters(): number[] {
    return [...this.voteStates].filter(([, s]) => s === 'REJECTED').map(([id]) => id);
  }

  isBackingOff(): boolean {
    return this.backingOff;
  }

  startBackingOff(now: number, backoffMs: number): void {
    this.backoffTimer = new Timer(now, backoffMs);
    this.backingOff = true;
  }

  isBackoffComplete(now: number): boolean {
    this.backoffTimer.update(now);
    return this.backoffTimer.isExpired();
  }

  remainingBackoffMs(now: number): number {
    this.backoffTimer.update(now);
    return this.backoffTimer.remainingMs();
  }
}

/** Knows the leader of this epoch and fetches from it; a voter stands for election when fetches stop succeeding. */
export class FollowerState implements EpochState {
  readonly name = 'Follower';
  private readonly fetchTimer: Timer;
  private hw: number | undefined;

  constructor(
    now: number,
    readonly epoch: number,
    readonly leaderId: number,
    readonly voters: ReadonlySet<number>,
    hw: number | undefined,
    private readonly fetchTimeoutMs: number,
  ) {
    this.hw = hw;
    this.fetchTimer = new Timer(now, fetchTimeoutMs);
  }

  election(): ElectionState {
    return withElectedLeader(this.epoch, this.leaderId, this.voters);
  }

  highWatermark(): number | undefined {
    return this.hw;
  }

  canGrantVote(): boolean {
    return false;
  }

  hasFetchTimeoutExpired(now: number): boolean {
    this.fetchTimer.update(now);
    return this.fetchTimer.isExpired();
  }

  remainingFetchTimeMs(now: number): number {
    this.fetchTimer.update(now);
    return this.fetchTimer.remainingMs();
  }

  resetFetchTimeout(now: number): void {
    this.fetchTimer.update(now);
    this.fetchTimer.reset(this.fetchTimeoutMs);
  }

  /** EndQuorumEpoch from the leader: stand after `timeoutMs` (0 for its first preferred successor). */
  overrideFetchTimeout(now: number, timeoutMs: number): void {
    this.fetchTimer.update(now);
    this.fetchTimer.reset(timeoutMs);
  }

  /** The snapshot being fetched (FetchSnapshot) after the leader answered a Fetch with a SnapshotId, and its bytes so far. */
  fetchingSnapshot: { readonly id: { offset: number; epoch: number }; readonly chunks: Buffer[]; size: number } | undefined;

  /** FollowerState.updateHighWatermark: only forward; true when it moved. */
  updateHighWatermark(newHw: number): boolean {
    if (newHw < 0) throw new Error(`Illegal negative (${newHw}) high watermark update`);
    if (this.hw !== undefined) {
      if (this.hw > newHw) throw new Error(`Non-monotonic update of high watermark from ${this.hw} to ${newHw}`);
      if (this.hw === newHw) return false;
    }
    this.hw = newHw;
    return true;
  }
}

/**
 * A leader that gave up its leadership (graceful shutdown, failed check-quorum, or a restart after being leader:
 * it must not vote again in the epoch it led). Sends EndQuorumEpoch until every voter acknowledged, and stands
 * again after its election timeout if no one else was elected.
 */
export class ResignedState extends ElectionTimedState implements EpochState {
  readonly name = 'Resigned';
  private readonly unacked: Set<number>;

  constructor(
    now: number,
    readonly localId: number,
    readonly epoch: number,
    readonly voters: ReadonlySet<number>,
    electionTimeoutMs: number,
    readonly preferredSuccessors: readonly number[],
  ) {
    super(now, electionTimeoutMs);
    this.unacked = new Set([...voters].filter((v) => v !== localId));
  }

  election(): ElectionState {
    return withElectedLeader(this.epoch, this.localId, this.voters);
  }

  highWatermark(): number | undefined {
    return undefined;
  }

  canGrantVote(): boolean {
    return false;
  }

  unackedVoters(): number[] {
    return [...this.unacked];
  }

  acknowledgeResignation(voterId: number): void {
    if (!this.voters.has(voterId)) throw new Error(`Attempt to acknowledge delivery of \`EndQuorumEpoch\` by a non-voter ${voterId}`);
    this.unacked.delete(voterId);
  }
}
