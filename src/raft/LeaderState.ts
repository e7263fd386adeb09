/**
 * The leader of an epoch (Kafka's LeaderState): every voter's and observer's replication progress, the high
 * watermark, the check-quorum timer, and the records waiting to be appended (BatchAccumulator).
 *
 * High watermark (maybeUpdateHighWatermark): the voters' end offsets sorted descending, the one at index
 * voters/2 (the largest offset a majority has, the leader counting), and only once it passes the epoch's start
 * offset: a new leader must commit a record of its own epoch (the LeaderChangeMessage it writes first) before it
 * exposes anything of an older epoch, so any later leader has everything committed. It never moves back.
 *
 * Check quorum (Kafka 3.7, LeaderState.timeUntilCheckQuorumExpires): if fewer than a majority of the other
 * voters fetched within 1.5 x controller.quorum.fetch.timeout.ms, the leader resigns, so a partitioned leader
 * stops believing it leads.
 */
import { BatchAccumulator } from './BatchAccumulator';
import { ElectionState, withElectedLeader } from './ElectionState';
import { EpochState } from './EpochState';
import { Timer } from './Time';

const CHECK_QUORUM_TIMEOUT_FACTOR = 1.5;
/** LeaderState.OBSERVER_SESSION_TIMEOUT_MS: observers not heard from for this long leave DescribeQuorum. */
export const OBSERVER_SESSION_TIMEOUT_MS = 300_000;

export class ReplicaState {
  endOffset: number | undefined;
  lastFetchTimestamp = -1;
  lastFetchLeaderLogEndOffset = -1;
  lastCaughtUpTimestamp = -1;

  constructor(
    readonly nodeId: number,
    public hasAcknowledgedLeader: boolean,
  ) {}

  updateFollowerState(now: number, fetchOffset: number, leaderEndOffset: number | undefined): void {
    // lastCaughtUpTimestamp before lastFetchTimestamp, as Kafka orders them.
    if (leaderEndOffset !== undefined) {
      if (fetchOffset >= leaderEndOffset) this.lastCaughtUpTimestamp = Math.max(this.lastCaughtUpTimestamp, now);
      else if (this.lastFetchLeaderLogEndOffset > 0 && fetchOffset >= this.lastFetchLeaderLogEndOffset) {
        this.lastCaughtUpTimestamp = Math.max(this.lastCaughtUpTimestamp, this.lastFetchTimestamp);
      }
      this.lastFetchLeaderLogEndOffset = leaderEndOffset;
    }
    this.lastFetchTimestamp = Math.max(this.lastFetchTimestamp, now);
    this.endOffset = fetchOffset;
    this.hasAcknowledgedLeader = true;
  }
}

/** ReplicaState.compareTo: descending end offset, unknown last, then ascending id. */
function byDescendingEndOffset(a: ReplicaState, b: ReplicaState): number {
  if (a.endOffset === b.endOffset) return a.nodeId - b.nodeId;
  if (a.endOffset === undefined) return 1;
  if (b.endOffset === undefined) return -1;
  return b.endOffset - a.endOffset;
}

export class LeaderState<T> implements EpochState {
  readonly name = 'Leader';
  private readonly voterStates = new Map<number, ReplicaState>();
  private readonly observerStates = new Map<number, ReplicaState>();
  private hw: number | undefined;
  private readonly fetchedVoters = new Set<number>();
  private readonly checkQuorumTimer: Timer;
  private readonly checkQuorumTimeoutMs: number;
  private resignRequested = false;
  /** Records scheduled by scheduleAppend, not yet in the log; set once the LeaderChangeMessage is written. */
  accumulator: BatchAccumulator<T> | undefined;

  constructor(
    now: number,
    readonly localId: number,
    readonly epoch: number,
    readonly epochStartOffset: number,
    voters: ReadonlySet<number>,
    readonly grantingVoters: readonly number[],
    fetchTimeoutMs: number,
  ) {
    for (const v of voters) this.voterStates.set(v, new ReplicaState(v, v === localId));
    this.checkQuorumTimeoutMs = Math.floor(fetchTimeoutMs * CHECK_QUORUM_TIMEOUT_FACTOR);
    this.checkQuorumTimer = new Timer(now, this.checkQuorumTimeoutMs);
  }

  election(): ElectionState {
    return withElectedLeader(this.epoch, this.localId, new Set(this.voterStates.keys()));
  }

  highWatermark(): number | undefined {
    return this.hw;
  }

  canGrantVote(): boolean {
    return false;
  }

  voterIds(): number[] {
    return [...this.voterStates.keys()];
  }

