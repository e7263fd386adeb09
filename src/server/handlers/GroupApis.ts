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
  SyncGroupApi,
} from '../../protocol/apis';
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../protocol/apis/15-describe-groups';
import { COORDINATOR_TYPE_GROUP, COORDINATOR_TYPE_TRANSACTION } from '../../protocol/apis/10-find-coordinator';
import { ErrorCode, errorInfo } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { KafkaApisDeps } from './ApiDeps';
import { InternalTopicCreator, TRANSACTION_STATE_TOPIC } from './InternalTopics';
import { encodeResponse } from '../../protocol/apis/types';
import { KafkaConfig } from '../config/KafkaConfig';
import { MetadataCache } from '../MetadataCache';
import { ReplicaManager } from '../ReplicaManager';
import { AclOperation as O } from '../../security/AclEntry';
import { CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import { AuthHelper } from './AuthHelper';

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

export class GroupApis {
  private readonly log: Logger;
  private readonly internalTopics: InternalTopicCreator;
  private readonly auth: AuthHelper;

  constructor(
    private readonly deps: KafkaApisDeps,
    private readonly coordinator: GroupCoordinator,
  ) {
    this.auth = new AuthHelper(deps.authorizer);
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
    // KafkaApis.getCoordinator: DESCRIBE on the group or on the transactional id comes first.
    if (!txn && !this.auth.authorize(ctx, O.DESCRIBE, ResourceType.GROUP, key)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, node: noNode };
    if (txn && !this.auth.authorize(ctx, O.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key)) {
      return { errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, node: noNode };
    }
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
    if (!this.readGroup(ctx, req.groupId)) {
      // JoinGroupRequest.getErrorResponse.
      return encodeResponse(JoinGroupApi, v, {
        throttleTimeMs: 0,
        errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
        generationId: -1,
        protocolType: null,
        protocolName: v >= 7 ? null : '',
        leader: '',
        skipAssignment: false,
        memberId: '',
        members: [],
      });
    }
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
    if (!this.readGroup(ctx, req.groupId)) return respond(ErrorCode.GROUP_AUTHORIZATION_FAILED, null, null, Buffer.alloc(0));
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
    if (!this.readGroup(ctx, req.groupId)) return encodeResponse(HeartbeatApi, v, { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
    const errorCode = this.coordinator.handleHeartbeat(req.groupId, req.memberId, req.groupInstanceId, req.generationId);
    return encodeResponse(HeartbeatApi, v, { throttleTimeMs: 0, errorCode });
  }

  handleLeaveGroup(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    // v0-2 decode with their single member in `members` (LeaveGroupRequest.normalizedData).
    const req = LeaveGroupApi.decodeRequest(r, v);
    if (!this.readGroup(ctx, req.groupId)) {
      return encodeResponse(LeaveGroupApi, v, { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] });
    }
    const res = this.coordinator.handleLeaveGroup(req.groupId, req.members);
    // v0-2 have no per-member errors: the single member's error is the top-level one (LeaveGroupResponse).
    const errorCode = v < 3 && res.errorCode === ErrorCode.NONE && res.members.length > 0 ? res.members[0].errorCode : res.errorCode;
    return encodeResponse(LeaveGroupApi, v, { throttleTimeMs: 0, errorCode, members: res.members });
  }

  /** READ on the group: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit. */
  private readGroup(ctx: RequestContext, groupId: string): boolean {
    return this.auth.authorize(ctx, O.READ, ResourceType.GROUP, groupId);
  }

  handleDescribeGroups(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = DescribeGroupsApi.decodeRequest(r, v);
    // KafkaApis.handleDescribeGroupsRequest: groups without DESCRIBE get DescribeGroupsResponse.groupError, first.
    const [allowed, denied] = this.auth.partitionByAuthorized(ctx, O.DESCRIBE, ResourceType.GROUP, req.groups, (g) => g);
    const deniedGroups = denied.map((groupId) => ({
      errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
      groupId,
      groupState: '',
      protocolType: '',
      protocolData: '',
      members: [],
      authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    }));
    const groups = allowed.map((groupId) => {
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
        // v3+ with IncludeAuthorizedOperations, for a group without error: what the ACLs allow on it.
        authorizedOperations:
          v >= 3 && req.includeAuthorizedOperations && errorCode === ErrorCode.NONE
            ? this.auth.authorizedOperations(ctx, ResourceType.GROUP, groupId)
            : AUTHORIZED_OPERATIONS_OMITTED,
      };
    });
    return encodeResponse(DescribeGroupsApi, v, { throttleTimeMs: 0, groups: [...deniedGroups, ...groups] });
  }

  handleListGroups(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = ListGroupsApi.decodeRequest(r, v);
    // KafkaApis.handleListGroupsRequest: DESCRIBE on the cluster lists every group, else those with DESCRIBE on the group.
    const hasClusterDescribe = this.auth.authorize(ctx, O.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME, true, false);
    const res = this.coordinator.handleListGroups(v >= 4 ? req.statesFilter : []);
    const groups = hasClusterDescribe ? res.groups : res.groups.filter((g) => this.auth.authorize(ctx, O.DESCRIBE, ResourceType.GROUP, g.groupId, true, false));
    return encodeResponse(ListGroupsApi, v, { throttleTimeMs: 0, errorCode: res.errorCode, groups });
  }

  async handleDeleteGroups(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = DeleteGroupsApi.decodeRequest(r, v);
    const names = [...new Set(req.groupsNames)];
    // DELETE per group; the unauthorized ones answer GROUP_AUTHORIZATION_FAILED after the others.
    const [allowed, denied] = this.auth.partitionByAuthorized(ctx, O.DELETE, ResourceType.GROUP, names, (g) => g);
    const res = allowed.length > 0 ? await this.coordinator.handleDeleteGroups(allowed) : new Map<string, number>();
    return encodeResponse(DeleteGroupsApi, v, {
      throttleTimeMs: 0,
      results: [
        ...allowed.map((groupId) => ({ groupId, errorCode: res.get(groupId) ?? ErrorCode.NONE })),
        ...denied.map((groupId) => ({ groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED })),
      ],
    });
  }
}
