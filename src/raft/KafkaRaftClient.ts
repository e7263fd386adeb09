/**
 * The Raft client of KRaft (KIP-595), after Kafka 3.7's org.apache.kafka.raft.KafkaRaftClient: one event loop
 * (poll) that handles queued requests and responses, then does what the current state needs (send Vote,
 * BeginQuorumEpoch, EndQuorumEpoch or Fetch requests, append scheduled records, stand for election on a
 * timeout) and says when it must be polled again. Everything runs on the caller's thread of control, with an
 * injected clock, random source, network channel and log, so a whole quorum can run in one process on a
 * simulated network (test/unit/raft).
 *
 * The pull model: followers (and observers) Fetch from the leader with their log end offset and the epoch of
 * their last batch; the leader answers records, or DivergingEpoch (truncate, then fetch again), or a SnapshotId.
 * Fetches also carry replication progress: the leader's high watermark is what a majority of voters fetched past.
 * Listeners hear of committed batches (handleCommit) and leader changes (handleLeaderChange).
 *
 * Request handling (validation order and error codes) and the response rules (maybeHandleCommonResponse) live in
 * ./RaftHandlers.ts, what each state does when polled in ./RaftStatePoller.ts, listeners in ./RaftListeners.ts;
 * this file holds the event loop, the transitions, the leader's append path and the high watermark.
 */
import { ErrorCode } from '../protocol/errors';
import { BatchAccumulator, NotLeaderError } from './BatchAccumulator';
import { buildLeaderChangeBatch, buildValuesBatch } from './RaftBatches';
import { CandidateState, FollowerState } from './EpochState';
import { LeaderState } from './LeaderState';
import { Completion, NetworkChannel, RaftApiKeyValue, RaftInboundRequest } from './NetworkChannel';
import { OffsetAndEpoch } from './OffsetAndEpoch';
import { QuorumState } from './QuorumState';
import { binaryExponentialElectionBackoffMs, DEFAULT_RAFT_CONFIG, RaftConfig, strictExponentialElectionBackoffMs } from './RaftConfig';
import { LeaderAndEpoch, RaftClientOptions, RaftListener } from './RaftClient';
import { RaftListeners } from './RaftListeners';
import { RaftStatePoller } from './RaftStatePoller';
import { FetchPurgatory, PendingFetch } from './FetchPurgatory';
import { RaftClientCore, RaftHandlers } from './RaftHandlers';
import { RecordSerde } from './RecordSerde';
import { ReplicatedLog, validateOffsetAndEpoch } from './ReplicatedLog';
import { RequestManager } from './RequestManager';
import { Random, SYSTEM_RANDOM, SYSTEM_TIME, Time } from './Time';

export type { LeaderAndEpoch, RaftClientOptions, RaftListener } from './RaftClient';
import { buildSnapshot } from './Snapshots';

interface GracefulShutdown {
  readonly deadlineMs: number;
  readonly completion: Completion<void>;
}

type QueuedMessage =
  | { kind: 'request'; request: RaftInboundRequest }
  | { kind: 'response'; sourceId: number; correlationId: number; apiKey: RaftApiKeyValue; data: object | undefined; error: Error | undefined };

export class KafkaRaftClient<T> implements RaftClientCore<T> {
  readonly quorum: QuorumState;
  readonly config: RaftConfig;
  readonly time: Time;
  readonly log: ReplicatedLog;
  readonly clusterId: string;
  readonly requestManager: RequestManager;
  private readonly random: Random;
  private readonly channel: NetworkChannel;
  private readonly serde: RecordSerde<T>;
  readonly logger: (m: string) => void;
  private readonly handlers: RaftHandlers<T>;
  private readonly poller: RaftStatePoller<T>;
  private readonly queue: QueuedMessage[] = [];
  private readonly listeners: RaftListeners<T>;
  /** Fetches the leader parks until new data (or the high watermark moves, or maxWaitMs passes). */
  readonly fetchPurgatory = new FetchPurgatory();
  shutdownState: GracefulShutdown | undefined;
  private shutdownFinished = false;

