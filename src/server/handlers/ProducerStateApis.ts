/**
 * DescribeProducers (KIP-664) of KafkaApis: the active producers of partitions, from the producer state of this
 * broker's replica (kafka-transactions.sh describe-producers and Admin.describeProducers).
 */
import * as Topic from '../../admin/Topic';
import type { RequestContext, ResponseBody } from '../../network/RequestContext';
import { DescribeProducersApi } from '../../protocol/apis';
import type { DescribeProducersPartitionResponse } from '../../protocol/apis/61-describe-producers';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode, errorInfo } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import type { ReplicaManager } from '../ReplicaManager';
import { AclOperation } from '../../security/AclEntry';
import { ResourceType } from '../../security/authorizer/Authorizer';
import { AuthHelper } from './AuthHelper';

export class ProducerStateApis {
  constructor(
    private readonly replicaManager: ReplicaManager,
    private readonly auth: AuthHelper = new AuthHelper(undefined),
  ) {}

  /**
   * KafkaApis.handleDescribeProducersRequest: an invalid topic name answers its Topic.validate error, a topic the
   * metadata cache does not know UNKNOWN_TOPIC_OR_PARTITION (both with their message, as ApiError does), for every
   * requested partition. Otherwise ReplicaManager.activeProducerState per partition: a replica here answers its
   * producer state (Kafka's Partition.activeProducerState reads the local log, leader or follower: the admin
   * client sends to the leader); no replica here NOT_LEADER_OR_FOLLOWER, an unknown partition
   * UNKNOWN_TOPIC_OR_PARTITION.
   */
  handleDescribeProducers(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = DescribeProducersApi.decodeRequest(r, v);
    const cache = this.replicaManager.metadataCache;
    const topics = req.topics.map((t) => {
      let topicError: { code: number; message: string } | null = null;
      try {
        Topic.validate(t.name);
        // READ on the topic, checked after the name and before whether it exists.
        if (!this.auth.authorize(ctx, AclOperation.READ, ResourceType.TOPIC, t.name))
          topicError = { code: ErrorCode.TOPIC_AUTHORIZATION_FAILED, message: errorInfo(ErrorCode.TOPIC_AUTHORIZATION_FAILED).message };
        else if (!cache.contains(t.name))
          topicError = { code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: errorInfo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).message };
      } catch (e) {
        topicError = { code: ErrorCode.INVALID_TOPIC_EXCEPTION, message: (e as Error).message };
      }
      const partitions = t.partitionIndexes.map((partitionIndex): DescribeProducersPartitionResponse => {
        const fail = (errorCode: number, errorMessage: string | null = null) => ({ partitionIndex, errorCode, errorMessage, activeProducers: [] });
        if (topicError) return fail(topicError.code, topicError.message);
        const p = this.replicaManager.getPartition(t.name, partitionIndex);
        if (!p) return fail(cache.partitionState(t.name, partitionIndex) ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        return {
          partitionIndex,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          // Partition.activeProducerState: the coordinator epoch (-1 before any marker) and the open transaction's first
          // offset (-1 when none) come from the producer state.
          activeProducers: p.log.producerStateManager.activeProducers(),
        };
      });
      return { name: t.name, partitions };
    });
    return encodeResponse(DescribeProducersApi, v, { throttleTimeMs: 0, topics });
  }
}
