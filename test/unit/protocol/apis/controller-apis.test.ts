/**
 * ElectLeaders (43), AlterPartitionReassignments (45), ListPartitionReassignments (46), AlterPartition (56),
 * OffsetForLeaderEpoch (23), InitProducerId (22), DeleteRecords (21): version tables, round trips of every
 * version (absent fields come back as the schema default), and
 * cross-checks against kafkajs 2.2.4's own encoders (requests) and decoders (responses).
 * Golden bytes and unknown-tag skipping are in controller-apis-golden.test.ts.
 */
import { expect } from 'chai';
import { ElectLeadersApi, ElectLeadersRequest, ElectLeadersResponse } from '../../../../src/protocol/apis/43-elect-leaders';
import {
  AlterPartitionReassignmentsApi,
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse,
} from '../../../../src/protocol/apis/45-alter-partition-reassignments';
import {
  ListPartitionReassignmentsApi,
  ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse,
} from '../../../../src/protocol/apis/46-list-partition-reassignments';
import { AlterPartitionApi, AlterPartitionRequest, AlterPartitionResponse, alterPartitionNewIsr } from '../../../../src/protocol/apis/56-alter-partition';
import { OffsetForLeaderEpochApi, OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../../../../src/protocol/apis/23-offset-for-leader-epoch';
import { InitProducerIdApi, InitProducerIdRequest, InitProducerIdResponse } from '../../../../src/protocol/apis/22-init-producer-id';
import { DeleteRecordsApi, DeleteRecordsRequest, DeleteRecordsResponse } from '../../../../src/protocol/apis/21-delete-records';
import { ApiKey } from '../../../../src/protocol/apiKeys';
import { ErrorCode } from '../../../../src/protocol/errors';
import { ApiCodec } from '../../../../src/protocol/apis/types';
import { bytesOf, decodeAll, kjsRequestBytes, kjsResponse, KjsResponse, roundTripRequest, roundTripResponse, versions } from './helpers';

const ID_A = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');
const ID_B = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const ZERO_ID = Buffer.alloc(16);

function expectVersions<Req, Res>(codec: ApiCodec<Req, Res>, key: number, min: number, max: number, flex: number): void {
  expect(codec.apiKey).to.equal(key);
  expect([codec.minVersion, codec.maxVersion, codec.firstFlexibleVersion]).to.deep.equal([min, max, flex]);
}

describe('ElectLeaders codec (key 43)', () => {
  it('declares versions 0-2, flexible from 2', () => expectVersions(ElectLeadersApi, ApiKey.ElectLeaders, 0, 2, 2));

  const req: ElectLeadersRequest = {
    electionType: 1,
    topicPartitions: [
      { topic: 'orders', partitions: [0, 1, 2] },
      { topic: 'événements', partitions: [] },
    ],
    timeoutMs: 30000,
  };
  const res: ElectLeadersResponse = {
    throttleTimeMs: 7,
    errorCode: ErrorCode.NOT_CONTROLLER,
    replicaElectionResults: [
      {
        topic: 'orders',
        partitionResult: [
          { partitionId: 0, errorCode: 0, errorMessage: null },
          { partitionId: 1, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' },
        ],
      },
      { topic: 'événements', partitionResult: [] },
    ],
  };

  for (const v of versions(0, 2)) {
    it(`v${v} round-trips (electionType/errorCode default to 0 before v1)`, () => {
      expect(roundTripRequest(ElectLeadersApi, v, req)).to.deep.equal({ ...req, electionType: v >= 1 ? 1 : 0 });
      expect(roundTripRequest(ElectLeadersApi, v, { ...req, topicPartitions: null })).to.deep.equal({
        ...req,
        electionType: v >= 1 ? 1 : 0,
        topicPartitions: null,
      });
      expect(roundTripResponse(ElectLeadersApi, v, res)).to.deep.equal({ ...res, errorCode: v >= 1 ? res.errorCode : 0 });
    });
  }
});

describe('AlterPartitionReassignments codec (key 45)', () => {
  it('declares version 0, flexible', () => expectVersions(AlterPartitionReassignmentsApi, ApiKey.AlterPartitionReassignments, 0, 0, 0));

  const req: AlterPartitionReassignmentsRequest = {
    timeoutMs: 60000,
    topics: [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, replicas: [3, 1, 2] },
          { partitionIndex: 4, replicas: null },
        ],
      },
      { name: 'clicks', partitions: [{ partitionIndex: 1, replicas: [] }] },
    ],
  };
  const res: AlterPartitionReassignmentsResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    responses: [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, errorCode: 0, errorMessage: null },
          { partitionIndex: 4, errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, errorMessage: 'no reassignment' },
        ],
      },
    ],
  };

  it('v0 round-trips (null replicas = cancel)', () => {
    expect(roundTripRequest(AlterPartitionReassignmentsApi, 0, req)).to.deep.equal(req);
    expect(roundTripResponse(AlterPartitionReassignmentsApi, 0, res)).to.deep.equal(res);
    const withTopError = { ...res, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: 'not controller', responses: [] };
    expect(roundTripResponse(AlterPartitionReassignmentsApi, 0, withTopError)).to.deep.equal(withTopError);
  });

  it('decodes the request kafkajs sends (after its header tag buffer)', async () => {
    const raw = await kjsRequestBytes('alterPartitionReassignments', 0, {
      topics: [
        {
          topic: 'orders',
          partitionAssignment: [
            { partition: 0, replicas: [3, 1, 2] },
            { partition: 2, replicas: [1] },
          ],
        },
      ],
      timeout: 5000,
    });
    expect(raw[0]).to.equal(0); // request header v2 tag buffer, written by kafkajs as part of the body
    expect(decodeAll(raw.subarray(1), (r) => AlterPartitionReassignmentsApi.decodeRequest(r, 0))).to.deep.equal({
      timeoutMs: 5000,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, replicas: [3, 1, 2] },
            { partitionIndex: 2, replicas: [1] },
          ],
        },
      ],
    });
  });

  it('kafkajs decodes our response (after a response header tag buffer)', async () => {
    const body = bytesOf((w) => AlterPartitionReassignmentsApi.encodeResponse(w, 0, res));
    const kjs = kjsResponse<{ throttleTime: number; errorCode: number; responses: unknown[] }>('alterPartitionReassignments', 0);
    const decoded = await kjs.decode(Buffer.concat([Buffer.from([0]), body]));
    expect(decoded).to.deep.equal({
      throttleTime: 0,
      errorCode: 0,
      responses: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, errorCode: 0 },
            { partition: 4, errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS },
          ],
        },
      ],
    });
  });
});

