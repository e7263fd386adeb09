/**
 * What each state does when polled (KafkaRaftClient.pollLeader, pollCandidate, pollFollower, pollVoted,
 * pollUnattached, pollResigned), returning how long until it needs polling again:
 * - Leader: resign on shutdown, resign() or a failed check-quorum; append what lingered; BeginQuorumEpoch to voters
 *   that have not acknowledged it.
 * - Candidate: Vote requests while the election can be won; on its timeout, a random exponential backoff, then
 *   stand again in a new epoch.
 * - Follower: Fetch (or FetchSnapshot) from the leader; a voter stands when controller.quorum.fetch.timeout.ms
 *   passes without a successful fetch; an observer then asks any voter instead.
 * - Voted / Unattached: stand when the election timeout expires (voters); observers look for the leader.
 * - Resigned: EndQuorumEpoch to every voter until acknowledged; stand again after the election timeout.
 */
import { CandidateState, FollowerState, ResignedState, UnattachedState, VotedState } from './EpochState';
import { LeaderState } from './LeaderState';
import { RaftApiKey, RaftApiKeyValue } from './NetworkChannel';
import { OffsetAndEpoch } from './OffsetAndEpoch';
import { QuorumState } from './QuorumState';
import { FETCH_MAX_WAIT_MS, MAX_FETCH_SIZE_BYTES } from './RaftConfig';
import * as msg from './RaftMessages';
import { ReplicatedLog } from './ReplicatedLog';
import { RequestManager } from './RequestManager';

/** What polling needs of the client (KafkaRaftClient implements it). */
export interface RaftPollContext<T> {
  readonly quorum: QuorumState;
  readonly log: ReplicatedLog;
  readonly clusterId: string;
  readonly requestManager: RequestManager;
  readonly shutdownState: { readonly deadlineMs: number } | undefined;
  readonly logger: (m: string) => void;
  fireLeaderChange(): void;
  transitionToResigned(preferredSuccessors: number[]): void;
  transitionToCandidate(now: number): void;
  maybeAppendBatches(state: LeaderState<T>, now: number): number;
  maybeSendRequest(now: number, destinationId: number, apiKey: RaftApiKeyValue, build: () => object): number;
  maybeSendRequests(now: number, destinations: Iterable<number>, apiKey: RaftApiKeyValue, build: () => object): number;
  binaryExponentialElectionBackoffMs(retries: number): number;
  endOffset(): OffsetAndEpoch;
}

export class RaftStatePoller<T> {
  constructor(private readonly c: RaftPollContext<T>) {}

  pollCurrentState(now: number): number {
    const s = this.c.quorum.current;
    if (s instanceof LeaderState) return this.pollLeader(s as LeaderState<T>, now);
    if (s instanceof CandidateState) return this.pollCandidate(s, now);
    if (s instanceof FollowerState) return this.c.quorum.isVoter() ? this.pollFollowerAsVoter(s, now) : this.pollFollowerAsObserver(s, now);
    if (s instanceof VotedState) return this.pollElectionTimer(s, now);
    if (s instanceof UnattachedState) {
      if (this.c.quorum.isVoter()) return this.pollElectionTimer(s, now);
      // Kafka also waits on the election timer here, which reads 0 once expired (an observer never stands): a
      // busy poll. Only the fetch backoff matters to an observer.
      return this.maybeSendAnyVoterFetch(now);
    }
    if (s instanceof ResignedState) return this.pollResigned(s, now);
    throw new Error(`Unexpected quorum state ${s.name}`);
  }

  private pollLeader(state: LeaderState<T>, now: number): number {
    this.c.fireLeaderChange();
    const untilCheckQuorum = state.timeUntilCheckQuorumExpires(now);
    if (this.c.shutdownState || state.isResignRequested() || untilCheckQuorum === 0) {
      this.c.transitionToResigned(state.nonLeaderVotersByDescendingFetchOffset());
      return 0;
    }
    const untilFlush = this.c.maybeAppendBatches(state, now);
    const untilSend = this.c.maybeSendRequests(now, state.nonAcknowledgingVoters(), RaftApiKey.BeginQuorumEpoch, () =>
      msg.beginQuorumEpochRequest(this.c.clusterId, this.c.quorum.epoch, this.c.quorum.localIdOrThrow()),
    );
    return Math.min(untilFlush, untilSend, untilCheckQuorum);
  }

  private sendVoteRequests(state: CandidateState, now: number): number {
    // Keep asking as long as the election can still be won.
    if (state.isVoteRejected()) return Infinity;
    return this.c.maybeSendRequests(now, state.unrecordedVoters(), RaftApiKey.Vote, () => {
      const end = this.c.endOffset();
      return msg.voteRequest(this.c.clusterId, this.c.quorum.epoch, this.c.quorum.localIdOrThrow(), end.epoch, end.offset);
    });
  }

