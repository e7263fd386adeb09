/**
 * Cluster administration authorization (KafkaApis 3.7): the cluster operation checked first for the inter-broker
 * and cluster requests (ClusterOperationGate), CreateTopics (CLUSTER or TOPIC CREATE, DESCRIBE_CONFIGS for the
 * configs), DeleteTopics (DESCRIBE/DELETE), CreatePartitions (ALTER), DeleteRecords (DELETE), DescribeConfigs and
 * AlterConfigs (DESCRIBE_CONFIGS/ALTER_CONFIGS on topic or cluster), DescribeCluster's authorized operations.
 */
import { expect } from 'chai';
import {
  CreatePartitionsApi,
  CreateTopicsApi,
  DeleteRecordsApi,
  DeleteTopicsApi,
  DescribeClusterApi,
  DescribeConfigsApi,
  DescribeProducersApi,
  ElectLeadersApi,
  UpdateMetadataApi,
  WriteTxnMarkersApi,
} from '../../../../src/protocol/apis';
import { ErrorCode } from '../../../../src/protocol/errors';
import { Reader } from '../../../../src/protocol/Reader';
import { AclOperation as O, to32BitField } from '../../../../src/security/AclEntry';
import { CLUSTER_NAME, ResourceType as R } from '../../../../src/security/authorizer/Authorizer';
import { AdminApis } from '../../../../src/server/handlers/AdminApis';
import { KafkaApisDeps } from '../../../../src/server/handlers/ApiDeps';
import { AuthHelper, configResourceAuthorizer } from '../../../../src/server/handlers/AuthHelper';
import { ClusterApis } from '../../../../src/server/handlers/ClusterApis';
import { clusterOperationDenied } from '../../../../src/server/handlers/ClusterOperationGate';
import { ConfigApis } from '../../../../src/server/handlers/ConfigApis';
import { DataPlaneApis } from '../../../../src/server/handlers/DataPlaneApis';
import { ProducerStateApis } from '../../../../src/server/handlers/ProducerStateApis';
import type { ReplicaManager } from '../../../../src/server/ReplicaManager';
import { KafkaConfig } from '../../../../src/server/config/KafkaConfig';
import { FakeAuthorizer } from './FakeAuthorizer';
import { aliceContext, callAsAlice as call, oneBrokerCache, requestReader as reader } from './authTestSupport';

type Grant = [number, number, string];

const cache = () =>
  oneBrokerCache(
    ['a', 'b'],
    new Map([
      ['a', Buffer.alloc(16, 1)],
      ['b', Buffer.alloc(16, 2)],
    ]),
  );

function setup(grants: Grant[]) {
  const created: string[] = [];
  const deleted: string[] = [];
  const authorizer = new FakeAuthorizer(grants);
  const deps = {
    config: { brokerId: 1, deleteTopicEnable: true },
    clusterId: 'cluster',
    metadataCache: cache(),
    controller: { isActive: () => true },
    adminManager: {
      createTopics: async (topics: Array<{ name: string }>) => {
        created.push(...topics.map((t) => t.name));
        return topics.map((t) => ({
          name: t.name,
          errorCode: 0,
          errorMessage: null,
          numPartitions: 1,
          replicationFactor: 1,
          configs: [],
          topicConfigErrorCode: 0,
        }));
      },
      deleteTopics: async (topics: string[]) => (deleted.push(...topics), new Map(topics.map((t) => [t, 0]))),
      createPartitions: async () => ({ errorCode: 0, errorMessage: null }),
    },
    authorizer,
  } as unknown as KafkaApisDeps;
  return { created, deleted, authorizer, deps, auth: new AuthHelper(authorizer), admin: new AdminApis(deps) };
}

