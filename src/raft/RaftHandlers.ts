/**
 * The request and response handlers of KafkaRaftClient (Kafka 3.7): validation order and error codes as Kafka's.
 *
 * Requests: a ClusterId that is given must match (INCONSISTENT_CLUSTER_ID); the topic must be
 * `__cluster_metadata-0` (INVALID_REQUEST); voter-only requests (Vote, Begin/EndQuorumEpoch) answer
 * FENCED_LEADER_EPOCH to an older epoch and INCONSISTENT_VOTER_SET to or from a non-voter; leader-only requests
 * (Fetch, FetchSnapshot) answer FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH / NOT_LEADER_OR_FOLLOWER /
 * BROKER_NOT_AVAILABLE (shutting down). Every response carries this node's epoch and leader, from which the
 * sender may learn of a newer epoch (maybeHandleCommonResponse).
 */
import { FetchRequest, FetchResponse, recordsBuffer } from '../protocol/apis/01-fetch';
import { VoteRequest, VoteResponse } from '../protocol/apis/52-vote';
import { BeginQuorumEpochRequest, BeginQuorumEpochResponse } from '../protocol/apis/53-begin-quorum-epoch';
import { EndQuorumEpochRequest, EndQuorumEpochResponse } from '../protocol/apis/54-end-quorum-epoch';
import { DescribeQuorumRequest } from '../protocol/apis/55-describe-quorum';
import { FetchSnapshotRequest, FetchSnapshotResponse } from '../protocol/apis/59-fetch-snapshot';
import { ErrorCode } from '../protocol/errors';
import { CandidateState, FollowerState, ResignedState } from './EpochState';
import { PendingFetch } from './FetchPurgatory';
import { LeaderState } from './LeaderState';
import { RaftApiKey, RaftApiKeyValue, RaftInboundRequest } from './NetworkChannel';
import { compareOffsetAndEpoch, OffsetAndEpoch, ValidOffsetAndEpoch } from './OffsetAndEpoch';
import { QuorumState } from './QuorumState';
import * as msg from './RaftMessages';
import { ReplicatedLog, truncateToEndOffset, validateOffsetAndEpoch } from './ReplicatedLog';

const NONE = 0;
const EMPTY = Buffer.alloc(0);

function optionalLeaderId(id: number): number | undefined {
  return id < 0 ? undefined : id;
}

/** What the handlers need of the client (KafkaRaftClient implements it; an interface keeps imports one-way). */
export interface RaftClientCore<T> {
  readonly quorum: QuorumState;
  readonly log: ReplicatedLog;
  readonly clusterId: string;
  readonly shutdownState: unknown;
  endOffset(): OffsetAndEpoch;
  transitionToUnattached(epoch: number): void;
  transitionToVoted(candidateId: number, epoch: number): void;
  transitionToFollower(epoch: number, leaderId: number): void;
  maybeTransition(leaderId: number | undefined, epoch: number): void;
  onBecomeLeader(now: number): void;
  onUpdateLeaderHighWatermark(state: LeaderState<T>, now: number): void;
  updateFollowerHighWatermark(state: FollowerState, hw: number): void;
  parkFetch(p: PendingFetch): void;
  binaryExponentialElectionBackoffMs(retries: number): number;
  strictExponentialElectionBackoffMs(position: number, total: number): number;
}

export class RaftHandlers<T> {
  constructor(private readonly c: RaftClientCore<T>) {}

  private get quorum() {
    return this.c.quorum;
  }

  private hasValidClusterId(clusterId: string | null | undefined): boolean {
    // Not enforced when the request does not give one.
    return clusterId === null || clusterId === undefined || clusterId === this.c.clusterId;
  }

  // ------------------------------------------------------------------ requests

  handleRequest(req: RaftInboundRequest, now: number): void {
    let response: object | undefined;
    try {
      switch (req.apiKey) {
        case RaftApiKey.Fetch:
          response = this.handleFetchRequest(req, now);
          break;
        case RaftApiKey.Vote:
          response = this.handleVoteRequest(req.data as VoteRequest);
          break;
        case RaftApiKey.BeginQuorumEpoch:
          response = this.handleBeginQuorumEpochRequest(req.data as BeginQuorumEpochRequest);
          break;
        case RaftApiKey.EndQuorumEpoch:
          response = this.handleEndQuorumEpochRequest(req.data as EndQuorumEpochRequest, now);
          break;
        case RaftApiKey.DescribeQuorum:
          response = this.handleDescribeQuorumRequest(req.data as DescribeQuorumRequest, now);
          break;
        case RaftApiKey.FetchSnapshot:
          response = this.handleFetchSnapshotRequest(req.data as FetchSnapshotRequest, now);
          break;
        default:
          throw new Error(`Unexpected request type ${req.apiKey as number}`);
      }
    } catch (e) {
      req.completion.fail(e as Error);
      throw e;
    }
    if (response !== undefined) req.completion.complete(response);
  }