describe('ListPartitionReassignments codec (key 46)', () => {
  it('declares version 0, flexible', () => expectVersions(ListPartitionReassignmentsApi, ApiKey.ListPartitionReassignments, 0, 0, 0));

  const req: ListPartitionReassignmentsRequest = {
    timeoutMs: 60000,
    topics: [
      { name: 'orders', partitionIndexes: [0, 3] },
      { name: 'clicks', partitionIndexes: [] },
    ],
  };
  const res: ListPartitionReassignmentsResponse = {
    throttleTimeMs: 3,
    errorCode: 0,
    errorMessage: null,
    topics: [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, replicas: [1, 2, 3, 4], addingReplicas: [4], removingReplicas: [1] },
          { partitionIndex: 3, replicas: [2, 3], addingReplicas: [], removingReplicas: [] },
        ],
      },
    ],
  };

  it('v0 round-trips, with topics and with null topics (= everything)', () => {
    expect(roundTripRequest(ListPartitionReassignmentsApi, 0, req)).to.deep.equal(req);
    expect(roundTripRequest(ListPartitionReassignmentsApi, 0, { timeoutMs: 1000, topics: null })).to.deep.equal({ timeoutMs: 1000, topics: null });
    expect(roundTripResponse(ListPartitionReassignmentsApi, 0, res)).to.deep.equal(res);
  });

  it('decodes the requests kafkajs sends (named topics and null)', async () => {
    const named = await kjsRequestBytes('listPartitionReassignments', 0, {
      topics: [{ topic: 'orders', partitions: [0, 3] }],
      timeout: 5000,
    });
    expect(decodeAll(named.subarray(1), (r) => ListPartitionReassignmentsApi.decodeRequest(r, 0))).to.deep.equal({
      timeoutMs: 5000,
      topics: [{ name: 'orders', partitionIndexes: [0, 3] }],
    });
    const all = await kjsRequestBytes('listPartitionReassignments', 0, { timeout: 5000 });
    expect(decodeAll(all.subarray(1), (r) => ListPartitionReassignmentsApi.decodeRequest(r, 0))).to.deep.equal({
      timeoutMs: 5000,
      topics: null,
    });
  });

  it('kafkajs decodes our response', async () => {
    const body = bytesOf((w) => ListPartitionReassignmentsApi.encodeResponse(w, 0, res));
    const kjs = kjsResponse<unknown>('listPartitionReassignments', 0);
    expect(await kjs.decode(Buffer.concat([Buffer.from([0]), body]))).to.deep.equal({
      throttleTime: 3,
      errorCode: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partition: 0, replicas: [1, 2, 3, 4], addingReplicas: [4], removingReplicas: [1] },
            { partition: 3, replicas: [2, 3], addingReplicas: [], removingReplicas: [] },
          ],
        },
      ],
    });
  });
});

