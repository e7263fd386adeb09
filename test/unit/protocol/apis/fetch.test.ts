import { expect } from 'chai';
import { FetchApi, FetchRequest, FetchResponse, recordsBuffer } from '../../../../src/protocol/apis/01-fetch';
import { Writer } from '../../../../src/protocol/Writer';
import { bytesOf, decodeAll, kjsRecordBatch, kjsRequestBytes, kjsResponse, roundTripRequest, roundTripResponse, versions } from './helpers';

interface KjsFetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset: string;
  lastStartOffset?: string;
  abortedTransactions: Array<{ producerId: string; firstOffset: string }>;
  preferredReadReplica?: number;
  messages: Array<{ offset: string; key: Buffer; value: Buffer }>;
}
interface KjsFetch {
  throttleTime: number;
  clientSideThrottleTime?: number;
  errorCode?: number;
  sessionId?: number;
  responses: Array<{ topicName: string; partitions: KjsFetchPartition[] }>;
}

const ZERO_UUID = Buffer.alloc(16);

const kjsTopics = [
  {
    topic: 'orders',
    partitions: [
      { partition: 0, fetchOffset: '12345678901', maxBytes: 1048576, currentLeaderEpoch: 7, logStartOffset: 3 },
      { partition: 2, fetchOffset: '0', maxBytes: 65536 },
    ],
  },
  { topic: 'payments', partitions: [{ partition: 1, fetchOffset: '5', maxBytes: 1024 }] },
];

function expectedRequest(v: number): FetchRequest {
  const lso = (x: number): number => (v >= 5 ? x : -1);
  const epoch = (x: number): number => (v >= 9 ? x : -1);
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1 },
    maxWaitMs: 5000,
    minBytes: 1,
    maxBytes: 10485760,
    isolationLevel: 1,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: 'orders',
        topicId: ZERO_UUID,
        partitions: [
          { partition: 0, currentLeaderEpoch: epoch(7), fetchOffset: 12345678901, lastFetchedEpoch: -1, logStartOffset: lso(3), partitionMaxBytes: 1048576 },
          { partition: 2, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 65536 },
        ],
      },
      {
        topic: 'payments',
        topicId: ZERO_UUID,
        partitions: [{ partition: 1, currentLeaderEpoch: -1, fetchOffset: 5, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1024 }],
      },
    ],
    forgottenTopicsData: [],
    rackId: v >= 11 ? 'rack-b' : '',
  };
}

async function sampleResponse(v: number): Promise<{ res: FetchResponse; big: Buffer; small: Buffer }> {
  // Two batches read from "disk" as two chunks: offsets 100-102 (large values) then 103-104.
  const big = await kjsRecordBatch(100, ['a', 'b', 'c'], 300);
  const small = await kjsRecordBatch(103, ['d', 'e']);
  const res: FetchResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'orders',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 105,
            lastStableOffset: 105,
            logStartOffset: v >= 5 ? 0 : -1,
            abortedTransactions: null,
            preferredReadReplica: -1,
            records: [big, small],
          },
          {
            partitionIndex: 2,
            errorCode: 0,
            highWatermark: 0,
            lastStableOffset: 0,
            logStartOffset: v >= 5 ? 0 : -1,
            abortedTransactions: [{ producerId: 4000, firstOffset: 17 }],
            preferredReadReplica: -1,
            records: null,
          },
        ],
      },
    ],
  };
  return { res, big, small };
}