  isResignRequested(): boolean {
    return this.resignRequested;
  }

  requestResign(): void {
    this.resignRequested = true;
  }

  timeUntilCheckQuorumExpires(now: number): number {
    if (this.voterStates.size === 1) return Infinity;
    this.checkQuorumTimer.update(now);
    return this.checkQuorumTimer.remainingMs();
  }

  updateCheckQuorumForFollowingVoter(id: number, now: number): void {
    if (this.voterStates.has(id)) this.fetchedVoters.add(id);
    // A majority of the voters, the leader excluded (3 voters: 1).
    if (this.fetchedVoters.size >= Math.floor(this.voterStates.size / 2)) {
      this.fetchedVoters.clear();
      this.checkQuorumTimer.update(now);
      this.checkQuorumTimer.reset(this.checkQuorumTimeoutMs);
    }
  }

  nonAcknowledgingVoters(): number[] {
    return [...this.voterStates.values()].filter((s) => !s.hasAcknowledgedLeader).map((s) => s.nodeId);
  }

  addAcknowledgementFrom(id: number): void {
    const s = this.voterStates.get(id);
    if (!s) throw new Error(`Unexpected acknowledgement from non-voter ${id}`);
    s.hasAcknowledgedLeader = true;
  }

  /** The leader's own log end moved; true when the high watermark moved. */
  updateLocalState(endOffset: number): boolean {
    const s = this.voterStates.get(this.localId)!;
    if (s.endOffset !== undefined && s.endOffset > endOffset) {
      throw new Error(`Detected non-monotonic update of local end offset: ${s.endOffset} -> ${endOffset}`);
    }
    s.endOffset = endOffset;
    return this.maybeUpdateHighWatermark();
  }

  /** A replica fetched at `fetchOffset`; true when the high watermark moved. Ids < 0 (consumers) do not count. */
  updateReplicaState(replicaId: number, now: number, fetchOffset: number): boolean {
    if (replicaId < 0) return false;
    if (replicaId === this.localId) throw new Error(`Remote replica ID ${replicaId} matches the local leader ID`);
    let s = this.voterStates.get(replicaId);
    if (!s) {
      s = this.observerStates.get(replicaId);
      if (!s) this.observerStates.set(replicaId, (s = new ReplicaState(replicaId, false)));
    }
    s.updateFollowerState(now, fetchOffset, this.voterStates.get(this.localId)!.endOffset);
    this.updateCheckQuorumForFollowingVoter(replicaId, now);
    return this.voterStates.has(replicaId) && this.maybeUpdateHighWatermark();
  }

  private maybeUpdateHighWatermark(): boolean {
    const sorted = [...this.voterStates.values()].sort(byDescendingEndOffset);
    const candidate = sorted[Math.floor(this.voterStates.size / 2)].endOffset;
    if (candidate === undefined || candidate <= this.epochStartOffset) return false;
    if (this.hw !== undefined && candidate <= this.hw) return false;
    this.hw = candidate;
    return true;
  }

  /** Non-leader voters, most up to date first: the preferred successors when resigning. */
  nonLeaderVotersByDescendingFetchOffset(): number[] {
    return [...this.voterStates.values()]
      .sort(byDescendingEndOffset)
      .filter((s) => s.nodeId !== this.localId)
      .map((s) => s.nodeId);
  }

  /** LeaderState.describeQuorum: the leader reports itself fetched and caught up now. */
  describeQuorum(now: number): {
    leaderId: number;
    leaderEpoch: number;
    highWatermark: number;
    currentVoters: DescribedReplica[];
    observers: DescribedReplica[];
  } {
    for (const [id, s] of this.observerStates) if (now - s.lastFetchTimestamp >= OBSERVER_SESSION_TIMEOUT_MS) this.observerStates.delete(id);
    const describe = (s: ReplicaState): DescribedReplica => ({
      replicaId: s.nodeId,
      logEndOffset: s.endOffset ?? -1,
      lastFetchTimestamp: s.nodeId === this.localId ? now : s.lastFetchTimestamp,
      lastCaughtUpTimestamp: s.nodeId === this.localId ? now : s.lastCaughtUpTimestamp,
    });
    return {
      leaderId: this.localId,
      leaderEpoch: this.epoch,
      highWatermark: this.hw ?? -1,
      currentVoters: [...this.voterStates.values()].map(describe),
      observers: [...this.observerStates.values()].map(describe),
    };
  }
}

export interface DescribedReplica {
  replicaId: number;
  logEndOffset: number;
  lastFetchTimestamp: number;
  lastCaughtUpTimestamp: number;
}
