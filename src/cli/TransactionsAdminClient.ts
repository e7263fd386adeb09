/**
 * The admin-client calls kafka-transactions makes (Kafka 3.7's KafkaAdminClient with its AdminApiHandlers:
 * ListTransactionsHandler, DescribeTransactionsHandler, DescribeProducersHandler, AbortTransactionHandler), sent
 * with our NetworkClient: ListTransactions to every broker, DescribeTransactions to the transaction coordinator
 * (FindCoordinator key type 1), DescribeProducers to the partition leader (or a named broker), and an abort as
 * WriteTxnMarkers (ABORT) to the partition leader. Retriable errors are retried until default.api.timeout.ms,
 * fatal ones fail with the handler's message, so the command prints what Kafka's prints.
 */
import { ApiVersionsApi, FindCoordinatorApi, MetadataApi } from '../protocol/apis';
import type { MetadataResponse } from '../protocol/apis/03-metadata';
import { COORDINATOR_TYPE_TRANSACTION } from '../protocol/apis/10-find-coordinator';
import { DescribeProducersApi } from '../protocol/apis/61-describe-producers';
import { DescribeTransactionsApi } from '../protocol/apis/65-describe-transactions';
import { ListTransactionsApi } from '../protocol/apis/66-list-transactions';
import { WriteTxnMarkersApi } from '../protocol/apis/27-write-txn-markers';
import type { ApiCodec } from '../protocol/apis/types';
import { ErrorCode, errorInfo } from '../protocol/errors';
import { sendTo } from './AdminRequests';
import {
  AbortTransactionSpec,
  AdminError,
  ProducerState,
  TopicPartition,
  TopicPartitionInfo,
  TransactionDescription,
  TransactionListing,
  TransactionsAdmin,
  abortSpecString,
  tpString,
} from './TransactionsAdmin';

interface Node {
  id: number;
  host: string;
  port: number;
}

const API_NAMES: Record<number, string> = {
  3: 'METADATA',
  10: 'FIND_COORDINATOR',
  27: 'WRITE_TXN_MARKERS',
  61: 'DESCRIBE_PRODUCERS',
  65: 'DESCRIBE_TRANSACTIONS',
  66: 'LIST_TRANSACTIONS',
};

const RETRY_BACKOFF_MS = 100;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A result of one attempt: done, or retry (with the reason kept for the timeout message). */
type Attempt<T> = { done: true; value: T } | { done: false; api: string };

/** KafkaAdminClient over our NetworkClient; `timeoutMs` is default.api.timeout.ms. */
export class NetworkTransactionsAdmin implements TransactionsAdmin {
  private readonly versions = new Map<string, Map<number, number>>();

  constructor(
    private readonly bootstrap: Array<{ host: string; port: number }>,
    private readonly timeoutMs = 60000,
    private readonly requestTimeoutMs = 30000,
  ) {}

  close(): void {}

  /**
   * Runs `attempt` until it is done or default.api.timeout.ms passes; then fails as the admin client's Call
   * does: "Call(callName=..., deadlineMs=..., tries=..., nextAllowedTryMs=...) timed out at ... after N attempt(s)".
   */
  private async retry<T>(callName: string, attempt: () => Promise<Attempt<T>>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    let tries = 0;
    let api = 'METADATA';
    for (;;) {
      tries++;
      try {
        const r = await attempt();
        if (r.done) return r.value;
        api = r.api;
      } catch (e) {
        if (e instanceof AdminError) throw e;
        // Connection failures are retried as NetworkClient does (a disconnect is retriable).
        if (e instanceof ApiNameError) api = e.api;
      }
      const now = Date.now();
      if (now + RETRY_BACKOFF_MS >= deadline) {
        throw new AdminError(
          `Call(callName=${callName}(api=${api}), deadlineMs=${deadline}, tries=${tries}, nextAllowedTryMs=${now + RETRY_BACKOFF_MS}) timed out at ${now} after ${tries} attempt(s)`,
          ErrorCode.REQUEST_TIMED_OUT,
        );
      }
      await sleep(RETRY_BACKOFF_MS);
    }
  }