describe('Fetch codec (key 1)', () => {
  it('declares versions 0-16 (v0-3 down-converted to message format v0/v1), flexible from 12', () => {
    expect([FetchApi.apiKey, FetchApi.minVersion, FetchApi.maxVersion]).to.deep.equal([1, 0, 16]);
    expect(FetchApi.firstFlexibleVersion).to.equal(12);
  });

  for (const v of versions(4, 11)) {
    it(`v${v} request: decodes kafkajs' bytes and re-encodes them identically`, async () => {
      const buf = await kjsRequestBytes('fetch', v, {
        replicaId: -1,
        maxWaitTime: 5000,
        minBytes: 1,
        maxBytes: 10485760,
        isolationLevel: 1,
        topics: kjsTopics,
        rackId: 'rack-b',
      });
      const req = decodeAll(buf, (r) => FetchApi.decodeRequest(r, v));
      expect(req).to.deep.equal(expectedRequest(v));
      expect(bytesOf((w) => FetchApi.encodeRequest(w, v, req))).to.deep.equal(buf);
    });

    it(`v${v} response: kafkajs decodes the batches we write as chunks`, async () => {
      const { res } = await sampleResponse(v);
      res.throttleTimeMs = 3;
      const buf = bytesOf((w) => FetchApi.encodeResponse(w, v, res));
      const kjs = kjsResponse<KjsFetch>('fetch', v);
      const d = await kjs.decode(buf);
      await kjs.parse(d);
      expect(v >= 8 ? d.clientSideThrottleTime : d.throttleTime).to.equal(3);
      if (v >= 7) expect([d.errorCode, d.sessionId]).to.deep.equal([0, 0]);
      expect(d.responses.map((t) => t.topicName)).to.deep.equal(['orders']);
      const [p0, p2] = d.responses[0].partitions;
      expect([p0.partition, p0.errorCode, p0.highWatermark, p0.lastStableOffset]).to.deep.equal([0, 0, '105', '105']);
      if (v >= 5) expect(p0.lastStartOffset).to.equal('0');
      if (v >= 11) expect(p0.preferredReadReplica).to.equal(-1);
      expect(p0.abortedTransactions).to.deep.equal([]);
      expect(p0.messages.map((m) => m.offset)).to.deep.equal(['100', '101', '102', '103', '104']);
      expect(p0.messages.map((m) => m.value.toString()[0])).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
      expect(p2.abortedTransactions).to.deep.equal([{ producerId: '4000', firstOffset: '17' }]);
      expect(p2.messages).to.deep.equal([]);
    });
  }

  it('writes large record chunks by reference (no copy)', async () => {
    const { res, big } = await sampleResponse(11);
    expect(big.length).to.be.greaterThan(512);
    const w = new Writer();
    FetchApi.encodeResponse(w, 11, res);
    expect(w.toBuffers().some((b) => b === big)).to.equal(true);
  });

  it('decodeResponse returns the records as one Buffer equal to the concatenation of the chunks', async () => {
    for (const v of [11, 12, 16]) {
      const { res, big, small } = await sampleResponse(v);
      const out = decodeAll(
        bytesOf((w) => FetchApi.encodeResponse(w, v, res)),
        (r) => FetchApi.decodeResponse(r, v),
      );
      const recs = out.responses[0].partitions[0].records;
      expect(Buffer.isBuffer(recs)).to.equal(true);
      expect(recs).to.deep.equal(Buffer.concat([big, small]));
      expect(recordsBuffer(recs)).to.deep.equal(Buffer.concat([big, small]));
      expect(out.responses[0].partitions[1].records).to.equal(null);
    }
  });

  it('v4 request golden bytes (hand-written from the schema)', () => {
    const req: FetchRequest = {
      ...expectedRequest(4),
      replicaId: 2,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 100,
      isolationLevel: 0,
      topics: [
        {
          topic: 't',
          topicId: ZERO_UUID,
          partitions: [{ partition: 1, currentLeaderEpoch: -1, fetchOffset: 9, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 50 }],
        },
      ],
    };
    const bytes = [0, 0, 0, 2, 0, 0, 1, 0xf4, 0, 0, 0, 1, 0, 0, 0, 100, 0, 0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 50];
    expect([...bytesOf((w) => FetchApi.encodeRequest(w, 4, req))]).to.deep.equal(bytes);
    expect(decodeAll(Buffer.from(bytes), (r) => FetchApi.decodeRequest(r, 4))).to.deep.equal(req);
  });

  it('v11 response golden bytes (hand-written from the schema)', () => {
    const res: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 't',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 1,
              highWatermark: 5,
              lastStableOffset: 5,
              logStartOffset: 2,
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: [Buffer.from([0xaa]), Buffer.from([0xbb, 0xcc])],
            },
          ],
        },
      ],
    };
    const i64 = (n: number): number[] => [0, 0, 0, 0, 0, 0, 0, n];
    expect([...bytesOf((w) => FetchApi.encodeResponse(w, 11, res))]).to.deep.equal([
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      0x74,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      1,
      ...i64(5),
      ...i64(5),
      ...i64(2),
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0,
      0,
      0,
      3,
      0xaa,
      0xbb,
      0xcc,
    ]);
  });

  it('round-trips every version, with forgotten topics from v7', async () => {
    for (const v of versions(4, 11)) {
      const req = expectedRequest(v);
      if (v >= 7) {
        req.sessionId = 77;
        req.sessionEpoch = 3;
        req.forgottenTopicsData = [{ topic: 'gone', topicId: ZERO_UUID, partitions: [0, 4] }];
      }
      expect(roundTripRequest(FetchApi, v, req)).to.deep.equal(req);
      const { res, big, small } = await sampleResponse(v);
      if (v >= 7) {
        res.errorCode = 0;
        res.sessionId = 77;
      }
      // Chunks written come back as one Buffer (checked above); compare with that.
      res.responses[0].partitions[0].records = Buffer.concat([big, small]);
      expect(roundTripResponse(FetchApi, v, res)).to.deep.equal(res);
    }
  });
});

