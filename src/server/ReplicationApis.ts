/**
 * KafkaApis handlers of the replication part: OffsetForLeaderEpoch (a follower asks the leader where an
 * epoch ended, KIP-101/KIP-279) and InitProducerId for idempotent producers (ids from ProducerIdManager).
 */
import { getLogger, Logger } from '../common/logger';
import type { RequestContext, ResponseBody } from '../network/RequestContext';
import { InitProducerIdApi, OffsetForLeaderEpochApi } from '../protocol/apis';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { Reader } from '../protocol/Reader';
import { Writer } from '../protocol/Writer';
import type { Partition } from './Partition';
import type { ProducerIdManager } from './ProducerIdManager';
import type { ReplicaManager } from './ReplicaManager';
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from '../log/LeaderEpochFileCache';

/** FetchRequest.DEBUGGING_CONSUMER_ID: may ask any replica, not only the leader. */
const DEBUGGING_CONSUMER_ID = -2;

export interface EpochEndOffsetResult {
  errorCode: number;
  leaderEpoch: number;
  endOffset: number;
}

/**
 * Partition.lastOffsetForLeaderEpoch: fence on current_leader_epoch (older -> FENCED_LEADER_EPOCH, newer ->
 * UNKNOWN_LEADER_EPOCH), only the leader answers followers and consumers, then the epoch cache's answer.
 */
export function lastOffsetForLeaderEpoch(
  p: Partition | undefined,
  knownInCluster: boolean,
  currentLeaderEpoch: number,
  leaderEpoch: number,
  replicaId: number,
): EpochEndOffsetResult {
  const fail = (errorCode: number): EpochEndOffsetResult => ({ errorCode, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET });
  if (!p) return fail(knownInCluster ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (currentLeaderEpoch >= 0) {
    if (currentLeaderEpoch < p.leaderEpoch) return fail(ErrorCode.FENCED_LEADER_EPOCH);
    if (currentLeaderEpoch > p.leaderEpoch) return fail(ErrorCode.UNKNOWN_LEADER_EPOCH);
  }
  if (replicaId !== DEBUGGING_CONSUMER_ID && !p.isLeader()) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  const r = p.log.leaderEpochCache.endOffsetFor(leaderEpoch, p.log.logEndOffset);
  return { errorCode: ErrorCode.NONE, leaderEpoch: r.epoch, endOffset: r.endOffset };
}

function encode<Res>(codec: { encodeResponse(w: Writer, v: number, res: Res): void }, v: number, res: Res): Buffer[] {
  const w = new Writer(128);
  codec.encodeResponse(w, v, res);
  return w.toBuffers();
}

export class ReplicationApis {
  private readonly log: Logger;

  constructor(
    brokerId: number,
    private readonly replicaManager: ReplicaManager,
    private readonly producerIdManager: ProducerIdManager | null,
  ) {
    this.log = getLogger('kafka.server.KafkaApis', `[KafkaApi-${brokerId}] `);
  }

  handleOffsetForLeaderEpoch(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = OffsetForLeaderEpochApi.decodeRequest(r, v);
    return encode(OffsetForLeaderEpochApi, v, {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => ({
          partition: p.partition,
          ...this.replicaManager.lastOffsetForLeaderEpoch(t.topic, p.partition, p.currentLeaderEpoch, p.leaderEpoch, req.replicaId),
        })),
      })),
    });
  }

  /**
   * InitProducerId without a transactional id (TransactionCoordinator.handleInitProducerId): always a fresh
   * producer id with epoch 0, also when v3+ names a previous id. Transactions are not supported here.
   */
  async handleInitProducerId(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = InitProducerIdApi.decodeRequest(r, v);
    const answer = (errorCode: number, producerId = -1, producerEpoch = -1): ResponseBody =>
      encode(InitProducerIdApi, v, { throttleTimeMs: 0, errorCode, producerId, producerEpoch });
    if (req.transactionalId !== null) return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!this.producerIdManager) return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    try {
      const id = await this.producerIdManager.generateProducerId();
      return answer(ErrorCode.NONE, id, 0);
    } catch (e) {
      this.log.error('Failed to allocate a producer id', e);
      return answer(e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR);
    }
  }
}
