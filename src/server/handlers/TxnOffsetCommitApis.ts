/**
 * TxnOffsetCommit (KafkaApis.handleTxnOffsetCommitRequest, GroupCoordinatorAdapter.commitTransactionalOffsets): a
 * transactional producer commits a consumer group's offsets inside its transaction (KIP-98; v3 adds the consumer's
 * generation and member so the group fences zombies, KIP-447). Unknown topics and partitions are answered
 * UNKNOWN_TOPIC_OR_PARTITION here; the rest go to the group coordinator, where they stay pending until the
 * producer's COMMIT or ABORT marker reaches the group's __consumer_offsets partition.
 */
import { GroupCoordinator } from '../../coordinator/group/GroupCoordinator';
import { OffsetAndMetadata } from '../../coordinator/group/GroupMetadata';
import { RequestContext, ResponseBody } from '../../network/RequestContext';
import { TxnOffsetCommitApi } from '../../protocol/apis';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { KafkaApisDeps } from './ApiDeps';
import { AclOperation as O } from '../../security/AclEntry';
import { ResourceType } from '../../security/authorizer/Authorizer';
import { AuthHelper } from './AuthHelper';

export class TxnOffsetCommitApis {
  private readonly auth: AuthHelper;

  constructor(
    private readonly deps: KafkaApisDeps,
    private readonly coordinator: GroupCoordinator,
  ) {
    this.auth = new AuthHelper(deps.authorizer);
  }

  async handleTxnOffsetCommit(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = TxnOffsetCommitApi.decodeRequest(r, v);
    const cache = this.deps.metadataCache;
    // Every commit of the request is stamped with the same time (OffsetCommitRequest.DEFAULT_TIMESTAMP -> now).
    const now = Date.now();
    const key = (t: string, p: number) => `${t}\u0000${p}`;
    const codes = new Map<string, number>();
    const known: Array<{ topic: string; partition: number; value: OffsetAndMetadata }> = [];
    // KafkaApis.handleTxnOffsetCommitRequest: WRITE on the transactional id, READ on the group (each failing every
    // partition), then READ per topic.
    const whole = !this.auth.authorize(ctx, O.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId)
      ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
      : !this.auth.authorize(ctx, O.READ, ResourceType.GROUP, req.groupId)
        ? ErrorCode.GROUP_AUTHORIZATION_FAILED
        : ErrorCode.NONE;
    const readable = whole === ErrorCode.NONE ? this.auth.filterByAuthorized(ctx, O.READ, ResourceType.TOPIC, req.topics, (t) => t.name) : new Set<string>();
    for (const t of req.topics) {
      const topicKnown = cache.contains(t.name);
      for (const p of t.partitions) {
        if (whole !== ErrorCode.NONE || !readable.has(t.name)) {
          codes.set(key(t.name, p.partitionIndex), whole !== ErrorCode.NONE ? whole : ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          continue;
        }
        if (!topicKnown || !cache.partitionState(t.name, p.partitionIndex)) {
          codes.set(key(t.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          continue;
        }
        known.push({
          topic: t.name,
          partition: p.partitionIndex,
          value: {
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch,
            metadata: p.committedMetadata ?? '',
            commitTimestamp: now,
            expireTimestamp: -1,
          },
        });
      }
    }
    if (known.length > 0) {
      const results = await this.coordinator.handleTxnCommitOffsets(
        req.groupId,
        req.producerId,
        req.producerEpoch,
        req.memberId,
        req.groupInstanceId,
        req.generationId,
        known,
      );
      known.forEach((o, i) => codes.set(key(o.topic, o.partition), results[i]));
    }
    // Producers before 2.0 (TxnOffsetCommit v0-1) may crash on COORDINATOR_LOAD_IN_PROGRESS (KAFKA-7296): they get
    // COORDINATOR_NOT_AVAILABLE instead, as KafkaApis does.
    const answer = (code: number) => (v < 2 && code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode.COORDINATOR_NOT_AVAILABLE : code);
    return encodeResponse(TxnOffsetCommitApi, v, {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: answer(codes.get(key(t.name, p.partitionIndex)) ?? ErrorCode.NONE),
        })),
      })),
    });
  }
}