  constructor(opts: RaftClientOptions<T>) {
    this.config = { ...DEFAULT_RAFT_CONFIG, ...opts.config };
    this.time = opts.time ?? SYSTEM_TIME;
    this.random = opts.random ?? SYSTEM_RANDOM;
    this.log = opts.log;
    this.clusterId = opts.clusterId;
    this.channel = opts.channel;
    this.serde = opts.serde;
    this.logger = opts.logger ?? (() => {});
    const voters = new Set(opts.voters);
    this.quorum = new QuorumState(
      opts.nodeId,
      voters,
      this.config.electionTimeoutMs,
      this.config.fetchTimeoutMs,
      opts.store,
      this.time,
      this.random,
      this.logger,
    );
    this.requestManager = new RequestManager(voters, this.config.retryBackoffMs, this.config.requestTimeoutMs, this.random);
    this.handlers = new RaftHandlers<T>(this);
    this.listeners = new RaftListeners<T>(this.log, this.serde);
    this.poller = new RaftStatePoller<T>(this);
  }

  /** KafkaRaftClient.initialize: the starting state from quorum-state and the log; a lone voter stands at once. */
  initialize(): void {
    this.quorum.initialize({ offset: this.log.endOffset(), epoch: this.log.lastFetchedEpoch() });
    const now = this.time.milliseconds();
    if (this.quorum.isLeader()) throw new Error('Voter cannot initialize as a Leader');
    else if (this.quorum.isCandidate()) this.onBecomeCandidate(now);
    else if (this.quorum.isFollower()) this.onBecomeFollower();
    if (this.quorum.isVoter() && this.quorum.remoteVoters().length === 0 && !this.quorum.isCandidate()) this.transitionToCandidate(now);
    this.fireLeaderChange();
  }

  /** May come before initialize() (Kafka queues registrations); the listener then hears from the first transitions. */
  register(listener: RaftListener<T>): void {
    this.listeners.add(listener);
    if (!this.quorum.isInitialized()) return;
    const hw = this.quorum.highWatermark();
    if (hw !== undefined) this.updateListenersProgress(hw);
    this.fireLeaderChange();
  }

  /** An inbound request; its response completes request.completion, possibly later (a parked Fetch). */
  handle(request: RaftInboundRequest): void {
    this.queue.push({ kind: 'request', request });
  }

  leaderAndEpoch(): LeaderAndEpoch {
    return { leaderId: this.quorum.leaderId(), epoch: this.quorum.epoch };
  }

  highWatermark(): number | undefined {
    return this.quorum.highWatermark();
  }

  isRunning(): boolean {
    return !this.shutdownFinished;
  }

  /**
   * Handles everything queued, then polls the current state. Returns how long (ms) the caller may wait before
   * polling again if nothing arrives (Infinity: only a message can wake it).
   */
  poll(): number {
    const now = this.time.milliseconds();
    if (this.maybeCompleteShutdown(now)) return Infinity;
    while (this.queue.length > 0) this.handleInboundMessage(this.queue.shift()!, this.time.milliseconds());
    const timeout = Math.min(this.poller.pollCurrentState(now), this.fetchPurgatory.expire(now));
    return Math.max(0, timeout);
  }

  /** RaftClient.scheduleAppend: queue records for the leader of `epoch`; returns the offset the last will get. */
  scheduleAppend(epoch: number, records: T[]): number {
    return this.append(epoch, records, undefined, false);
  }

  /**
   * RaftClient.scheduleAtomicAppend: the records land in one batch, so they commit (or are lost) together; with
   * `requiredBaseOffset`, only if the first of them would get that offset (else UnexpectedBaseOffsetError).
   */
  scheduleAtomicAppend(epoch: number, requiredBaseOffset: number | undefined, records: T[]): number {
    return this.append(epoch, records, requiredBaseOffset, true);
  }

  private append(epoch: number, records: T[], requiredBaseOffset: number | undefined, isAtomic: boolean): number {
    const state = this.quorum.current;
    if (!(state instanceof LeaderState) || !state.accumulator) throw new NotLeaderError('Append failed because the replication is not the current leader');
    return (state as LeaderState<T>).accumulator!.append(epoch, records, requiredBaseOffset, isAtomic, this.time.milliseconds());
  }

