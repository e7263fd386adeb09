/**
 * Golden bytes for ElectLeaders, AlterPartitionReassignments, ListPartitionReassignments, AlterPartition,
 * OffsetForLeaderEpoch, InitProducerId and DeleteRecords. Expected bytes are written field by field
 * from the Kafka 3.7 JSON schemas (compact strings/arrays are uvarint N+1, every flexible struct ends
 * with a tag section), independently of our Writer; each is checked in both directions. Also: unknown
 * tagged fields are skipped on input.
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
import { AlterPartitionApi, AlterPartitionRequest, AlterPartitionResponse } from '../../../../src/protocol/apis/56-alter-partition';
import { OffsetForLeaderEpochApi, OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../../../../src/protocol/apis/23-offset-for-leader-epoch';
import { InitProducerIdApi, InitProducerIdRequest, InitProducerIdResponse } from '../../../../src/protocol/apis/22-init-producer-id';
import { DeleteRecordsApi, DeleteRecordsRequest, DeleteRecordsResponse } from '../../../../src/protocol/apis/21-delete-records';
import { ApiCodec } from '../../../../src/protocol/apis/types';
import { bytesOf, decodeAll } from './helpers';

// --- hand encoders for the expected bytes (independent of src/protocol/Writer) ---
const i8 = (v: number): number[] => [v & 0xff];
const i16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const i32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const i64 = (hi: number, lo: number): number[] => [...i32(hi), ...i32(lo)];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
/** Classic string: int16 length then bytes. */
const str = (s: string): number[] => [...i16(s.length), ...ascii(s)];
/** Compact string: uvarint(len + 1) then bytes (all our test strings are < 127 bytes). */
const cstr = (s: string): number[] => [s.length + 1, ...ascii(s)];
/** Classic array header: int32 count. */
const arr = (n: number): number[] => i32(n);
/** Compact array header: uvarint(count + 1). */
const carr = (n: number): number[] => [n + 1];
const NULL_COMPACT = 0x00; // null compact string/array
const TAGS = 0x00; // empty tagged-field section
const UUID = Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const hex = (bytes: number[]): string => Buffer.from(bytes).toString('hex');

function goldenRequest<Req, Res>(codec: ApiCodec<Req, Res>, v: number, value: Req, expected: number[]): void {
  expect(bytesOf((w) => codec.encodeRequest(w, v, value)).toString('hex')).to.equal(hex(expected));
  expect(decodeAll(Buffer.from(expected), (r) => codec.decodeRequest(r, v))).to.deep.equal(value);
}
function goldenResponse<Req, Res>(codec: ApiCodec<Req, Res>, v: number, value: Res, expected: number[]): void {
  expect(bytesOf((w) => codec.encodeResponse(w, v, value)).toString('hex')).to.equal(hex(expected));
  expect(decodeAll(Buffer.from(expected), (r) => codec.decodeResponse(r, v))).to.deep.equal(value);
}