describe('Cluster administration authorization (KafkaApis 3.7 with an authorizer)', () => {
  it('inter-broker requests need CLUSTER_ACTION, ElectLeaders ALTER: denied answers CLUSTER_AUTHORIZATION_FAILED', () => {
    const denied = setup([]).auth;
    const um = reader(UpdateMetadataApi, 7, {
      controllerId: 1,
      isKRaftController: false,
      type: 0,
      controllerEpoch: 1,
      brokerEpoch: 1,
      ungroupedPartitionStates: [],
      topicStates: [],
      liveBrokers: [],
    } as never);
    const body = clusterOperationDenied(denied, aliceContext(UpdateMetadataApi.apiKey, 7), um);
    expect(UpdateMetadataApi.decodeResponse(new Reader(Buffer.concat(body!)), 7).errorCode).to.equal(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const allowed = setup([[O.CLUSTER_ACTION, R.CLUSTER, CLUSTER_NAME]]).auth;
    expect(clusterOperationDenied(allowed, aliceContext(UpdateMetadataApi.apiKey, 7), um)).to.equal(null);
    // Without an authorizer nothing is gated.
    expect(clusterOperationDenied(new AuthHelper(undefined), aliceContext(UpdateMetadataApi.apiKey, 7), um)).to.equal(null);

    const markers = reader(WriteTxnMarkersApi, 1, {
      markers: [{ producerId: 5, producerEpoch: 0, transactionResult: true, coordinatorEpoch: 0, topics: [{ name: 'a', partitionIndexes: [0, 1] }] }],
    });
    const mres = WriteTxnMarkersApi.decodeResponse(
      new Reader(Buffer.concat(clusterOperationDenied(denied, aliceContext(WriteTxnMarkersApi.apiKey, 1), markers)!)),
      1,
    );
    expect(mres.markers[0].topics[0].partitions.map((p) => p.errorCode)).to.deep.equal([
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
    ]);

    const elect = reader(ElectLeadersApi, 2, { electionType: 0, topicPartitions: [{ topic: 'a', partitions: [0] }], timeoutMs: 1000 });
    const eres = ElectLeadersApi.decodeResponse(new Reader(Buffer.concat(clusterOperationDenied(allowed, aliceContext(ElectLeadersApi.apiKey, 2), elect)!)), 2);
    expect([eres.errorCode, eres.replicaElectionResults[0].partitionResult[0].errorCode]).to.deep.equal([
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
      ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
    ]);
  });

  it('CreateTopics: CREATE on the cluster or the topic; configs only with DESCRIBE_CONFIGS', async () => {
    const topic = (name: string) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] });
    const req = { topics: [topic('x'), topic('y')], timeoutMs: 1000, validateOnly: false };
    const s = setup([[O.CREATE, R.TOPIC, 'x']]);
    const res = await call(CreateTopicsApi, 5, req, (c, r) => s.admin.handleCreateTopics(c, r));
    expect(res.topics.map((t) => [t.name, t.errorCode, t.topicConfigErrorCode, t.numPartitions])).to.deep.equal([
      ['x', 0, ErrorCode.TOPIC_AUTHORIZATION_FAILED, -1],
      ['y', ErrorCode.TOPIC_AUTHORIZATION_FAILED, ErrorCode.TOPIC_AUTHORIZATION_FAILED, -1],
    ]);
    expect(s.created).to.deep.equal(['x']);
    const cluster = setup([
      [O.CREATE, R.CLUSTER, CLUSTER_NAME],
      [O.DESCRIBE_CONFIGS, R.TOPIC, 'y'],
    ]);
    const res2 = await call(CreateTopicsApi, 5, req, (c, r) => cluster.admin.handleCreateTopics(c, r));
    expect(res2.topics.map((t) => [t.name, t.errorCode, t.topicConfigErrorCode, t.numPartitions])).to.deep.equal([
      ['x', 0, ErrorCode.TOPIC_AUTHORIZATION_FAILED, -1],
      ['y', 0, 0, 1],
    ]);
  });

  it('DeleteTopics: DELETE per topic; by id without DESCRIBE the name is withheld', async () => {
    const s = setup([
      [O.DELETE, R.TOPIC, 'a'],
      [O.DELETE, R.TOPIC, 'b'],
    ]);
    const res = await call(
      DeleteTopicsApi,
      6,
      {
        topics: [
          { name: 'a', topicId: Buffer.alloc(16) },
          { name: null, topicId: Buffer.alloc(16, 2) },
        ],
        topicNames: [],
        timeoutMs: 1000,
      },
      (c, r) => s.admin.handleDeleteTopics(c, r),
    );
    expect(res.responses.map((t) => [t.name, t.errorCode])).to.deep.equal([
      ['a', 0],
      [null, ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    expect(s.deleted).to.deep.equal(['a']);
  });

  it('CreatePartitions needs ALTER; DeleteRecords needs DELETE', async () => {
    const s = setup([[O.ALTER, R.TOPIC, 'a']]);
    const cp = await call(
      CreatePartitionsApi,
      1,
      {
        topics: ['a', 'b'].map((name) => ({ name, count: 3, assignments: null })),
        timeoutMs: 1000,
        validateOnly: false,
      },
      (c, r) => s.admin.handleCreatePartitions(c, r),
    );
    expect(cp.results.map((x) => [x.name, x.errorCode])).to.deep.equal([
      ['a', 0],
      ['b', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    const rm = { deleteRecords: () => ({ lowWatermark: 3, errorCode: 0 }) } as unknown as ReplicaManager;
    const data = new DataPlaneApis(
      rm,
      { maxIncrementalFetchSessionCacheSlots: 1, fetchMaxBytes: 1000 },
      new AuthHelper(new FakeAuthorizer([[O.DELETE, R.TOPIC, 'b']])),
    );
    const dr = await call(
      DeleteRecordsApi,
      2,
      { topics: ['a', 'b'].map((name) => ({ name, partitions: [{ partitionIndex: 0, offset: 3 }] })), timeoutMs: 1000 },
      (c, r) => data.handleDeleteRecords(c, r),
    );
    expect(dr.topics.map((t) => [t.name, t.partitions[0].errorCode, t.partitions[0].lowWatermark])).to.deep.equal([
      ['a', ErrorCode.TOPIC_AUTHORIZATION_FAILED, -1],
      ['b', 0, 3],
    ]);
  });

  it('DescribeConfigs: DESCRIBE_CONFIGS on the topic or (brokers) the cluster, denied ones after', async () => {
    const s = setup([[O.DESCRIBE_CONFIGS, R.TOPIC, 'b']]);
    const store = { topicExists: async () => true, getTopicConfig: async () => ({}) };
    const configs = new ConfigApis(KafkaConfig.fromProps({ 'zookeeper.connect': 'localhost:2181', 'broker.id': '1' }), store as never, cache());
    const res = await call(
      DescribeConfigsApi,
      1,
      {
        resources: [
          { resourceType: 2, resourceName: 'a', configurationKeys: null },
          { resourceType: 4, resourceName: '1', configurationKeys: null },
          { resourceType: 2, resourceName: 'b', configurationKeys: ['retention.ms'] },
        ],
        includeSynonyms: false,
      },
      (c, r) => configs.handleDescribeConfigs(c, r, configResourceAuthorizer(s.auth, c, O.DESCRIBE_CONFIGS)),
    );
    expect(res.results.map((x) => [x.resourceName, x.errorCode])).to.deep.equal([
      ['b', 0],
      ['a', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ['1', ErrorCode.CLUSTER_AUTHORIZATION_FAILED],
    ]);
  });

  it('DescribeCluster: authorized operations 0 without cluster DESCRIBE, else the granted ones', async () => {
    const ask = async (grants: Grant[]) => {
      const s = setup(grants);
      const api = new ClusterApis(s.deps);
      const res = await call(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 }, (c, r) => api.handleDescribeCluster(c, r));
      return res.clusterAuthorizedOperations;
    };
    expect(await ask([[O.ALTER, R.CLUSTER, CLUSTER_NAME]])).to.equal(0);
    expect(
      await ask([
        [O.ALTER, R.CLUSTER, CLUSTER_NAME],
        [O.DESCRIBE, R.CLUSTER, CLUSTER_NAME],
      ]),
    ).to.equal(to32BitField([O.ALTER, O.DESCRIBE]));
  });

  it('DescribeProducers: READ on the topic, else TOPIC_AUTHORIZATION_FAILED for each asked partition', async () => {
    const rm = { metadataCache: cache(), getPartition: () => undefined } as unknown as ReplicaManager;
    const api = new ProducerStateApis(rm, new AuthHelper(new FakeAuthorizer([[O.READ, R.TOPIC, 'a']])));
    const res = await call(DescribeProducersApi, 0, { topics: ['a', 'b'].map((name) => ({ name, partitionIndexes: [0] })) }, (c, r) =>
      api.handleDescribeProducers(c, r),
    );
    expect(res.topics.map((t) => [t.name, t.partitions[0].errorCode])).to.deep.equal([
      ['a', ErrorCode.NOT_LEADER_OR_FOLLOWER],
      ['b', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
  });
});
