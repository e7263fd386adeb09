import { expect } from 'chai';
import { MetadataApi, MetadataRequest, MetadataResponse } from '../../../../src/protocol/apis/03-metadata';
import { bytesOf, decodeAll, kjsRequestBytes, kjsResponse, roundTripRequest, roundTripResponse, versions } from './helpers';

const ZERO_UUID = Buffer.alloc(16);

interface KjsMetadata {
  throttleTime?: number;
  clientSideThrottleTime?: number;
  brokers: Array<{ nodeId: number; host: string; port: number; rack?: string | null }>;
  clusterId?: string | null;
  controllerId?: number;
  topicMetadata: Array<{
    topicErrorCode: number;
    topic: string;
    isInternal?: boolean;
    partitionMetadata: Array<{
      partitionErrorCode: number;
      partitionId: number;
      leader: number;
      replicas: number[];
      isr: number[];
      offlineReplicas?: number[];
    }>;
  }>;
}

function sampleResponse(v: number): MetadataResponse {
  return {
    throttleTimeMs: v >= 3 ? 4 : 0,
    brokers: [
      { nodeId: 1, host: '127.0.0.1', port: 9092, rack: v >= 1 ? 'rack-a' : null },
      { nodeId: 2, host: 'broker-2.local', port: 9093, rack: null },
    ],
    clusterId: v >= 2 ? 'Zx3m1q5xQ3m0aD6Zr0pT2w' : null,
    controllerId: v >= 1 ? 2 : -1,
    topics: [
      {
        errorCode: 0,
        name: 'orders',
        isInternal: false,
        partitions: [
          { errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1, 2], isrNodes: [1, 2], offlineReplicas: [] },
          { errorCode: 0, partitionIndex: 1, leaderId: 2, replicaNodes: [2, 1], isrNodes: [2], offlineReplicas: v >= 5 ? [1] : [] },
        ],
      },
      { errorCode: 0, name: '__consumer_offsets', isInternal: v >= 1, partitions: [] },
    ],
  };
}