describe('controller/replication API golden bytes', () => {
  it('ElectLeaders v1 request and response', () => {
    const req: ElectLeadersRequest = { electionType: 0, topicPartitions: [{ topic: 'foo', partitions: [0, 2] }], timeoutMs: 60000 };
    goldenRequest(ElectLeadersApi, 1, req, [
      ...i8(0), // ElectionType PREFERRED
      ...arr(1),
      ...str('foo'),
      ...arr(2),
      ...i32(0),
      ...i32(2), // TopicPartitions
      ...i32(60000), // TimeoutMs
    ]);
    goldenRequest(ElectLeadersApi, 1, { electionType: 1, topicPartitions: null, timeoutMs: 100 }, [
      ...i8(1),
      ...i32(-1),
      ...i32(100), // null TopicPartitions = all partitions
    ]);
    const res: ElectLeadersResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      replicaElectionResults: [
        {
          topic: 'foo',
          partitionResult: [
            { partitionId: 0, errorCode: 0, errorMessage: null },
            { partitionId: 2, errorCode: 84, errorMessage: 'no' },
          ],
        },
      ],
    };
    goldenResponse(ElectLeadersApi, 1, res, [
      ...i32(0),
      ...i16(0), // ThrottleTimeMs ErrorCode
      ...arr(1),
      ...str('foo'),
      ...arr(2),
      ...i32(0),
      ...i16(0),
      ...i16(-1), // PartitionId ErrorCode ErrorMessage(null)
      ...i32(2),
      ...i16(84),
      ...str('no'),
    ]);
  });

  it('ElectLeaders v2 (flexible) request and response', () => {
    goldenRequest(ElectLeadersApi, 2, { electionType: 1, topicPartitions: [{ topic: 'foo', partitions: [3] }], timeoutMs: 5 }, [
      ...i8(1),
      ...carr(1),
      ...cstr('foo'),
      ...carr(1),
      ...i32(3),
      TAGS,
      ...i32(5),
      TAGS,
    ]);
    goldenRequest(ElectLeadersApi, 2, { electionType: 0, topicPartitions: null, timeoutMs: 5 }, [...i8(0), NULL_COMPACT, ...i32(5), TAGS]);
    goldenResponse(
      ElectLeadersApi,
      2,
      { throttleTimeMs: 1, errorCode: 0, replicaElectionResults: [{ topic: 'foo', partitionResult: [{ partitionId: 3, errorCode: 0, errorMessage: null }] }] },
      [...i32(1), ...i16(0), ...carr(1), ...cstr('foo'), ...carr(1), ...i32(3), ...i16(0), NULL_COMPACT, TAGS, TAGS, TAGS],
    );
  });

  it('AlterPartitionReassignments v0 request and response', () => {
    const req: AlterPartitionReassignmentsRequest = {
      timeoutMs: 5000,
      topics: [
        {
          name: 'foo',
          partitions: [
            { partitionIndex: 0, replicas: [3, 1] },
            { partitionIndex: 1, replicas: null },
          ],
        },
      ],
    };
    goldenRequest(AlterPartitionReassignmentsApi, 0, req, [
      ...i32(5000),
      ...carr(1),
      ...cstr('foo'),
      ...carr(2),
      ...i32(0),
      ...carr(2),
      ...i32(3),
      ...i32(1),
      TAGS,
      ...i32(1),
      NULL_COMPACT,
      TAGS, // null Replicas = cancel
      TAGS, // topic
      TAGS, // request
    ]);
    const res: AlterPartitionReassignmentsResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      responses: [{ name: 'foo', partitions: [{ partitionIndex: 1, errorCode: 85, errorMessage: 'x' }] }],
    };
    goldenResponse(AlterPartitionReassignmentsApi, 0, res, [
      ...i32(0),
      ...i16(0),
      NULL_COMPACT,
      ...carr(1),
      ...cstr('foo'),
      ...carr(1),
      ...i32(1),
      ...i16(85),
      ...cstr('x'),
      TAGS,
      TAGS,
      TAGS,
    ]);
  });

  it('ListPartitionReassignments v0 request and response', () => {
    const req: ListPartitionReassignmentsRequest = { timeoutMs: 60000, topics: [{ name: 'foo', partitionIndexes: [0, 1] }] };
    goldenRequest(ListPartitionReassignmentsApi, 0, req, [...i32(60000), ...carr(1), ...cstr('foo'), ...carr(2), ...i32(0), ...i32(1), TAGS, TAGS]);
    goldenRequest(ListPartitionReassignmentsApi, 0, { timeoutMs: 60000, topics: null }, [...i32(60000), NULL_COMPACT, TAGS]);
    const res: ListPartitionReassignmentsResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      topics: [{ name: 'foo', partitions: [{ partitionIndex: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [] }] }],
    };
    goldenResponse(ListPartitionReassignmentsApi, 0, res, [
      ...i32(0),
      ...i16(0),
      NULL_COMPACT,
      ...carr(1),
      ...cstr('foo'),
      ...carr(1),
      ...i32(0),
      ...carr(3),
      ...i32(1),
      ...i32(2),
      ...i32(3),
      ...carr(1),
      ...i32(3),
      ...carr(0),
      TAGS,
      TAGS,
      TAGS,
    ]);
  });

  it('AlterPartition v2 request and response (topic by id)', () => {
    const req: AlterPartitionRequest = {
      brokerId: 1,
      brokerEpoch: 0x100000025,
      topics: [
        {
          topicName: '',
          topicId: Buffer.from(UUID),
          partitions: [{ partitionIndex: 0, leaderEpoch: 3, newIsr: [1, 2], newIsrWithEpochs: [], leaderRecoveryState: 0, partitionEpoch: 7 }],
        },
      ],
    };
    goldenRequest(AlterPartitionApi, 2, req, [
      ...i32(1),
      ...i64(1, 0x25), // BrokerId BrokerEpoch
      ...carr(1),
      ...UUID, // Topics, TopicId
      ...carr(1),
      ...i32(0),
      ...i32(3), // PartitionIndex LeaderEpoch
      ...carr(2),
      ...i32(1),
      ...i32(2), // NewIsr
      ...i8(0),
      ...i32(7),
      TAGS, // LeaderRecoveryState PartitionEpoch
      TAGS, // topic
      TAGS, // request
    ]);
    const res: AlterPartitionResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      topics: [
        {
          topicName: '',
          topicId: Buffer.from(UUID),
          partitions: [{ partitionIndex: 0, errorCode: 0, leaderId: 1, leaderEpoch: 3, isr: [1, 2], leaderRecoveryState: 0, partitionEpoch: 8 }],
        },
      ],
    };
    goldenResponse(AlterPartitionApi, 2, res, [
      ...i32(0),
      ...i16(0),
      ...carr(1),
      ...UUID,
      ...carr(1),
      ...i32(0),
      ...i16(0),
      ...i32(1),
      ...i32(3),
      ...carr(2),
      ...i32(1),
      ...i32(2),
      ...i8(0),
      ...i32(8),
      TAGS,
      TAGS,
      TAGS,
    ]);
  });

  it('AlterPartition v0 (topic by name) and v3 (NewIsrWithEpochs) requests', () => {
    goldenRequest(
      AlterPartitionApi,
      0,
      {
        brokerId: 2,
        brokerEpoch: 9,
        topics: [
          {
            topicName: 'foo',
            topicId: Buffer.alloc(16),
            partitions: [{ partitionIndex: 1, leaderEpoch: 0, newIsr: [2], newIsrWithEpochs: [], leaderRecoveryState: 0, partitionEpoch: 0 }],
          },
        ],
      },
      [...i32(2), ...i64(0, 9), ...carr(1), ...cstr('foo'), ...carr(1), ...i32(1), ...i32(0), ...carr(1), ...i32(2), ...i32(0), TAGS, TAGS, TAGS],
    );
    goldenRequest(
      AlterPartitionApi,
      3,
      {
        brokerId: 2,
        brokerEpoch: 9,
        topics: [
          {
            topicName: '',
            topicId: Buffer.from(UUID),
            partitions: [
              {
                partitionIndex: 1,
                leaderEpoch: 0,
                newIsr: [],
                newIsrWithEpochs: [
                  { brokerId: 2, brokerEpoch: 9 },
                  { brokerId: 3, brokerEpoch: -1 },
                ],
                leaderRecoveryState: 1,
                partitionEpoch: 4,
              },
            ],
          },
        ],
      },
      [
        ...i32(2),
        ...i64(0, 9),
        ...carr(1),
        ...UUID,
        ...carr(1),
        ...i32(1),
        ...i32(0),
        ...carr(2),
        ...i32(2),
        ...i64(0, 9),
        TAGS,
        ...i32(3),
        ...i64(-1, -1),
        TAGS, // NewIsrWithEpochs
        ...i8(1),
        ...i32(4),
        TAGS,
        TAGS,
        TAGS,
      ],
    );
  });

  it('OffsetForLeaderEpoch v3 request and response', () => {
    const req: OffsetForLeaderEpochRequest = {
      replicaId: 2,
      topics: [{ topic: 'foo', partitions: [{ partition: 0, currentLeaderEpoch: 5, leaderEpoch: 4 }] }],
    };
    goldenRequest(OffsetForLeaderEpochApi, 3, req, [
      ...i32(2), // ReplicaId
      ...arr(1),
      ...str('foo'),
      ...arr(1),
      ...i32(0),
      ...i32(5),
      ...i32(4), // Partition CurrentLeaderEpoch LeaderEpoch
    ]);
    const res: OffsetForLeaderEpochResponse = {
      throttleTimeMs: 0,
      topics: [{ topic: 'foo', partitions: [{ errorCode: 0, partition: 0, leaderEpoch: 4, endOffset: 0x100000010 }] }],
    };
    goldenResponse(OffsetForLeaderEpochApi, 3, res, [
      ...i32(0), // ThrottleTimeMs
      ...arr(1),
      ...str('foo'),
      ...arr(1),
      ...i16(0),
      ...i32(0),
      ...i32(4),
      ...i64(1, 0x10), // ErrorCode Partition LeaderEpoch EndOffset
    ]);
  });

  it('OffsetForLeaderEpoch v4 (flexible) request and v0 response', () => {
    goldenRequest(
      OffsetForLeaderEpochApi,
      4,
      { replicaId: 1, topics: [{ topic: 'foo', partitions: [{ partition: 2, currentLeaderEpoch: 1, leaderEpoch: 0 }] }] },
      [...i32(1), ...carr(1), ...cstr('foo'), ...carr(1), ...i32(2), ...i32(1), ...i32(0), TAGS, TAGS, TAGS],
    );
    goldenResponse(
      OffsetForLeaderEpochApi,
      0,
      { throttleTimeMs: 0, topics: [{ topic: 'foo', partitions: [{ errorCode: 0, partition: 2, leaderEpoch: -1, endOffset: 10 }] }] },
      [...arr(1), ...str('foo'), ...arr(1), ...i16(0), ...i32(2), ...i64(0, 10)],
    );
  });

  it('InitProducerId v1 request and response', () => {
    const req: InitProducerIdRequest = { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 };
    goldenRequest(InitProducerIdApi, 1, req, [...i16(-1), ...i32(60000)]);
    goldenRequest(InitProducerIdApi, 1, { ...req, transactionalId: 'tx' }, [...str('tx'), ...i32(60000)]);
    const res: InitProducerIdResponse = { throttleTimeMs: 0, errorCode: 0, producerId: 0x200000001, producerEpoch: 0 };
    goldenResponse(InitProducerIdApi, 1, res, [...i32(0), ...i16(0), ...i64(2, 1), ...i16(0)]);
  });

  it('InitProducerId v4 (flexible, with ProducerId/Epoch) request and response', () => {
    goldenRequest(InitProducerIdApi, 4, { transactionalId: 'tx', transactionTimeoutMs: 1000, producerId: 7, producerEpoch: 3 }, [
      ...cstr('tx'),
      ...i32(1000),
      ...i64(0, 7),
      ...i16(3),
      TAGS,
    ]);
    goldenRequest(InitProducerIdApi, 2, { transactionalId: null, transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1 }, [
      NULL_COMPACT,
      ...i32(1000),
      TAGS,
    ]);
    goldenResponse(InitProducerIdApi, 4, { throttleTimeMs: 0, errorCode: 0, producerId: 7, producerEpoch: 4 }, [
      ...i32(0),
      ...i16(0),
      ...i64(0, 7),
      ...i16(4),
      TAGS,
    ]);
  });

  it('DeleteRecords v1 request and response', () => {
    const req: DeleteRecordsRequest = {
      topics: [
        {
          name: 'foo',
          partitions: [
            { partitionIndex: 0, offset: 100 },
            { partitionIndex: 1, offset: -1 },
          ],
        },
      ],
      timeoutMs: 30000,
    };
    goldenRequest(DeleteRecordsApi, 1, req, [...arr(1), ...str('foo'), ...arr(2), ...i32(0), ...i64(0, 100), ...i32(1), ...i64(-1, -1), ...i32(30000)]);
    const res: DeleteRecordsResponse = {
      throttleTimeMs: 0,
      topics: [{ name: 'foo', partitions: [{ partitionIndex: 0, lowWatermark: 100, errorCode: 0 }] }],
    };
    goldenResponse(DeleteRecordsApi, 1, res, [...i32(0), ...arr(1), ...str('foo'), ...arr(1), ...i32(0), ...i64(0, 100), ...i16(0)]);
  });

  it('DeleteRecords v2 (flexible) request and response', () => {
    goldenRequest(DeleteRecordsApi, 2, { topics: [{ name: 'foo', partitions: [{ partitionIndex: 0, offset: 100 }] }], timeoutMs: 1 }, [
      ...carr(1),
      ...cstr('foo'),
      ...carr(1),
      ...i32(0),
      ...i64(0, 100),
      TAGS,
      TAGS,
      ...i32(1),
      TAGS,
    ]);
    goldenResponse(
      DeleteRecordsApi,
      2,
      { throttleTimeMs: 0, topics: [{ name: 'foo', partitions: [{ partitionIndex: 0, lowWatermark: 100, errorCode: 0 }] }] },
      [...i32(0), ...carr(1), ...cstr('foo'), ...carr(1), ...i32(0), ...i64(0, 100), ...i16(0), TAGS, TAGS, TAGS],
    );
  });
});