describe('AlterPartition codec (key 56)', () => {
  it('declares versions 0-3, flexible from 0', () => expectVersions(AlterPartitionApi, ApiKey.AlterPartition, 0, 3, 0));

  const req: AlterPartitionRequest = {
    brokerId: 2,
    brokerEpoch: 0x1_0000_0042,
    topics: [
      {
        topicName: 'orders',
        topicId: ID_A,
        partitions: [
          {
            partitionIndex: 0,
            leaderEpoch: 4,
            newIsr: [2, 3],
            newIsrWithEpochs: [
              { brokerId: 2, brokerEpoch: 0x1_0000_0042 },
              { brokerId: 3, brokerEpoch: -1 },
            ],
            leaderRecoveryState: 1,
            partitionEpoch: 17,
          },
        ],
      },
      { topicName: 'clicks', topicId: ID_B, partitions: [] },
    ],
  };
  const res: AlterPartitionResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    topics: [
      {
        topicName: 'orders',
        topicId: ID_A,
        partitions: [
          { partitionIndex: 0, errorCode: 0, leaderId: 2, leaderEpoch: 4, isr: [2, 3], leaderRecoveryState: 1, partitionEpoch: 18 },
          {
            partitionIndex: 1,
            errorCode: ErrorCode.INVALID_UPDATE_VERSION,
            leaderId: -1,
            leaderEpoch: -1,
            isr: [],
            leaderRecoveryState: 0,
            partitionEpoch: -1,
          },
        ],
      },
    ],
  };

  for (const v of versions(0, 3)) {
    it(`v${v} round-trips (topic by ${v <= 1 ? 'name' : 'id'}, ${v <= 2 ? 'NewIsr' : 'NewIsrWithEpochs'})`, () => {
      const expectedReq: AlterPartitionRequest = {
        ...req,
        topics: req.topics.map((t) => ({
          topicName: v <= 1 ? t.topicName : '',
          topicId: v >= 2 ? t.topicId : ZERO_ID,
          partitions: t.partitions.map((p) => ({
            ...p,
            newIsr: v <= 2 ? p.newIsr : [],
            newIsrWithEpochs: v >= 3 ? p.newIsrWithEpochs : [],
            leaderRecoveryState: v >= 1 ? p.leaderRecoveryState : 0,
          })),
        })),
      };
      const got = roundTripRequest(AlterPartitionApi, v, req);
      expect(got).to.deep.equal(expectedReq);
      expect(alterPartitionNewIsr(got.topics[0].partitions[0], v)).to.deep.equal([2, 3]);
      expect(roundTripResponse(AlterPartitionApi, v, res)).to.deep.equal({
        ...res,
        topics: res.topics.map((t) => ({
          topicName: v <= 1 ? t.topicName : '',
          topicId: v >= 2 ? t.topicId : ZERO_ID,
          partitions: t.partitions.map((p) => ({ ...p, leaderRecoveryState: v >= 1 ? p.leaderRecoveryState : 0 })),
        })),
      });
    });
  }
});

