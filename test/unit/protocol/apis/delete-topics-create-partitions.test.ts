/**
 * DeleteTopics (key 20) v0-3 and CreatePartitions (key 37) v0-1: round trips, golden bytes, and
 * cross-checks against kafkajs 2.2.4's own encoders (requests) and decoders (responses).
 */
import { expect } from 'chai';
import { DeleteTopicsApi, DeleteTopicsResponse } from '../../../../src/protocol/apis/20-delete-topics';
import { CreatePartitionsApi, CreatePartitionsRequest, CreatePartitionsResponse } from '../../../../src/protocol/apis/37-create-partitions';
import { ApiKey } from '../../../../src/protocol/apiKeys';
import { ErrorCode } from '../../../../src/protocol/errors';
import { bytesOf, decodeAll, kjsRequestBytes, kjsResponse, project, roundTripRequest, roundTripResponse, versions } from './helpers';

interface KjsDeleteTopics {
  throttleTime: number;
  clientSideThrottleTime?: number;
  topicErrors: Array<{ topic: string; errorCode: number }>;
}
interface KjsCreatePartitions {
  throttleTime: number;
  clientSideThrottleTime?: number;
  topicErrors: Array<{ topic: string; errorCode: number; errorMessage: string | null }>;
}

const i16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const i32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const str = (s: string): number[] => [...i16(s.length), ...[...s].map((c) => c.charCodeAt(0))];

