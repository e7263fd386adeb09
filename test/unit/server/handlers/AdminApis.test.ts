/**
 * AdminApis' Metadata and DeleteTopics handlers over a real MetadataCache (no sockets, no ZooKeeper): the cases of
 * KafkaApis.handleTopicMetadataRequest / ZkMetadataCache.getPartitionMetadata and handleDeleteTopicsRequest that the
 * integration tests cannot set up easily (a leader without the listener, v0's replica filtering, invalid names).
 */
import { expect } from 'chai';
import { RequestContext } from '../../../../src/network/RequestContext';
import { DeleteTopicsApi, MetadataApi } from '../../../../src/protocol/apis';
import { DeleteTopicsRequest, DeleteTopicsResponse } from '../../../../src/protocol/apis/20-delete-topics';
import { MetadataRequest, MetadataResponse } from '../../../../src/protocol/apis/03-metadata';
import { ErrorCode } from '../../../../src/protocol/errors';
import { Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import { AdminApis } from '../../../../src/server/handlers/AdminApis';
import { KafkaApisDeps } from '../../../../src/server/handlers/ApiDeps';
import { MetadataCache } from '../../../../src/server/MetadataCache';

const ID_A = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');

function cacheWithTopic(): MetadataCache {
  const cache = new MetadataCache(1);
  const ep = (port: number, listener = 'PLAINTEXT') => ({ listener, host: '127.0.0.1', port, securityProtocol: 0 });
  const part = (partitionIndex: number, leader: number, replicas: number[]) => ({
    topicName: 'a',
    partitionIndex,
    controllerEpoch: 1,
    leader,
    leaderEpoch: 4,
    isr: replicas,
    partitionEpoch: 0,
    replicas,
    offlineReplicas: [],
  });
  cache.update(
    1,
    [
      { id: 1, endpoints: [ep(9092)], rack: null },
      // Alive, but without the listener clients use.
      { id: 2, endpoints: [ep(9093, 'INTERNAL')], rack: null },
    ],
    [part(0, 1, [1, 2]), part(1, 2, [2, 1]), part(2, -1, [1])],
    new Map([['a', ID_A]]),
  );
  return cache;
}

function apis(cache: MetadataCache, deleted: string[] = [], deleteTopicEnable = true): AdminApis {
  const deps = {
    config: { brokerId: 1, autoCreateTopicsEnable: false, deleteTopicEnable },
    clusterId: 'cluster',
    metadataCache: cache,
    controller: { isActive: () => true },
    adminManager: {
      deleteTopics: async (topics: string[]) => {
        deleted.push(...topics);
        return new Map(topics.map((t) => [t, ErrorCode.NONE]));
      },
    },
  } as unknown as KafkaApisDeps;
  return new AdminApis(deps);
}

function ctx(apiKey: number, apiVersion: number): RequestContext {
  return { header: { apiKey, apiVersion, correlationId: 1, clientId: 'test' }, listenerName: 'PLAINTEXT', clientAddress: '127.0.0.1', connectionId: 'c' };
}

async function metadata(api: AdminApis, v: number, req: MetadataRequest): Promise<MetadataResponse> {
  const w = new Writer();
  MetadataApi.encodeRequest(w, v, req);
  const body = await api.handleMetadata(ctx(3, v), new Reader(w.toBuffer()));
  return MetadataApi.decodeResponse(new Reader(Buffer.concat(body!)), v);
}

async function deleteTopics(api: AdminApis, v: number, req: DeleteTopicsRequest): Promise<DeleteTopicsResponse> {
  const w = new Writer();
  DeleteTopicsApi.encodeRequest(w, v, req);
  const body = await api.handleDeleteTopics(ctx(20, v), new Reader(w.toBuffer()));
  return DeleteTopicsApi.decodeResponse(new Reader(Buffer.concat(body!)), v);
}

describe('AdminApis: Metadata (KafkaApis.handleTopicMetadataRequest, ZK mode)', () => {
  it('a live leader without the request listener: LISTENER_NOT_FOUND from v6, LEADER_NOT_AVAILABLE before; leader -1', async () => {
    const api = apis(cacheWithTopic());
    for (const [v, code] of [
      [5, ErrorCode.LEADER_NOT_AVAILABLE],
      [6, ErrorCode.LISTENER_NOT_FOUND],
      [12, ErrorCode.LISTENER_NOT_FOUND],
    ]) {
      const md = await metadata(api, v, { topics: [{ name: 'a' }], allowAutoTopicCreation: false });
      expect(md.brokers.map((b) => b.nodeId)).to.deep.equal([1]);
      expect(md.topics[0].partitions.map((p) => [p.partitionIndex, p.errorCode, p.leaderId])).to.deep.equal([
        [0, 0, 1],
        [1, code, -1],
        [2, ErrorCode.LEADER_NOT_AVAILABLE, -1],
      ]);
    }
  });

  it('v0 lists only replicas reachable on the listener and says REPLICA_NOT_AVAILABLE; v1+ list them all', async () => {
    const api = apis(cacheWithTopic());
    const v0 = await metadata(api, 0, { topics: [{ name: 'a' }], allowAutoTopicCreation: true });
    expect(v0.topics[0].partitions[0]).to.include({ errorCode: ErrorCode.REPLICA_NOT_AVAILABLE, leaderId: 1 });
    expect(v0.topics[0].partitions[0].replicaNodes).to.deep.equal([1]);
    const v1 = await metadata(api, 1, { topics: [{ name: 'a' }], allowAutoTopicCreation: true });
    expect(v1.topics[0].partitions[0]).to.include({ errorCode: 0, leaderId: 1 });
    expect(v1.topics[0].partitions[0].replicaNodes).to.deep.equal([1, 2]);
  });

  it('v7+ carry the leader epoch, v10+ the topic id', async () => {
    const api = apis(cacheWithTopic());
    const md = await metadata(api, 10, { topics: [{ name: 'a' }], allowAutoTopicCreation: false });
    expect(md.topics[0].topicId).to.deep.equal(ID_A);
    expect(md.topics[0].partitions.map((p) => p.leaderEpoch)).to.deep.equal([4, 4, 4]);
  });

  it('without auto-creation an unknown topic is UNKNOWN_TOPIC_OR_PARTITION, an invalid name INVALID_TOPIC_EXCEPTION', async () => {
    const md = await metadata(apis(cacheWithTopic()), 4, { topics: [{ name: 'nope' }, { name: 'bad name!' }], allowAutoTopicCreation: true });
    expect(md.topics.map((t) => [t.name, t.errorCode])).to.deep.equal([
      ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION],
    ]);
  });

  it('v8-10 report cluster authorized operations when asked; v12 ignores names once an id is given', async () => {
    const api = apis(cacheWithTopic());
    const v8 = await metadata(api, 8, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true });
    expect(v8.clusterAuthorizedOperations).to.equal(0x1fa0);
    const v8no = await metadata(api, 8, { topics: [], allowAutoTopicCreation: false });
    expect(v8no.clusterAuthorizedOperations).to.equal(-2147483648);
    const mixed = await metadata(api, 12, {
      topics: [
        { name: 'other', topicId: Buffer.alloc(16) },
        { name: null, topicId: ID_A },
      ],
      allowAutoTopicCreation: false,
    });
    expect(mixed.topics.map((t) => t.name)).to.deep.equal(['a']);
  });

  it('v12 with an entry naming no topic at all (null name, zero id) is INVALID_REQUEST for every entry', async () => {
    const md = await metadata(apis(cacheWithTopic()), 12, {
      topics: [{ name: null, topicId: Buffer.alloc(16) }, { name: 'a' }],
      allowAutoTopicCreation: false,
    });
    expect(md.topics.map((t) => [t.name, t.errorCode])).to.deep.equal([
      ['', ErrorCode.INVALID_REQUEST],
      ['a', ErrorCode.INVALID_REQUEST],
    ]);
  });
});

