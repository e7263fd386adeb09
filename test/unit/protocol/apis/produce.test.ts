import { expect } from 'chai';
import { ProduceApi, ProduceRequest, ProduceResponse } from '../../../../src/protocol/apis/00-produce';
import { Reader } from '../../../../src/protocol/Reader';
import { bytesOf, decodeAll, kjsRecordBatch, kjsRequestBytes, kjsResponse, roundTripRequest, roundTripResponse, versions } from './helpers';

interface KjsProduce {
  topics: Array<{
    topicName: string;
    partitions: Array<{
      partition: number;
      errorCode: number;
      baseOffset?: string;
      offset?: string;
      logAppendTime?: string;
      timestamp?: string;
      logStartOffset?: string;
    }>;
  }>;
  throttleTime: number;
  clientSideThrottleTime?: number;
}

const topicData = [
  {
    topic: 'orders',
    partitions: [
      {
        partition: 0,
        messages: [
          { key: 'k1', value: 'v1' },
          { key: 'k2', value: 'v2', timestamp: 1700000000000 },
        ],
      },
      { partition: 3, messages: [{ key: null, value: 'x'.repeat(2000) }] },
    ],
  },
  { topic: 'payments', partitions: [{ partition: 1, messages: [{ value: 'p' }] }] },
];

function sampleResponse(v: number): ProduceResponse {
  return {
    responses: [
      {
        name: 'orders',
        partitionResponses: [
          { index: 0, errorCode: 0, baseOffset: 1234567890123, logAppendTimeMs: -1, logStartOffset: v >= 5 ? 17 : -1 },
          { index: 3, errorCode: 0, baseOffset: 0, logAppendTimeMs: v >= 2 ? 1700000000123 : -1, logStartOffset: v >= 5 ? 0 : -1 },
        ],
      },
      { name: 'payments', partitionResponses: [{ index: 1, errorCode: 0, baseOffset: 42, logAppendTimeMs: -1, logStartOffset: -1 }] },
    ],
    throttleTimeMs: 0,
  };
}

const m1 = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