describe('DeleteTopics codec (key 20)', () => {
  it('declares versions 0-6 (Kafka 3.7), flexible from 4', () => {
    expect(DeleteTopicsApi.apiKey).to.equal(ApiKey.DeleteTopics);
    expect([DeleteTopicsApi.minVersion, DeleteTopicsApi.maxVersion, DeleteTopicsApi.firstFlexibleVersion]).to.deep.equal([0, 6, 4]);
  });

  const req = { topicNames: ['orders', 'clicks', 'événements'], timeoutMs: 30000 };
  const res: DeleteTopicsResponse = {
    throttleTimeMs: 25,
    responses: [
      { name: 'orders', errorCode: 0 },
      { name: 'clicks', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
      { name: 'événements', errorCode: ErrorCode.TOPIC_DELETION_DISABLED },
    ],
  };

  for (const v of versions(0, 5)) {
    it(`v${v} request and response round-trip`, () => {
      expect(roundTripRequest(DeleteTopicsApi, v, req)).to.deep.equal(req);
      expect(roundTripResponse(DeleteTopicsApi, v, res)).to.deep.equal({ ...res, throttleTimeMs: v >= 1 ? 25 : 0 });
    });
  }

  it('golden bytes: v1 request and response', () => {
    const r = { topicNames: ['a', 'bc'], timeoutMs: 5000 };
    const reqBytes = [...i32(2), ...str('a'), ...str('bc'), ...i32(5000)];
    expect(bytesOf((w) => DeleteTopicsApi.encodeRequest(w, 1, r)).toString('hex')).to.equal(Buffer.from(reqBytes).toString('hex'));
    const s: DeleteTopicsResponse = { throttleTimeMs: 0, responses: [{ name: 'a', errorCode: 3 }] };
    const resBytes = [...i32(0), ...i32(1), ...str('a'), ...i16(3)];
    expect(bytesOf((w) => DeleteTopicsApi.encodeResponse(w, 1, s)).toString('hex')).to.equal(Buffer.from(resBytes).toString('hex'));
    expect(
      project(
        decodeAll(Buffer.from(resBytes), (rd) => DeleteTopicsApi.decodeResponse(rd, 1)),
        s,
      ),
    ).to.deep.equal(s);
  });

  for (const v of [0, 1]) {
    it(`v${v}: decodes kafkajs' request bytes`, async () => {
      const buf = await kjsRequestBytes('deleteTopics', v, { topics: ['orders', 'clicks'], timeout: 12000 });
      // Topics (v6+) is absent before v6: it decodes to its default, [].
      expect(decodeAll(buf, (r) => DeleteTopicsApi.decodeRequest(r, v))).to.deep.equal({
        topics: [],
        topicNames: ['orders', 'clicks'],
        timeoutMs: 12000,
      });
    });

    it(`v${v}: kafkajs decodes our response`, async () => {
      const ours: DeleteTopicsResponse = {
        throttleTimeMs: 40,
        responses: [
          { name: 'orders', errorCode: 0 },
          { name: 'clicks', errorCode: 0 },
        ],
      };
      const buf = bytesOf((w) => DeleteTopicsApi.encodeResponse(w, v, ours));
      const decoded = await kjsResponse<KjsDeleteTopics>('deleteTopics', v).decode(buf);
      // kafkajs sorts by topic name
      expect(decoded.topicErrors).to.deep.equal([
        { topic: 'clicks', errorCode: 0 },
        { topic: 'orders', errorCode: 0 },
      ]);
      if (v === 1) expect(decoded.clientSideThrottleTime).to.equal(40);
    });
  }

  it('kafkajs surfaces our per-topic error code', async () => {
    const buf = bytesOf((w) =>
      DeleteTopicsApi.encodeResponse(w, 1, { throttleTimeMs: 0, responses: [{ name: 'x', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] }),
    );
    const kjs = kjsResponse<KjsDeleteTopics>('deleteTopics', 1);
    const decoded = await kjs.decode(buf);
    let caught: Error | undefined;
    try {
      await kjs.parse(decoded);
    } catch (e) {
      caught = e as Error;
    }
    expect(caught?.name).to.equal('KafkaJSProtocolError');
    expect((caught as Error & { type?: string }).type).to.equal('UNKNOWN_TOPIC_OR_PARTITION');
  });
});

describe('DeleteTopics v4-6 (flexible; ErrorMessage from v5; topics by id from v6)', () => {
  const ID = Buffer.from('ffeeddccbbaa99887766554433221100', 'hex');
  const ZERO = Buffer.alloc(16);

  it('v4 golden bytes: the v3 request in flexible form', () => {
    const bytes = [/* names */ 3, 2, 0x61, 3, 0x62, 0x63, ...i32(5000), /* tags */ 0];
    const r = { topicNames: ['a', 'bc'], timeoutMs: 5000 };
    expect([...bytesOf((w) => DeleteTopicsApi.encodeRequest(w, 4, r))]).to.deep.equal(bytes);
    expect(decodeAll(Buffer.from(bytes), (rd) => DeleteTopicsApi.decodeRequest(rd, 4))).to.deep.equal({ topics: [], ...r });
  });

  it('v5 response carries ErrorMessage', () => {
    const res: DeleteTopicsResponse = { throttleTimeMs: 1, responses: [{ name: 'a', errorCode: ErrorCode.TOPIC_DELETION_DISABLED, errorMessage: 'no' }] };
    expect(roundTripResponse(DeleteTopicsApi, 5, res)).to.deep.equal(res);
    expect(project(roundTripResponse(DeleteTopicsApi, 4, res), res).responses[0].errorMessage).to.equal(null);
  });

  it('v6 request golden bytes: Topics by name and by id replace TopicNames', () => {
    const r = {
      topics: [
        { name: 'a', topicId: ZERO },
        { name: null, topicId: ID },
      ],
      topicNames: [],
      timeoutMs: 100,
    };
    const bytes = [/* topics */ 3, 2, 0x61, ...ZERO, 0, /* null name */ 0, ...ID, 0, ...i32(100), 0];
    expect([...bytesOf((w) => DeleteTopicsApi.encodeRequest(w, 6, r))]).to.deep.equal(bytes);
    expect(decodeAll(Buffer.from(bytes), (rd) => DeleteTopicsApi.decodeRequest(rd, 6))).to.deep.equal(r);
  });

  it('v6 response: TopicId per result, a null name for an unknown id', () => {
    const res: DeleteTopicsResponse = {
      throttleTimeMs: 0,
      responses: [
        { name: 'a', topicId: ZERO, errorCode: 0, errorMessage: null },
        { name: null, topicId: ID, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: null },
      ],
    };
    expect(roundTripResponse(DeleteTopicsApi, 6, res)).to.deep.equal(res);
    expect(() => bytesOf((w) => DeleteTopicsApi.encodeResponse(w, 5, res))).to.throw(/null/);
  });
});

describe('CreatePartitions codec (key 37)', () => {
  it('declares versions 0-3 (Kafka 3.7), flexible from 2', () => {
    expect(CreatePartitionsApi.apiKey).to.equal(ApiKey.CreatePartitions);
    expect([CreatePartitionsApi.minVersion, CreatePartitionsApi.maxVersion, CreatePartitionsApi.firstFlexibleVersion]).to.deep.equal([0, 3, 2]);
  });

  const req: CreatePartitionsRequest = {
    topics: [
      { name: 'orders', count: 6, assignments: [{ brokerIds: [1, 2, 3] }, { brokerIds: [2, 3, 1] }] },
      { name: 'clicks', count: 12, assignments: null },
      { name: 'empty-list', count: 3, assignments: [] },
    ],
    timeoutMs: 30000,
    validateOnly: true,
  };
  const res: CreatePartitionsResponse = {
    throttleTimeMs: 10,
    results: [
      { name: 'orders', errorCode: 0, errorMessage: null },
      { name: 'clicks', errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Topic currently has 12 partitions, which is higher than the requested 12.' },
      { name: 'empty-list', errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: '' },
    ],
  };

  for (const v of versions(0, 1)) {
    it(`v${v} request and response round-trip`, () => {
      expect(roundTripRequest(CreatePartitionsApi, v, req)).to.deep.equal(req);
      expect(roundTripResponse(CreatePartitionsApi, v, res)).to.deep.equal(res);
    });

    it(`v${v}: decodes kafkajs' request bytes (assignments given and omitted)`, async () => {
      const buf = await kjsRequestBytes('createPartitions', v, {
        topicPartitions: [
          {
            topic: 'orders',
            count: 5,
            assignments: [
              [1, 2],
              [2, 3],
            ],
          },
          { topic: 'clicks', count: 8 },
        ],
        timeout: 7000,
        validateOnly: false,
      });
      expect(decodeAll(buf, (r) => CreatePartitionsApi.decodeRequest(r, v))).to.deep.equal({
        topics: [
          { name: 'orders', count: 5, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }] },
          // kafkajs writes an empty list as a null array (-1)
          { name: 'clicks', count: 8, assignments: null },
        ],
        timeoutMs: 7000,
        validateOnly: false,
      });
    });

    it(`v${v}: kafkajs decodes our response`, async () => {
      const buf = bytesOf((w) => CreatePartitionsApi.encodeResponse(w, v, res));
      const decoded = await kjsResponse<KjsCreatePartitions>('createPartitions', v).decode(buf);
      expect(decoded.topicErrors).to.deep.equal([
        { topic: 'clicks', errorCode: res.results[1].errorCode, errorMessage: res.results[1].errorMessage },
        { topic: 'empty-list', errorCode: res.results[2].errorCode, errorMessage: '' },
        { topic: 'orders', errorCode: 0, errorMessage: null },
      ]);
      if (v === 0) expect(decoded.throttleTime).to.equal(10);
      else expect(decoded.clientSideThrottleTime).to.equal(10);
    });
  }

  it('golden bytes: v1 request', () => {
    const r: CreatePartitionsRequest = {
      topics: [
        { name: 'a', count: 2, assignments: [{ brokerIds: [1] }] },
        { name: 'b', count: 3, assignments: null },
      ],
      timeoutMs: 100,
      validateOnly: false,
    };
    const expected = [...i32(2), ...str('a'), ...i32(2), ...i32(1), ...i32(1), ...i32(1), ...str('b'), ...i32(3), ...i32(-1), ...i32(100), 0];
    expect(bytesOf((w) => CreatePartitionsApi.encodeRequest(w, 1, r)).toString('hex')).to.equal(Buffer.from(expected).toString('hex'));
    expect(decodeAll(Buffer.from(expected), (rd) => CreatePartitionsApi.decodeRequest(rd, 1))).to.deep.equal(r);
  });

  it('golden bytes: v0 response with a null error message', () => {
    const s: CreatePartitionsResponse = { throttleTimeMs: 0, results: [{ name: 'a', errorCode: 0, errorMessage: null }] };
    const expected = [...i32(0), ...i32(1), ...str('a'), ...i16(0), ...i16(-1)];
    expect(bytesOf((w) => CreatePartitionsApi.encodeResponse(w, 0, s)).toString('hex')).to.equal(Buffer.from(expected).toString('hex'));
    expect(decodeAll(Buffer.from(expected), (rd) => CreatePartitionsApi.decodeResponse(rd, 0))).to.deep.equal(s);
  });

  for (const v of [2, 3]) {
    it(`v${v} (flexible) request and response round-trip`, () => {
      expect(roundTripRequest(CreatePartitionsApi, v, req)).to.deep.equal(req);
      expect(roundTripResponse(CreatePartitionsApi, v, res)).to.deep.equal(res);
    });
  }

  it('golden bytes: v3 request (compact arrays, nullable Assignments, tag buffers)', () => {
    const r: CreatePartitionsRequest = {
      topics: [
        { name: 'a', count: 2, assignments: [{ brokerIds: [1] }] },
        { name: 'b', count: 3, assignments: null },
      ],
      timeoutMs: 100,
      validateOnly: false,
    };
    const expected = [3, 2, 0x61, ...i32(2), 2, 2, ...i32(1), 0, 0, 2, 0x62, ...i32(3), 0, 0, ...i32(100), 0, 0];
    expect(bytesOf((w) => CreatePartitionsApi.encodeRequest(w, 3, r)).toString('hex')).to.equal(Buffer.from(expected).toString('hex'));
    expect(decodeAll(Buffer.from(expected), (rd) => CreatePartitionsApi.decodeRequest(rd, 3))).to.deep.equal(r);
  });
});