describe('AdminApis: DeleteTopics (KafkaApis.handleDeleteTopicsRequest, ZK mode)', () => {
  it('v6: by id (answering with the name), by name (the id stays as asked: zeros), unknown id; nothing named is TOPIC_AUTHORIZATION_FAILED', async () => {
    const deleted: string[] = [];
    const api = apis(cacheWithTopic(), deleted);
    const unknown = Buffer.from('ffffffffffffffffffffffffffffffff', 'hex');
    const res = await deleteTopics(api, 6, {
      topics: [
        { name: null, topicId: ID_A },
        { name: 'a', topicId: Buffer.alloc(16) },
        { name: null, topicId: unknown },
        { name: null, topicId: Buffer.alloc(16) },
        { name: 'gone', topicId: Buffer.alloc(16) },
      ],
      topicNames: [],
      timeoutMs: 1000,
    });
    expect(res.responses.map((r) => [r.name, r.topicId!.toString('hex'), r.errorCode])).to.deep.equal([
      ['a', ID_A.toString('hex'), 0],
      ['a', '00000000000000000000000000000000', 0],
      [null, unknown.toString('hex'), ErrorCode.UNKNOWN_TOPIC_ID],
      [null, '00000000000000000000000000000000', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ['gone', '00000000000000000000000000000000', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    expect(deleted).to.deep.equal(['a']);
  });

  it('deletion disabled: INVALID_REQUEST before v3, TOPIC_DELETION_DISABLED from v3', async () => {
    for (const [v, code] of [
      [2, ErrorCode.INVALID_REQUEST],
      [3, ErrorCode.TOPIC_DELETION_DISABLED],
    ]) {
      const res = await deleteTopics(apis(cacheWithTopic(), [], false), v, { topicNames: ['a'], timeoutMs: 1000 });
      expect(res.responses.map((r) => [r.name, r.errorCode])).to.deep.equal([['a', code]]);
    }
  });
});
