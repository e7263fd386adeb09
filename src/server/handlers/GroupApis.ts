/**
 * The group-coordination requests of KafkaApis (KafkaApis.handleFindCoordinatorRequest, handleJoinGroupRequest,
 * ... in ZK mode): decode, hand to the GroupCoordinator, encode. FindCoordinator creates __consumer_offsets
 * on first use, as Kafka's internal-topic auto-creation does.
 */
import { getLogger, Logger } from '../../common/logger';
import { GroupCoordinator } from '../../coordinator/group/GroupCoordinator';
import { SYSTEM_TIME, CoordinatorTime } from '../../coordinator/group/CoordinatorTime';
import { GROUP_METADATA_TOPIC_NAME, GroupMetadataManager, OffsetsTopicAccess } from '../../coordinator/group/GroupMetadataManager';
import { RequestContext, ResponseBody } from '../../network/RequestContext';
import {
  DeleteGroupsApi,
  DescribeGroupsApi,
  FindCoordinatorApi,
  HeartbeatApi,
  JoinGroupApi,
  LeaveGroupApi,
  ListGroupsApi,
  OffsetCommitApi,
  OffsetDeleteApi,
  OffsetFetchApi,
  SyncGroupApi,
} from '../../protocol/apis';
import { AUTHORIZED_OPERATIONS_OMITTED, GROUP_AUTHORIZED_OPERATIONS_ALL } from '../../protocol/apis/15-describe-groups';
import { COORDINATOR_TYPE_GROUP, COORDINATOR_TYPE_TRANSACTION } from '../../protocol/apis/10-find-coordinator';
import { ErrorCode, errorInfo } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { KafkaApisDeps } from './ApiDeps';
import { InternalTopicCreator, TRANSACTION_STATE_TOPIC } from './InternalTopics';
import { encodeResponse } from '../../protocol/apis/types';
import { KafkaConfig } from '../config/KafkaConfig';
import { MetadataCache } from '../MetadataCache';
import { ReplicaManager } from '../ReplicaManager';

/** Group coordinator of one broker, wired to its replica manager (leadership changes load/unload partitions). */
export function createGroupCoordinator(
  config: KafkaConfig,
  replicaManager: ReplicaManager,
  metadataCache: MetadataCache,
  time: CoordinatorTime = SYSTEM_TIME,
): GroupCoordinator {
  const access: OffsetsTopicAccess = {
    partitionCount: () => metadataCache.partitions(GROUP_METADATA_TOPIC_NAME)?.size || config.offsetsTopicPartitions,
    async append(partition, batch, timeoutMs) {
      // GroupMetadataManager.appendForGroup: acks=all, AppendOrigin.COORDINATOR.
      const out = replicaManager.appendRecords(7, -1, timeoutMs, [{ topic: GROUP_METADATA_TOPIC_NAME, partition, records: batch }], 'coordinator');
      const [res] = Array.isArray(out) ? out : await out;
      return { errorCode: res.errorCode, baseOffset: res.baseOffset };
    },
    read(partition, offset, maxBytes) {
      const p = replicaManager.getPartition(GROUP_METADATA_TOPIC_NAME, partition);
      if (!p) return null;
      const start = offset < 0 ? p.log.logStartOffset : offset;
      const data = p.log.read(start, maxBytes, p.log.logEndOffset, true);
      return { batches: data.records, logEndOffset: p.log.logEndOffset, logStartOffset: p.log.logStartOffset };
    },
  };
  const manager = new GroupMetadataManager(
    {
      brokerId: config.brokerId,
      offsetCommitTimeoutMs: config.offsetCommitTimeoutMs,
      offsetsLoadBufferSize: config.offsetsLoadBufferSize,
      offsetsRetentionMs: config.offsetsRetentionMinutes * 60 * 1000,
      offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
      offsetMetadataMaxSize: config.offsetMetadataMaxSize,
    },
    access,
    time,
  );
  const coordinator = new GroupCoordinator(
    config.brokerId,
    {
      groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      groupInitialRebalanceDelayMs: config.groupInitialRebalanceDelay,
      groupMaxSize: config.groupMaxSize,
    },
    manager,
    time,
  );
  replicaManager.addLeadershipListener((p, isLeader) => {
    if (p.topic !== GROUP_METADATA_TOPIC_NAME) return;
    if (isLeader) coordinator.onElection(p.partition);
    else coordinator.onResignation(p.partition);
  });
  return coordinator;
}