  private async metadata(topics: string[] | null): Promise<MetadataResponse> {
    let last: unknown = null;
    for (const b of this.bootstrap) {
      try {
        return await sendTo(b, MetadataApi, 12, {
          topics: topics === null ? null : topics.map((name) => ({ name })),
          allowAutoTopicCreation: false,
          includeTopicAuthorizedOperations: false,
        });
      } catch (e) {
        last = e;
      }
    }
    throw new ApiNameError('METADATA', (last as Error)?.message ?? 'no bootstrap server');
  }

  private async brokers(): Promise<Node[]> {
    const md = await this.metadata([]);
    return md.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port })).sort((a, b) => a.id - b.id);
  }

  /** The highest version of `apiKey` both sides support (NetworkClient checks ApiVersions before it sends). */
  private async version(node: Node, apiKey: number, maxVersion: number): Promise<number> {
    const key = `${node.host}:${node.port}`;
    let v = this.versions.get(key);
    if (!v) {
      const res = await sendTo(node, ApiVersionsApi, 3, { clientSoftwareName: 'kafka-transactions', clientSoftwareVersion: '3.7.0' }, this.requestTimeoutMs);
      v = new Map(res.apiKeys.map((a) => [a.apiKey, a.maxVersion]));
      this.versions.set(key, v);
    }
    const max = v.get(apiKey);
    if (max === undefined) {
      throw new AdminError(`The node does not support ${API_NAMES[apiKey] ?? apiKey}`, ErrorCode.UNSUPPORTED_VERSION);
    }
    return Math.min(max, maxVersion);
  }

  private async send<Req, Res>(node: Node, codec: ApiCodec<Req, Res>, maxVersion: number, req: Req): Promise<Res> {
    const v = await this.version(node, codec.apiKey, maxVersion);
    try {
      return await sendTo(node, codec, v, req, this.requestTimeoutMs);
    } catch (e) {
      throw new ApiNameError(API_NAMES[codec.apiKey] ?? String(codec.apiKey), (e as Error).message);
    }
  }

  /** ListTransactionsHandler over AllBrokersStrategy: every broker of the metadata, each answer kept apart. */
  async listTransactions(filterProducerIds: number[] = []): Promise<Map<number, TransactionListing[]>> {
    const brokers = await this.retry('listTransactions', async () => ({ done: true, value: await this.brokers() }));
    const result = new Map<number, TransactionListing[]>();
    for (const b of brokers) {
      const listings = await this.retry('listTransactions', async (): Promise<Attempt<TransactionListing[]>> => {
        const res = await this.send(b, ListTransactionsApi, 0, { stateFilters: [], producerIdFilters: filterProducerIds });
        if (res.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return { done: false, api: 'LIST_TRANSACTIONS' };
        if (res.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE) {
          throw new AdminError(`ListTransactions request sent to broker ${b.id} failed because the coordinator is shutting down`, res.errorCode);
        }
        if (res.errorCode !== 0) throw new AdminError(`ListTransactions request sent to broker ${b.id} failed with an unexpected exception`, res.errorCode);
        return {
          done: true,
          value: res.transactionStates.map((s) => ({ transactionalId: s.transactionalId, producerId: s.producerId, state: s.transactionState })),
        };
      });
      result.set(b.id, listings);
    }
    return result;
  }

  /** CoordinatorStrategy: FindCoordinator (v4 batched when offered, else one key) with key type TRANSACTION. */
  private async findCoordinator(transactionalId: string): Promise<Node | null> {
    let last: unknown = null;
    for (const b of this.bootstrap) {
      try {
        const node = { id: -1, ...b };
        const v = await this.version(node, FindCoordinatorApi.apiKey, 4);
        const res = await sendTo(node, FindCoordinatorApi, v, {
          key: transactionalId,
          keyType: COORDINATOR_TYPE_TRANSACTION,
          coordinatorKeys: [transactionalId],
        });
        const c = v >= 4 ? res.coordinators[0] : { errorCode: res.errorCode, nodeId: res.nodeId, host: res.host, port: res.port };
        if (!c) return null;
        if (c.errorCode === 0) return { id: c.nodeId, host: c.host, port: c.port };
        if (c.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE || c.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return null;
        if (c.errorCode === ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED) {
          throw new AdminError(`FindCoordinator request for transactionalId '${transactionalId}' failed due to authorization failure`, c.errorCode);
        }
        throw new AdminError(
          `FindCoordinator request for key CoordinatorKey(idValue='${transactionalId}', type=TRANSACTION) failed due to unexpected error`,
          c.errorCode,
        );
      } catch (e) {
        if (e instanceof AdminError) throw e;
        last = e;
      }
    }
    throw new ApiNameError('FIND_COORDINATOR', (last as Error)?.message ?? 'no bootstrap server');
  }

  /** DescribeTransactionsHandler: one request per id to its coordinator, its errors mapped as the handler maps them. */
  async describeTransactions(transactionalIds: string[]): Promise<Map<string, TransactionDescription | AdminError>> {
    const out = new Map<string, TransactionDescription | AdminError>();
    for (const id of transactionalIds) {
      try {
        const d = await this.retry('describeTransactions', async (): Promise<Attempt<TransactionDescription>> => {
          const coordinator = await this.findCoordinator(id);
          if (coordinator === null) return { done: false, api: 'FIND_COORDINATOR' };
          const res = await this.send(coordinator, DescribeTransactionsApi, 0, { transactionalIds: [id] });
          const s = res.transactionStates.find((t) => t.transactionalId === id);
          if (!s) return { done: false, api: 'DESCRIBE_TRANSACTIONS' };
          switch (s.errorCode) {
            case 0:
              return {
                done: true,
                value: {
                  coordinatorId: coordinator.id,
                  state: s.transactionState,
                  producerId: s.producerId,
                  producerEpoch: s.producerEpoch,
                  transactionTimeoutMs: s.transactionTimeoutMs,
                  transactionStartTimeMs: s.transactionStartTimeMs < 0 ? null : s.transactionStartTimeMs,
                  topicPartitions: s.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p }))),
                },
              };
            case ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
              throw new AdminError(`DescribeTransactions request for transactionalId \`${id}\` failed due to authorization failure`, s.errorCode);
            case ErrorCode.TRANSACTIONAL_ID_NOT_FOUND:
              throw new AdminError(`DescribeTransactions request for transactionalId \`${id}\` failed because the ID could not be found`, s.errorCode);
            case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
            case ErrorCode.NOT_COORDINATOR:
            case ErrorCode.COORDINATOR_NOT_AVAILABLE:
              return { done: false, api: 'DESCRIBE_TRANSACTIONS' };
            default:
              throw new AdminError(`DescribeTransactions request for transactionalId \`${id}\` failed due to unexpected error`, s.errorCode);
          }
        });
        out.set(id, d);
      } catch (e) {
        if (!(e instanceof AdminError)) throw e;
        out.set(id, e);
      }
    }
    return out;
  }

  /** PartitionLeaderStrategy for several partitions with one Metadata request (StaticBrokerStrategy with a broker id). */
  private async lookupNodes(partitions: TopicPartition[], brokerId: number | undefined): Promise<Map<string, Node>> {
    const topics = [...new Set(partitions.map((tp) => tp.topic))];
    const md = await this.metadata(brokerId === undefined ? topics : []);
    const node = (id: number): Node | null => {
      const b = md.brokers.find((n) => n.nodeId === id);
      return b ? { id: b.nodeId, host: b.host, port: b.port } : null;
    };
    const out = new Map<string, Node>();
    for (const tp of partitions) {
      if (brokerId !== undefined) {
        const n = node(brokerId);
        if (n) out.set(tpString(tp), n);
        continue;
      }
      const t = md.topics.find((x) => x.name === tp.topic);
      if (!t) continue;
      if (t.errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION) {
        throw new AdminError(`Failed to fetch metadata for partition ${tpString(tp)} due to invalid topic \`${tp.topic}\``, t.errorCode);
      }
      if (t.errorCode !== 0) continue; // unknown topics are tolerated: retried until the deadline
      const p = t.partitions.find((x) => x.partitionIndex === tp.partition);
      const n = p && p.leaderId >= 0 ? node(p.leaderId) : null;
      if (n) out.set(tpString(tp), n);
    }
    return out;
  }

  /**
   * DescribeProducersHandler through the AdminApiDriver: the partitions are mapped to their leaders (or the given
   * broker), one request per broker; per-partition errors are the handler's: retried (the partition is looked up again)
   * or fatal, failing the call as its `all()` future fails.
   */
  async describeProducers(partitions: TopicPartition[], brokerId?: number): Promise<Map<string, ProducerState[]>> {
    const out = new Map<string, ProducerState[]>();
    let pending = [...partitions];
    await this.retry('describeProducers', async (): Promise<Attempt<void>> => {
      const nodes = await this.lookupNodes(pending, brokerId);
      const byNode = new Map<string, { node: Node; tps: TopicPartition[] }>();
      for (const tp of pending) {
        const n = nodes.get(tpString(tp));
        if (!n) continue;
        const k = `${n.id}`;
        if (!byNode.has(k)) byNode.set(k, { node: n, tps: [] });
        byNode.get(k)!.tps.push(tp);
      }
      let api = 'METADATA';
      for (const { node, tps } of byNode.values()) {
        const topics = [...new Set(tps.map((tp) => tp.topic))].map((name) => ({
          name,
          partitionIndexes: tps.filter((tp) => tp.topic === name).map((tp) => tp.partition),
        }));
        const res = await this.send(node, DescribeProducersApi, 0, { topics });
        for (const tp of tps) {
          const p = res.topics.find((t) => t.name === tp.topic)?.partitions.find((x) => x.partitionIndex === tp.partition);
          if (!p) continue;
          switch (p.errorCode) {
            case 0:
              out.set(
                tpString(tp),
                p.activeProducers.map((st) => ({
                  producerId: st.producerId,
                  producerEpoch: st.producerEpoch,
                  lastSequence: st.lastSequence,
                  lastTimestamp: st.lastTimestamp,
                  coordinatorEpoch: st.coordinatorEpoch < 0 ? null : st.coordinatorEpoch,
                  currentTransactionStartOffset: st.currentTxnStartOffset < 0 ? null : st.currentTxnStartOffset,
                })),
              );
              break;
            case ErrorCode.NOT_LEADER_OR_FOLLOWER:
              // Retriable unless the user named the broker.
              if (brokerId !== undefined) {
                throw new AdminError(
                  p.errorMessage ?? `Failed to describe active producers for partition ${tpString(tp)} on brokerId ${brokerId}`,
                  p.errorCode,
                );
              }
              break;
            case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
              break;
            case ErrorCode.INVALID_TOPIC_EXCEPTION:
              throw new AdminError(
                `Failed to fetch metadata for partition ${tpString(tp)} due to invalid topic error: ${p.errorMessage ?? errorInfo(p.errorCode).message}`,
                p.errorCode,
              );
            case ErrorCode.TOPIC_AUTHORIZATION_FAILED:
              throw new AdminError(
                `Failed to describe active producers for partition ${tpString(tp)} due to authorization failure on topic \`${tp.topic}\``,
                p.errorCode,
              );
            default:
              // ApiError.exception(): the response's message when it has one, else the handler's.
              throw new AdminError(p.errorMessage ?? `Failed to describe active producers for partition ${tpString(tp)} due to unexpected error`, p.errorCode);
          }
        }
        api = 'DESCRIBE_PRODUCERS';
      }
      pending = pending.filter((tp) => !out.has(tpString(tp)));
      return pending.length === 0 ? { done: true, value: undefined } : { done: false, api };
    });
    // In the order asked (Kafka's all() is a map; the command iterates its partitions).
    return new Map(partitions.map((tp) => [tpString(tp), out.get(tpString(tp))!]));
  }

  /** AbortTransactionHandler: WriteTxnMarkers (ABORT, one partition) to the leader, latest version both speak. */
  async abortTransaction(spec: AbortTransactionSpec): Promise<void> {
    const tp = spec.topicPartition;
    await this.retry('abortTransaction', async (): Promise<Attempt<void>> => {
      const node = (await this.lookupNodes([tp], undefined)).get(tpString(tp));
      if (!node) return { done: false, api: 'METADATA' };
      const res = await this.send(node, WriteTxnMarkersApi, 1, {
        markers: [
          {
            producerId: spec.producerId,
            producerEpoch: spec.producerEpoch,
            transactionResult: false,
            topics: [{ name: tp.topic, partitionIndexes: [tp.partition] }],
            coordinatorEpoch: spec.coordinatorEpoch,
          },
        ],
      });
      const m = res.markers;
      if (m.length !== 1 || m[0].producerId !== spec.producerId) {
        throw new AdminError(
          `WriteTxnMarkers response included unexpected marker entries (expected to find exactly one entry with producerId ${spec.producerId})`,
        );
      }
      const t = m[0].topics;
      if (t.length !== 1 || t[0].name !== tp.topic) {
        throw new AdminError(
          `WriteTxnMarkers response included unexpected topic entries (expected to find exactly one entry with topic partition ${tpString(tp)})`,
        );
      }
      const p = t[0].partitions;
      if (p.length !== 1 || p[0].partitionIndex !== tp.partition) {
        throw new AdminError(
          `WriteTxnMarkers response included unexpected partition entries for topic ${tp.topic} (expected to find exactly one entry with partition ${tp.partition})`,
        );
      }
      const code = p[0].errorCode;
      const s = abortSpecString(spec);
      switch (code) {
        case 0:
          return { done: true, value: undefined };
        case ErrorCode.CLUSTER_AUTHORIZATION_FAILED:
          throw new AdminError(`WriteTxnMarkers request with ${s} failed due to cluster authorization error`, code);
        case ErrorCode.INVALID_PRODUCER_EPOCH:
          throw new AdminError(`WriteTxnMarkers request with ${s} failed due an invalid producer epoch`, code);
        case ErrorCode.TRANSACTION_COORDINATOR_FENCED:
          throw new AdminError(
            `WriteTxnMarkers request with ${s} failed since the provided coordinator epoch ${spec.coordinatorEpoch} has been fenced by the active coordinator`,
            code,
          );
        case ErrorCode.NOT_LEADER_OR_FOLLOWER:
        case ErrorCode.REPLICA_NOT_AVAILABLE:
        case ErrorCode.BROKER_NOT_AVAILABLE:
        case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
          return { done: false, api: 'WRITE_TXN_MARKERS' };
        default:
          throw new AdminError(`WriteTxnMarkers request with ${s} failed due to unexpected error: ${errorInfo(code).message}`, code);
      }
    });
  }

  async listTopics(): Promise<string[]> {
    const md = await this.retry('listTopics', async () => ({ done: true, value: await this.metadata(null) }));
    return md.topics.map((t) => t.name ?? '').filter((n) => n !== '');
  }

  async describeTopics(topics: string[]): Promise<Map<string, TopicPartitionInfo[]>> {
    const md = await this.retry('describeTopics', async () => ({ done: true, value: await this.metadata(topics) }));
    const out = new Map<string, TopicPartitionInfo[]>();
    for (const name of topics) {
      const t = md.topics.find((x) => x.name === name);
      if (!t || t.errorCode !== 0) {
        const code = t ? t.errorCode : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        throw new AdminError(errorInfo(code).message, code);
      }
      out.set(
        name,
        t.partitions.map((p) => ({ partition: p.partitionIndex, replicas: p.replicaNodes })).sort((a, b) => a.partition - b.partition),
      );
    }
    return out;
  }
}

/** A connection-level failure of one API (retried; its name goes into the timeout message). */
class ApiNameError extends Error {
  constructor(
    readonly api: string,
    message: string,
  ) {
    super(message);
  }
}
