/**
 * A node's place in the quorum and the guarded transitions between states (Kafka's QuorumState):
 *
 *   Unattached --(vote)--> Voted      Unattached/Voted/Candidate/Resigned --(higher epoch with leader)--> Follower
 *   Unattached/Voted/Follower/Candidate/Resigned --(election timeout / fetch timeout)--> Candidate (epoch + 1)
 *   Candidate --(majority)--> Leader --(shutdown, resign, failed check-quorum)--> Resigned
 *
 * Guards: the epoch only grows (a transition to a lower epoch throws); a voter votes once per epoch (Voted only
 * from Unattached in the same epoch); an observer (not in the voter set) never votes, stands, or leads. Every
 * transition but Resigned is written to the QuorumStateStore before it takes effect, so a restarted node never
 * votes twice in an epoch, and a restarted leader comes back Resigned in its epoch.
 * Election timeouts are randomized in [electionTimeoutMs, 2 x electionTimeoutMs) (randomElectionTimeoutMs).
 */
import { ElectionState, hasLeader, hasVoted, withUnknownLeader } from './ElectionState';
import { CandidateState, EpochState, FollowerState, ResignedState, UnattachedState, VotedState } from './EpochState';
import { LeaderState } from './LeaderState';
import { OffsetAndEpoch } from './OffsetAndEpoch';
import { QuorumStateStore } from './QuorumStateStore';
import { Random, Time } from './Time';

export class QuorumState {
  private state!: EpochState;

