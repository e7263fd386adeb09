import { expect } from 'chai';
import { CreateTopicsApi, CreateTopicsRequest, CreateTopicsResponse } from '../../../../src/protocol/apis/19-create-topics';
import { bytesOf, decodeAll, kjsRequestBytes, kjsResponse, project, roundTripRequest, roundTripResponse, versions } from './helpers';

interface KjsCreateTopics {
  throttleTime?: number;
  clientSideThrottleTime?: number;
  topicErrors: Array<{ topic: string; errorCode: number; errorMessage?: string | null }>;
}

const kjsTopics = [
  { topic: 'orders', numPartitions: 6, replicationFactor: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
  {
    topic: 'manual',
    replicaAssignment: [
      { partition: 0, replicas: [1, 2] },
      { partition: 1, replicas: [2, 3] },
    ],
  },
];

function expectedRequest(v: number): CreateTopicsRequest {
  return {
    topics: [
      { name: 'orders', numPartitions: 6, replicationFactor: 3, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] },
      {
        name: 'manual',
        numPartitions: -1,
        replicationFactor: -1,
        assignments: [
          { partitionIndex: 0, brokerIds: [1, 2] },
          { partitionIndex: 1, brokerIds: [2, 3] },
        ],
        configs: [],
      },
    ],
    timeoutMs: 30000,
    validateOnly: v >= 1,
  };
}

function sampleResponse(v: number, errorCode = 0): CreateTopicsResponse {
  return {
    throttleTimeMs: v >= 2 ? 2 : 0,
    topics: [
      { name: 'orders', errorCode, errorMessage: v >= 1 && errorCode !== 0 ? "Topic 'orders' already exists." : null },
      { name: 'manual', errorCode: 0, errorMessage: null },
    ],
  };
}

