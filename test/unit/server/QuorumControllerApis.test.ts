/**
 * The CONTROLLER listener's handler (kafka.server.ControllerApis) over a stand-in quorum controller and raft
 * manager: ApiVersions lists only what a controller serves, Raft APIs go to the raft manager, a standby's
 * NotControllerError becomes NOT_CONTROLLER in each API's error fields, ControllerApis' own checks (duplicate
 * topics, __cluster_metadata, unknown config resources, delete.topic.enable), and DescribeCluster (KIP-919).
 */
import { expect } from 'chai';
import type { RequestContext } from '../../../src/network/RequestContext';
import { ApiKey } from '../../../src/protocol/apiKeys';
import {
  AllocateProducerIdsApi,
  AlterPartitionApi,
  ApiVersionsApi,
  BrokerHeartbeatApi,
  BrokerRegistrationApi,
  CreatePartitionsApi,
  CreateTopicsApi,
  DeleteTopicsApi,
  DescribeClusterApi,
  ElectLeadersApi,
  IncrementalAlterConfigsApi,
  UpdateFeaturesApi,
} from '../../../src/protocol/apis';
import type { ApiCodec } from '../../../src/protocol/apis/types';
import type { CreateTopicsRequest } from '../../../src/protocol/apis/19-create-topics';
import { ErrorCode, KafkaError } from '../../../src/protocol/errors';
import { Reader } from '../../../src/protocol/Reader';
import { Writer } from '../../../src/protocol/Writer';
import { ControllerForApis, QuorumControllerApis, RaftForApis } from '../../../src/server/handlers/QuorumControllerApis';

class NotControllerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotControllerError';
  }
}

function ctx(apiKey: number, apiVersion: number, listenerName = 'CONTROLLER'): RequestContext {
  return { header: { apiKey, apiVersion, correlationId: 7, clientId: 'test' }, listenerName, clientAddress: '127.0.0.1', connectionId: 'c' };
}

const ZERO = Buffer.alloc(16);

/** A controller whose every method records its call and answers from `answers`, or fails when standby. */
function fakeController(opts: { active: boolean; level?: number }) {
  const calls: Array<{ method: string; req: unknown; version?: number }> = [];
  const notController = () => Promise.reject(new NotControllerError('The active controller appears to be node 3002.'));
  const record =
    <T>(method: string, answer: (req: never, version?: number) => T) =>
    (req: unknown, version?: number): Promise<T> => {
      calls.push({ method, req, version });
      return opts.active ? Promise.resolve(answer(req as never, version)) : (notController() as Promise<T>);
    };
  const controller: ControllerForApis = {
    isActive: () => opts.active,
    image: () => ({ offset: 41, features: new Map([['metadata.version', opts.level ?? 19]]) }),
    registerBroker: record('registerBroker', () => ({ throttleTimeMs: 0, errorCode: 0, brokerEpoch: 12 })),
    processBrokerHeartbeat: record('processBrokerHeartbeat', () => ({
      throttleTimeMs: 0,
      errorCode: 0,
      isCaughtUp: true,
      isFenced: false,
      shouldShutDown: false,
    })),
    unregisterBroker: record('unregisterBroker', () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: null })),
    alterPartition: record('alterPartition', () => ({ throttleTimeMs: 0, errorCode: 0, topics: [] })),
    createTopics: record('createTopics', (req: CreateTopicsRequest) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        topicId: Buffer.alloc(16, 1),
        errorCode: 0,
        errorMessage: null,
        numPartitions: 1,
        replicationFactor: 1,
        configs: [],
      })),
    })),
    deleteTopics: record('deleteTopics', () => ({ throttleTimeMs: 0, responses: [] })),
    createPartitions: record('createPartitions', (req: { topics: Array<{ name: string }> }) => ({
      throttleTimeMs: 0,
      results: req.topics.map((t) => ({ name: t.name, errorCode: 0, errorMessage: null })),
    })),
    incrementalAlterConfigs: record('incrementalAlterConfigs', (req: { resources: Array<{ resourceType: number; resourceName: string }> }) => ({
      throttleTimeMs: 0,
      responses: req.resources.map((r) => ({ errorCode: 0, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName })),
    })),
    legacyAlterConfigs: record('legacyAlterConfigs', () => ({ throttleTimeMs: 0, responses: [] })),
    allocateProducerIds: record('allocateProducerIds', () => ({ throttleTimeMs: 0, errorCode: 0, producerIdStart: 0, producerIdLen: 1000 })),
    electLeaders: record('electLeaders', () => ({ throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [] })),
    alterPartitionReassignments: record('alterPartitionReassignments', () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses: [] })),
    listPartitionReassignments: record('listPartitionReassignments', () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [] })),
    updateFeatures: record('updateFeatures', () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, results: [] })),
  };
  return { controller, calls };
}

