import { expect } from 'chai';
import { ListOffsetsApi, ListOffsetsRequest, ListOffsetsResponse } from '../../../../src/protocol/apis/02-list-offsets';
import { bytesOf, decodeAll, kjsRequestBytes, kjsResponse, project, roundTripRequest, roundTripResponse, versions } from './helpers';

interface KjsListOffsets {
  throttleTime?: number;
  clientSideThrottleTime?: number;
  responses: Array<{
    topic: string;
    partitions: Array<{ partition: number; errorCode: number; offsets?: string[]; timestamp?: string; offset?: string }>;
  }>;
}

const kjsTopics = [
  {
    topic: 'orders',
    partitions: [
      { partition: 0, timestamp: -1 },
      { partition: 1, timestamp: -2 },
    ],
  },
  { topic: 'payments', partitions: [{ partition: 0, timestamp: 1700000000000 }] },
];

function expectedRequest(v: number): ListOffsetsRequest {
  return {
    replicaId: -1,
    isolationLevel: v >= 2 ? 1 : 0,
    topics: [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 },
          { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -2, maxNumOffsets: 1 },
        ],
      },
      { name: 'payments', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: 1700000000000, maxNumOffsets: 1 }] },
    ],
  };
}

function sampleResponse(v: number): ListOffsetsResponse {
  const p = (partitionIndex: number, offset: number, timestamp: number): ListOffsetsResponse['topics'][0]['partitions'][0] =>
    v === 0
      ? { partitionIndex, errorCode: 0, oldStyleOffsets: [offset], timestamp: -1, offset: -1 }
      : { partitionIndex, errorCode: 0, oldStyleOffsets: [], timestamp, offset };
  return {
    throttleTimeMs: v >= 2 ? 6 : 0,
    topics: [
      { name: 'orders', partitions: [p(0, 9876543210, -1), p(1, 0, -1)] },
      { name: 'payments', partitions: [p(0, 42, 1700000000005)] },
    ],
  };
}

describe('ListOffsets codec (key 2)', () => {
  it('declares versions 0-8 (Kafka 3.7 ZK broker), flexible from 6 (the description)', () => {
    expect([ListOffsetsApi.apiKey, ListOffsetsApi.minVersion, ListOffsetsApi.maxVersion]).to.deep.equal([2, 0, 8]);
    expect(ListOffsetsApi.firstFlexibleVersion).to.equal(6);
  });

  for (const v of versions(0, 3)) {
    it(`v${v} request: decodes kafkajs' bytes and re-encodes them identically`, async () => {
      const buf = await kjsRequestBytes('listOffsets', v, { replicaId: -1, isolationLevel: 1, topics: kjsTopics });
      const req = decodeAll(buf, (r) => ListOffsetsApi.decodeRequest(r, v));
      expect(req).to.deep.equal(expectedRequest(v));
      expect(bytesOf((w) => ListOffsetsApi.encodeRequest(w, v, req))).to.deep.equal(buf);
    });

    it(`v${v} response: kafkajs decodes and parses what we encode`, async () => {
      const buf = bytesOf((w) => ListOffsetsApi.encodeResponse(w, v, sampleResponse(v)));
      const kjs = kjsResponse<KjsListOffsets>('listOffsets', v);
      const d = await kjs.decode(buf);
      await kjs.parse(d);
      expect(d.responses.map((t) => t.topic)).to.deep.equal(['orders', 'payments']);
      const parts = d.responses.flatMap((t) => t.partitions);
      if (v === 0) {
        expect(parts.map((x) => [x.partition, x.errorCode, x.offsets])).to.deep.equal([
          [0, 0, ['9876543210']],
          [1, 0, ['0']],
          [0, 0, ['42']],
        ]);
      } else {
        expect(parts.map((x) => [x.partition, x.errorCode, x.timestamp, x.offset])).to.deep.equal([
          [0, 0, '-1', '9876543210'],
          [1, 0, '-1', '0'],
          [0, 0, '1700000000005', '42'],
        ]);
      }
      if (v === 2) expect(d.throttleTime).to.equal(6);
      if (v === 3) expect(d.clientSideThrottleTime).to.equal(6);
    });
  }

  it('v0 request keeps max_num_offsets', () => {
    const req: ListOffsetsRequest = {
      replicaId: 3,
      isolationLevel: 0,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2, maxNumOffsets: 10 }] }],
    };
    const bytes = [0, 0, 0, 3, 0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 10];
    expect([...bytesOf((w) => ListOffsetsApi.encodeRequest(w, 0, req))]).to.deep.equal(bytes);
    expect(decodeAll(Buffer.from(bytes), (r) => ListOffsetsApi.decodeRequest(r, 0))).to.deep.equal(req);
  });

  it('v2 response golden bytes (throttle first, hand-written from the schema)', () => {
    const res: ListOffsetsResponse = {
      throttleTimeMs: 0,
      topics: [{ name: 't', partitions: [{ partitionIndex: 1, errorCode: 0, oldStyleOffsets: [], timestamp: -1, offset: 7 }] }],
    };
    expect([...bytesOf((w) => ListOffsetsApi.encodeResponse(w, 2, res))]).to.deep.equal([
      0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 7,
    ]);
  });

  it('round-trips every version', () => {
    for (const v of versions(0, 8)) {
      const req = expectedRequest(v);
      expect(roundTripRequest(ListOffsetsApi, v, req)).to.deep.equal(req);
      const res = sampleResponse(v);
      expect(roundTripResponse(ListOffsetsApi, v, res)).to.deep.equal(res);
    }
  });

  it('v4+ carries current_leader_epoch in the request and leader_epoch in the response; v0-3 drop them', () => {
    const req: ListOffsetsRequest = {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 5, timestamp: -3, maxNumOffsets: 1 }] }],
    };
    const res: ListOffsetsResponse = {
      throttleTimeMs: 0,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [], timestamp: 1700000000000, offset: 12, leaderEpoch: 5 }] }],
    };
    for (const v of versions(4, 8)) {
      expect(roundTripRequest(ListOffsetsApi, v, req)).to.deep.equal(req);
      expect(roundTripResponse(ListOffsetsApi, v, res)).to.deep.equal(res);
    }
    expect(project(roundTripRequest(ListOffsetsApi, 3, req), req).topics[0].partitions[0].currentLeaderEpoch).to.equal(-1);
    expect(roundTripResponse(ListOffsetsApi, 3, res).topics[0].partitions[0].leaderEpoch).to.equal(-1);
  });

  it('v6 request golden bytes (flexible: compact strings and arrays, tag buffers)', () => {
    const req: ListOffsetsRequest = {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ name: 't', partitions: [{ partitionIndex: 2, currentLeaderEpoch: 3, timestamp: -4, maxNumOffsets: 1 }] }],
    };
    // prettier-ignore
    expect([...bytesOf((w) => ListOffsetsApi.encodeRequest(w, 6, req))]).to.deep.equal([
      0xff, 0xff, 0xff, 0xff, 1, // replica_id, isolation_level
      2, 2, 0x74, // topics: 1 (compact), name "t"
      2, 0, 0, 0, 2, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc, 0, // partition 2, epoch 3, timestamp -4, tags
      0, // topic tags
      0, // request tags
    ]);
  });
});
