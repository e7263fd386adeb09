/**
 * Golden bytes for the versions an IBP >= 3.4 Apache controller and broker exchange (LeaderAndIsr v7,
 * UpdateMetadata v8, StopReplica v4, ControlledShutdown v3) plus a few non-flexible versions.
 * Expected bytes are written field by field from the JSON schemas (compact strings/arrays are
 * uvarint N+1, every struct ends with a tag section), independently of our Writer.
 */
import { expect } from 'chai';
import { LeaderAndIsrApi, LeaderAndIsrRequest, LeaderAndIsrResponse } from '../../../../src/protocol/apis/04-leader-and-isr';
import { StopReplicaApi, StopReplicaRequest, StopReplicaResponse } from '../../../../src/protocol/apis/05-stop-replica';
import { UpdateMetadataApi, UpdateMetadataRequest } from '../../../../src/protocol/apis/06-update-metadata';
import { ControlledShutdownApi } from '../../../../src/protocol/apis/07-controlled-shutdown';
import { ProtocolError, Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import { bytesOf, decodeAll } from './helpers';

// --- hand encoders for the expected bytes (independent of src/protocol/Writer) ---
const i8 = (v: number): number[] => [v & 0xff];
const i16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const i32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const i64 = (hi: number, lo: number): number[] => [...i32(hi), ...i32(lo)];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
/** Compact string: uvarint(len + 1) then bytes (all our test strings are < 127 bytes). */
const cstr = (s: string): number[] => [s.length + 1, ...ascii(s)];
/** Classic string: int16 length then bytes. */
const str = (s: string): number[] => [...i16(s.length), ...ascii(s)];
/** Compact array header: uvarint(count + 1). */
const carr = (n: number): number[] => [n + 1];
const TAGS = 0x00; // empty tagged-field section
const UUID = Array.from({ length: 16 }, (_, i) => i + 1); // 01 02 .. 10
const hex = (bytes: number[]): string => Buffer.from(bytes).toString('hex');

function expectGolden<T>(encode: (w: Writer) => void, decode: (r: Reader) => T, expected: number[], value: T): void {
  expect(bytesOf(encode).toString('hex')).to.equal(hex(expected));
  expect(decodeAll(Buffer.from(expected), decode)).to.deep.equal(value);
}

describe('inter-broker golden bytes', () => {
  it('LeaderAndIsr v7 request', () => {
    const req: LeaderAndIsrRequest = {
      controllerId: 1,
      isKRaftController: false,
      controllerEpoch: 5,
      brokerEpoch: 0x100000025,
      type: 0,
      ungroupedPartitionStates: [],
      topicStates: [
        {
          topicName: 't',
          topicId: Buffer.from(UUID),
          partitionStates: [
            {
              topicName: '',
              partitionIndex: 0,
              controllerEpoch: 5,
              leader: 1,
              leaderEpoch: 2,
              isr: [1, 2],
              partitionEpoch: 3,
              replicas: [1, 2, 3],
              addingReplicas: [3],
              removingReplicas: [],
              isNew: true,
              leaderRecoveryState: 0,
            },
          ],
        },
      ],
      liveLeaders: [{ brokerId: 1, hostName: 'h', port: 9092 }],
    };
    const expected = [
      ...i32(1), // ControllerId
      ...i8(0), // isKRaftController
      ...i32(5), // ControllerEpoch
      ...i64(1, 0x25), // BrokerEpoch
      ...i8(0), // Type
      ...carr(1), // TopicStates
      ...cstr('t'),
      ...UUID, // TopicName, TopicId
      ...carr(1), // PartitionStates
      ...i32(0),
      ...i32(5),
      ...i32(1),
      ...i32(2), // PartitionIndex ControllerEpoch Leader LeaderEpoch
      ...carr(2),
      ...i32(1),
      ...i32(2), // Isr
      ...i32(3), // PartitionEpoch
      ...carr(3),
      ...i32(1),
      ...i32(2),
      ...i32(3), // Replicas
      ...carr(1),
      ...i32(3), // AddingReplicas
      ...carr(0), // RemovingReplicas
      ...i8(1), // IsNew
      ...i8(0), // LeaderRecoveryState
      TAGS, // partition state
      TAGS, // topic state
      ...carr(1),
      ...i32(1),
      ...cstr('h'),
      ...i32(9092),
      TAGS, // LiveLeaders
      TAGS, // top level
    ];
    expectGolden(
      (w) => LeaderAndIsrApi.encodeRequest(w, 7, req),
      (r) => LeaderAndIsrApi.decodeRequest(r, 7),
      expected,
      req,
    );
  });

  it('LeaderAndIsr v7 response (grouped by topic id)', () => {
    const res: LeaderAndIsrResponse = {
      errorCode: 0,
      partitionErrors: [],
      topics: [
        {
          topicId: Buffer.from(UUID),
          partitionErrors: [
            { topicName: '', partitionIndex: 0, errorCode: 0 },
            { topicName: '', partitionIndex: 1, errorCode: 11 },
          ],
        },
      ],
    };
    const expected = [
      ...i16(0),
      ...carr(1),
      ...UUID,
      ...carr(2),
      ...i32(0),
      ...i16(0),
      TAGS,
      ...i32(1),
      ...i16(11),
      TAGS,
      TAGS, // topic
      TAGS, // top level
    ];
    expectGolden(
      (w) => LeaderAndIsrApi.encodeResponse(w, 7, res),
      (r) => LeaderAndIsrApi.decodeResponse(r, 7),
      expected,
      res,
    );
  });

  it('LeaderAndIsr v2 request (non-flexible, grouped, BrokerEpoch)', () => {
    const req: LeaderAndIsrRequest = {
      controllerId: 1,
      isKRaftController: false,
      controllerEpoch: 5,
      brokerEpoch: 0x25,
      type: 0,
      ungroupedPartitionStates: [],
      topicStates: [
        {
          topicName: 't',
          topicId: Buffer.alloc(16),
          partitionStates: [
            {
              topicName: '',
              partitionIndex: 4,
              controllerEpoch: 5,
              leader: 1,
              leaderEpoch: 2,
              isr: [1],
              partitionEpoch: 3,
              replicas: [1],
              addingReplicas: [],
              removingReplicas: [],
              isNew: false,
              leaderRecoveryState: 0,
            },
          ],
        },
      ],
      liveLeaders: [],
    };
    const expected = [
      ...i32(1),
      ...i32(5),
      ...i64(0, 0x25),
      ...i32(1),
      ...str('t'),
      ...i32(1),
      ...i32(4),
      ...i32(5),
      ...i32(1),
      ...i32(2),
      ...i32(1),
      ...i32(1),
      ...i32(3),
      ...i32(1),
      ...i32(1),
      ...i8(0),
      ...i32(0),
    ];
    expectGolden(
      (w) => LeaderAndIsrApi.encodeRequest(w, 2, req),
      (r) => LeaderAndIsrApi.decodeRequest(r, 2),
      expected,
      req,
    );
  });

  const umV8: UpdateMetadataRequest = {
    controllerId: 1,
    isKRaftController: false,
    type: 0,
    controllerEpoch: 5,
    brokerEpoch: 0x25,
    ungroupedPartitionStates: [],
    topicStates: [
      {
        topicName: 't',
        topicId: Buffer.from(UUID),
        partitionStates: [
          {
            topicName: '',
            partitionIndex: 0,
            controllerEpoch: 5,
            leader: 1,
            leaderEpoch: 2,
            isr: [1],
            zkVersion: 3,
            replicas: [1, 2],
            offlineReplicas: [2],
          },
        ],
      },
    ],
    liveBrokers: [
      {
        id: 1,
        v0Host: '',
        v0Port: 0,
        endpoints: [{ port: 9092, host: 'h', listener: 'PLAINTEXT', securityProtocol: 0 }],
        rack: 'r',
      },
      { id: 2, v0Host: '', v0Port: 0, endpoints: [], rack: null },
    ],
  };
  const umV8Body = [
    ...i32(1), // ControllerId
    ...i8(0), // isKRaftController
    ...i32(5), // ControllerEpoch
    ...i64(0, 0x25), // BrokerEpoch
    ...carr(1),
    ...cstr('t'),
    ...UUID, // TopicStates[0]: TopicName TopicId
    ...carr(1),
    ...i32(0),
    ...i32(5),
    ...i32(1),
    ...i32(2), // PartitionIndex ControllerEpoch Leader LeaderEpoch
    ...carr(1),
    ...i32(1), // Isr
    ...i32(3), // ZkVersion
    ...carr(2),
    ...i32(1),
    ...i32(2), // Replicas
    ...carr(1),
    ...i32(2), // OfflineReplicas
    TAGS,
    TAGS, // partition, topic
    ...carr(2), // LiveBrokers
    ...i32(1),
    ...carr(1),
    ...i32(9092),
    ...cstr('h'),
    ...cstr('PLAINTEXT'),
    ...i16(0),
    TAGS,
    ...cstr('r'),
    TAGS,
    ...i32(2),
    ...carr(0),
    0x00 /* null rack */,
    TAGS,
  ];

  it('UpdateMetadata v8 request, Type 0 (no tagged field)', () => {
    const expected = [...umV8Body, TAGS];
    expectGolden(
      (w) => UpdateMetadataApi.encodeRequest(w, 8, umV8),
      (r) => UpdateMetadataApi.decodeRequest(r, 8),
      expected,
      umV8,
    );
  });

  it('UpdateMetadata v8 request, Type 2 in tag 0', () => {
    const req = { ...umV8, type: 2 };
    const expected = [...umV8Body, 1 /* one tag */, 0 /* tag 0 */, 1 /* size */, ...i8(2)];
    expectGolden(
      (w) => UpdateMetadataApi.encodeRequest(w, 8, req),
      (r) => UpdateMetadataApi.decodeRequest(r, 8),
      expected,
      req,
    );
  });

  it('UpdateMetadata v8 request skips unknown top-level tags', () => {
    const bytes = [...umV8Body, 2, 0, 1, ...i8(1), 7, 3, 0xaa, 0xbb, 0xcc];
    expect(decodeAll(Buffer.from(bytes), (r) => UpdateMetadataApi.decodeRequest(r, 8))).to.deep.equal({ ...umV8, type: 1 });
  });

  it('UpdateMetadata v8 response', () => {
    expectGolden(
      (w) => UpdateMetadataApi.encodeResponse(w, 8, { errorCode: 77 }),
      (r) => UpdateMetadataApi.decodeResponse(r, 8),
      [...i16(77), TAGS],
      { errorCode: 77 },
    );
  });

  it('UpdateMetadata v5 request (non-flexible, grouped)', () => {
    const req: UpdateMetadataRequest = {
      ...umV8,
      type: 0,
      topicStates: [{ ...umV8.topicStates[0], topicId: Buffer.alloc(16) }],
      liveBrokers: [umV8.liveBrokers[0]],
    };
    const expected = [
      ...i32(1),
      ...i32(5),
      ...i64(0, 0x25),
      ...i32(1),
      ...str('t'),
      ...i32(1),
      ...i32(0),
      ...i32(5),
      ...i32(1),
      ...i32(2),
      ...i32(1),
      ...i32(1),
      ...i32(3),
      ...i32(2),
      ...i32(1),
      ...i32(2),
      ...i32(1),
      ...i32(2),
      ...i32(1),
      ...i32(1),
      ...i32(1),
      ...i32(9092),
      ...str('h'),
      ...str('PLAINTEXT'),
      ...i16(0),
      ...str('r'),
    ];
    expectGolden(
      (w) => UpdateMetadataApi.encodeRequest(w, 5, req),
      (r) => UpdateMetadataApi.decodeRequest(r, 5),
      expected,
      req,
    );
  });

  it('StopReplica v4 request and response', () => {
    const req: StopReplicaRequest = {
      controllerId: 1,
      isKRaftController: false,
      controllerEpoch: 5,
      brokerEpoch: 0x25,
      deletePartitions: false,
      ungroupedPartitions: [],
      topics: [],
      topicStates: [
        {
          topicName: 't',
          partitionStates: [
            { partitionIndex: 0, leaderEpoch: 2, deletePartition: true },
            { partitionIndex: 1, leaderEpoch: -2, deletePartition: false },
          ],
        },
      ],
    };
    const expected = [
      ...i32(1),
      ...i8(0),
      ...i32(5),
      ...i64(0, 0x25),
      ...carr(1),
      ...cstr('t'),
      ...carr(2),
      ...i32(0),
      ...i32(2),
      ...i8(1),
      TAGS,
      ...i32(1),
      ...i32(-2),
      ...i8(0),
      TAGS,
      TAGS, // topic
      TAGS, // top level
    ];
    expectGolden(
      (w) => StopReplicaApi.encodeRequest(w, 4, req),
      (r) => StopReplicaApi.decodeRequest(r, 4),
      expected,
      req,
    );

    const res: StopReplicaResponse = { errorCode: 0, partitionErrors: [{ topicName: 't', partitionIndex: 1, errorCode: 74 }] };
    const resBytes = [...i16(0), ...carr(1), ...cstr('t'), ...i32(1), ...i16(74), TAGS, TAGS];
    expectGolden(
      (w) => StopReplicaApi.encodeResponse(w, 4, res),
      (r) => StopReplicaApi.decodeResponse(r, 4),
      resBytes,
      res,
    );
  });

  it('StopReplica v1 request (non-flexible, DeletePartitions + Topics)', () => {
    const req: StopReplicaRequest = {
      controllerId: 1,
      isKRaftController: false,
      controllerEpoch: 5,
      brokerEpoch: 0x25,
      deletePartitions: true,
      ungroupedPartitions: [],
      topics: [{ name: 't', partitionIndexes: [0, 2] }],
      topicStates: [],
    };
    const expected = [...i32(1), ...i32(5), ...i64(0, 0x25), ...i8(1), ...i32(1), ...str('t'), ...i32(2), ...i32(0), ...i32(2)];
    expectGolden(
      (w) => StopReplicaApi.encodeRequest(w, 1, req),
      (r) => StopReplicaApi.decodeRequest(r, 1),
      expected,
      req,
    );
  });

  it('ControlledShutdown v3 request and response', () => {
    const req = { brokerId: 2, brokerEpoch: 0x100000025 };
    expectGolden(
      (w) => ControlledShutdownApi.encodeRequest(w, 3, req),
      (r) => ControlledShutdownApi.decodeRequest(r, 3),
      [...i32(2), ...i64(1, 0x25), TAGS],
      req,
    );
    const res = { errorCode: 0, remainingPartitions: [{ topicName: 't', partitionIndex: 0 }] };
    expectGolden(
      (w) => ControlledShutdownApi.encodeResponse(w, 3, res),
      (r) => ControlledShutdownApi.decodeResponse(r, 3),
      [...i16(0), ...carr(1), ...cstr('t'), ...i32(0), TAGS, TAGS],
      res,
    );
  });

  it('ControlledShutdown v1 request and response (non-flexible)', () => {
    expectGolden(
      (w) => ControlledShutdownApi.encodeRequest(w, 1, { brokerId: 2, brokerEpoch: -1 }),
      (r) => ControlledShutdownApi.decodeRequest(r, 1),
      [...i32(2)],
      { brokerId: 2, brokerEpoch: -1 },
    );
    const res = { errorCode: 41, remainingPartitions: [{ topicName: 't', partitionIndex: 3 }] };
    expectGolden(
      (w) => ControlledShutdownApi.encodeResponse(w, 1, res),
      (r) => ControlledShutdownApi.decodeResponse(r, 1),
      [...i16(41), ...i32(1), ...str('t'), ...i32(3)],
      res,
    );
  });
  it('a truncated v7 LeaderAndIsr / v8 UpdateMetadata body throws ProtocolError at every cut', () => {
    for (const [codec, v, body] of [
      [LeaderAndIsrApi, 7, [...i32(1), ...i8(0), ...i32(5), ...i64(0, 1), ...i8(0), ...carr(1), ...cstr('t'), ...UUID, ...carr(0), TAGS, ...carr(0), TAGS]],
      [UpdateMetadataApi, 8, [...umV8Body, TAGS]],
    ] as const) {
      const full = Buffer.from(body);
      expect(() => decodeAll(full, (r) => codec.decodeRequest(r, v))).to.not.throw();
      for (let cut = 0; cut < full.length; cut++) {
        expect(() => codec.decodeRequest(new Reader(full.subarray(0, cut)), v), `cut at ${cut}`).to.throw(ProtocolError);
      }
    }
  });
});