  /** RaftClient.resign: the leader of `epoch` steps down (EndQuorumEpoch), e.g. when its state machine failed. */
  resign(epoch: number): void {
    if (epoch < 0) throw new Error(`Attempt to resign from an invalid negative epoch ${epoch}`);
    if (!this.quorum.isVoter()) throw new Error('Attempt to resign by a non-voter');
    const current = this.quorum.epoch;
    if (epoch > current) throw new Error(`Attempt to resign from epoch ${epoch} which is larger than the current epoch ${current}`);
    if (epoch < current) return;
    const state = this.quorum.current;
    if (!(state instanceof LeaderState)) {
      if (this.quorum.leaderId() !== this.quorum.localId) throw new Error(`Cannot resign from epoch ${epoch} since we are not the leader`);
      return;
    }
    state.requestResign();
  }

  /**
   * Takes a snapshot of the state machine as of `snapshotId` (end offset exclusive, and the epoch of the record
   * before it), which must be committed and on this log (KafkaMetadataLog.createNewSnapshot's checks). Kafka hands
   * out a SnapshotWriter; here the caller gives the records at once. The log may then drop what the snapshot covers
   * (deleteBeforeSnapshot), after which followers that need that prefix fetch the snapshot instead.
   */
  createSnapshot(snapshotId: OffsetAndEpoch, lastContainedLogTimestamp: number, batches: ReadonlyArray<readonly T[]>): void {
    const hw = this.quorum.highWatermark() ?? 0;
    if (snapshotId.offset > hw) {
      throw new Error(`Cannot create a snapshot with an id (${JSON.stringify(snapshotId)}) greater than the high-watermark (${hw})`);
    }
    const valid = validateOffsetAndEpoch(this.log, snapshotId.offset, snapshotId.epoch);
    if (valid.kind !== 'VALID') throw new Error(`Snapshot id (${JSON.stringify(snapshotId)}) is not valid according to the log: ${valid.kind}`);
    if (this.log.readSnapshot(snapshotId)) return; // already there
    this.log.storeSnapshot(snapshotId, buildSnapshot(snapshotId, this.serde, batches, lastContainedLogTimestamp, this.time.milliseconds()));
  }

  /**
   * Graceful shutdown: a leader resigns and tells the voters (EndQuorumEpoch), then the shutdown completes when
   * another leader is known, or at the timeout. Followers and observers finish at once.
   */
  shutdown(timeoutMs: number): Completion<void> {
    if (!this.shutdownState) this.shutdownState = { deadlineMs: this.time.milliseconds() + timeoutMs, completion: new Completion<void>() };
    return this.shutdownState.completion;
  }

  // ------------------------------------------------------------------ inbound messages

  private handleInboundMessage(m: QueuedMessage, now: number): void {
    if (m.kind === 'request') {
      this.handlers.handleRequest(m.request, now);
      return;
    }
    const conn = this.requestManager.getOrCreate(m.sourceId);
    if (!conn.isResponseExpected(m.correlationId)) return; // an answer to a request of an older state
    let ok: boolean;
    if (m.error || !m.data) ok = false;
    else ok = this.handlers.handleResponse(m.sourceId, m.apiKey, m.data, now);
    if (ok) conn.onResponseReceived(m.correlationId);
    else conn.onResponseError(m.correlationId, now);
  }

  /** KafkaRaftClient.maybeSendRequest: one request in flight per destination; returns the time until it may send. */
  maybeSendRequest(now: number, destinationId: number, apiKey: RaftApiKeyValue, build: () => object): number {
    const conn = this.requestManager.getOrCreate(destinationId);
    if (conn.isBackingOff(now)) return conn.remainingBackoffMs(now);
    if (conn.isReady(now)) {
      const correlationId = this.channel.newCorrelationId();
      const completion = new Completion<object>();
      completion.onComplete((data, error) => this.queue.push({ kind: 'response', sourceId: destinationId, correlationId, apiKey, data, error }));
      conn.onRequestSent(correlationId, now);
      this.channel.send({ correlationId, destinationId, apiKey, data: build(), createdTimeMs: now, completion });
      return Infinity;
    }
    return conn.remainingRequestTimeMs(now);
  }

