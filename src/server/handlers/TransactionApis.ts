/**
 * The transaction requests of KafkaApis (handleInitProducerIdRequest, handleAddPartitionsToTxnRequest,
 * handleAddOffsetsToTxnRequest, handleEndTxnRequest, handleDescribeTransactionsRequest,
 * handleListTransactionsRequest): decode, hand to the TransactionCoordinator, encode. Also the coordinator's wiring
 * to this broker (createTransactionCoordinator): its `__transaction_state` access through the replica manager, its
 * WriteTxnMarkers transport over the inter-broker listener, its leadership listener.
 */
import { getLogger, Logger } from '../../common/logger';
import { SYSTEM_TIME, CoordinatorTime } from '../../coordinator/group/CoordinatorTime';
import { GROUP_METADATA_TOPIC_NAME } from '../../coordinator/group/GroupMetadataManager';
import { TransactionCoordinator } from '../../coordinator/transaction/TransactionCoordinator';
import {
  BrokerNode,
  TransactionMarkerChannelManager,
  TxnMarkerPartitionResult,
  TxnMarkerTransport,
} from '../../coordinator/transaction/TransactionMarkerChannelManager';
import { TopicPartition, tpKey } from '../../coordinator/transaction/TransactionMetadata';
import { TRANSACTION_STATE_TOPIC_NAME, TransactionStateManager, TransactionTopicAccess } from '../../coordinator/transaction/TransactionStateManager';
import { NetworkClient } from '../../network/NetworkClient';
import { CloseConnectionError, RequestContext, ResponseBody } from '../../network/RequestContext';
import {
  AddOffsetsToTxnApi,
  AddPartitionsToTxnApi,
  DescribeTransactionsApi,
  EndTxnApi,
  InitProducerIdApi,
  ListTransactionsApi,
  WriteTxnMarkersApi,
} from '../../protocol/apis';
import { AddPartitionsToTxnTopicResult } from '../../protocol/apis/24-add-partitions-to-txn';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { groupPartitionFor } from '../../zk/ZkData';
import type { KafkaConfig } from '../config/KafkaConfig';
import type { MetadataCache } from '../MetadataCache';
import type { ProducerIdManager } from '../ProducerIdManager';
import type { ReplicaManager } from '../ReplicaManager';
import type { KafkaApisDeps } from './ApiDeps';
import { AclOperation as O } from '../../security/AclEntry';
import { CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import * as Topic from '../../admin/Topic';
import { AuthHelper, initProducerIdAuthorization } from './AuthHelper';

/** Kafka's request.timeout.ms default: the marker requests' and tombstone appends' timeout. */
const REQUEST_TIMEOUT_MS = 30000;

/** "2.8", "3.7-IV4", ... at least major.minor? (IBP 2.8-IV0 brought WriteTxnMarkers v1.) */
function ibpAtLeast(ibp: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(ibp);
  if (!m) return true;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}

/** WriteTxnMarkers to the partition leaders over the inter-broker listener, one connection per broker. */
class NetworkTxnMarkerTransport implements TxnMarkerTransport {
  private readonly clients = new Map<number, NetworkClient>();
  private readonly version: number;

  constructor(
    private readonly config: KafkaConfig,
    private readonly metadataCache: MetadataCache,
  ) {
    // TransactionMarkerChannelManager.writeTxnMarkersRequestVersion: v1 from IBP 2.8.
    this.version = ibpAtLeast(config.interBrokerProtocolVersion, 2, 8) ? 1 : 0;
  }

  leaderFor(topic: string, partition: number): BrokerNode | null {
    const st = this.metadataCache.partitionState(topic, partition);
    if (!st) return null;
    const ep = st.leader >= 0 ? this.metadataCache.endpointFor(st.leader, this.config.interBrokerListenerName) : undefined;
    return ep ? { id: st.leader, host: ep.host, port: ep.port } : { id: -1, host: '', port: -1 };
  }

  async send(node: BrokerNode, markers: Parameters<TxnMarkerTransport['send']>[1]): Promise<Map<number, TxnMarkerPartitionResult[]>> {
    let client = this.clients.get(node.id);
    if (client && (client.host !== node.host || client.port !== node.port)) {
      client.close();
      client = undefined;
    }
    if (!client) {
      client = new NetworkClient(node.host, node.port, `broker-${this.config.brokerId}-txn-marker-sender`, REQUEST_TIMEOUT_MS, 10000);
      this.clients.set(node.id, client);
    }
    const res = await client.send(WriteTxnMarkersApi, this.version, {
      markers: markers.map((m) => {
        const topics = new Map<string, number[]>();
        for (const tp of m.partitions) {
          const l = topics.get(tp.topic);
          if (l) l.push(tp.partition);
          else topics.set(tp.topic, [tp.partition]);
        }
        return {
          producerId: m.producerId,
          producerEpoch: m.producerEpoch,
          transactionResult: m.commit,
          topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
          coordinatorEpoch: m.coordinatorEpoch,
        };
      }),
    });
    const out = new Map<number, TxnMarkerPartitionResult[]>();
    for (const m of res.markers) {
      const l = out.get(m.producerId) ?? [];
      for (const t of m.topics) for (const p of t.partitions) l.push({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode });
      out.set(m.producerId, l);
    }
    return out;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

/** TransactionCoordinator.apply for one broker, wired to its replica manager (leadership loads/unloads partitions). */
export function createTransactionCoordinator(
  config: KafkaConfig,
  replicaManager: ReplicaManager,
  metadataCache: MetadataCache,
  producerIdManager: ProducerIdManager,
  time: CoordinatorTime = SYSTEM_TIME,
): TransactionCoordinator {
  const access: TransactionTopicAccess = {
    partitionCount: () => metadataCache.partitions(TRANSACTION_STATE_TOPIC_NAME)?.size || config.transactionTopicPartitions,
    async append(partition, batch, timeoutMs) {
      // TransactionLog.EnforcedRequiredAcks (-1), AppendOrigin.COORDINATOR.
      const out = replicaManager.appendRecords(9, -1, timeoutMs, [{ topic: TRANSACTION_STATE_TOPIC_NAME, partition, records: batch }], 'coordinator');
      const results = Array.isArray(out) ? out : await out;
      return results[0].errorCode;
    },
    read(partition, offset, maxBytes) {
      const p = replicaManager.getPartition(TRANSACTION_STATE_TOPIC_NAME, partition);
      if (!p) return null;
      const start = offset < 0 ? p.log.logStartOffset : offset;
      const data = p.log.read(start, maxBytes, p.log.logEndOffset, true);
      return { batches: data.records, logEndOffset: p.log.logEndOffset, logStartOffset: p.log.logStartOffset };
    },
  };
  const manager = new TransactionStateManager(
    {
      brokerId: config.brokerId,
      transactionalIdExpirationMs: config.transactionalIdExpirationMs,
      transactionMaxTimeoutMs: config.transactionMaxTimeoutMs,
      transactionLogLoadBufferSize: config.transactionsLoadBufferSize,
      abortTimedOutTransactionsIntervalMs: config.transactionAbortTimedOutTransactionCleanupIntervalMs,
      removeExpiredTransactionalIdsIntervalMs: config.transactionRemoveExpiredTransactionalIdCleanupIntervalMs,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    },
    access,
    time,
  );
  const markers = new TransactionMarkerChannelManager(config.brokerId, manager, new NetworkTxnMarkerTransport(config, metadataCache), time);
  const coordinator = new TransactionCoordinator(
    config.brokerId,
    config.transactionAbortTimedOutTransactionCleanupIntervalMs,
    producerIdManager,
    manager,
    markers,
    time,
  );
  // ReplicaManager.makeLeaders calls onElection only for a new leader (Partition.makeLeader's isNewLeader), not for
  // a leader epoch bump of a partition this broker already leads; the coordinator epoch stays the elected one.
  const led = new Set<number>();
  replicaManager.addLeadershipListener((p, isLeader) => {
    if (p.topic !== TRANSACTION_STATE_TOPIC_NAME) return;
    if (isLeader) {
      if (led.has(p.partition)) return;
      led.add(p.partition);
      void coordinator.onElection(p.partition, p.leaderEpoch);
    } else if (led.delete(p.partition)) {
      coordinator.onResignation(p.partition);
    }
  });
  return coordinator;
}

/** Old clients do not know PRODUCER_FENCED: they get INVALID_PRODUCER_EPOCH (same client handling). */
function fencedFor(error: number, version: number, firstFencedVersion: number): number {
  return version < firstFencedVersion && error === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : error;
}

function groupTopics(tps: Array<{ tp: TopicPartition; error: number }>): AddPartitionsToTxnTopicResult[] {
  const m = new Map<string, AddPartitionsToTxnTopicResult>();
  for (const { tp, error } of tps) {
    let t = m.get(tp.topic);
    if (!t) m.set(tp.topic, (t = { name: tp.topic, resultsByPartition: [] }));
    t.resultsByPartition.push({ partitionIndex: tp.partition, partitionErrorCode: error });
  }
  return [...m.values()];
}

export class TransactionApis {
  private readonly log: Logger;
  private readonly auth: AuthHelper;

  constructor(
    private readonly deps: KafkaApisDeps,
    private readonly coordinator: TransactionCoordinator,
  ) {
    this.log = getLogger('kafka.server.KafkaApis', `[KafkaApi-${deps.config.brokerId}] `);
    this.auth = new AuthHelper(deps.authorizer);
  }

  /** KafkaApis.handleInitProducerIdRequest (with or without a transactional id). */
  async handleInitProducerId(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = InitProducerIdApi.decodeRequest(r, v);
    const answer = (errorCode: number, producerId = -1, producerEpoch = -1): ResponseBody =>
      encodeResponse(InitProducerIdApi, v, { throttleTimeMs: 0, errorCode: fencedFor(errorCode, v, 4), producerId, producerEpoch });
    const denied = initProducerIdAuthorization(this.auth, ctx, req.transactionalId);
    if (denied !== ErrorCode.NONE) return answer(denied);
    // KIP-360: both the producer id and epoch, or neither.
    const noId = req.producerId === -1;
    const noEpoch = req.producerEpoch === -1;
    if (noId !== noEpoch) return answer(ErrorCode.INVALID_REQUEST);
    const expected = noId ? null : { producerId: req.producerId, producerEpoch: req.producerEpoch };
    const res = await this.coordinator.handleInitProducerId(req.transactionalId, req.transactionTimeoutMs, expected);
    return answer(res.error, res.producerId, res.producerEpoch);
  }

  /**
   * KafkaApis.handleAddPartitionsToTxnRequest: v0-3 one transaction from a client; v4 batches from brokers, each
   * maybe verifyOnly. An unknown partition fails the whole transaction (others OPERATION_NOT_ATTEMPTED).
   */
  async handleAddPartitionsToTxn(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = AddPartitionsToTxnApi.decodeRequest(r, v);
    const txns =
      v < 4
        ? [
            {
              transactionalId: req.v3AndBelowTransactionalId,
              producerId: req.v3AndBelowProducerId,
              producerEpoch: req.v3AndBelowProducerEpoch,
              verifyOnly: false,
              topics: req.v3AndBelowTopics,
            },
          ]
        : req.transactions;
    // v4 comes only from brokers (partition leaders verifying a transaction): CLUSTER_ACTION, else a top-level error.
    if (v >= 4 && !this.auth.authorize(ctx, O.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_NAME)) {
      return encodeResponse(AddPartitionsToTxnApi, v, {
        throttleTimeMs: 0,
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        resultsByTransaction: [],
        resultsByTopicV3AndBelow: [],
      });
    }
    const results = await Promise.all(
      txns.map(async (t) => {
        // "Transactional ID can not be null in request." (InvalidRequestException closes the connection).
        if (t.transactionalId === null) throw new CloseConnectionError('Transactional ID can not be null in request.');
        const tps: TopicPartition[] = [];
        const seen = new Set<string>();
        for (const topic of t.topics) {
          for (const partition of topic.partitions) {
            const tp = { topic: topic.name, partition };
            if (seen.has(tpKey(tp))) continue;
            seen.add(tpKey(tp));
            tps.push(tp);
          }
        }
        // v0-3 come from clients: WRITE on the transactional id (else every partition fails with
        // TRANSACTIONAL_ID_AUTHORIZATION_FAILED) and on each topic but the internal ones.
        if (v < 4 && !this.auth.authorize(ctx, O.WRITE, ResourceType.TRANSACTIONAL_ID, t.transactionalId)) {
          return {
            transactionalId: t.transactionalId,
            topicResults: groupTopics(tps.map((tp) => ({ tp, error: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED }))),
          };
        }
        const writable =
          v < 4
            ? this.auth.filterByAuthorized(
                ctx,
                O.WRITE,
                ResourceType.TOPIC,
                tps.filter((tp) => !Topic.isInternal(tp.topic)),
                (tp) => tp.topic,
              )
            : null;
        const failure = (tp: TopicPartition): number | null =>
          writable && !writable.has(tp.topic)
            ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
            : !this.deps.metadataCache.partitionState(tp.topic, tp.partition)
              ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
              : null;
        let perPartition: Array<{ tp: TopicPartition; error: number }>;
        if (tps.some((tp) => failure(tp) !== null)) {
          // Any failed check fails the whole transaction: the others are OPERATION_NOT_ATTEMPTED.
          perPartition = tps.map((tp) => ({ tp, error: failure(tp) ?? ErrorCode.OPERATION_NOT_ATTEMPTED }));
        } else if (t.verifyOnly) {
          const m = this.coordinator.handleVerifyPartitionsInTransaction(t.transactionalId, t.producerId, t.producerEpoch, tps);
          perPartition = tps.map((tp) => ({ tp, error: m.get(tpKey(tp)) ?? ErrorCode.NONE }));
        } else {
          const error = fencedFor(await this.coordinator.handleAddPartitionsToTransaction(t.transactionalId, t.producerId, t.producerEpoch, tps), v, 2);
          perPartition = tps.map((tp) => ({ tp, error }));
        }
        return { transactionalId: t.transactionalId, topicResults: groupTopics(perPartition) };
      }),
    );
    if (v < 4) {
      return encodeResponse(AddPartitionsToTxnApi, v, {
        throttleTimeMs: 0,
        errorCode: 0,
        resultsByTransaction: [],
        resultsByTopicV3AndBelow: results[0].topicResults,
      });
    }
    return encodeResponse(AddPartitionsToTxnApi, v, { throttleTimeMs: 0, errorCode: 0, resultsByTransaction: results, resultsByTopicV3AndBelow: [] });
  }

  /** KafkaApis.handleAddOffsetsToTxnRequest: the group's __consumer_offsets partition joins the transaction. */
  async handleAddOffsetsToTxn(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = AddOffsetsToTxnApi.decodeRequest(r, v);
    if (!this.auth.authorize(ctx, O.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId)) {
      return encodeResponse(AddOffsetsToTxnApi, v, { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED });
    }
    if (!this.auth.authorize(ctx, O.READ, ResourceType.GROUP, req.groupId)) {
      return encodeResponse(AddOffsetsToTxnApi, v, { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
    }
    // groupCoordinator.partitionFor: the same partition the group's TxnOffsetCommit goes to.
    const partition =
      this.deps.groupCoordinator?.partitionFor(req.groupId) ??
      groupPartitionFor(req.groupId, this.deps.metadataCache.partitions(GROUP_METADATA_TOPIC_NAME)?.size || this.deps.config.offsetsTopicPartitions);
    const offsetsPartition = { topic: GROUP_METADATA_TOPIC_NAME, partition };
    const error = await this.coordinator.handleAddPartitionsToTransaction(req.transactionalId, req.producerId, req.producerEpoch, [offsetsPartition]);
    return encodeResponse(AddOffsetsToTxnApi, v, { throttleTimeMs: 0, errorCode: fencedFor(error, v, 2) });
  }

  /** KafkaApis.handleEndTxnRequest. */
  async handleEndTxn(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = EndTxnApi.decodeRequest(r, v);
    if (!this.auth.authorize(ctx, O.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId)) {
      return encodeResponse(EndTxnApi, v, { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED });
    }
    const error = await this.coordinator.handleEndTransaction(req.transactionalId, req.producerId, req.producerEpoch, req.committed);
    this.log.trace(`Completed ${req.transactionalId}'s EndTxnRequest with committed: ${req.committed}, errors: ${error} from client ${ctx.header.clientId}.`);
    return encodeResponse(EndTxnApi, v, { throttleTimeMs: 0, errorCode: fencedFor(error, v, 2) });
  }

  handleDescribeTransactions(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = DescribeTransactionsApi.decodeRequest(r, v);
    return encodeResponse(DescribeTransactionsApi, v, {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((id) => {
        // DESCRIBE on the transactional id, and only the partitions of topics the principal may DESCRIBE.
        if (!this.auth.authorize(ctx, O.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id)) {
          const errorCode = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
          const empty = { transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1 };
          return { ...empty, errorCode, topics: [] };
        }
        const st = this.coordinator.handleDescribeTransactions(id);
        return { ...st, topics: st.topics.filter((t) => this.auth.authorize(ctx, O.DESCRIBE, ResourceType.TOPIC, t.topic)) };
      }),
    });
  }

  handleListTransactions(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = ListTransactionsApi.decodeRequest(r, v);
    const res = this.coordinator.handleListTransactions([...new Set(req.producerIdFilters)], [...new Set(req.stateFilters)]);
    // Only the transactional ids the principal may DESCRIBE.
    const transactionStates = res.transactionStates.filter((t) => this.auth.authorize(ctx, O.DESCRIBE, ResourceType.TRANSACTIONAL_ID, t.transactionalId));
    return encodeResponse(ListTransactionsApi, v, { throttleTimeMs: 0, ...res, transactionStates });
  }
}