  private validateVoterOnlyRequest(remoteNodeId: number, requestEpoch: number): number | undefined {
    if (requestEpoch < this.quorum.epoch) return ErrorCode.FENCED_LEADER_EPOCH;
    if (remoteNodeId < 0) return ErrorCode.INVALID_REQUEST;
    if (this.quorum.isObserver() || !this.quorum.isVoter(remoteNodeId)) return ErrorCode.INCONSISTENT_VOTER_SET;
    return undefined;
  }

  private validateLeaderOnlyRequest(requestEpoch: number): number | undefined {
    if (requestEpoch < this.quorum.epoch) return ErrorCode.FENCED_LEADER_EPOCH;
    if (requestEpoch > this.quorum.epoch) return ErrorCode.UNKNOWN_LEADER_EPOCH;
    // Observers may Fetch from a non-leader voter to learn the election's result.
    if (!this.quorum.isLeader()) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    if (this.c.shutdownState) return ErrorCode.BROKER_NOT_AVAILABLE;
    return undefined;
  }

  private buildVoteResponse(partitionError: number, granted: boolean): VoteResponse {
    return msg.voteResponse(NONE, partitionError, this.quorum.epoch, this.quorum.leaderIdOrSentinel(), granted);
  }

  private handleVoteRequest(request: VoteRequest): VoteResponse {
    if (!this.hasValidClusterId(request.clusterId)) return { errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, topics: [] };
    if (!msg.validVote(request)) return { errorCode: ErrorCode.INVALID_REQUEST, topics: [] };
    const p = request.topics[0].partitions[0];
    if (p.lastOffset < 0 || p.lastOffsetEpoch < 0 || p.lastOffsetEpoch >= p.candidateEpoch) return this.buildVoteResponse(ErrorCode.INVALID_REQUEST, false);
    const error = this.validateVoterOnlyRequest(p.candidateId, p.candidateEpoch);
    if (error !== undefined) return this.buildVoteResponse(error, false);
    if (p.candidateEpoch > this.quorum.epoch) this.c.transitionToUnattached(p.candidateEpoch);
    // Granted only to a log at least as up to date as ours (last epoch, then offset): a leader must hold every
    // committed record.
    const upToDate = compareOffsetAndEpoch({ offset: p.lastOffset, epoch: p.lastOffsetEpoch }, this.c.endOffset()) >= 0;
    const granted = this.quorum.canGrantVote(p.candidateId, upToDate);
    if (granted && this.quorum.isUnattached()) this.c.transitionToVoted(p.candidateId, p.candidateEpoch);
    return this.buildVoteResponse(NONE, granted);
  }

  private quorumEpochResponse(partitionError: number): BeginQuorumEpochResponse {
    return msg.quorumEpochResponse(NONE, partitionError, this.quorum.epoch, this.quorum.leaderIdOrSentinel());
  }

  private handleBeginQuorumEpochRequest(request: BeginQuorumEpochRequest): BeginQuorumEpochResponse {
    if (!this.hasValidClusterId(request.clusterId)) return { errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, topics: [] };
    if (!msg.validQuorumEpoch(request)) return { errorCode: ErrorCode.INVALID_REQUEST, topics: [] };
    const p = request.topics[0].partitions[0];
    const error = this.validateVoterOnlyRequest(p.leaderId, p.leaderEpoch);
    if (error !== undefined) return this.quorumEpochResponse(error);
    this.c.maybeTransition(p.leaderId, p.leaderEpoch);
    return this.quorumEpochResponse(NONE);
  }