function fakeRaft(leaderId: number | undefined = 3001) {
  const handled: number[] = [];
  const raft: RaftForApis = {
    isRaftApi: (k) =>
      [ApiKey.Vote, ApiKey.BeginQuorumEpoch, ApiKey.EndQuorumEpoch, ApiKey.Fetch, ApiKey.FetchSnapshot, ApiKey.DescribeQuorum].includes(k as never),
    raftApiVersions: () => [
      { apiKey: ApiKey.Fetch, minVersion: 0, maxVersion: 15 },
      { apiKey: ApiKey.Vote, minVersion: 0, maxVersion: 0 },
      { apiKey: ApiKey.BeginQuorumEpoch, minVersion: 0, maxVersion: 0 },
      { apiKey: ApiKey.EndQuorumEpoch, minVersion: 0, maxVersion: 0 },
      { apiKey: ApiKey.DescribeQuorum, minVersion: 0, maxVersion: 1 },
      { apiKey: ApiKey.FetchSnapshot, minVersion: 0, maxVersion: 0 },
    ],
    handleRaftRequest: (c) => {
      handled.push(c.header.apiKey);
      return Promise.resolve([Buffer.from([1, 2, 3])]);
    },
    leaderAndEpoch: () => ({ leaderId, epoch: 5 }),
  };
  return { raft, handled };
}

function apis(opts: { active?: boolean; deleteTopicEnable?: boolean; level?: number; leaderId?: number } = {}) {
  const { controller, calls } = fakeController({ active: opts.active ?? true, level: opts.level });
  const { raft, handled } = fakeRaft(opts.leaderId ?? 3001);
  const handler = new QuorumControllerApis({
    nodeId: 3001,
    clusterId: 'AAAAAAAAAAAAAAAAAAAAAA',
    controller,
    raft,
    deleteTopicEnable: opts.deleteTopicEnable ?? true,
    controllerNodes: (listener) =>
      listener === 'CONTROLLER'
        ? [
            { id: 3002, host: '127.0.0.1', port: 19092 },
            { id: 3001, host: '127.0.0.1', port: 19091 },
          ]
        : [],
  });
  return { handler, calls, handled };
}

/** Encodes `req`, runs it through the handler and decodes the answer. */
async function roundTrip<Req, Res>(h: QuorumControllerApis, codec: ApiCodec<Req, Res>, v: number, req: Req, listener = 'CONTROLLER'): Promise<Res> {
  const w = new Writer(256);
  codec.encodeRequest(w, v, req);
  const body = await h.handle(ctx(codec.apiKey, v, listener), new Reader(w.toBuffer()));
  return codec.decodeResponse(new Reader(Buffer.concat(body!)), v);
}

const createTopicsReq = (names: string[]): CreateTopicsRequest => ({
  topics: names.map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })),
  timeoutMs: 5000,
  validateOnly: false,
});