describe('CreateTopics codec (key 19)', () => {
  it('declares versions 0-7 (Kafka 3.7), flexible from 5', () => {
    expect([CreateTopicsApi.apiKey, CreateTopicsApi.minVersion, CreateTopicsApi.maxVersion]).to.deep.equal([19, 0, 7]);
    expect(CreateTopicsApi.firstFlexibleVersion).to.equal(5);
  });

  for (const v of versions(0, 3)) {
    it(`v${v} request: decodes kafkajs' bytes and re-encodes them identically`, async () => {
      const buf = await kjsRequestBytes('createTopics', v, { topics: kjsTopics, timeout: 30000, validateOnly: true });
      const req = decodeAll(buf, (r) => CreateTopicsApi.decodeRequest(r, v));
      expect(req).to.deep.equal(expectedRequest(v));
      expect(bytesOf((w) => CreateTopicsApi.encodeRequest(w, v, req))).to.deep.equal(buf);
    });

    it(`v${v} response: kafkajs decodes and parses what we encode`, async () => {
      const buf = bytesOf((w) => CreateTopicsApi.encodeResponse(w, v, sampleResponse(v)));
      const kjs = kjsResponse<KjsCreateTopics>('createTopics', v);
      const d = await kjs.decode(buf);
      await kjs.parse(d);
      // kafkajs sorts by topic name.
      expect(d.topicErrors.map((t) => [t.topic, t.errorCode])).to.deep.equal([
        ['manual', 0],
        ['orders', 0],
      ]);
      if (v === 2) expect(d.throttleTime).to.equal(2);
      if (v === 3) expect(d.clientSideThrottleTime).to.equal(2);
    });

    it(`v${v} response: kafkajs reports TOPIC_ALREADY_EXISTS from our error code`, async () => {
      const buf = bytesOf((w) => CreateTopicsApi.encodeResponse(w, v, sampleResponse(v, 36)));
      const kjs = kjsResponse<KjsCreateTopics>('createTopics', v);
      const d = await kjs.decode(buf);
      if (v >= 1) expect(d.topicErrors[1].errorMessage).to.equal("Topic 'orders' already exists.");
      let err: (Error & { errors?: Array<{ type?: string }> }) | undefined;
      try {
        await kjs.parse(d);
      } catch (e) {
        err = e as Error & { errors?: Array<{ type?: string }> };
      }
      expect(err?.errors?.[0]?.type).to.equal('TOPIC_ALREADY_EXISTS');
    });
  }

  // kafkajs has no v4 (KIP-464: same layout as v3); bytes written by hand from the schema.
  it('v4 request golden bytes (default partitions / replication factor = -1)', () => {
    const req: CreateTopicsRequest = {
      topics: [{ name: 'ab', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [{ name: 'k', value: null }] }],
      timeoutMs: 60000,
      validateOnly: false,
    };
    const bytes = [0, 0, 0, 1, 0, 2, 0x61, 0x62, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0x6b, 0xff, 0xff, 0, 0, 0xea, 0x60, 0];
    expect([...bytesOf((w) => CreateTopicsApi.encodeRequest(w, 4, req))]).to.deep.equal(bytes);
    expect(decodeAll(Buffer.from(bytes), (r) => CreateTopicsApi.decodeRequest(r, 4))).to.deep.equal(req);
  });

  it('v4 response golden bytes', () => {
    const res: CreateTopicsResponse = { throttleTimeMs: 0, topics: [{ name: 'ab', errorCode: 37, errorMessage: 'x' }] };
    const bytes = [0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0x61, 0x62, 0, 37, 0, 1, 0x78];
    expect([...bytesOf((w) => CreateTopicsApi.encodeResponse(w, 4, res))]).to.deep.equal(bytes);
    expect(
      project(
        decodeAll(Buffer.from(bytes), (r) => CreateTopicsApi.decodeResponse(r, 4)),
        res,
      ),
    ).to.deep.equal(res);
  });

  it('v0 response golden bytes (no message, no throttle)', () => {
    const res: CreateTopicsResponse = { throttleTimeMs: 0, topics: [{ name: 'a', errorCode: 0, errorMessage: null }] };
    expect([...bytesOf((w) => CreateTopicsApi.encodeResponse(w, 0, res))]).to.deep.equal([0, 0, 0, 1, 0, 1, 0x61, 0, 0]);
  });

  it('round-trips every version', () => {
    for (const v of versions(0, 7)) {
      const req = expectedRequest(v);
      expect(roundTripRequest(CreateTopicsApi, v, req)).to.deep.equal(req);
      for (const code of [0, 36]) {
        const res = sampleResponse(v, code);
        // v0 has no ErrorMessage: it decodes to the schema default, "" (Kafka's generated default for a string).
        const expected = v === 0 ? { ...res, topics: res.topics.map((t) => ({ ...t, errorMessage: '' })) } : res;
        expect(roundTripResponse(CreateTopicsApi, v, res)).to.deep.equal(expected);
      }
    }
  });

  const ID = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const created: CreateTopicsResponse = {
    throttleTimeMs: 0,
    topics: [
      {
        name: 'ab',
        topicId: ID,
        errorCode: 0,
        errorMessage: null,
        numPartitions: 3,
        replicationFactor: 2,
        configs: [
          { name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 1, isSensitive: false },
          { name: 'segment.bytes', value: '1073741824', readOnly: false, configSource: 5, isSensitive: false },
        ],
      },
      {
        name: 'cd',
        topicId: Buffer.alloc(16),
        errorCode: 36,
        errorMessage: "Topic 'cd' already exists.",
        numPartitions: -1,
        replicationFactor: -1,
        configs: [],
      },
    ],
  };

  for (const v of versions(5, 7)) {
    it(`v${v} response: NumPartitions, ReplicationFactor and Configs round-trip${v >= 7 ? ', with the TopicId' : ''}`, () => {
      const back = roundTripResponse(CreateTopicsApi, v, created);
      expect(back.topics[0].topicId).to.deep.equal(v >= 7 ? ID : Buffer.alloc(16));
      expect(back).to.deep.equal({ ...created, topics: created.topics.map((t) => ({ ...t, topicId: v >= 7 ? t.topicId : Buffer.alloc(16) })) });
    });
  }

  it('v5 response golden bytes (flexible: compact strings and arrays, tag buffers; TopicConfigErrorCode 0 is not written)', () => {
    const res: CreateTopicsResponse = {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'a',
          errorCode: 0,
          errorMessage: null,
          numPartitions: 1,
          replicationFactor: 1,
          configs: [{ name: 'k', value: 'v', readOnly: false, configSource: 1, isSensitive: false }],
        },
      ],
    };
    const bytes = [
      0, 0, 0, 0, /* topics */ 2, /* name */ 2, 0x61, /* error */ 0, 0, /* null message */ 0, /* partitions */ 0, 0, 0, 1, /* rf */ 0, 1, /* configs */ 2, 2,
      0x6b, 2, 0x76, /* readOnly */ 0, /* source */ 1, /* sensitive */ 0, /* config tags */ 0, /* topic tags */ 0, /* message tags */ 0,
    ];
    expect([...bytesOf((w) => CreateTopicsApi.encodeResponse(w, 5, res))]).to.deep.equal(bytes);
  });

  it('v7 request golden bytes (flexible) decode to the v4 meaning', () => {
    const bytes = [/* topics */ 2, 3, 0x61, 0x62, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* assignments */ 1, /* configs */ 1, 0, 0, 0, 0x75, 0x30, 1, 0];
    expect(decodeAll(Buffer.from(bytes), (r) => CreateTopicsApi.decodeRequest(r, 7))).to.deep.equal({
      topics: [{ name: 'ab', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }],
      timeoutMs: 30000,
      validateOnly: true,
    });
  });
});
