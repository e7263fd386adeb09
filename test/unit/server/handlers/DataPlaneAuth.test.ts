/**
 * Authorization of the data path (KafkaApis 3.7 handleProduceRequest, handleFetchRequest, handleListOffsetRequest,
 * handleOffsetForLeaderEpochRequest) against a fake authorizer and a fake replica manager: which partitions are
 * answered with which *_AUTHORIZATION_FAILED code, and that nothing denied reaches the log.
 */
import { expect } from 'chai';
import { RequestContext } from '../../../../src/network/RequestContext';
import { FetchApi, ListOffsetsApi, OffsetForLeaderEpochApi, ProduceApi } from '../../../../src/protocol/apis';
import { ErrorCode } from '../../../../src/protocol/errors';
import { buildRecordBatch } from '../../../../src/protocol/records/MemoryRecordsBuilder';
import { Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import { AclOperation as O } from '../../../../src/security/AclEntry';
import { CLUSTER_NAME, ResourceType as R } from '../../../../src/security/authorizer/Authorizer';
import { AuthHelper } from '../../../../src/server/handlers/AuthHelper';
import { DataPlaneApis } from '../../../../src/server/handlers/DataPlaneApis';
import { ReplicationApis } from '../../../../src/server/handlers/ReplicationApis';
import type { ReplicaManager } from '../../../../src/server/ReplicaManager';
import { userPrincipal } from '../../../../src/security/auth/KafkaPrincipal';
import { FakeAuthorizer } from './FakeAuthorizer';

const KNOWN = new Set(['a', 'b']);

interface FakeRm {
  appended: string[];
  fetched: string[];
}

function fakeRm(seen: FakeRm): ReplicaManager {
  return {
    metadataCache: { topicName: () => undefined, partitionState: (t: string) => (KNOWN.has(t) ? {} : undefined) },
    appendRecords: (_v: number, _acks: number, _t: number, entries: Array<{ topic: string; partition: number }>) => {
      seen.appended.push(...entries.map((e) => `${e.topic}-${e.partition}`));
      return entries.map(() => ({ errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: 7, logAppendTimeMs: -1, logStartOffset: 0 }));
    },
    fetchMessages: (_p: unknown, parts: Array<{ topic: string; partition: number }>) => {
      seen.fetched.push(...parts.map((p) => `${p.topic}-${p.partition}`));
      return parts.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        errorCode: ErrorCode.NONE,
        highWatermark: 3,
        lastStableOffset: 3,
        logStartOffset: 0,
        records: [],
        sizeInBytes: 0,
        abortedTransactions: null,
        divergingEpoch: null,
      }));
    },
    brokerTopicStats: { updateBytesOut: () => undefined },
    getPartition: () => undefined,
    leaderPartitionOrError: () => ErrorCode.NOT_LEADER_OR_FOLLOWER,
    lastOffsetForLeaderEpoch: () => ({ errorCode: ErrorCode.NONE, leaderEpoch: 2, endOffset: 9 }),
  } as unknown as ReplicaManager;
}

function ctx(apiKey: number, apiVersion: number): RequestContext {
  return {
    header: { apiKey, apiVersion, correlationId: 1, clientId: 'test' },
    listenerName: 'SASL_PLAINTEXT',
    clientAddress: '127.0.0.1',
    connectionId: 'c',
    principal: userPrincipal('alice'),
    securityProtocol: 'SASL_PLAINTEXT',
  };
}

const CONFIG = { maxIncrementalFetchSessionCacheSlots: 10, fetchMaxBytes: 1 << 20 };

function setup(grants: Array<[number, number, string]>, withAuthorizer = true) {
  const seen: FakeRm = { appended: [], fetched: [] };
  const authorizer = new FakeAuthorizer(grants);
  const auth = new AuthHelper(withAuthorizer ? authorizer : undefined);
  const rm = fakeRm(seen);
  return { seen, authorizer, data: new DataPlaneApis(rm, CONFIG, auth), replication: new ReplicationApis(1, rm, null, auth) };
}

function batch(transactional = false): Buffer {
  return buildRecordBatch({
    records: [{ key: null, value: Buffer.from('v'), timestamp: 1 }],
    producerId: transactional ? 5 : -1,
    producerEpoch: transactional ? 0 : -1,
    baseSequence: transactional ? 0 : -1,
    isTransactional: transactional,
  });
}

async function produce(api: DataPlaneApis, topics: string[], transactionalId: string | null = null, transactional = false) {
  const v = 9;
  const w = new Writer();
  ProduceApi.encodeRequest(w, v, {
    transactionalId,
    acks: -1,
    timeoutMs: 1000,
    topicData: topics.map((name) => ({ name, partitionData: [{ index: 0, records: batch(transactional) }] })),
  });
  const body = await api.handleProduce(ctx(0, v), new Reader(w.toBuffer()));
  const res = ProduceApi.decodeResponse(new Reader(Buffer.concat(body!)), v);
  return res.responses.map((t) => [t.name, t.partitionResponses[0].errorCode]);
}

async function fetch(api: DataPlaneApis, topics: string[], replicaId = -1) {
  const v = 12;
  const w = new Writer();
  FetchApi.encodeRequest(w, v, {
    clusterId: null,
    replicaId,
    replicaState: { replicaId: -1, replicaEpoch: -1 },
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: topics.map((topic) => ({
      topic,
      topicId: Buffer.alloc(16),
      partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1000 }],
    })),
    forgottenTopicsData: [],
    rackId: '',
  });
  const body = await api.handleFetch(ctx(1, v), new Reader(w.toBuffer()));
  const res = FetchApi.decodeResponse(new Reader(Buffer.concat(body!)), v);
  return res.responses.map((t) => [t.topic, t.partitions[0].errorCode]).sort();
}

