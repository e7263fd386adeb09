/**
 * KafkaApis handlers of the replication part: OffsetForLeaderEpoch (a follower asks the leader where an
 * epoch ended, KIP-101/KIP-279) and InitProducerId for idempotent producers (ids from ProducerIdManager).
 */
import { getLogger, Logger } from '../../common/logger';
import type { RequestContext, ResponseBody } from '../../network/RequestContext';
import { InitProducerIdApi, OffsetForLeaderEpochApi } from '../../protocol/apis';
import { ErrorCode, KafkaError } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { encodeResponse } from '../../protocol/apis/types';
import type { ProducerIdManager } from '../ProducerIdManager';
import type { ReplicaManager } from '../ReplicaManager';
import { AclOperation } from '../../security/AclEntry';
import { CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import { AuthHelper, initProducerIdAuthorization } from './AuthHelper';

export class ReplicationApis {
  private readonly log: Logger;

  constructor(
    brokerId: number,
    private readonly replicaManager: ReplicaManager,
    private readonly producerIdManager: ProducerIdManager | null,
    private readonly auth: AuthHelper = new AuthHelper(undefined),
  ) {
    this.log = getLogger('kafka.server.KafkaApis', `[KafkaApi-${brokerId}] `);
  }

  handleOffsetForLeaderEpoch(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = OffsetForLeaderEpochApi.decodeRequest(r, v);
    // KafkaApis.handleOffsetForLeaderEpochRequest: brokers have CLUSTER_ACTION; consumers checking for truncation
    // (KIP-320) need DESCRIBE on the topic, else its partitions answer TOPIC_AUTHORIZATION_FAILED, after the others.
    const [authorized, unauthorized] = this.auth.authorize(ctx, AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_NAME, true, false)
      ? [req.topics, []]
      : this.auth.partitionByAuthorized(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, req.topics, (t) => t.topic);
    return encodeResponse(OffsetForLeaderEpochApi, v, {
      throttleTimeMs: 0,
      topics: [
        ...authorized.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => ({
            partition: p.partition,
            ...this.replicaManager.lastOffsetForLeaderEpoch(t.topic, p.partition, p.currentLeaderEpoch, p.leaderEpoch, req.replicaId),
          })),
        })),
        ...unauthorized.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, leaderEpoch: -1, endOffset: -1 })),
        })),
      ],
    });
  }

  /**
   * InitProducerId on a broker without a transaction coordinator (KafkaApis registers TransactionApis' handler
   * instead when there is one): a fresh producer id with epoch 0 for idempotent producers, also when v3+ names a
   * previous id; a transactional id is COORDINATOR_NOT_AVAILABLE.
   */
  async handleInitProducerId(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = InitProducerIdApi.decodeRequest(r, v);
    const answer = (errorCode: number, producerId = -1, producerEpoch = -1): ResponseBody =>
      encodeResponse(InitProducerIdApi, v, { throttleTimeMs: 0, errorCode, producerId, producerEpoch });
    const denied = initProducerIdAuthorization(this.auth, ctx, req.transactionalId);
    if (denied !== ErrorCode.NONE) return answer(denied);
    if (req.transactionalId !== null) return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!this.producerIdManager) return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    try {
      const id = await this.producerIdManager.generateProducerId();
      return answer(ErrorCode.NONE, id, 0);
    } catch (e) {
      // COORDINATOR_LOAD_IN_PROGRESS while the controller's next id block is on its way is routine.
      if (e instanceof KafkaError) return answer(e.code);
      this.log.error('Failed to allocate a producer id', e);
      return answer(ErrorCode.UNKNOWN_SERVER_ERROR);
    }
  }
}