describe('OffsetForLeaderEpoch codec (key 23)', () => {
  it('declares versions 0-4, flexible from 4', () => expectVersions(OffsetForLeaderEpochApi, ApiKey.OffsetForLeaderEpoch, 0, 4, 4));

  const req: OffsetForLeaderEpochRequest = {
    replicaId: 3,
    topics: [
      {
        topic: 'orders',
        partitions: [
          { partition: 0, currentLeaderEpoch: 5, leaderEpoch: 4 },
          { partition: 2, currentLeaderEpoch: 5, leaderEpoch: 5 },
        ],
      },
      { topic: '__consumer_offsets', partitions: [{ partition: 49, currentLeaderEpoch: 0, leaderEpoch: 0 }] },
    ],
  };
  const res: OffsetForLeaderEpochResponse = {
    throttleTimeMs: 12,
    topics: [
      {
        topic: 'orders',
        partitions: [
          { errorCode: 0, partition: 0, leaderEpoch: 4, endOffset: 2 ** 40 + 5 },
          { errorCode: ErrorCode.FENCED_LEADER_EPOCH, partition: 2, leaderEpoch: -1, endOffset: -1 },
        ],
      },
    ],
  };

  for (const v of versions(0, 4)) {
    it(`v${v} round-trips (absent fields -> defaults)`, () => {
      expect(roundTripRequest(OffsetForLeaderEpochApi, v, req)).to.deep.equal({
        replicaId: v >= 3 ? 3 : -2,
        topics: req.topics.map((t) => ({
          ...t,
          partitions: t.partitions.map((p) => ({ ...p, currentLeaderEpoch: v >= 2 ? p.currentLeaderEpoch : -1 })),
        })),
      });
      expect(roundTripResponse(OffsetForLeaderEpochApi, v, res)).to.deep.equal({
        throttleTimeMs: v >= 2 ? 12 : 0,
        topics: res.topics.map((t) => ({
          ...t,
          partitions: t.partitions.map((p) => ({ ...p, leaderEpoch: v >= 1 ? p.leaderEpoch : -1 })),
        })),
      });
    });
  }
});

describe('InitProducerId codec (key 22)', () => {
  it('declares versions 0-4, flexible from 2', () => expectVersions(InitProducerIdApi, ApiKey.InitProducerId, 0, 4, 2));

  const txn: InitProducerIdRequest = { transactionalId: 'txn-é-1', transactionTimeoutMs: 60000, producerId: 2 ** 40 + 1, producerEpoch: 7 };
  const idem: InitProducerIdRequest = { transactionalId: null, transactionTimeoutMs: 2147483647, producerId: -1, producerEpoch: -1 };
  const res: InitProducerIdResponse = { throttleTimeMs: 0, errorCode: 0, producerId: 4001, producerEpoch: 0 };
  const fenced: InitProducerIdResponse = { throttleTimeMs: 5, errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, producerId: -1, producerEpoch: -1 };

  for (const v of versions(0, 4)) {
    it(`v${v} round-trips (ProducerId/Epoch default to -1 before v3)`, () => {
      expect(roundTripRequest(InitProducerIdApi, v, txn)).to.deep.equal(v >= 3 ? txn : { ...txn, producerId: -1, producerEpoch: -1 });
      expect(roundTripRequest(InitProducerIdApi, v, idem)).to.deep.equal(idem);
      expect(roundTripResponse(InitProducerIdApi, v, res)).to.deep.equal(res);
      expect(roundTripResponse(InitProducerIdApi, v, fenced)).to.deep.equal(fenced);
    });
  }

  for (const v of versions(0, 1)) {
    it(`v${v}: decodes kafkajs' request and kafkajs decodes our response`, async () => {
      const raw = await kjsRequestBytes('initProducerId', v, { transactionalId: null, transactionTimeout: 30000 });
      expect(decodeAll(raw, (r) => InitProducerIdApi.decodeRequest(r, v))).to.deep.equal({
        transactionalId: null,
        transactionTimeoutMs: 30000,
        producerId: -1,
        producerEpoch: -1,
      });
      const rawTxn = await kjsRequestBytes('initProducerId', v, { transactionalId: 'tx', transactionTimeout: 60000 });
      expect(decodeAll(rawTxn, (r) => InitProducerIdApi.decodeRequest(r, v)).transactionalId).to.equal('tx');

      const body = bytesOf((w) => InitProducerIdApi.encodeResponse(w, v, { ...res, producerId: 2 ** 33 + 9, throttleTimeMs: 4 }));
      const decoded = await kjsResponse<Record<string, unknown>>('initProducerId', v).decode(body);
      expect(decoded).to.include({ errorCode: 0, producerId: String(2 ** 33 + 9), producerEpoch: 0 });
      expect(v === 0 ? decoded.throttleTime : decoded.clientSideThrottleTime).to.equal(4);
    });
  }
});

