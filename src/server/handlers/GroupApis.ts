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
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../protocol/apis/15-describe-groups';
import { COORDINATOR_TYPE_GROUP } from '../../protocol/apis/10-find-coordinator';
import { ErrorCode, errorInfo } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { KafkaApisDeps } from './ApiDeps';
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
      const out = replicaManager.appendRecords(7, -1, timeoutMs, [{ topic: GROUP_METADATA_TOPIC_NAME, partition, records: batch }]);
      const results = Array.isArray(out) ? out : await out;
      return results[0].errorCode;
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
  private creatingOffsetsTopic: Promise<void> | null = null;

  constructor(
    private readonly deps: KafkaApisDeps,
    private readonly coordinator: GroupCoordinator,
  ) {
    this.log = getLogger('kafka.server.KafkaApis', `[KafkaApi-${deps.config.brokerId}] `);
  }

  /** FindCoordinator: the leader of the group's __consumer_offsets partition; the topic is created on first use. */
  async handleFindCoordinator(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = FindCoordinatorApi.decodeRequest(r, v);
    const respond = (errorCode: number, node?: { id: number; host: string; port: number }) =>
      encodeResponse(FindCoordinatorApi, v, {
        throttleTimeMs: 0,
        errorCode,
        errorMessage: errorCode === ErrorCode.NONE ? 'NONE' : errorInfo(errorCode).message,
        nodeId: node?.id ?? -1,
        host: node?.host ?? '',
        port: node?.port ?? -1,
      });
    // No transaction coordinator in this broker yet.
    if (req.keyType !== COORDINATOR_TYPE_GROUP) return respond(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const cache = this.deps.metadataCache;
    if (!cache.contains(GROUP_METADATA_TOPIC_NAME)) {
      await this.createOffsetsTopic();
      return respond(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    const st = cache.partitionState(GROUP_METADATA_TOPIC_NAME, this.coordinator.partitionFor(req.key));
    const ep = st && st.leader >= 0 ? cache.endpointFor(st.leader, ctx.listenerName) : undefined;
    if (!st || !ep) return respond(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return respond(ErrorCode.NONE, { id: st.leader, host: ep.host, port: ep.port });
  }

  private createOffsetsTopic(): Promise<void> {
    if (this.creatingOffsetsTopic) return this.creatingOffsetsTopic;
    const cfg = this.deps.config;
    const alive = this.deps.metadataCache.aliveBrokerIds().length;
    if (alive < cfg.offsetsTopicReplicationFactor) {
      this.log.error(
        `Number of alive brokers '${alive}' does not meet the required replication factor '${cfg.offsetsTopicReplicationFactor}' for the offsets topic (configured via 'offsets.topic.replication.factor'). This error can be ignored if the cluster is starting up and not all brokers are up yet.`,
      );
      return Promise.resolve();
    }
    this.creatingOffsetsTopic = (async () => {
      try {
        const [res] = await this.deps.adminManager.createTopics(
          [
            {
              name: GROUP_METADATA_TOPIC_NAME,
              numPartitions: cfg.offsetsTopicPartitions,
              replicationFactor: cfg.offsetsTopicReplicationFactor,
              assignments: [],
              configs: [
                { name: 'cleanup.policy', value: 'compact' },
                { name: 'compression.type', value: 'producer' },
                { name: 'segment.bytes', value: String(cfg.offsetsTopicSegmentBytes) },
              ],
            },
          ],
          false,
          0,
        );
        if (res.errorCode !== ErrorCode.NONE && res.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
          this.log.warn(`Failed to create internal topic ${GROUP_METADATA_TOPIC_NAME}: ${res.errorMessage ?? res.errorCode}`);
        }
      } finally {
        this.creatingOffsetsTopic = null;
      }
    })();
    return this.creatingOffsetsTopic;
  }

  async handleJoinGroup(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = JoinGroupApi.decodeRequest(r, v);
    const res = await this.coordinator.handleJoinGroup({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      requireKnownMemberId: v >= 4 && req.groupInstanceId === null,
      clientId: ctx.header.clientId ?? '',
      clientHost: `/${ctx.clientAddress}`,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
    });
    return encodeResponse(JoinGroupApi, v, {
      throttleTimeMs: 0,
      errorCode: res.errorCode,
      generationId: res.generationId,
      protocolName: res.protocolName ?? '',
      leader: res.leaderId,
      memberId: res.memberId,
      members: res.members,
    });
  }

  async handleSyncGroup(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = SyncGroupApi.decodeRequest(r, v);
    const assignments = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
    const res = await this.coordinator.handleSyncGroup(req.groupId, req.generationId, req.memberId, req.groupInstanceId, assignments);
    return encodeResponse(SyncGroupApi, v, { throttleTimeMs: 0, errorCode: res.errorCode, assignment: res.assignment });
  }

  handleHeartbeat(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = HeartbeatApi.decodeRequest(r, v);
    const errorCode = this.coordinator.handleHeartbeat(req.groupId, req.memberId, req.groupInstanceId, req.generationId);
    return encodeResponse(HeartbeatApi, v, { throttleTimeMs: 0, errorCode });
  }

  handleLeaveGroup(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = LeaveGroupApi.decodeRequest(r, v);
    const res = this.coordinator.handleLeaveGroup(req.groupId, req.members);
    // v0-2 have no per-member errors: the single member's error is the top-level one (LeaveGroupResponse).
    const errorCode = v < 3 && res.errorCode === ErrorCode.NONE && res.members.length > 0 ? res.members[0].errorCode : res.errorCode;
    return encodeResponse(LeaveGroupApi, v, { throttleTimeMs: 0, errorCode, members: res.members });
  }

  async handleOffsetCommit(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = OffsetCommitApi.decodeRequest(r, v);
    const cfg = this.deps.config;
    const now = Date.now();
    const codes = new Map<string, number>();
    const key = (t: string, p: number) => `${t}\u0000${p}`;
    const valid: Array<{
      topic: string;
      partition: number;
      value: { offset: number; leaderEpoch: number; metadata: string; commitTimestamp: number; expireTimestamp: number };
    }> = [];
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const metadata = p.committedMetadata ?? '';
        if (!this.deps.metadataCache.partitionState(t.name, p.partitionIndex)) codes.set(key(t.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        else if (Buffer.byteLength(metadata, 'utf8') > cfg.offsetMetadataMaxSize) codes.set(key(t.name, p.partitionIndex), ErrorCode.OFFSET_METADATA_TOO_LARGE);
        else {
          // v1 may carry the commit time; v2-4 a retention that becomes an explicit expiry (value v1).
          const commitTimestamp = p.commitTimestamp >= 0 ? p.commitTimestamp : now;
          const expireTimestamp = req.retentionTimeMs >= 0 ? now + req.retentionTimeMs : -1;
          valid.push({
            topic: t.name,
            partition: p.partitionIndex,
            value: { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp, expireTimestamp },
          });
        }
      }
    }
    if (valid.length > 0) {
      const code = await this.coordinator.handleCommitOffsets(req.groupId, req.memberId, req.groupInstanceId, req.generationIdOrMemberEpoch, valid);
      for (const o of valid) codes.set(key(o.topic, o.partition), code);
    }
    return encodeResponse(OffsetCommitApi, v, {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes.get(key(t.name, p.partitionIndex)) ?? ErrorCode.NONE })),
      })),
    });
  }

  handleOffsetFetch(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = OffsetFetchApi.decodeRequest(r, v);
    // require_stable (v7) waits out pending transactional offsets (UNSTABLE_OFFSET_COMMIT); this broker has
    // no TxnOffsetCommit, so every committed offset is stable.
    const wanted = req.topics === null ? null : req.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
    const res = this.coordinator.handleFetchOffsets(req.groupId, wanted);
    let offsets = res.offsets;
    let errorCode = res.errorCode;
    if (errorCode !== ErrorCode.NONE && v < 2) {
      // v0-1 have no top-level error: each requested partition carries it.
      offsets = (wanted ?? []).map((tp) => ({ ...tp, offset: -1, leaderEpoch: -1, metadata: '', errorCode }));
      errorCode = ErrorCode.NONE;
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
    return encodeResponse(OffsetFetchApi, v, { throttleTimeMs: 0, topics, errorCode });
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
        authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      };
    });
    return encodeResponse(DescribeGroupsApi, v, { throttleTimeMs: 0, groups });
  }

  handleListGroups(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    ListGroupsApi.decodeRequest(r, v);
    const res = this.coordinator.handleListGroups();
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
      for (const p of t.partitions) {
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