  maybeSendRequests(now: number, destinations: Iterable<number>, apiKey: RaftApiKeyValue, build: () => object): number {
    let min = Infinity;
    for (const d of destinations) min = Math.min(min, this.maybeSendRequest(now, d, apiKey, build));
    return min;
  }

  /** The log end and the epoch of its last batch: what a Vote request and the up-to-date check compare. */
  endOffset(): OffsetAndEpoch {
    return { offset: this.log.endOffset(), epoch: this.log.lastFetchedEpoch() };
  }

  // ------------------------------------------------------------------ transitions

  onBecomeLeader(now: number): void {
    const endOffset = this.log.endOffset();
    const state = this.quorum.transitionToLeader<T>(endOffset);
    this.log.initializeLeaderEpoch(this.quorum.epoch);
    // The high watermark can only advance once a record of the new epoch is committed: write one at once.
    const voters = state.voterIds().sort((a, b) => a - b);
    const batch = buildLeaderChangeBatch(
      {
        version: 0,
        leaderId: state.localId,
        voters: voters.map((voterId) => ({ voterId })),
        grantingVoters: [...state.grantingVoters].sort((a, b) => a - b).map((voterId) => ({ voterId })),
      },
      state.epoch,
      now,
    );
    this.log.appendAsLeader(batch, state.epoch);
    state.accumulator = new BatchAccumulator<T>(state.epoch, this.log.endOffset(), this.config.appendLingerMs, this.serde);
    this.requestManager.resetAll();
    this.flushLeaderLog(state, now);
  }

  private maybeTransitionToLeader(state: CandidateState, now: number): boolean {
    if (!state.isVoteGranted()) return false;
    this.onBecomeLeader(now);
    return true;
  }

  private onBecomeCandidate(now: number): void {
    const state = this.quorum.current as CandidateState;
    if (!this.maybeTransitionToLeader(state, now)) this.requestManager.resetAll();
  }

  transitionToCandidate(now: number): void {
    this.quorum.transitionToCandidate();
    this.fireLeaderChange();
    this.onBecomeCandidate(now);
  }

  transitionToUnattached(epoch: number): void {
    this.quorum.transitionToUnattached(epoch);
    // Kafka lets a former leader's parked fetches expire; answering them now only tells the followers sooner.
    this.failParkedFetches();
    this.fireLeaderChange();
    this.requestManager.resetAll();
  }

  transitionToResigned(preferredSuccessors: number[]): void {
    this.failParkedFetches();
    this.quorum.transitionToResigned(preferredSuccessors);
    this.fireLeaderChange();
    this.requestManager.resetAll();
  }

  transitionToVoted(candidateId: number, epoch: number): void {
    this.quorum.transitionToVoted(epoch, candidateId);
    this.fireLeaderChange();
    this.requestManager.resetAll();
  }

  private onBecomeFollower(): void {
    this.requestManager.resetAll();
    // Parked fetches are answered now, so their senders retry with the new leader without waiting.
    this.failParkedFetches();
  }

  transitionToFollower(epoch: number, leaderId: number): void {
    this.quorum.transitionToFollower(epoch, leaderId);
    this.fireLeaderChange();
    this.onBecomeFollower();
  }

  /** KafkaRaftClient.maybeTransition: a request or response shows a newer epoch or this epoch's leader. */
  maybeTransition(leaderId: number | undefined, epoch: number): void {
    if (!this.hasConsistentLeader(epoch, leaderId)) {
      throw new Error(
        `Received request or response with leader ${leaderId} and epoch ${epoch} which is inconsistent with current leader ${this.quorum.leaderId()} and epoch ${this.quorum.epoch}`,
      );
    } else if (epoch > this.quorum.epoch) {
      if (leaderId !== undefined) this.transitionToFollower(epoch, leaderId);
      else this.transitionToUnattached(epoch);
    } else if (leaderId !== undefined && !this.quorum.hasLeader()) {
      this.transitionToFollower(epoch, leaderId);
    }
  }

  private hasConsistentLeader(epoch: number, leaderId: number | undefined): boolean {
    if (leaderId !== undefined && leaderId === this.quorum.localIdOrSentinel()) return this.quorum.isLeader();
    return epoch !== this.quorum.epoch || leaderId === undefined || !this.quorum.hasLeader() || leaderId === this.quorum.leaderId();
  }