  private pollCandidate(state: CandidateState, now: number): number {
    if (this.c.shutdownState) return Math.min(this.c.shutdownState.deadlineMs - now, this.sendVoteRequests(state, now));
    if (state.isBackingOff()) {
      if (state.isBackoffComplete(now)) {
        this.c.transitionToCandidate(now);
        return 0;
      }
      return state.remainingBackoffMs(now);
    }
    if (state.hasElectionTimeoutExpired(now)) {
      const backoff = this.c.binaryExponentialElectionBackoffMs(state.retries);
      this.c.logger(`Election has timed out, backing off for ${backoff}ms before becoming a candidate again`);
      state.startBackingOff(now, backoff);
      return backoff;
    }
    return Math.min(this.sendVoteRequests(state, now), state.remainingElectionTimeMs(now));
  }

  private pollFollowerAsVoter(state: FollowerState, now: number): number {
    if (this.c.shutdownState) return 0;
    if (state.hasFetchTimeoutExpired(now)) {
      this.c.logger('Become candidate due to fetch timeout');
      this.c.transitionToCandidate(now);
      return 0;
    }
    return Math.min(this.sendFetchOrFetchSnapshot(state, now), state.remainingFetchTimeMs(now));
  }

  /** KafkaRaftClient.maybeSendFetchOrFetchSnapshot: while a snapshot is being fetched, its next chunk. */
  private sendFetchOrFetchSnapshot(state: FollowerState, now: number): number {
    const snap = state.fetchingSnapshot;
    if (!snap) return this.sendFetch(state.leaderId, now);
    return this.c.maybeSendRequest(now, state.leaderId, RaftApiKey.FetchSnapshot, () =>
      msg.fetchSnapshotRequest(this.c.clusterId, this.c.quorum.localIdOrSentinel(), this.c.quorum.epoch, snap.id, snap.size),
    );
  }

  private pollFollowerAsObserver(state: FollowerState, now: number): number {
    if (state.hasFetchTimeoutExpired(now)) return this.maybeSendAnyVoterFetch(now);
    const conn = this.c.requestManager.getOrCreate(state.leaderId);
    let backoff: number;
    if (conn.hasRequestTimedOut(now)) {
      // The leader may have changed: ask any voter.
      backoff = this.maybeSendAnyVoterFetch(now);
      conn.reset();
    } else if (conn.isBackingOff(now)) backoff = this.maybeSendAnyVoterFetch(now);
    else backoff = this.sendFetchOrFetchSnapshot(state, now);
    return Math.min(backoff, state.remainingFetchTimeMs(now));
  }

  private pollElectionTimer(state: VotedState | UnattachedState, now: number): number {
    if (this.c.shutdownState) return this.c.shutdownState.deadlineMs - now;
    if (state.hasElectionTimeoutExpired(now)) {
      this.c.transitionToCandidate(now);
      return 0;
    }
    return state.remainingElectionTimeMs(now);
  }

  private pollResigned(state: ResignedState, now: number): number {
    const untilSend = this.c.maybeSendRequests(now, state.unackedVoters(), RaftApiKey.EndQuorumEpoch, () =>
      msg.endQuorumEpochRequest(this.c.clusterId, this.c.quorum.epoch, this.c.quorum.localIdOrThrow(), [...state.preferredSuccessors]),
    );
    let untilState: number;
    // Shutting down, it stays Resigned until the shutdown finishes or an election bumps the epoch.
    if (this.c.shutdownState) untilState = this.c.shutdownState.deadlineMs - now;
    else if (state.hasElectionTimeoutExpired(now)) {
      this.c.transitionToCandidate(now);
      untilState = 0;
    } else untilState = state.remainingElectionTimeMs(now);
    return Math.min(untilState, untilSend);
  }

  private sendFetch(destination: number, now: number): number {
    return this.c.maybeSendRequest(now, destination, RaftApiKey.Fetch, () =>
      msg.fetchRequest(
        this.c.clusterId,
        this.c.quorum.localIdOrSentinel(),
        this.c.quorum.epoch,
        this.c.log.endOffset(),
        this.c.log.lastFetchedEpoch(),
        FETCH_MAX_WAIT_MS,
        MAX_FETCH_SIZE_BYTES,
      ),
    );
  }

  private maybeSendAnyVoterFetch(now: number): number {
    const voter = this.c.requestManager.findReadyVoter(now);
    if (voter !== undefined) return this.sendFetch(voter, now);
    return this.c.requestManager.backoffBeforeAvailableVoter(now);
  }
}