describe('Metadata codec (key 3)', () => {
  it('declares versions 0-12 (Kafka 3.7), flexible from 9', () => {
    expect([MetadataApi.apiKey, MetadataApi.minVersion, MetadataApi.maxVersion]).to.deep.equal([3, 0, 12]);
    expect(MetadataApi.firstFlexibleVersion).to.equal(9);
  });

  for (const v of versions(0, 6)) {
    it(`v${v} request: decodes kafkajs' bytes and re-encodes them identically`, async () => {
      const buf = await kjsRequestBytes('metadata', v, { topics: ['orders', 'payments'], allowAutoTopicCreation: false });
      const req = decodeAll(buf, (r) => MetadataApi.decodeRequest(r, v));
      // Every field of the description: absent ones (TopicId v10+, the authorized-operations flags v8+) at their defaults.
      expect(req).to.deep.equal({
        topics: [
          { topicId: ZERO_UUID, name: 'orders' },
          { topicId: ZERO_UUID, name: 'payments' },
        ],
        allowAutoTopicCreation: v >= 4 ? false : true,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      expect(bytesOf((w) => MetadataApi.encodeRequest(w, v, req))).to.deep.equal(buf);
    });

    it(`v${v} request: kafkajs' "all topics" form decodes to topics = null`, async () => {
      // kafkajs writes [] as an empty array in v0 and as null (-1) from v1: both mean all topics.
      const buf = await kjsRequestBytes('metadata', v, { topics: [] });
      expect(decodeAll(buf, (r) => MetadataApi.decodeRequest(r, v)).topics).to.equal(null);
    });

    it(`v${v} response: kafkajs decodes and parses what we encode`, async () => {
      const res = sampleResponse(v);
      const buf = bytesOf((w) => MetadataApi.encodeResponse(w, v, res));
      const kjs = kjsResponse<KjsMetadata>('metadata', v);
      const d = await kjs.decode(buf);
      await kjs.parse(d);
      expect(d.brokers.map((b) => [b.nodeId, b.host, b.port])).to.deep.equal(res.brokers.map((b) => [b.nodeId, b.host, b.port]));
      if (v >= 1) {
        expect(d.brokers.map((b) => b.rack)).to.deep.equal(['rack-a', null]);
        expect(d.controllerId).to.equal(2);
        expect(d.topicMetadata.map((t) => t.isInternal)).to.deep.equal([false, true]);
      }
      if (v >= 2) expect(d.clusterId).to.equal(res.clusterId);
      if (v >= 3) expect(v >= 6 ? d.clientSideThrottleTime : d.throttleTime).to.equal(4);
      expect(d.topicMetadata.map((t) => t.topic)).to.deep.equal(['orders', '__consumer_offsets']);
      const p = d.topicMetadata[0].partitionMetadata;
      expect(p.map((x) => [x.partitionErrorCode, x.partitionId, x.leader, x.replicas, x.isr])).to.deep.equal([
        [0, 0, 1, [1, 2], [1, 2]],
        [0, 1, 2, [2, 1], [2]],
      ]);
      if (v >= 5) expect(p.map((x) => x.offlineReplicas)).to.deep.equal([[], [1]]);
    });
  }

  it('v0 request: empty array means all topics; v0 cannot carry null', () => {
    expect(decodeAll(Buffer.from([0, 0, 0, 0]), (r) => MetadataApi.decodeRequest(r, 0)).topics).to.equal(null);
    // As Kafka's generated MetadataRequestData, writing null in v0 (Topics nullable from v1) is an error; v0 says "all" with [].
    expect([...bytesOf((w) => MetadataApi.encodeRequest(w, 0, { topics: [], allowAutoTopicCreation: true } as MetadataRequest))]).to.deep.equal([0, 0, 0, 0]);
    expect(() => bytesOf((w) => MetadataApi.encodeRequest(w, 0, { topics: null } as MetadataRequest))).to.throw(/null/);
  });

  it('v1 request: empty array means no topics, null means all (hand-written bytes)', () => {
    expect(decodeAll(Buffer.from([0, 0, 0, 0]), (r) => MetadataApi.decodeRequest(r, 1)).topics).to.deep.equal([]);
    expect(decodeAll(Buffer.from([255, 255, 255, 255]), (r) => MetadataApi.decodeRequest(r, 1)).topics).to.equal(null);
  });

  it('v4 request golden bytes', () => {
    const buf = bytesOf((w) => MetadataApi.encodeRequest(w, 4, { topics: [{ name: 'ab' }], allowAutoTopicCreation: true }));
    expect([...buf]).to.deep.equal([0, 0, 0, 1, 0, 2, 0x61, 0x62, 1]);
  });

  it('v1 response golden bytes (hand-written from the schema)', () => {
    const res: MetadataResponse = {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
      clusterId: null,
      controllerId: 1,
      topics: [{ errorCode: 3, name: 't', isInternal: false, partitions: [] }],
    };
    expect([...bytesOf((w) => MetadataApi.encodeResponse(w, 1, res))]).to.deep.equal([
      0, 0, 0, 1, /* broker */ 0, 0, 0, 1, 0, 1, 0x68, 0, 0, 0x23, 0x84, 0xff, 0xff, /* controller */ 0, 0, 0, 1, 0, 0, 0, 1, /* topic */ 0, 3, 0, 1, 0x74, 0,
      /* partitions */ 0, 0, 0, 0,
    ]);
  });

  it('round-trips every version', () => {
    for (const v of versions(0, 12)) {
      const req: MetadataRequest = { topics: [{ name: 'a' }, { name: 'b' }], allowAutoTopicCreation: v >= 4 ? false : true };
      expect(roundTripRequest(MetadataApi, v, req)).to.deep.equal(req);
      if (v >= 1) expect(roundTripRequest(MetadataApi, v, { topics: [], allowAutoTopicCreation: true }).topics).to.deep.equal([]);
      if (v >= 1) expect(roundTripRequest(MetadataApi, v, { topics: null, allowAutoTopicCreation: true } as MetadataRequest).topics).to.equal(null);
      else expect(roundTripRequest(MetadataApi, v, { topics: [], allowAutoTopicCreation: true } as MetadataRequest).topics).to.equal(null);
      const res = sampleResponse(v);
      expect(roundTripResponse(MetadataApi, v, res)).to.deep.equal(res);
    }
  });

  const ID = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');

  function laterResponse(v: number): MetadataResponse {
    return {
      throttleTimeMs: 7,
      brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
      clusterId: 'c',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          topicId: v >= 10 ? ID : ZERO_UUID,
          isInternal: false,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 5, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
          topicAuthorizedOperations: 0x0df8,
        },
      ],
      clusterAuthorizedOperations: v <= 10 ? 0x1fa0 : -2147483648,
    };
  }

  for (const v of versions(7, 12)) {
    it(`v${v}: LeaderEpoch${v >= 8 ? ', authorized operations' : ''}${v >= 10 ? ', TopicId' : ''} round-trip`, () => {
      const res = laterResponse(v);
      const back = roundTripResponse(MetadataApi, v, res);
      expect(back.topics[0].partitions[0].leaderEpoch).to.equal(5);
      expect(back.topics[0].topicAuthorizedOperations).to.equal(v >= 8 ? 0x0df8 : -2147483648);
      expect(back.clusterAuthorizedOperations).to.equal(v >= 8 && v <= 10 ? 0x1fa0 : -2147483648);
      expect(back.topics[0].topicId).to.deep.equal(v >= 10 ? ID : ZERO_UUID);
      const req: MetadataRequest = {
        topics: [{ topicId: ZERO_UUID, name: 'orders' }],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: v <= 10,
        includeTopicAuthorizedOperations: true,
      };
      const expected = { ...req, includeClusterAuthorizedOperations: v >= 8 && v <= 10, includeTopicAuthorizedOperations: v >= 8 };
      expect(roundTripRequest(MetadataApi, v, req)).to.deep.equal(expected);
    });
  }

  it('v7 response golden bytes: LeaderEpoch after LeaderId', () => {
    const res: MetadataResponse = {
      throttleTimeMs: 0,
      brokers: [],
      clusterId: null,
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 't',
          isInternal: false,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 2, leaderEpoch: 9, replicaNodes: [2], isrNodes: [2], offlineReplicas: [] }],
        },
      ],
    };
    expect([...bytesOf((w) => MetadataApi.encodeResponse(w, 7, res))]).to.deep.equal([
      0, 0, 0, 0, /* brokers */ 0, 0, 0, 0, /* cluster id */ 0xff, 0xff, /* controller */ 0, 0, 0, 1, /* topics */ 0, 0, 0, 1, 0, 0, 0, 1, 0x74, 0,
      /* partitions */ 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, /* epoch */ 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0,
    ]);
  });

  it('v12 request golden bytes: a topic by id with a null name (flexible)', () => {
    const req: MetadataRequest = {
      topics: [{ topicId: ID, name: null }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: true,
    };
    const bytes = [/* compact array of 1 */ 2, ...ID, /* null compact string */ 0, /* tags */ 0, 1, 1, /* tags */ 0];
    expect([...bytesOf((w) => MetadataApi.encodeRequest(w, 12, req))]).to.deep.equal(bytes);
    expect(decodeAll(Buffer.from(bytes), (r) => MetadataApi.decodeRequest(r, 12))).to.deep.equal(req);
  });

  it('v12 response: an unknown topic id answers with a null name (nullable from v12 only)', () => {
    const res: MetadataResponse = {
      throttleTimeMs: 0,
      brokers: [],
      clusterId: null,
      controllerId: -1,
      topics: [{ errorCode: 100, name: null, topicId: ID, isInternal: false, partitions: [] }],
    };
    expect(roundTripResponse(MetadataApi, 12, res)).to.deep.equal(res);
    expect(() => bytesOf((w) => MetadataApi.encodeResponse(w, 11, res))).to.throw(/null/);
  });
});