  private handleEndQuorumEpochRequest(request: EndQuorumEpochRequest, now: number): EndQuorumEpochResponse {
    if (!this.hasValidClusterId(request.clusterId)) return { errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, topics: [] };
    if (!msg.validQuorumEpoch(request)) return { errorCode: ErrorCode.INVALID_REQUEST, topics: [] };
    const p = request.topics[0].partitions[0];
    const error = this.validateVoterOnlyRequest(p.leaderId, p.leaderEpoch);
    if (error !== undefined) return this.quorumEpochResponse(error);
    this.c.maybeTransition(p.leaderId, p.leaderEpoch);
    const state = this.quorum.current;
    if (state instanceof FollowerState && state.leaderId === p.leaderId) {
      // The first preferred successor stands at once, the others after strictly growing backoffs.
      const position = p.preferredSuccessors.indexOf(this.quorum.localIdOrThrow());
      const backoff = position <= 0 ? 0 : this.c.strictExponentialElectionBackoffMs(position, p.preferredSuccessors.length);
      state.overrideFetchTimeout(now, backoff);
    }
    return this.quorumEpochResponse(NONE);
  }

  private handleDescribeQuorumRequest(request: DescribeQuorumRequest, now: number): object {
    if (!msg.validDescribeQuorum(request)) return msg.describeQuorumErrorResponse(request, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const state = this.quorum.current;
    if (!(state instanceof LeaderState)) return msg.describeQuorumResponse(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    return msg.describeQuorumResponse(NONE, state.describeQuorum(now));
  }

  /**
   * KafkaRaftClient.handleFetchSnapshotRequest: a chunk of the requested snapshot from `position`, at most
   * maxBytes (unaligned: not cut at batch boundaries); SNAPSHOT_NOT_FOUND for an unknown id, POSITION_OUT_OF_RANGE
   * for a position outside it. Counts as a fetch for the check-quorum timer.
   */
  private handleFetchSnapshotRequest(request: FetchSnapshotRequest, now: number): object {
    if (!this.hasValidClusterId(request.clusterId)) return msg.fetchSnapshotErrorResponse(ErrorCode.INCONSISTENT_CLUSTER_ID, NONE, -1, -1);
    if (!msg.validFetchSnapshot(request)) return msg.fetchSnapshotErrorResponse(ErrorCode.INVALID_REQUEST, NONE, -1, -1);
    const p = request.topics[0].partitions[0];
    const error = this.validateLeaderOnlyRequest(p.currentLeaderEpoch);
    const leaderId = this.quorum.leaderIdOrSentinel();
    if (error !== undefined) return msg.fetchSnapshotErrorResponse(NONE, error, leaderId, this.quorum.epoch);
    const id = { offset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch };
    const bytes = this.c.log.readSnapshot(id);
    if (!bytes) return msg.fetchSnapshotErrorResponse(NONE, ErrorCode.SNAPSHOT_NOT_FOUND, leaderId, this.quorum.epoch);
    if (p.position < 0 || p.position >= bytes.length) return msg.fetchSnapshotErrorResponse(NONE, ErrorCode.POSITION_OUT_OF_RANGE, leaderId, this.quorum.epoch);
    const maxBytes = Math.max(0, request.maxBytes);
    const chunk = bytes.subarray(p.position, Math.min(bytes.length, p.position + maxBytes));
    (this.quorum.current as LeaderState<T>).updateCheckQuorumForFollowingVoter(request.replicaId, now);
    return msg.fetchSnapshotResponse(leaderId, this.quorum.epoch, id, bytes.length, p.position, chunk);
  }

  emptyFetchResponse(error: number, hw: number): FetchResponse {
    return msg.fetchResponse(NONE, {
      errorCode: error,
      records: EMPTY,
      highWatermark: hw,
      logStartOffset: this.c.log.startOffset(),
      leaderId: this.quorum.leaderIdOrSentinel(),
      leaderEpoch: this.quorum.epoch,
    });
  }

  /** KafkaRaftClient.handleFetchRequest: answers now, or parks the fetch until data arrives or maxWaitMs passes. */
  private handleFetchRequest(req: RaftInboundRequest, now: number): FetchResponse | undefined {
    const request = req.data as FetchRequest;
    if (!this.hasValidClusterId(request.clusterId)) return { throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, sessionId: 0, responses: [] };
    if (!msg.validFetchRequest(request)) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, sessionId: 0, responses: [] };
    const p = request.topics[0].partitions[0];
    if (request.maxWaitMs < 0 || p.fetchOffset < 0 || p.lastFetchedEpoch < 0 || p.lastFetchedEpoch > p.currentLeaderEpoch) {
      return this.emptyFetchResponse(ErrorCode.INVALID_REQUEST, -1);
    }
    const response = this.tryCompleteFetch(req, now);
    const part = response.responses[0].partitions[0];
    const diverged = part.divergingEpoch !== undefined && (part.divergingEpoch.epoch !== -1 || part.divergingEpoch.endOffset !== -1);
    const snapshot = part.snapshotId !== undefined && (part.snapshotId.epoch !== -1 || part.snapshotId.endOffset !== -1);
    if (part.errorCode !== NONE || recordsBuffer(part.records).length > 0 || request.maxWaitMs === 0 || diverged || snapshot) return response;
    this.c.parkFetch({ request: req, fetchOffset: p.fetchOffset, deadlineMs: now + request.maxWaitMs, emptyResponse: response });
    return undefined;
  }

  /** KafkaRaftClient.tryCompleteFetchRequest. */
  tryCompleteFetch(req: RaftInboundRequest, now: number): FetchResponse {
    const request = req.data as FetchRequest;
    const p = request.topics[0].partitions[0];
    const error = this.validateLeaderOnlyRequest(p.currentLeaderEpoch);
    if (error !== undefined) return this.emptyFetchResponse(error, -1);
    const state = this.quorum.current as LeaderState<T>;
    const log = this.c.log;
    const latestSnapshot = log.latestSnapshotId();
    // An empty follower is sent to the snapshot when there is one (cheaper than replaying the log).
    const valid: ValidOffsetAndEpoch =
      p.fetchOffset === 0 && latestSnapshot
        ? { kind: 'SNAPSHOT', offsetAndEpoch: latestSnapshot }
        : validateOffsetAndEpoch(log, p.fetchOffset, p.lastFetchedEpoch);
    let records = EMPTY;
    if (valid.kind === 'VALID') {
      records = log.read(p.fetchOffset);
      if (state.updateReplicaState(msg.fetchReplicaId(request), now, p.fetchOffset)) this.c.onUpdateLeaderHighWatermark(state, now);
    }
    return msg.fetchResponse(NONE, {
      errorCode: NONE,
      records,
      highWatermark: state.highWatermark() ?? -1,
      logStartOffset: log.startOffset(),
      leaderId: this.quorum.leaderIdOrSentinel(),
      leaderEpoch: this.quorum.epoch,
      divergingEpoch: valid.kind === 'DIVERGING' ? { epoch: valid.offsetAndEpoch.epoch, endOffset: valid.offsetAndEpoch.offset } : undefined,
      snapshotId: valid.kind === 'SNAPSHOT' ? { endOffset: valid.offsetAndEpoch.offset, epoch: valid.offsetAndEpoch.epoch } : undefined,
    });
  }

  // ------------------------------------------------------------------ responses

  /** True when handled (the request need not be retried); false puts the connection into backoff. */
  handleResponse(sourceId: number, apiKey: RaftApiKeyValue, data: object, now: number): boolean {
    switch (apiKey) {
      case RaftApiKey.Fetch:
        return this.handleFetchResponse(data as FetchResponse, now);
      case RaftApiKey.Vote:
        return this.handleVoteResponse(sourceId, data as VoteResponse, now);
      case RaftApiKey.BeginQuorumEpoch:
        return this.handleBeginQuorumEpochResponse(sourceId, data as BeginQuorumEpochResponse, now);
      case RaftApiKey.EndQuorumEpoch:
        return this.handleEndQuorumEpochResponse(sourceId, data as EndQuorumEpochResponse, now);
      case RaftApiKey.FetchSnapshot:
        return this.handleFetchSnapshotResponse(data as FetchSnapshotResponse, now);
      default:
        throw new Error(`Received unexpected response type: ${apiKey}`);
    }
  }

  /** KafkaRaftClient.handleTopLevelError: BROKER_NOT_AVAILABLE retries; the rest are unexpected (logged, retried). */
  private handleTopLevelError(error: number): boolean {
    if (error === ErrorCode.CLUSTER_AUTHORIZATION_FAILED) throw new Error('Received cluster authorization error in response');
    return false;
  }

  /**
   * KafkaRaftClient.maybeHandleCommonResponse: undefined when the API's own handler should go on; true/false when
   * handled here (an older epoch is ignored; a newer one, or a fencing error, makes this node follow or wait).
   */
  private maybeHandleCommonResponse(error: number, leaderId: number | undefined, epoch: number): boolean | undefined {
    if (epoch < this.quorum.epoch || error === ErrorCode.UNKNOWN_LEADER_EPOCH) return true;
    if (epoch > this.quorum.epoch || error === ErrorCode.FENCED_LEADER_EPOCH || error === ErrorCode.NOT_LEADER_OR_FOLLOWER) {
      this.c.maybeTransition(leaderId, epoch);
      return true;
    }
    if (epoch === this.quorum.epoch && leaderId !== undefined && !this.quorum.hasLeader()) {
      // Learn the leader, and let an observer use the same Fetch's data.
      this.c.transitionToFollower(epoch, leaderId);
      return error === NONE ? undefined : true;
    }
    if (error === ErrorCode.BROKER_NOT_AVAILABLE) return false;
    if (error === ErrorCode.INCONSISTENT_GROUP_PROTOCOL) throw new Error('Received error indicating inconsistent voter sets');
    if (error === ErrorCode.INVALID_REQUEST) throw new Error('Received unexpected invalid request error');
    return undefined;
  }

  private handleVoteResponse(sourceId: number, res: VoteResponse, now: number): boolean {
    if (res.errorCode !== NONE) return this.handleTopLevelError(res.errorCode);
    if (!msg.validVote(res)) return false;
    const p = res.topics[0].partitions[0];
    const handled = this.maybeHandleCommonResponse(p.errorCode, optionalLeaderId(p.leaderId), p.leaderEpoch);
    if (handled !== undefined) return handled;
    if (p.errorCode !== NONE) return false;
    const state = this.quorum.current;
    if (state instanceof CandidateState) {
      if (p.voteGranted) {
        state.recordGrantedVote(sourceId);
        if (state.isVoteGranted()) this.c.onBecomeLeader(now);
      } else {
        state.recordRejectedVote(sourceId);
        // Rejected by enough voters to lose: back off at once rather than wait for the election timeout.
        if (state.isVoteRejected() && !state.isBackingOff()) state.startBackingOff(now, this.c.binaryExponentialElectionBackoffMs(state.retries));
      }
    }
    return true;
  }

  private handleBeginQuorumEpochResponse(sourceId: number, res: BeginQuorumEpochResponse, now: number): boolean {
    void now;
    if (res.errorCode !== NONE) return this.handleTopLevelError(res.errorCode);
    if (!msg.validQuorumEpoch(res)) return false;
    const p = res.topics[0].partitions[0];
    const handled = this.maybeHandleCommonResponse(p.errorCode, optionalLeaderId(p.leaderId), p.leaderEpoch);
    if (handled !== undefined) return handled;
    if (p.errorCode !== NONE) return false;
    const state = this.quorum.current;
    if (state instanceof LeaderState) state.addAcknowledgementFrom(sourceId);
    return true;
  }

  private handleEndQuorumEpochResponse(sourceId: number, res: EndQuorumEpochResponse, now: number): boolean {
    void now;
    if (res.errorCode !== NONE) return this.handleTopLevelError(res.errorCode);
    if (!msg.validQuorumEpoch(res)) return false;
    const p = res.topics[0].partitions[0];
    const handled = this.maybeHandleCommonResponse(p.errorCode, optionalLeaderId(p.leaderId), p.leaderEpoch);
    if (handled !== undefined) return handled;
    if (p.errorCode !== NONE) return false;
    const state = this.quorum.current;
    if (state instanceof ResignedState) state.acknowledgeResignation(sourceId);
    return true;
  }

  private handleFetchResponse(res: FetchResponse, now: number): boolean {
    if (res.errorCode !== NONE) return this.handleTopLevelError(res.errorCode);
    if (!msg.validFetchResponse(res)) return false;
    const p = res.responses[0].partitions[0];
    const leader = p.currentLeader ?? { leaderId: -1, leaderEpoch: -1 };
    const handled = this.maybeHandleCommonResponse(p.errorCode, optionalLeaderId(leader.leaderId), leader.leaderEpoch);
    if (handled !== undefined) return handled;
    const state = this.quorum.current;
    if (!(state instanceof FollowerState)) throw new Error(`Expected to be Follower, but the current state is ${state.name}`);
    if (p.errorCode !== NONE) return false;
    const log = this.c.log;
    const diverging = p.divergingEpoch;
    const snapshot = p.snapshotId;
    if (diverging && diverging.epoch >= 0) {
      // The leader asks us to truncate before fetching again; never below what we know is committed.
      const hw = state.highWatermark();
      if (hw !== undefined && diverging.endOffset < hw) {
        throw new Error(`The leader requested truncation to offset ${diverging.endOffset}, which is below the current high watermark ${hw}`);
      }
      truncateToEndOffset(log, { offset: diverging.endOffset, epoch: diverging.epoch });
    } else if (snapshot && (snapshot.epoch >= 0 || snapshot.endOffset >= 0)) {
      // The leader no longer has our next offset: fetch its snapshot (FetchSnapshot), then the log after it.
      if (snapshot.epoch < 0 || snapshot.endOffset < 0) return false;
      const id = { offset: snapshot.endOffset, epoch: snapshot.epoch };
      // log.storeSnapshot gives no writer for a snapshot already stored: nothing to fetch then.
      state.fetchingSnapshot = log.readSnapshot(id) ? undefined : { id, chunks: [], size: 0 };
    } else {
      const records = recordsBuffer(p.records);
      if (records.length > 0) {
        log.appendAsFollower(records);
        // The leader counts a voter's fetch offset as replicated: it must be on disk first.
        if (this.quorum.isVoter()) log.flush();
      }
      if (p.highWatermark >= 0) this.c.updateFollowerHighWatermark(state, p.highWatermark);
    }
    state.resetFetchTimeout(now);
    return true;
  }

  /** KafkaRaftClient.handleFetchSnapshotResponse: appends the chunk; the last one freezes the snapshot and the log restarts from it. */
  private handleFetchSnapshotResponse(res: FetchSnapshotResponse, now: number): boolean {
    if (res.errorCode !== NONE) return this.handleTopLevelError(res.errorCode);
    if (!msg.validFetchSnapshot(res)) return false;
    const p = res.topics[0].partitions[0];
    const handled = this.maybeHandleCommonResponse(p.errorCode, optionalLeaderId(p.currentLeader.leaderId), p.currentLeader.leaderEpoch);
    if (handled !== undefined) return handled;
    const state = this.quorum.current;
    if (!(state instanceof FollowerState)) throw new Error(`Expected to be Follower, but the current state is ${state.name}`);
    if (p.errorCode === ErrorCode.SNAPSHOT_NOT_FOUND || p.snapshotId.endOffset < 0 || p.snapshotId.epoch < 0) {
      // The leader deleted the snapshot before we had it all: start over with a Fetch.
      state.fetchingSnapshot = undefined;
      state.resetFetchTimeout(now);
      return true;
    }
    if (p.errorCode !== NONE) return false;
    const snap = state.fetchingSnapshot;
    if (!snap) throw new Error(`Received unexpected fetch snapshot response: ${JSON.stringify(p.snapshotId)}`);
    if (snap.id.offset !== p.snapshotId.endOffset || snap.id.epoch !== p.snapshotId.epoch) {
      throw new Error(`Received fetch snapshot response with an invalid id. Expected ${JSON.stringify(snap.id)}; Received ${JSON.stringify(p.snapshotId)}`);
    }
    if (snap.size !== p.position) throw new Error(`Received fetch snapshot response with an invalid position. Expected ${snap.size}; Received ${p.position}`);
    const chunk = recordsBuffer(p.unalignedRecords);
    snap.chunks.push(Buffer.from(chunk));
    snap.size += chunk.length;
    if (snap.size === p.size) {
      state.fetchingSnapshot = undefined;
      const log = this.c.log;
      if (!log.readSnapshot(snap.id)) log.storeSnapshot(snap.id, Buffer.concat(snap.chunks));
      if (!log.truncateToLatestSnapshot()) {
        throw new Error(`Full log truncation expected but didn't happen. Snapshot of ${JSON.stringify(snap.id)}, log end offset ${log.endOffset()}`);
      }
      this.c.updateFollowerHighWatermark(state, log.highWatermark());
    } else if (snap.size > p.size) {
      throw new Error(`Snapshot ${JSON.stringify(snap.id)} grew past its size ${p.size}`);
    }
    state.resetFetchTimeout(now);
    return true;
  }
}
