/**
 * The offset requests of KafkaApis (handleOffsetCommitRequest, handleOffsetFetchRequest, handleOffsetDeleteRequest
 * in ZK mode): v0 commits and fetches go to ZooKeeper (/consumers/<group>/offsets), later versions to the group
 * coordinator. Each is authorized as Kafka 3.7 does: the group first (READ, DESCRIBE or DELETE), then the topics.
 */
import { getLogger, Logger } from '../../common/logger';
import { GroupCoordinator } from '../../coordinator/group/GroupCoordinator';
import { RequestContext, ResponseBody } from '../../network/RequestContext';
import { OffsetCommitApi, OffsetDeleteApi, OffsetFetchApi } from '../../protocol/apis';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { AclOperation as O } from '../../security/AclEntry';
import { ResourceType } from '../../security/authorizer/Authorizer';
import { KafkaApisDeps } from './ApiDeps';
import { AuthHelper } from './AuthHelper';

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

export class OffsetApis {
  private readonly log: Logger;
  private readonly auth: AuthHelper;

  constructor(
    private readonly deps: KafkaApisDeps,
    private readonly coordinator: GroupCoordinator,
  ) {
    this.log = getLogger('kafka.server.KafkaApis', `[KafkaApi-${deps.config.brokerId}] `);
    this.auth = new AuthHelper(deps.authorizer);
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
    const respond = (): ResponseBody =>
      encodeResponse(OffsetCommitApi, v, {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes.get(key(t.name, p.partitionIndex)) ?? ErrorCode.NONE })),
        })),
      });
    // KafkaApis.handleOffsetCommitRequest: READ on the group (else every partition fails), then READ per topic.
    if (!this.auth.authorize(ctx, O.READ, ResourceType.GROUP, req.groupId)) {
      for (const t of req.topics) for (const p of t.partitions) codes.set(key(t.name, p.partitionIndex), ErrorCode.GROUP_AUTHORIZATION_FAILED);
      return respond();
    }
    const readable = this.auth.filterByAuthorized(ctx, O.READ, ResourceType.TOPIC, req.topics, (t) => t.name);
    const known: Array<{ topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null; commitTimestamp: number }> = [];
    for (const t of req.topics) {
      for (const p of t.partitions) {
        if (!readable.has(t.name)) codes.set(key(t.name, p.partitionIndex), ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        else if (!this.deps.metadataCache.partitionState(t.name, p.partitionIndex))
          codes.set(key(t.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
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
    return respond();
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
    // KafkaApis.handleOffsetFetchRequest: DESCRIBE on each group; offsets only of topics the principal may DESCRIBE.
    const describeGroup = (groupId: string) => this.auth.authorize(ctx, O.DESCRIBE, ResourceType.GROUP, groupId);
    if (v === 0) {
      const asked = req.topics ?? [];
      const describable = this.auth.filterByAuthorized(ctx, O.DESCRIBE, ResourceType.TOPIC, asked, (t) => t.name);
      const groupOk = describeGroup(req.groupId);
      const topics = groupOk
        ? await this.fetchFromZk(req.groupId, asked, describable)
        : asked.map((t) => ({
            name: t.name,
            partitions: t.partitionIndexes.map((partitionIndex) => ({
              partitionIndex,
              committedOffset: -1,
              committedLeaderEpoch: -1,
              metadata: '',
              errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
            })),
          }));
      return encodeResponse(OffsetFetchApi, v, { throttleTimeMs: 0, topics, errorCode: 0, groups: [] });
    }
    const groups = req.groups.map((g) => {
      const groupOk = describeGroup(g.groupId);
      const [allowedTopics, deniedTopics] =
        g.topics === null ? [null, []] : this.auth.partitionByAuthorized(ctx, O.DESCRIBE, ResourceType.TOPIC, g.topics, (t) => t.name);
      const wanted = allowedTopics === null ? null : allowedTopics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
      const res = groupOk
        ? this.coordinator.handleFetchOffsets(g.groupId, wanted, v >= 7 && req.requireStable)
        : { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, offsets: [] };
      let offsets = res.offsets;
      if (res.errorCode === ErrorCode.NONE) {
        if (g.topics === null) {
          // All offsets of the group: those of topics without DESCRIBE are left out (fetchAllOffsetsForGroup).
          const describable = this.auth.filterByAuthorized(ctx, O.DESCRIBE, ResourceType.TOPIC, offsets, (o) => o.topic);
          offsets = offsets.filter((o) => describable.has(o.topic));
        } else {
          const denied = deniedTopics.flatMap((t) =>
            t.partitionIndexes.map((partition) => ({
              topic: t.name,
              partition,
              offset: -1,
              leaderEpoch: -1,
              metadata: '',
              errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            })),
          );
          offsets = [...offsets, ...denied];
        }
      }
      const asked = g.topics === null ? null : g.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
      if (res.errorCode !== ErrorCode.NONE && v < 2) {
        // v0-1 have no top-level error: each requested partition carries it (OffsetFetchResponse puts the group
        // error "at the partition level"; Kafka 3.7's error group has no partitions to put it on, so its v1 answer
        // is empty: we keep the requested partitions so that an old client sees e.g. NOT_COORDINATOR).
        offsets = (asked ?? []).map((tp) => ({ ...tp, offset: -1, leaderEpoch: -1, metadata: '', errorCode: res.errorCode }));
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
    describable: Set<string>,
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
        if (!describable.has(t.name)) {
          partitions.push(answer(-1, ErrorCode.TOPIC_AUTHORIZATION_FAILED)); // OffsetFetchResponse.UNAUTHORIZED_PARTITION
          continue;
        }
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

  async handleOffsetDelete(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = OffsetDeleteApi.decodeRequest(r, v);
    // KafkaApis.handleOffsetDeleteRequest: DELETE on the group (else a top-level error), READ per topic.
    if (!this.auth.authorize(ctx, O.DELETE, ResourceType.GROUP, req.groupId)) {
      return encodeResponse(OffsetDeleteApi, v, { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: [] });
    }
    const readable = this.auth.filterByAuthorized(ctx, O.READ, ResourceType.TOPIC, req.topics, (t) => t.name);
    const cache = this.deps.metadataCache;
    const unknown: Array<{ topic: string; partition: number; errorCode: number }> = [];
    const known: Array<{ topic: string; partition: number }> = [];
    for (const t of req.topics) {
      for (const { partitionIndex: p } of t.partitions) {
        if (!readable.has(t.name)) unknown.push({ topic: t.name, partition: p, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED });
        else if (cache.partitionState(t.name, p)) known.push({ topic: t.name, partition: p });
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