describe('Produce codec (key 0)', () => {
  it('declares versions 0-10 (Kafka 3.7 ZK broker), flexible from 9 (the description)', () => {
    expect([ProduceApi.apiKey, ProduceApi.minVersion, ProduceApi.maxVersion]).to.deep.equal([0, 0, 10]);
    expect(ProduceApi.firstFlexibleVersion).to.equal(9);
  });

  for (const v of versions(0, 7)) {
    it(`v${v} request: decodes kafkajs' bytes, records are slices of the frame, re-encodes identically`, async () => {
      const buf = await kjsRequestBytes('produce', v, { acks: -1, timeout: 30000, topicData, transactionalId: v === 3 ? 'tx-1' : null });
      const req = decodeAll(buf, (r) => ProduceApi.decodeRequest(r, v));
      expect(req.transactionalId).to.equal(v === 3 ? 'tx-1' : null);
      expect(req.acks).to.equal(-1);
      expect(req.timeoutMs).to.equal(30000);
      expect(req.topicData.map((t) => [t.name, t.partitionData.map((p) => p.index)])).to.deep.equal([
        ['orders', [0, 3]],
        ['payments', [1]],
      ]);
      for (const t of req.topicData) {
        for (const p of t.partitionData) {
          const records = p.records as Buffer;
          // Zero copy: the batch is a view of the request buffer.
          expect(records.buffer).to.equal(buf.buffer);
          const at = records.byteOffset - buf.byteOffset;
          expect(at).to.be.within(0, buf.length - records.length);
          const saved = buf[at];
          buf[at] = saved ^ 0xff;
          expect(records[0]).to.equal(saved ^ 0xff);
          buf[at] = saved;
          // v3+: a complete magic-2 batch (batchLength covers everything after its own field); v0-2: a message set
          // of magic 0 (v0-1) or 1 (v2), one message after the other.
          expect(records.readInt8(16)).to.equal(v >= 3 ? 2 : v === 2 ? 1 : 0);
          if (v >= 3) expect(records.readInt32BE(8) + 12).to.equal(records.length);
        }
      }
      expect(bytesOf((w) => ProduceApi.encodeRequest(w, v, req))).to.deep.equal(buf);
    });

    it(`v${v} response: kafkajs decodes and parses what we encode (throttle after the array)`, async () => {
      const res = { ...sampleResponse(v), throttleTimeMs: 9 };
      const buf = bytesOf((w) => ProduceApi.encodeResponse(w, v, res));
      const kjs = kjsResponse<KjsProduce>('produce', v);
      const d = await kjs.decode(buf);
      await kjs.parse(d);
      expect(d.topics.map((t) => t.topicName)).to.deep.equal(['orders', 'payments']);
      // kafkajs names base_offset `offset` in its v0-2 decoders.
      expect(d.topics[0].partitions.map((p) => [p.partition, p.errorCode, p.baseOffset ?? p.offset])).to.deep.equal([
        [0, 0, '1234567890123'],
        [3, 0, '0'],
      ]);
      // log_append_time_ms (v2+), `timestamp` in kafkajs' v2 decoder.
      if (v >= 2) expect(d.topics[0].partitions.map((p) => p.logAppendTime ?? p.timestamp)).to.deep.equal(['-1', '1700000000123']);
      if (v >= 5) expect(d.topics[0].partitions.map((p) => p.logStartOffset)).to.deep.equal(['17', '0']);
      if (v >= 1) expect(v >= 6 ? d.clientSideThrottleTime : d.throttleTime).to.equal(9);
    });
  }

  it('v3 request golden bytes (hand-written from the schema), null records allowed', () => {
    const req: ProduceRequest = {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [
        {
          name: 't',
          partitionData: [
            { index: 2, records: Buffer.from([1, 2, 3]) },
            { index: 5, records: null },
          ],
        },
      ],
    };
    const bytes = [0xff, 0xff, 0, 1, 0, 0, 0x03, 0xe8, 0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff];
    expect([...bytesOf((w) => ProduceApi.encodeRequest(w, 3, req))]).to.deep.equal(bytes);
    expect(decodeAll(Buffer.from(bytes), (r) => ProduceApi.decodeRequest(r, 3))).to.deep.equal(req);
  });

  it('v5 response golden bytes (hand-written from the schema)', () => {
    const res: ProduceResponse = {
      responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 6, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 }] }],
      throttleTimeMs: 0,
    };
    expect([...bytesOf((w) => ProduceApi.encodeResponse(w, 5, res))]).to.deep.equal([
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
      6,
      ...m1,
      ...m1,
      ...m1,
      0,
      0,
      0,
      0,
    ]);
  });

  it('v8 response carries the record errors and the error message (KIP-467); older versions drop them', () => {
    const failed = {
      index: 0,
      errorCode: 87,
      baseOffset: -1,
      logAppendTimeMs: -1,
      logStartOffset: 4,
      recordErrors: [
        { batchIndex: 1, batchIndexErrorMessage: 'Compacted topic cannot accept message without key in topic partition t-0' },
        { batchIndex: 3, batchIndexErrorMessage: null },
      ],
      errorMessage: 'One or more records have been rejected',
    };
    const res: ProduceResponse = { responses: [{ name: 't', partitionResponses: [failed] }], throttleTimeMs: 0 };
    for (const v of versions(8, 10)) expect(roundTripResponse(ProduceApi, v, res)).to.deep.equal(res);
    const v7 = decodeAll(
      bytesOf((w) => ProduceApi.encodeResponse(w, 7, res)),
      (r) => ProduceApi.decodeResponse(r, 7),
    );
    expect(v7.responses[0].partitionResponses[0]).to.include({ errorCode: 87, logStartOffset: 4, errorMessage: null });
    expect(v7.responses[0].partitionResponses[0].recordErrors).to.deep.equal([]);
  });

  it('v8 response golden bytes: record errors then error message after log_start_offset', () => {
    const res: ProduceResponse = {
      responses: [
        {
          name: 't',
          partitionResponses: [
            {
              index: 0,
              errorCode: 87,
              baseOffset: -1,
              logAppendTimeMs: -1,
              logStartOffset: -1,
              recordErrors: [{ batchIndex: 2, batchIndexErrorMessage: 'x' }],
              errorMessage: 'y',
            },
          ],
        },
      ],
      throttleTimeMs: 0,
    };
    // prettier-ignore
    expect([...bytesOf((w) => ProduceApi.encodeResponse(w, 8, res))]).to.deep.equal([
      0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 1, 0, 0, 0, 0, 0, 87, ...m1, ...m1, ...m1,
      0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0x78, // record_errors [batch_index, batch_index_error_message]
      0, 1, 0x79, // error_message
      0, 0, 0, 0, // throttle_time_ms
    ]);
  });

  it('v10 tagged fields: CurrentLeader and NodeEndpoints only when set (KIP-951), otherwise v10 = v9 bytes', () => {
    const ok: ProduceResponse = {
      responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5, logAppendTimeMs: -1, logStartOffset: 0 }] }],
      throttleTimeMs: 0,
    };
    expect(bytesOf((w) => ProduceApi.encodeResponse(w, 10, ok))).to.deep.equal(bytesOf((w) => ProduceApi.encodeResponse(w, 9, ok)));
    const notLeader: ProduceResponse = {
      responses: [
        {
          name: 't',
          partitionResponses: [
            { index: 0, errorCode: 6, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, currentLeader: { leaderId: 2, leaderEpoch: 7 } },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [{ nodeId: 2, host: 'h2', port: 9093, rack: null }],
    };
    expect(roundTripResponse(ProduceApi, 10, notLeader)).to.deep.equal(notLeader);
    const v9 = decodeAll(
      bytesOf((w) => ProduceApi.encodeResponse(w, 9, notLeader)),
      (r) => ProduceApi.decodeResponse(r, 9),
    );
    expect(v9.nodeEndpoints).to.deep.equal([]);
    expect(v9.responses[0].partitionResponses[0].currentLeader).to.deep.equal({ leaderId: -1, leaderEpoch: -1 });
  });

  it('a truncated request throws ProtocolError instead of reading past the frame', async () => {
    const buf = await kjsRequestBytes('produce', 7, { acks: 1, timeout: 100, topicData });
    expect(() => ProduceApi.decodeRequest(new Reader(buf.subarray(0, buf.length - 5)), 7)).to.throw('underflow');
  });

  it('round-trips every version', async () => {
    const batch = await kjsRecordBatch(0, ['a', 'b']);
    for (const v of versions(0, 10)) {
      const req: ProduceRequest = {
        transactionalId: 'tx',
        acks: 0,
        timeoutMs: 5,
        topicData: [
          {
            name: 'x',
            partitionData: [
              { index: 0, records: batch },
              { index: 1, records: null },
            ],
          },
        ],
      };
      expect(roundTripRequest(ProduceApi, v, req)).to.deep.equal({ ...req, transactionalId: v >= 3 ? 'tx' : null });
      const res = sampleResponse(v);
      expect(roundTripResponse(ProduceApi, v, res)).to.deep.equal(res);
    }
  });
});