describe('flexible versions skip unknown tagged fields', () => {
  /** Replaces the empty tag section at byte `at` with one carrying an unknown tag (tag 9, 2 bytes). */
  function withTag(buf: Buffer, at: number): Buffer {
    expect(buf[at]).to.equal(0);
    return Buffer.concat([buf.subarray(0, at), Buffer.from([1, 9, 2, 0xab, 0xcd]), buf.subarray(at + 1)]);
  }

  it('InitProducerId v4 request and DeleteRecords v2 response with trailing tags', () => {
    const ipid = bytesOf((w) => InitProducerIdApi.encodeRequest(w, 4, { transactionalId: 'x', transactionTimeoutMs: 1, producerId: 5, producerEpoch: 2 }));
    expect(decodeAll(withTag(ipid, ipid.length - 1), (r) => InitProducerIdApi.decodeRequest(r, 4))).to.deep.equal({
      transactionalId: 'x',
      transactionTimeoutMs: 1,
      producerId: 5,
      producerEpoch: 2,
    });
    const dr: DeleteRecordsResponse = { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, lowWatermark: 3, errorCode: 0 }] }] };
    const drBytes = bytesOf((w) => DeleteRecordsApi.encodeResponse(w, 2, dr));
    // layout: throttle(4) count(1) name(2) count(1) partition(4+8+2) TAG(partition)=@22 TAG(topic)=@23 TAG(top)=@24
    let tagged = withTag(drBytes, 24);
    tagged = withTag(tagged, 23);
    tagged = withTag(tagged, 22);
    expect(decodeAll(tagged, (r) => DeleteRecordsApi.decodeResponse(r, 2))).to.deep.equal(dr);
  });

  it('AlterPartition v3 request with a tag inside a BrokerState', () => {
    const ap: AlterPartitionRequest = {
      brokerId: 1,
      brokerEpoch: 10,
      topics: [
        {
          topicName: '',
          topicId: Buffer.from(UUID),
          partitions: [
            { partitionIndex: 0, leaderEpoch: 1, newIsr: [], newIsrWithEpochs: [{ brokerId: 1, brokerEpoch: 10 }], leaderRecoveryState: 0, partitionEpoch: 3 },
          ],
        },
      ],
    };
    const b = bytesOf((w) => AlterPartitionApi.encodeRequest(w, 3, ap));
    // brokerId(4) brokerEpoch(8) count(1) uuid(16) count(1) index(4) epoch(4) count(1) brokerId(4) epoch(8) TAG@51
    expect(decodeAll(withTag(b, 51), (r) => AlterPartitionApi.decodeRequest(r, 3))).to.deep.equal(ap);
  });
});