describe('Fetch codec v12-16 (flexible, topic ids, replica state, KIP-951)', () => {
  const topicId = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

  function request(v: number): FetchRequest {
    return {
      clusterId: null,
      replicaId: v <= 14 ? 2 : -1,
      replicaState: { replicaId: v >= 15 ? 2 : -1, replicaEpoch: v >= 15 ? 4711 : -1 },
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 9,
      sessionEpoch: 2,
      topics: [
        {
          topic: v <= 12 ? 'orders' : '',
          topicId: v >= 13 ? topicId : ZERO_UUID,
          partitions: [{ partition: 3, currentLeaderEpoch: 5, fetchOffset: 42, lastFetchedEpoch: 4, logStartOffset: 0, partitionMaxBytes: 1024 }],
        },
      ],
      forgottenTopicsData: [{ topic: v <= 12 ? 'gone' : '', topicId: v >= 13 ? topicId : ZERO_UUID, partitions: [1] }],
      rackId: 'r1',
    };
  }

  for (const v of versions(12, 16)) {
    it(`v${v} request round-trips every field`, () => {
      const req = request(v);
      expect(roundTripRequest(FetchApi, v, req)).to.deep.equal(req);
    });

    it(`v${v} response round-trips DivergingEpoch, CurrentLeader${v >= 16 ? ' and NodeEndpoints' : ''}`, () => {
      const res: FetchResponse = {
        throttleTimeMs: 0,
        errorCode: 0,
        sessionId: 9,
        responses: [
          {
            topic: v <= 12 ? 'orders' : '',
            topicId: v >= 13 ? topicId : ZERO_UUID,
            partitions: [
              {
                partitionIndex: 3,
                errorCode: 0,
                highWatermark: 40,
                lastStableOffset: 40,
                logStartOffset: 0,
                divergingEpoch: { epoch: 3, endOffset: 37 },
                currentLeader: { leaderId: -1, leaderEpoch: -1 },
                abortedTransactions: null,
                preferredReadReplica: -1,
                records: Buffer.alloc(0),
              },
              {
                partitionIndex: 4,
                errorCode: 6,
                highWatermark: -1,
                lastStableOffset: -1,
                logStartOffset: -1,
                divergingEpoch: { epoch: -1, endOffset: -1 },
                currentLeader: { leaderId: 1, leaderEpoch: 7 },
                abortedTransactions: null,
                preferredReadReplica: -1,
                records: null,
              },
            ],
          },
        ],
        nodeEndpoints: v >= 16 ? [{ nodeId: 1, host: 'localhost', port: 9093, rack: null }] : [],
      };
      expect(roundTripResponse(FetchApi, v, res)).to.deep.equal(res);
    });
  }

  it('v15 request: the tagged ReplicaState carries the replica id; ReplicaId is gone from the fixed layout', () => {
    const v14 = bytesOf((w) => FetchApi.encodeRequest(w, 14, request(14)));
    const v15 = bytesOf((w) => FetchApi.encodeRequest(w, 15, request(15)));
    // v15 drops the 4-byte ReplicaId and adds a tag section entry: tag 1, size 13, int32 + int64 (+ empty tag section).
    expect(v15.length).to.equal(v14.length - 4 + 2 + 13);
    const consumer = { ...request(15), replicaState: { replicaId: -1, replicaEpoch: -1 } };
    expect(bytesOf((w) => FetchApi.encodeRequest(w, 15, consumer)).length).to.equal(v14.length - 4);
  });

  it('v12 response: tagged fields at their defaults are not written', () => {
    const base = {
      partitionIndex: 0,
      errorCode: 0,
      highWatermark: 1,
      lastStableOffset: 1,
      logStartOffset: 0,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: null,
    };
    const plain = bytesOf((w) =>
      FetchApi.encodeResponse(w, 12, { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 't', partitions: [base] }] }),
    );
    const withDefaults = bytesOf((w) =>
      FetchApi.encodeResponse(w, 12, {
        throttleTimeMs: 0,
        errorCode: 0,
        sessionId: 0,
        responses: [{ topic: 't', partitions: [{ ...base, divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: -1, leaderEpoch: -1 } }] }],
      }),
    );
    expect(withDefaults).to.deep.equal(plain);
    const diverging = bytesOf((w) =>
      FetchApi.encodeResponse(w, 12, {
        throttleTimeMs: 0,
        errorCode: 0,
        sessionId: 0,
        responses: [{ topic: 't', partitions: [{ ...base, divergingEpoch: { epoch: 2, endOffset: 10 } }] }],
      }),
    );
    // tag 0, size 13 (int32 + int64 + empty tag section)
    expect(diverging.length).to.equal(plain.length + 2 + 13);
  });
});