function groupBy<T>(items: T[], topicOf: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of items) {
    const k = topicOf(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

export class GroupApis {
  private readonly log: Logger;
  private readonly internalTopics: InternalTopicCreator;

  constructor(
    private readonly deps: KafkaApisDeps,
    private readonly coordinator: GroupCoordinator,
  ) {
    this.log = getLogger('kafka.server.KafkaApis', `[KafkaApi-${deps.config.brokerId}] `);
    this.internalTopics = new InternalTopicCreator(deps, this.log);
  }

  /**
   * FindCoordinator: the leader of the group's __consumer_offsets partition; the topic is created on first use.
   * v0-3 ask for one key; v4 for CoordinatorKeys, each answered in its own Coordinator entry without an error
   * message (KafkaApis.handleFindCoordinatorRequestV4AndAbove).
   */
  async handleFindCoordinator(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = FindCoordinatorApi.decodeRequest(r, v);
    if (v < 4) {
      const { errorCode, node } = await this.getCoordinator(ctx, req.keyType, req.key);
      return encodeResponse(FindCoordinatorApi, v, {
        throttleTimeMs: 0,
        errorCode,
        // Errors.message(): the exception's message, "NONE" for no error.
        errorMessage: errorCode === ErrorCode.NONE ? 'NONE' : errorInfo(errorCode).message,
        nodeId: node.id,
        host: node.host,
        port: node.port,
        coordinators: [],
      });
    }
    const coordinators = [];
    for (const key of req.coordinatorKeys) {
      const { errorCode, node } = await this.getCoordinator(ctx, req.keyType, key);
      // An unknown key type fails the whole request (InvalidRequestException): FindCoordinatorResponse.prepareErrorResponse
      // then gives every key the error with its message; the per-key answers of a valid request carry none.
      const errorMessage = errorCode === ErrorCode.INVALID_REQUEST ? errorInfo(errorCode).message : null;
      coordinators.push({ key, nodeId: node.id, host: node.host, port: node.port, errorCode, errorMessage });
    }
    // The v0-3 single-coordinator fields are not part of v4 (left at their defaults).
    return encodeResponse(FindCoordinatorApi, v, { throttleTimeMs: 0, errorCode: 0, errorMessage: '', nodeId: 0, host: '', port: 0, coordinators });
  }

  /** KafkaApis.getCoordinator: an error and Node.noNode (-1, "", -1), or the coordinator's endpoint. */
  private async getCoordinator(
    ctx: RequestContext,
    keyType: number,
    key: string,
  ): Promise<{ errorCode: number; node: { id: number; host: string; port: number } }> {
    const noNode = { id: -1, host: '', port: -1 };
    // CoordinatorType.forId throws InvalidRequestException for any other type.
    if (keyType !== COORDINATOR_TYPE_GROUP && keyType !== COORDINATOR_TYPE_TRANSACTION) return { errorCode: ErrorCode.INVALID_REQUEST, node: noNode };
    // The transaction coordinator's partition of __transaction_state, or the group's of __consumer_offsets.
    const txn = keyType === COORDINATOR_TYPE_TRANSACTION;
    const txnCoordinator = this.deps.transactionCoordinator;
    if (txn && !txnCoordinator) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, node: noNode };
    const topic = txn ? TRANSACTION_STATE_TOPIC : GROUP_METADATA_TOPIC_NAME;
    const cache = this.deps.metadataCache;
    if (!cache.contains(topic)) {
      await this.internalTopics.ensure(topic);
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, node: noNode };
    }
    const partition = txn ? txnCoordinator!.partitionFor(key) : this.coordinator.partitionFor(key);
    const st = cache.partitionState(topic, partition);
    const ep = st && st.leader >= 0 ? cache.endpointFor(st.leader, ctx.listenerName) : undefined;
    if (!st || !ep) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, node: noNode };
    return { errorCode: ErrorCode.NONE, node: { id: st.leader, host: ep.host, port: ep.port } };
  }

  async handleJoinGroup(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = JoinGroupApi.decodeRequest(r, v);
    const res = await this.coordinator.handleJoinGroup({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      // GroupCoordinatorAdapter.joinGroup: MEMBER_ID_REQUIRED from v4 for dynamic members; SkipAssignment from v9.
      requireKnownMemberId: v >= 4 && req.groupInstanceId === null,
      supportSkippingAssignment: v >= 9,
      clientId: ctx.header.clientId ?? '',
      clientHost: `/${ctx.clientAddress}`,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      reason: req.reason,
    });
    return encodeResponse(JoinGroupApi, v, {
      throttleTimeMs: 0,
      errorCode: res.errorCode,
      generationId: res.generationId,
      protocolType: res.protocolType,
      // JoinGroupResponse: ProtocolName is nullable from v7 only; before, null is written as "".
      protocolName: v >= 7 ? res.protocolName : (res.protocolName ?? ''),
      leader: res.leaderId,
      skipAssignment: res.skipAssignment ?? false,
      memberId: res.memberId,
      members: res.members,
    });
  }

  async handleSyncGroup(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = SyncGroupApi.decodeRequest(r, v);
    const respond = (errorCode: number, protocolType: string | null, protocolName: string | null, assignment: Buffer) =>
      encodeResponse(SyncGroupApi, v, { throttleTimeMs: 0, errorCode, protocolType, protocolName, assignment });
    // SyncGroupRequest.areMandatoryProtocolTypeAndNamePresent: from v5 both must be given.
    if (v >= 5 && (req.protocolType === null || req.protocolName === null)) return respond(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, null, null, Buffer.alloc(0));
    const assignments = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
    const res = await this.coordinator.handleSyncGroup(
      req.groupId,
      req.generationId,
      req.memberId,
      req.groupInstanceId,
      assignments,
      req.protocolType,
      req.protocolName,
    );
    return respond(res.errorCode, res.protocolType, res.protocolName, res.assignment);
  }

  handleHeartbeat(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = HeartbeatApi.decodeRequest(r, v);
    const errorCode = this.coordinator.handleHeartbeat(req.groupId, req.memberId, req.groupInstanceId, req.generationId);
    return encodeResponse(HeartbeatApi, v, { throttleTimeMs: 0, errorCode });
  }

  handleLeaveGroup(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    // v0-2 decode with their single member in `members` (LeaveGroupRequest.normalizedData).
    const req = LeaveGroupApi.decodeRequest(r, v);
    const res = this.coordinator.handleLeaveGroup(req.groupId, req.members);
    // v0-2 have no per-member errors: the single member's error is the top-level one (LeaveGroupResponse).
    const errorCode = v < 3 && res.errorCode === ErrorCode.NONE && res.members.length > 0 ? res.members[0].errorCode : res.errorCode;
    return encodeResponse(LeaveGroupApi, v, { throttleTimeMs: 0, errorCode, members: res.members });
  }

  /**
   * OffsetCommit (KafkaApis.handleOffsetCommitRequest): unknown topics and partitions get UNKNOWN_TOPIC_OR_PARTITION;
   * the others go to ZooKeeper for v0 (commitOffsetsToZookeeper: any broker, no coordinator or member check) and to
   * the group coordinator for v1+. v9's GenerationIdOrMemberEpoch is the classic group's generation id.
   */
  async handleOffsetCommit(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = OffsetCommitApi.decodeRequest(r, v);
    const cfg = this.deps.config;
    const now = Date.now();
    const codes = new Map<string, number>();
    const key = (t: string, p: number) => `${t}\u0000${p}`;
    const known: Array<{ topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null; commitTimestamp: number }> = [];
    for (const t of req.topics) {
      for (const p of t.partitions) {
        if (!this.deps.metadataCache.partitionState(t.name, p.partitionIndex)) codes.set(key(t.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        else {
          known.push({
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch,
            metadata: p.committedMetadata,
            commitTimestamp: p.commitTimestamp,
          });
        }
      }
    }
    // Kafka compares String.length (UTF-16 code units), which is what a JS string's length counts too.
    const tooLarge = (metadata: string | null) => metadata !== null && metadata.length > cfg.offsetMetadataMaxSize;
    if (v === 0 && this.deps.kraft && known.length > 0) {
      // KRaft: commitOffsetsToZookeeper's requireZkOrThrow fails the whole request ("Unsupported when using a
      // Raft-based metadata quorum: Version 0 offset commit requests"), answered as OffsetCommitRequest.getErrorResponse.
      for (const t of req.topics) for (const p of t.partitions) codes.set(key(t.name, p.partitionIndex), ErrorCode.UNSUPPORTED_VERSION);
    } else if (v === 0) {
      for (const o of known)
        codes.set(key(o.topic, o.partition), tooLarge(o.metadata) ? ErrorCode.OFFSET_METADATA_TOO_LARGE : await this.commitToZk(req.groupId, o));
    } else {
      const valid: Array<{
        topic: string;
        partition: number;
        value: { offset: number; leaderEpoch: number; metadata: string; commitTimestamp: number; expireTimestamp: number };
      }> = [];
      for (const o of known) {
        if (tooLarge(o.metadata)) {
          codes.set(key(o.topic, o.partition), ErrorCode.OFFSET_METADATA_TOO_LARGE);
          continue;
        }
        // v1 may carry the commit time; v2-4 a retention that becomes an explicit expiry (value v1).
        const commitTimestamp = o.commitTimestamp >= 0 ? o.commitTimestamp : now;
        const expireTimestamp = req.retentionTimeMs >= 0 ? now + req.retentionTimeMs : -1;
        valid.push({
          topic: o.topic,
          partition: o.partition,
          value: { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata ?? '', commitTimestamp, expireTimestamp },
        });
      }
      if (valid.length > 0) {
        const code = await this.coordinator.handleCommitOffsets(req.groupId, req.memberId, req.groupInstanceId, req.generationIdOrMemberEpoch, valid);
        for (const o of valid) codes.set(key(o.topic, o.partition), code);
      }
    }
    return encodeResponse(OffsetCommitApi, v, {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes.get(key(t.name, p.partitionIndex)) ?? ErrorCode.NONE })),
      })),
    });
  }

  /** One v0 commit to /consumers/<group>/offsets/<topic>/<partition>; a failure is Errors.forException's code. */
  private async commitToZk(groupId: string, o: { topic: string; partition: number; offset: number }): Promise<number> {
    const zk = this.deps.consumerOffsetsZk;
    if (!zk) return ErrorCode.UNKNOWN_SERVER_ERROR;
    try {
      await zk.setOrCreateConsumerOffset(groupId, { topic: o.topic, partition: o.partition }, o.offset);
      return ErrorCode.NONE;
    } catch (e) {
      this.log.warn(`Failed to store the offset of ${o.topic}-${o.partition} for group ${groupId} in ZooKeeper: ${(e as Error).message}`);
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    }
  }

  /**
   * OffsetFetch (KafkaApis.handleOffsetFetchRequest): v0 reads ZooKeeper on any broker; v1+ ask the coordinator
   * for every group of the request (one for v1-7, the Groups array for v8+). RequireStable (v7+, KIP-447) answers
   * UNSTABLE_OFFSET_COMMIT for partitions with a pending (transactional or in-flight) commit, so a read_committed
   * consumer waits for the transaction to complete. v9's MemberId/MemberEpoch are ignored for classic groups, as
   * GroupCoordinatorAdapter.fetchOffsets does.
   */
  async handleOffsetFetch(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = OffsetFetchApi.decodeRequest(r, v);
    if (v === 0 && this.deps.kraft) {
      // KRaft: handleOffsetFetchRequestFromZookeeper's requireZkOrThrow fails the request; OffsetFetchRequest.getErrorResponse
      // answers every asked partition with UNSUPPORTED_VERSION, offset -1 and no metadata.
      const topics = (req.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({
          partitionIndex,
          committedOffset: -1,
          committedLeaderEpoch: -1,
          metadata: '',
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
        })),
      }));
      return encodeResponse(OffsetFetchApi, v, { throttleTimeMs: 0, topics, errorCode: 0, groups: [] });
    }
    if (v === 0)
      return encodeResponse(OffsetFetchApi, v, { throttleTimeMs: 0, topics: await this.fetchFromZk(req.groupId, req.topics ?? []), errorCode: 0, groups: [] });
    const groups = req.groups.map((g) => {
      const wanted = g.topics === null ? null : g.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
      const res = this.coordinator.handleFetchOffsets(g.groupId, wanted, v >= 7 && req.requireStable);
      let offsets = res.offsets;
      if (res.errorCode !== ErrorCode.NONE && v < 2) {
        // v0-1 have no top-level error: each requested partition carries it (OffsetFetchResponse puts the group
        // error "at the partition level"; Kafka 3.7's error group has no partitions to put it on, so its v1 answer
        // is empty: we keep the requested partitions so that an old client sees e.g. NOT_COORDINATOR).
        offsets = (wanted ?? []).map((tp) => ({ ...tp, offset: -1, leaderEpoch: -1, metadata: '', errorCode: res.errorCode }));
      }
      const topics = [...groupBy(offsets, (o) => o.topic)].map(([name, list]) => ({
        name,
        partitions: list.map((o) => ({
          partitionIndex: o.partition,
          committedOffset: o.offset,
          committedLeaderEpoch: o.leaderEpoch,
          metadata: o.metadata,
          errorCode: o.errorCode,
        })),
      }));
      return { groupId: g.groupId, topics, errorCode: res.errorCode };
    });
    if (v >= 8) return encodeResponse(OffsetFetchApi, v, { throttleTimeMs: 0, topics: [], errorCode: 0, groups });
    const [one] = groups;
    return encodeResponse(OffsetFetchApi, v, { throttleTimeMs: 0, topics: one.topics, errorCode: v < 2 ? ErrorCode.NONE : one.errorCode, groups: [] });
  }

  /**
   * KafkaApis.handleOffsetFetchRequestFromZookeeper: an unknown partition, or one without a stored offset, is
   * OffsetFetchResponse.UNKNOWN_PARTITION (offset -1, UNKNOWN_TOPIC_OR_PARTITION); a stored offset comes with no
   * metadata (ZooKeeper keeps only the number).
   */
  private async fetchFromZk(
    groupId: string,
    topics: Array<{ name: string; partitionIndexes: number[] }>,
  ): Promise<
    Array<{
      name: string;
      partitions: Array<{ partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string; errorCode: number }>;
    }>
  > {
    const zk = this.deps.consumerOffsetsZk;
    const out = [];
    for (const t of topics) {
      const partitions = [];
      for (const partitionIndex of t.partitionIndexes) {
        const answer = (committedOffset: number, errorCode: number) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, metadata: '', errorCode });
        if (!this.deps.metadataCache.partitionState(t.name, partitionIndex)) {
          partitions.push(answer(-1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
          continue;
        }
        try {
          if (!zk) throw new Error('no ZooKeeper client');
          const offset = await zk.getConsumerOffset(groupId, { topic: t.name, partition: partitionIndex });
          partitions.push(offset === null ? answer(-1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) : answer(offset, ErrorCode.NONE));
        } catch (e) {
          this.log.warn(`Failed to read the offset of ${t.name}-${partitionIndex} for group ${groupId} from ZooKeeper: ${(e as Error).message}`);
          partitions.push(answer(-1, ErrorCode.UNKNOWN_SERVER_ERROR));
        }
      }
      out.push({ name: t.name, partitions });
    }
    return out;
  }

  handleDescribeGroups(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = DescribeGroupsApi.decodeRequest(r, v);
    const groups = req.groups.map((groupId) => {
      const { errorCode, summary } = this.coordinator.handleDescribeGroup(groupId);
      return {
        errorCode,
        groupId,
        groupState: summary.state,
        protocolType: summary.protocolType,
        protocolData: summary.protocol,
        members: summary.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
        // v3+ with IncludeAuthorizedOperations, for a group without error (KafkaApis.handleDescribeGroupsRequest).
        authorizedOperations:
          v >= 3 && req.includeAuthorizedOperations && errorCode === ErrorCode.NONE ? GROUP_AUTHORIZED_OPERATIONS_ALL : AUTHORIZED_OPERATIONS_OMITTED,
      };
    });
    return encodeResponse(DescribeGroupsApi, v, { throttleTimeMs: 0, groups });
  }

  handleListGroups(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = ListGroupsApi.decodeRequest(r, v);
    const res = this.coordinator.handleListGroups(v >= 4 ? req.statesFilter : []);
    return encodeResponse(ListGroupsApi, v, { throttleTimeMs: 0, errorCode: res.errorCode, groups: res.groups });
  }

  async handleDeleteGroups(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = DeleteGroupsApi.decodeRequest(r, v);
    const names = [...new Set(req.groupsNames)];
    const res = await this.coordinator.handleDeleteGroups(names);
    return encodeResponse(DeleteGroupsApi, v, {
      throttleTimeMs: 0,
      results: names.map((groupId) => ({ groupId, errorCode: res.get(groupId) ?? ErrorCode.NONE })),
    });
  }

  async handleOffsetDelete(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = OffsetDeleteApi.decodeRequest(r, v);
    const cache = this.deps.metadataCache;
    const unknown: Array<{ topic: string; partition: number; errorCode: number }> = [];
    const known: Array<{ topic: string; partition: number }> = [];
    for (const t of req.topics) {
      for (const { partitionIndex: p } of t.partitions) {
        if (cache.partitionState(t.name, p)) known.push({ topic: t.name, partition: p });
        else unknown.push({ topic: t.name, partition: p, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
      }
    }
    const res = await this.coordinator.handleDeleteOffsets(req.groupId, known);
    const all = res.errorCode === ErrorCode.NONE ? [...res.partitions, ...unknown] : [];
    const topics = [...groupBy(all, (x) => x.topic)].map(([name, list]) => ({
      name,
      partitions: list.map((x) => ({ partitionIndex: x.partition, errorCode: x.errorCode })),
    }));
    return encodeResponse(OffsetDeleteApi, v, { errorCode: res.errorCode, throttleTimeMs: 0, topics });
  }
}