describe('server: QuorumControllerApis (the CONTROLLER listener)', () => {
  it('advertises only what a controller serves: the Raft APIs at the raft manager versions and the controller APIs', async () => {
    const { handler } = apis();
    const res = await roundTrip(handler, ApiVersionsApi, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    expect(res.errorCode).to.equal(ErrorCode.NONE);
    const keys = res.apiKeys.map((k) => k.apiKey);
    for (const k of [
      ApiKey.ApiVersions,
      ApiKey.Vote,
      ApiKey.BeginQuorumEpoch,
      ApiKey.EndQuorumEpoch,
      ApiKey.Fetch,
      ApiKey.FetchSnapshot,
      ApiKey.DescribeQuorum,
      ApiKey.BrokerRegistration,
      ApiKey.BrokerHeartbeat,
      ApiKey.UnregisterBroker,
      ApiKey.AlterPartition,
      ApiKey.CreateTopics,
      ApiKey.DeleteTopics,
      ApiKey.CreatePartitions,
      ApiKey.IncrementalAlterConfigs,
      ApiKey.AlterConfigs,
      ApiKey.AllocateProducerIds,
      ApiKey.ElectLeaders,
      ApiKey.AlterPartitionReassignments,
      ApiKey.ListPartitionReassignments,
      ApiKey.UpdateFeatures,
      ApiKey.DescribeCluster,
    ]) {
      expect(keys, `api ${k}`).to.include(k);
    }
    for (const k of [ApiKey.Produce, ApiKey.Metadata, ApiKey.FindCoordinator, ApiKey.JoinGroup, ApiKey.LeaderAndIsr])
      expect(keys, `api ${k}`).not.to.include(k);
    expect(keys).to.deep.equal([...keys].sort((a, b) => a - b));
    expect(res.apiKeys.find((k) => k.apiKey === ApiKey.Fetch)).to.deep.equal({ apiKey: ApiKey.Fetch, minVersion: 0, maxVersion: 15 });
    expect(res.finalizedFeaturesEpoch).to.equal(41);
    expect(res.finalizedFeatures).to.deep.equal([{ name: 'metadata.version', minVersionLevel: 19, maxVersionLevel: 19 }]);
  });

  it('decides flexibility (and so what it serves) per API: a produce request or an unserved version is refused', () => {
    const { handler } = apis();
    expect(handler.isFlexible(ApiKey.Produce, 9)).to.equal(undefined);
    expect(handler.isFlexible(ApiKey.Vote, 1)).to.equal(undefined);
    expect(handler.isFlexible(ApiKey.Vote, 0)).to.equal(true);
    expect(handler.isFlexible(ApiKey.CreateTopics, 5)).to.equal(true);
    expect(handler.isFlexible(ApiKey.CreateTopics, 4)).to.equal(false);
    expect(handler.isFlexible(ApiKey.BrokerRegistration, 99)).to.equal(undefined);
  });

  it('hands the Raft APIs to the raft manager', async () => {
    const { handler, handled } = apis();
    const body = await handler.handle(ctx(ApiKey.Vote, 0), new Reader(Buffer.alloc(0)));
    expect(handled).to.deep.equal([ApiKey.Vote]);
    expect(Buffer.concat(body!)).to.deep.equal(Buffer.from([1, 2, 3]));
  });

  it('passes broker registration and heartbeats to the active controller and encodes its answers', async () => {
    const { handler, calls } = apis();
    const reg = await roundTrip(handler, BrokerRegistrationApi, 3, {
      brokerId: 1,
      clusterId: 'AAAAAAAAAAAAAAAAAAAAAA',
      incarnationId: Buffer.alloc(16, 9),
      listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 0 }],
      features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: 19 }],
      rack: null,
      isMigratingZkBroker: false,
      logDirs: [],
      previousBrokerEpoch: -1,
    });
    expect(reg).to.include({ errorCode: 0, brokerEpoch: 12 });
    const hb = await roundTrip(handler, BrokerHeartbeatApi, 1, {
      brokerId: 1,
      brokerEpoch: 12,
      currentMetadataOffset: 3,
      wantFence: false,
      wantShutDown: false,
    });
    expect(hb).to.include({ errorCode: 0, isCaughtUp: true, isFenced: false, shouldShutDown: false });
    expect(calls.map((c) => c.method)).to.deep.equal(['registerBroker', 'processBrokerHeartbeat']);
  });

  it('answers NOT_CONTROLLER (41) in each API error field on a standby controller', async () => {
    const { handler } = apis({ active: false });
    const reg = await roundTrip(handler, BrokerRegistrationApi, 0, {
      brokerId: 1,
      clusterId: 'c',
      incarnationId: ZERO,
      listeners: [],
      features: [],
      rack: null,
    });
    expect(reg).to.include({ errorCode: ErrorCode.NOT_CONTROLLER, brokerEpoch: -1 });
    const hb = await roundTrip(handler, BrokerHeartbeatApi, 0, { brokerId: 1, brokerEpoch: 1, currentMetadataOffset: 0, wantFence: true, wantShutDown: false });
    expect(hb).to.include({ errorCode: ErrorCode.NOT_CONTROLLER, isFenced: true });
    const ct = await roundTrip(handler, CreateTopicsApi, 7, createTopicsReq(['a', 'b']));
    expect(ct.topics.map((t) => [t.name, t.errorCode, t.errorMessage])).to.deep.equal([
      ['a', 41, 'The active controller appears to be node 3002.'],
      ['b', 41, 'The active controller appears to be node 3002.'],
    ]);
    const ap = await roundTrip(handler, AlterPartitionApi, 3, { brokerId: 1, brokerEpoch: 5, topics: [] });
    expect(ap.errorCode).to.equal(ErrorCode.NOT_CONTROLLER);
    const el = await roundTrip(handler, ElectLeadersApi, 2, { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0, 1] }], timeoutMs: 100 });
    expect(el.errorCode).to.equal(ErrorCode.NOT_CONTROLLER);
    expect(el.replicaElectionResults[0].partitionResult.map((p) => p.errorCode)).to.deep.equal([41, 41]);
    const uf = await roundTrip(handler, UpdateFeaturesApi, 1, { timeoutMs: 100, featureUpdates: [], validateOnly: false });
    expect(uf.errorCode).to.equal(ErrorCode.NOT_CONTROLLER);
    const cp = await roundTrip(handler, CreatePartitionsApi, 3, { topics: [{ name: 't', count: 3, assignments: null }], timeoutMs: 100, validateOnly: false });
    expect(cp.results).to.deep.equal([{ name: 't', errorCode: 41, errorMessage: 'The active controller appears to be node 3002.' }]);
  });

  it('maps a KafkaError from the controller to its code', async () => {
    const { handler } = apis();
    const h = handler as unknown as { deps: { controller: ControllerForApis } };
    h.deps.controller.allocateProducerIds = () => Promise.reject(new KafkaError(ErrorCode.STALE_BROKER_EPOCH, 'stale'));
    const res = await roundTrip(handler, AllocateProducerIdsApi, 0, { brokerId: 1, brokerEpoch: 3 });
    expect(res.errorCode).to.equal(ErrorCode.STALE_BROKER_EPOCH);
  });

  it('CreateTopics: duplicates are INVALID_REQUEST and __cluster_metadata is never created; the rest reach the controller', async () => {
    const { handler, calls } = apis();
    const res = await roundTrip(handler, CreateTopicsApi, 7, createTopicsReq(['a', 'dup', 'dup', '__cluster_metadata']));
    const sent = calls[0].req as CreateTopicsRequest;
    expect(sent.topics.map((t) => t.name)).to.deep.equal(['a']);
    expect(res.topics.map((t) => [t.name, t.errorCode, t.errorMessage])).to.deep.equal([
      ['a', 0, null],
      ['dup', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
      ['__cluster_metadata', ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.'],
    ]);
  });

  it('DeleteTopics with delete.topic.enable=false: TOPIC_DELETION_DISABLED (v3+), INVALID_REQUEST before', async () => {
    const { handler, calls } = apis({ deleteTopicEnable: false });
    const v6 = await roundTrip(handler, DeleteTopicsApi, 6, { topics: [{ name: 'a', topicId: ZERO }], topicNames: [], timeoutMs: 100 });
    expect(v6.responses.map((r) => [r.name, r.errorCode])).to.deep.equal([['a', ErrorCode.TOPIC_DELETION_DISABLED]]);
    const v2 = await roundTrip(handler, DeleteTopicsApi, 2, { topicNames: ['a'], timeoutMs: 100 });
    expect(v2.responses.map((r) => [r.name, r.errorCode])).to.deep.equal([['a', ErrorCode.INVALID_REQUEST]]);
    expect(calls).to.deep.equal([]);
  });

  it('IncrementalAlterConfigs: unknown resource types and duplicate resources are answered first, the rest by the controller', async () => {
    const { handler, calls } = apis();
    const res = await roundTrip(handler, IncrementalAlterConfigsApi, 1, {
      resources: [
        { resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }] },
        { resourceType: 99, resourceName: 'x', configs: [] },
        { resourceType: 4, resourceName: '1', configs: [] },
        { resourceType: 4, resourceName: '1', configs: [] },
      ],
      validateOnly: false,
    });
    expect((calls[0].req as { resources: unknown[] }).resources).to.have.length(1);
    expect(res.responses.map((r) => [r.resourceType, r.resourceName, r.errorCode, r.errorMessage])).to.deep.equal([
      [99, 'x', ErrorCode.UNSUPPORTED_VERSION, 'Unknown resource type 99.'],
      [4, '1', ErrorCode.INVALID_REQUEST, 'Duplicate resource.'],
      [2, 't', 0, null],
    ]);
  });

  it('DescribeCluster (KIP-919): the controllers on the request listener and the Raft leader; a BROKER endpoint type is mismatched', async () => {
    const { handler } = apis({ leaderId: 3002 });
    const res = await roundTrip(handler, DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
    expect(res.errorCode).to.equal(0);
    expect(res.endpointType).to.equal(2);
    expect(res.clusterId).to.equal('AAAAAAAAAAAAAAAAAAAAAA');
    expect(res.controllerId).to.equal(3002);
    expect(res.brokers.map((b) => [b.brokerId, b.port])).to.deep.equal([
      [3001, 19091],
      [3002, 19092],
    ]);
    const wrong = await roundTrip(handler, DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    expect(wrong.errorCode).to.equal(ErrorCode.MISMATCHED_ENDPOINT_TYPE);
    expect(wrong.errorMessage).to.equal('The request was sent to an endpoint of type CONTROLLER, but we wanted an endpoint of type BROKER');
    const v0 = await roundTrip(handler, DescribeClusterApi, 0, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    expect(v0.errorCode).to.equal(ErrorCode.INVALID_REQUEST);
  });

  it('DescribeCluster needs metadata.version 3.7-IV0 or later', async () => {
    const { handler } = apis({ level: 14 });
    const res = await roundTrip(handler, DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
    expect(res.errorCode).to.equal(ErrorCode.UNSUPPORTED_VERSION);
  });

  it('a malformed request body throws at once (the SocketServer closes that connection)', () => {
    const { handler } = apis();
    expect(() => handler.handle(ctx(ApiKey.DescribeCluster, 1), new Reader(Buffer.from([0xff])))).to.throw();
    expect(() => handler.handle(ctx(ApiKey.CreateTopics, 7), new Reader(Buffer.from([0x05, 0x01])))).to.throw();
  });
});