  constructor(
    /** undefined for a broker-only node without a node id in the voter set semantics (Kafka's OptionalInt localId). */
    readonly localId: number | undefined,
    readonly voters: ReadonlySet<number>,
    private readonly electionTimeoutMs: number,
    private readonly fetchTimeoutMs: number,
    private readonly store: QuorumStateStore,
    private readonly time: Time,
    private readonly random: Random,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  /**
   * QuorumState.initialize: the state a node starts in from what it persisted and the end of its log. A voter set
   * different from the one on disk, or a vote recorded by a node that is no longer a voter, is refused.
   */
  initialize(logEndOffsetAndEpoch: OffsetAndEpoch): void {
    let election: ElectionState;
    try {
      election = this.store.readElectionState() ?? withUnknownLeader(0, this.voters);
    } catch (e) {
      this.log(`Clearing local quorum state store after error loading state: ${(e as Error).message}`);
      this.store.clear();
      election = withUnknownLeader(0, this.voters);
    }
    const now = this.time.milliseconds();
    const id = this.localId;
    let initial: EpochState;
    if (election.voters.size > 0 && !sameSet(election.voters, this.voters)) {
      throw new Error(
        `Configured voter set: ${fmt(this.voters)} is different from the voter set read from the state file: ${fmt(election.voters)}. ` +
          'Check if the quorum configuration is up to date, or wipe out the local state file if necessary',
      );
    } else if (hasVoted(election) && !this.isVoter()) {
      const desc = id !== undefined ? `${id} is not a voter` : 'is undefined';
      throw new Error(
        `Initialized quorum state ${JSON.stringify({ ...election, voters: [...election.voters] })} with a voted candidate, which indicates this node was previously  a voter, but the local id ${desc}`,
      );
    } else if (election.epoch < logEndOffsetAndEpoch.epoch) {
      this.log(`Epoch from quorum-state file is ${election.epoch}, which is smaller than last written epoch ${logEndOffsetAndEpoch.epoch} in the log`);
      initial = new UnattachedState(now, logEndOffsetAndEpoch.epoch, this.voters, undefined, this.randomElectionTimeoutMs());
    } else if (id !== undefined && election.leaderId === id) {
      // A former leader restarts Resigned in its epoch: it must not vote in it again, and (offset, epoch) must keep
      // naming one record even if unflushed data was lost.
      initial = new ResignedState(now, id, election.epoch, this.voters, this.randomElectionTimeoutMs(), []);
    } else if (id !== undefined && election.votedId === id) {
      initial = new CandidateState(now, id, election.epoch, this.voters, undefined, 1, this.randomElectionTimeoutMs());
    } else if (hasVoted(election)) {
      initial = new VotedState(now, election.epoch, election.votedId, this.voters, undefined, this.randomElectionTimeoutMs());
    } else if (hasLeader(election)) {
      initial = new FollowerState(now, election.epoch, election.leaderId, this.voters, undefined, this.fetchTimeoutMs);
    } else {
      initial = new UnattachedState(now, election.epoch, this.voters, undefined, this.randomElectionTimeoutMs());
    }
    this.durableTransitionTo(initial);
  }

  isInitialized(): boolean {
    return this.state !== undefined;
  }

  get current(): EpochState {
    return this.state;
  }

  get epoch(): number {
    return this.state.epoch;
  }

  remoteVoters(): number[] {
    return [...this.voters].filter((v) => v !== this.localId);
  }

  isVoter(nodeId?: number): boolean {
    if (nodeId !== undefined) return this.voters.has(nodeId);
    return this.localId !== undefined && this.voters.has(this.localId);
  }

  isObserver(): boolean {
    return !this.isVoter();
  }

  localIdOrSentinel(): number {
    return this.localId ?? -1;
  }

  localIdOrThrow(): number {
    if (this.localId === undefined) throw new Error('Required local id is not present');
    return this.localId;
  }

  leaderId(): number | undefined {
    const e = this.state.election();
    return hasLeader(e) ? e.leaderId : undefined;
  }

  leaderIdOrSentinel(): number {
    return this.leaderId() ?? -1;
  }

  hasLeader(): boolean {
    return this.leaderId() !== undefined;
  }

  hasRemoteLeader(): boolean {
    return this.hasLeader() && this.leaderId() !== this.localId;
  }

  highWatermark(): number | undefined {
    return this.state.highWatermark();
  }

  isLeader(): boolean {
    return this.state instanceof LeaderState;
  }
  isCandidate(): boolean {
    return this.state instanceof CandidateState;
  }
  isFollower(): boolean {
    return this.state instanceof FollowerState;
  }
  isVoted(): boolean {
    return this.state instanceof VotedState;
  }
  isUnattached(): boolean {
    return this.state instanceof UnattachedState;
  }
  isResigned(): boolean {
    return this.state instanceof ResignedState;
  }

  canGrantVote(candidateId: number, isLogUpToDate: boolean): boolean {
    return this.state.canGrantVote(candidateId, isLogUpToDate);
  }

  transitionToResigned(preferredSuccessors: number[]): void {
    if (!this.isLeader()) throw new Error(`Invalid transition to Resigned state from ${this.state.name}`);
    // Resigned is a soft state: not persisted (a leader always restarts Resigned anyway).
    this.memoryTransitionTo(
      new ResignedState(this.time.milliseconds(), this.localIdOrThrow(), this.state.epoch, this.voters, this.randomElectionTimeoutMs(), preferredSuccessors),
    );
  }

  transitionToUnattached(epoch: number): void {
    if (epoch <= this.state.epoch) throw new Error(`Cannot transition to Unattached with epoch= ${epoch} from current state ${this.state.name}`);
    const now = this.time.milliseconds();
    const s = this.state;
    // The election timer keeps running across an epoch bump, so repeated bumps cannot postpone an election forever.
    let timeout: number;
    if (this.isObserver()) timeout = Infinity;
    else if (s instanceof CandidateState || s instanceof VotedState || s instanceof UnattachedState) timeout = s.remainingElectionTimeMs(now);
    else timeout = this.randomElectionTimeoutMs();
    this.durableTransitionTo(new UnattachedState(now, epoch, this.voters, s.highWatermark(), timeout));
  }

  transitionToVoted(epoch: number, candidateId: number): void {
    if (candidateId === this.localId) {
      throw new Error(`Cannot transition to Voted with votedId=${candidateId} and epoch=${epoch} since it matches the local broker.id`);
    } else if (this.isObserver()) {
      throw new Error(`Cannot transition to Voted with votedId=${candidateId} and epoch=${epoch} since the local broker.id=${this.localId} is not a voter`);
    } else if (!this.isVoter(candidateId)) {
      throw new Error(`Cannot transition to Voted with voterId=${candidateId} and epoch=${epoch} since it is not one of the voters ${fmt(this.voters)}`);
    }
    if (epoch < this.state.epoch) {
      throw new Error(`Cannot transition to Voted with votedId=${candidateId} and epoch=${epoch} since the current epoch ${this.state.epoch} is larger`);
    } else if (epoch === this.state.epoch && !this.isUnattached()) {
      throw new Error(`Cannot transition to Voted with votedId=${candidateId} and epoch=${epoch} from the current state ${this.state.name}`);
    }
    // A fresh election timeout: the candidate we voted for has at least our chance of being elected.
    this.durableTransitionTo(
      new VotedState(this.time.milliseconds(), epoch, candidateId, this.voters, this.state.highWatermark(), this.randomElectionTimeoutMs()),
    );
  }

  transitionToFollower(epoch: number, leaderId: number): void {
    if (leaderId === this.localId) {
      throw new Error(`Cannot transition to Follower with leaderId=${leaderId} and epoch=${epoch} since it matches the local broker.id=${this.localId}`);
    } else if (!this.isVoter(leaderId)) {
      throw new Error(`Cannot transition to Follower with leaderId=${leaderId} and epoch=${epoch} since it is not one of the voters ${fmt(this.voters)}`);
    }
    if (epoch < this.state.epoch) {
      throw new Error(`Cannot transition to Follower with leaderId=${leaderId} and epoch=${epoch} since the current epoch ${this.state.epoch} is larger`);
    } else if (epoch === this.state.epoch && (this.isFollower() || this.isLeader())) {
      throw new Error(`Cannot transition to Follower with leaderId=${leaderId} and epoch=${epoch} from state ${this.state.name}`);
    }
    this.durableTransitionTo(new FollowerState(this.time.milliseconds(), epoch, leaderId, this.voters, this.state.highWatermark(), this.fetchTimeoutMs));
  }

  transitionToCandidate(): void {
    if (this.isObserver()) {
      throw new Error(`Cannot transition to Candidate since the local broker.id=${this.localId} is not one of the voters ${fmt(this.voters)}`);
    } else if (this.isLeader()) {
      throw new Error(`Cannot transition to Candidate since the local broker.id=${this.localId} since this node is already a Leader`);
    }
    const retries = this.state instanceof CandidateState ? this.state.retries + 1 : 1;
    this.durableTransitionTo(
      new CandidateState(
        this.time.milliseconds(),
        this.localIdOrThrow(),
        this.state.epoch + 1,
        this.voters,
        this.state.highWatermark(),
        retries,
        this.randomElectionTimeoutMs(),
      ),
    );
  }

  transitionToLeader<T>(epochStartOffset: number): LeaderState<T> {
    if (this.isObserver())
      throw new Error(`Cannot transition to Leader since the local broker.id=${this.localId} is not one of the voters ${fmt(this.voters)}`);
    const c = this.state;
    if (!(c instanceof CandidateState)) throw new Error(`Cannot transition to Leader from current state ${c.name}`);
    if (!c.isVoteGranted()) throw new Error('Cannot become leader without majority votes granted');
    // The leader does not keep the high watermark it knew: only a majority at the new epoch's start offset proves
    // the global high watermark still grows monotonically.
    const leader = new LeaderState<T>(
      this.time.milliseconds(),
      this.localIdOrThrow(),
      c.epoch,
      epochStartOffset,
      this.voters,
      c.grantingVoters(),
      this.fetchTimeoutMs,
    );
    this.durableTransitionTo(leader);
    return leader;
  }

  private durableTransitionTo(state: EpochState): void {
    this.store.writeElectionState(state.election());
    this.memoryTransitionTo(state);
  }

  private memoryTransitionTo(state: EpochState): void {
    const from = this.state;
    this.state = state;
    this.log(`Completed transition to ${state.name}(epoch=${state.epoch}) from ${from ? `${from.name}(epoch=${from.epoch})` : 'null'}`);
  }

  private randomElectionTimeoutMs(): number {
    if (this.electionTimeoutMs === 0) return 0;
    return this.electionTimeoutMs + this.random.nextInt(this.electionTimeoutMs);
  }
}

function sameSet(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function fmt(s: ReadonlySet<number>): string {
  return `[${[...s].sort((x, y) => x - y).join(', ')}]`;
}