describe('Data path authorization (KafkaApis 3.7 with an authorizer)', () => {
  it('Produce: topics without WRITE are TOPIC_AUTHORIZATION_FAILED and not appended; the others are appended', async () => {
    const { data, seen, authorizer } = setup([[O.WRITE, R.TOPIC, 'a']]);
    expect(await produce(data, ['a', 'b', 'zz'])).to.deep.equal([
      ['a', ErrorCode.NONE],
      ['b', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ['zz', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    expect(seen.appended).to.deep.equal(['a-0']);
    expect(authorizer.asked.map((a) => [a.operation, a.resourceType, a.resourceName])).to.deep.equal([
      [O.WRITE, R.TOPIC, 'a'],
      [O.WRITE, R.TOPIC, 'b'],
      [O.WRITE, R.TOPIC, 'zz'],
    ]);
  });

  it('Produce: transactional records need WRITE on the transactional id, else the whole request fails', async () => {
    const denied = setup([[O.WRITE, R.TOPIC, 'a']]);
    expect(await produce(denied.data, ['a'], 'tx', true)).to.deep.equal([['a', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]]);
    expect(denied.seen.appended).to.deep.equal([]);
    const allowed = setup([
      [O.WRITE, R.TOPIC, 'a'],
      [O.WRITE, R.TRANSACTIONAL_ID, 'tx'],
    ]);
    expect(await produce(allowed.data, ['a'], 'tx', true)).to.deep.equal([['a', ErrorCode.NONE]]);
    expect(allowed.seen.appended).to.deep.equal(['a-0']);
  });

  it('Produce without an authorizer: everything allowed, nothing asked', async () => {
    const { data, seen, authorizer } = setup([], false);
    expect(await produce(data, ['a', 'b'])).to.deep.equal([
      ['a', ErrorCode.NONE],
      ['b', ErrorCode.NONE],
    ]);
    expect(seen.appended).to.deep.equal(['a-0', 'b-0']);
    expect(authorizer.asked).to.deep.equal([]);
  });

  it('Fetch: a consumer needs READ per topic; unauthorized is answered before the unknown-topic check', async () => {
    const { data, seen } = setup([[O.READ, R.TOPIC, 'a']]);
    expect(await fetch(data, ['a', 'b', 'nope'])).to.deep.equal([
      ['a', ErrorCode.NONE],
      ['b', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ['nope', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    expect(seen.fetched).to.deep.equal(['a-0']);
    const { data: d2 } = setup([[O.READ, R.TOPIC, 'nope']]);
    expect(await fetch(d2, ['nope'])).to.deep.equal([['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
  });

  it('Fetch: a follower needs CLUSTER_ACTION on the cluster, topic READ does not help', async () => {
    const denied = setup([[O.READ, R.TOPIC, 'a']]);
    expect(await fetch(denied.data, ['a'], 2)).to.deep.equal([['a', ErrorCode.TOPIC_AUTHORIZATION_FAILED]]);
    expect(denied.seen.fetched).to.deep.equal([]);
    const allowed = setup([[O.CLUSTER_ACTION, R.CLUSTER, CLUSTER_NAME]]);
    expect(await fetch(allowed.data, ['a'], 2)).to.deep.equal([['a', ErrorCode.NONE]]);
  });

  it('ListOffsets: topics without DESCRIBE answer TOPIC_AUTHORIZATION_FAILED, after the authorized ones', async () => {
    const { data } = setup([[O.DESCRIBE, R.TOPIC, 'b']]);
    const v = 7;
    const w = new Writer();
    ListOffsetsApi.encodeRequest(w, v, {
      replicaId: -1,
      isolationLevel: 0,
      topics: ['a', 'b'].map((name) => ({ name, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] })),
    });
    const body = data.handleListOffsets(ctx(2, v), new Reader(w.toBuffer()));
    const res = ListOffsetsApi.decodeResponse(new Reader(Buffer.concat(body!)), v);
    expect(res.topics.map((t) => [t.name, t.partitions[0].errorCode, t.partitions[0].offset])).to.deep.equal([
      ['b', ErrorCode.NOT_LEADER_OR_FOLLOWER, -1],
      ['a', ErrorCode.TOPIC_AUTHORIZATION_FAILED, -1],
    ]);
  });

  it('OffsetForLeaderEpoch: CLUSTER_ACTION covers every topic; otherwise DESCRIBE per topic', async () => {
    const ask = async (grants: Array<[number, number, string]>) => {
      const { replication } = setup(grants);
      const v = 4;
      const w = new Writer();
      OffsetForLeaderEpochApi.encodeRequest(w, v, {
        replicaId: -1,
        topics: ['a', 'b'].map((topic) => ({ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 2 }] })),
      });
      const body = replication.handleOffsetForLeaderEpoch(ctx(23, v), new Reader(w.toBuffer()));
      const res = OffsetForLeaderEpochApi.decodeResponse(new Reader(Buffer.concat(body!)), v);
      return res.topics.map((t) => [t.topic, t.partitions[0].errorCode, t.partitions[0].endOffset]);
    };
    expect(await ask([[O.CLUSTER_ACTION, R.CLUSTER, CLUSTER_NAME]])).to.deep.equal([
      ['a', ErrorCode.NONE, 9],
      ['b', ErrorCode.NONE, 9],
    ]);
    expect(await ask([[O.DESCRIBE, R.TOPIC, 'b']])).to.deep.equal([
      ['b', ErrorCode.NONE, 9],
      ['a', ErrorCode.TOPIC_AUTHORIZATION_FAILED, -1],
    ]);
  });
});