  // ------------------------------------------------------------------ leader: log and high watermark

  private flushLeaderLog(state: LeaderState<T>, now: number): void {
    this.updateLeaderEndOffset(state, now);
    this.log.flush();
  }

  private updateLeaderEndOffset(state: LeaderState<T>, now: number): void {
    if (state.updateLocalState(this.log.endOffset())) this.onUpdateLeaderHighWatermark(state, now);
    this.completeParkedFetches((f) => f.fetchOffset < this.log.endOffset(), now);
  }

  onUpdateLeaderHighWatermark(state: LeaderState<T>, now: number): void {
    const hw = state.highWatermark();
    if (hw === undefined) return;
    this.log.updateHighWatermark(hw);
    this.updateListenersProgress(hw);
    // Followers learn the new high watermark from their parked fetches.
    this.completeParkedFetches(() => true, now);
  }

  /** KafkaRaftClient.updateFollowerHighWatermark: never beyond the follower's own log end. */
  updateFollowerHighWatermark(state: FollowerState, hw: number): void {
    const newHw = Math.min(this.log.endOffset(), hw);
    if (state.updateHighWatermark(newHw)) {
      this.log.updateHighWatermark(newHw);
      this.updateListenersProgress(newHw);
    }
  }

  private updateListenersProgress(hw: number): void {
    const state = this.quorum.current;
    this.listeners.updateProgress(hw, this.leaderAndEpoch(), state instanceof LeaderState ? state.epochStartOffset : undefined);
  }

  fireLeaderChange(): void {
    const state = this.quorum.current;
    this.listeners.fireLeaderChange(this.leaderAndEpoch(), state instanceof LeaderState ? state.epochStartOffset : undefined);
  }

  /** Drains the scheduled records into one batch once append.linger.ms has passed (BatchAccumulator). */
  maybeAppendBatches(state: LeaderState<T>, now: number): number {
    const acc = state.accumulator;
    if (!acc) return Infinity;
    const until = acc.timeUntilDrain(now);
    if (until > 0) return until;
    let expected = acc.nextOffset;
    const batches = acc.drain();
    for (const b of batches) expected -= b.length;
    for (const values of batches) {
      const info = this.log.appendAsLeader(buildValuesBatch(values, state.epoch, now), state.epoch);
      if (info.firstOffset !== expected) throw new Error(`Leader appended at ${info.firstOffset}, expected ${expected}`);
      expected = info.lastOffset + 1;
    }
    this.flushLeaderLog(state, now);
    return Infinity;
  }

  parkFetch(p: PendingFetch): void {
    this.fetchPurgatory.park(p);
  }

  private completeParkedFetches(pred: (f: PendingFetch) => boolean, now: number): void {
    this.fetchPurgatory.completeWhere(pred, (f) => this.handlers.tryCompleteFetch(f.request, now));
  }

  private failParkedFetches(): void {
    this.fetchPurgatory.completeAll(() => this.handlers.emptyFetchResponse(ErrorCode.NOT_LEADER_OR_FOLLOWER, -1));
  }

  binaryExponentialElectionBackoffMs(retries: number): number {
    return binaryExponentialElectionBackoffMs(retries, this.random, this.config.electionBackoffMaxMs);
  }

  strictExponentialElectionBackoffMs(position: number, total: number): number {
    return strictExponentialElectionBackoffMs(position, total, this.config.electionBackoffMaxMs);
  }

  private maybeCompleteShutdown(now: number): boolean {
    const s = this.shutdownState;
    if (!s) return false;
    if (this.shutdownFinished) return true;
    if (now >= s.deadlineMs) {
      this.shutdownFinished = true;
      s.completion.fail(new Error('Timeout expired before graceful shutdown completed'));
      return true;
    }
    if (this.quorum.isObserver() || this.quorum.remoteVoters().length === 0 || this.quorum.hasRemoteLeader()) {
      this.shutdownFinished = true;
      s.completion.complete(undefined);
      return true;
    }
    return false;
  }
}

export { NotLeaderError, RecordBatchTooLargeError, UnexpectedBaseOffsetError } from './BatchAccumulator';