describe('DeleteRecords codec (key 21)', () => {
  it('declares versions 0-2, flexible from 2', () => expectVersions(DeleteRecordsApi, ApiKey.DeleteRecords, 0, 2, 2));

  const req: DeleteRecordsRequest = {
    topics: [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, offset: 1000 },
          { partitionIndex: 1, offset: -1 },
        ],
      },
      { name: 'big', partitions: [{ partitionIndex: 7, offset: 2 ** 45 }] },
    ],
    timeoutMs: 30000,
  };
  const res: DeleteRecordsResponse = {
    throttleTimeMs: 0,
    topics: [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, lowWatermark: 1000, errorCode: 0 },
          { partitionIndex: 1, lowWatermark: -1, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE },
        ],
      },
    ],
  };

  for (const v of versions(0, 2)) {
    it(`v${v} round-trips`, () => {
      expect(roundTripRequest(DeleteRecordsApi, v, req)).to.deep.equal(req);
      expect(roundTripResponse(DeleteRecordsApi, v, res)).to.deep.equal(res);
    });
  }

  type KjsDeleteRecordsFactory = (args: object) => KjsResponse<{ topics: unknown[] } & Record<string, unknown>>;
  for (const v of versions(0, 1)) {
    it(`v${v}: decodes kafkajs' request and kafkajs decodes our response`, async () => {
      const raw = await kjsRequestBytes('deleteRecords', v, {
        topics: [
          {
            topic: 'orders',
            partitions: [
              { partition: 0, offset: '1000' },
              { partition: 1, offset: '-1' },
            ],
          },
        ],
        timeout: 5000,
      });
      expect(decodeAll(raw, (r) => DeleteRecordsApi.decodeRequest(r, v))).to.deep.equal({
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, offset: 1000 },
              { partitionIndex: 1, offset: -1 },
            ],
          },
        ],
        timeoutMs: 5000,
      });
      const factory = kjsResponse<unknown>('deleteRecords', v) as unknown as KjsDeleteRecordsFactory;
      const body = bytesOf((w) => DeleteRecordsApi.encodeResponse(w, v, { ...res, throttleTimeMs: 2 }));
      const decoded = await factory({ topics: [] }).decode(body);
      expect(v === 0 ? decoded.throttleTime : decoded.clientSideThrottleTime).to.equal(2);
      expect(decoded.topics).to.have.length(1);
      const t = decoded.topics[0] as { topic: string; partitions: Array<{ partition: number; lowWatermark: { toString(): string }; errorCode: number }> };
      expect(t.topic).to.equal('orders');
      expect(t.partitions.map((p) => [p.partition, p.lowWatermark.toString(), p.errorCode])).to.deep.equal([
        [0, '1000', 0],
        [1, '-1', ErrorCode.OFFSET_OUT_OF_RANGE],
      ]);
    });
  }
});
