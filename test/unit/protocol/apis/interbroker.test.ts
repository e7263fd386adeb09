/**
 * Round trips of the controller <-> broker codecs over every supported version, with realistic content
 * (several topics and partitions, a reassignment in flight, brokers with several listeners and a rack).
 * Each expectation is the full request "as seen at version v": fields the version lacks are at the schema
 * default, which checks both that the encoder drops them and that the decoder fills the defaults.
 */
import { expect } from 'chai';
import { LeaderAndIsrApi, LeaderAndIsrPartitionState, LeaderAndIsrRequest, LeaderAndIsrResponse } from '../../../../src/protocol/apis/04-leader-and-isr';
import { StopReplicaApi, StopReplicaRequest, StopReplicaResponse } from '../../../../src/protocol/apis/05-stop-replica';
import { UpdateMetadataApi, UpdateMetadataBroker, UpdateMetadataPartitionState, UpdateMetadataRequest } from '../../../../src/protocol/apis/06-update-metadata';
import { ControlledShutdownApi } from '../../../../src/protocol/apis/07-controlled-shutdown';
import { ApiKey } from '../../../../src/protocol/apiKeys';
import { ErrorCode } from '../../../../src/protocol/errors';
import { roundTripRequest, roundTripResponse, versions } from './helpers';

const ORDERS_ID = Buffer.from('5b6c1e0c9f2a4d3e8a1b2c3d4e5f6a7b', 'hex');
const OFFSETS_ID = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const ZERO_ID = Buffer.alloc(16);
const BROKER_EPOCH = 4294967333; // > 2^32: a real czxid, checks both int64 halves

// ---------------------------------------------------------------------------------------------------
// LeaderAndIsr
// ---------------------------------------------------------------------------------------------------

type LaiState = Omit<LeaderAndIsrPartitionState, 'topicName'>;
const laiTopics: Array<{ name: string; id: Buffer; parts: LaiState[] }> = [
  {
    name: 'orders',
    id: ORDERS_ID,
    parts: [
      {
        partitionIndex: 0,
        controllerEpoch: 3,
        leader: 1,
        leaderEpoch: 7,
        isr: [1, 2, 3],
        partitionEpoch: 12,
        replicas: [1, 2, 3],
        addingReplicas: [],
        removingReplicas: [],
        isNew: false,
        leaderRecoveryState: 0,
      },
      {
        // reassignment 1,2,3 -> 2,3,4 in flight: full set, adding 4, removing 1
        partitionIndex: 1,
        controllerEpoch: 3,
        leader: 2,
        leaderEpoch: 9,
        isr: [2, 3, 1],
        partitionEpoch: 15,
        replicas: [2, 3, 4, 1],
        addingReplicas: [4],
        removingReplicas: [1],
        isNew: true,
        leaderRecoveryState: 1,
      },
    ],
  },
  {
    name: '__consumer_offsets',
    id: OFFSETS_ID,
    parts: [
      {
        partitionIndex: 17,
        controllerEpoch: 2,
        leader: 3,
        leaderEpoch: 0,
        isr: [3],
        partitionEpoch: 0,
        replicas: [3, 1, 2],
        addingReplicas: [],
        removingReplicas: [],
        isNew: true,
        leaderRecoveryState: 0,
      },
    ],
  },
];

function laiState(v: number, topic: string, p: LaiState): LeaderAndIsrPartitionState {
  return {
    ...p,
    topicName: v <= 1 ? topic : '',
    addingReplicas: v >= 3 ? p.addingReplicas : [],
    removingReplicas: v >= 3 ? p.removingReplicas : [],
    isNew: v >= 1 ? p.isNew : false,
    leaderRecoveryState: v >= 6 ? p.leaderRecoveryState : 0,
  };
}

function leaderAndIsrAt(v: number): LeaderAndIsrRequest {
  return {
    controllerId: 1,
    isKRaftController: false,
    controllerEpoch: 3,
    brokerEpoch: v >= 2 ? BROKER_EPOCH : -1,
    type: 0,
    ungroupedPartitionStates: v <= 1 ? laiTopics.flatMap((t) => t.parts.map((p) => laiState(v, t.name, p))) : [],
    topicStates:
      v >= 2
        ? laiTopics.map((t) => ({
            topicName: t.name,
            topicId: v >= 5 ? t.id : ZERO_ID,
            partitionStates: t.parts.map((p) => laiState(v, t.name, p)),
          }))
        : [],
    liveLeaders: [
      { brokerId: 1, hostName: 'broker-1.kafka.internal', port: 9092 },
      { brokerId: 2, hostName: 'broker-2.kafka.internal', port: 9093 },
      { brokerId: 3, hostName: '127.0.0.1', port: 19094 },
    ],
  };
}

function leaderAndIsrResponseAt(v: number): LeaderAndIsrResponse {
  if (v <= 4) {
    return {
      errorCode: 0,
      partitionErrors: [
        { topicName: 'orders', partitionIndex: 0, errorCode: 0 },
        { topicName: 'orders', partitionIndex: 1, errorCode: ErrorCode.STALE_CONTROLLER_EPOCH },
        { topicName: '__consumer_offsets', partitionIndex: 17, errorCode: ErrorCode.KAFKA_STORAGE_ERROR },
      ],
      topics: [],
    };
  }
  return {
    errorCode: 0,
    partitionErrors: [],
    topics: [
      {
        topicId: ORDERS_ID,
        partitionErrors: [
          { topicName: '', partitionIndex: 0, errorCode: 0 },
          { topicName: '', partitionIndex: 1, errorCode: ErrorCode.STALE_CONTROLLER_EPOCH },
        ],
      },
      { topicId: OFFSETS_ID, partitionErrors: [{ topicName: '', partitionIndex: 17, errorCode: ErrorCode.KAFKA_STORAGE_ERROR }] },
    ],
  };
}

describe('LeaderAndIsr codec (key 4)', () => {
  it('declares versions 0-7, flexible from 4', () => {
    expect(LeaderAndIsrApi.apiKey).to.equal(ApiKey.LeaderAndIsr);
    expect([LeaderAndIsrApi.minVersion, LeaderAndIsrApi.maxVersion, LeaderAndIsrApi.firstFlexibleVersion]).to.deep.equal([0, 7, 4]);
  });

  for (const v of versions(0, 7)) {
    it(`v${v} request round-trips`, () => {
      const req = leaderAndIsrAt(v);
      expect(roundTripRequest(LeaderAndIsrApi, v, req)).to.deep.equal(req);
    });
    it(`v${v} response round-trips`, () => {
      const res = leaderAndIsrResponseAt(v);
      expect(roundTripResponse(LeaderAndIsrApi, v, res)).to.deep.equal(res);
    });
  }

  it('drops fields a version lacks and decodes them to the schema defaults', () => {
    const v7 = leaderAndIsrAt(7);
    const full: LeaderAndIsrRequest = { ...v7, isKRaftController: true, type: 2 };
    const at5 = roundTripRequest(LeaderAndIsrApi, 5, full);
    expect(at5.isKRaftController).to.equal(false);
    expect(at5.type).to.equal(2);
    expect(at5.topicStates[0].partitionStates[1].leaderRecoveryState).to.equal(0);
    const at2 = roundTripRequest(LeaderAndIsrApi, 2, full);
    expect(at2.type).to.equal(0);
    expect(at2.topicStates[0].topicId).to.deep.equal(ZERO_ID);
    expect(at2.topicStates[0].partitionStates[1].addingReplicas).to.deep.equal([]);
    expect(at2.topicStates[0].partitionStates[1].isNew).to.equal(true);
  });
});

// ---------------------------------------------------------------------------------------------------
// StopReplica
// ---------------------------------------------------------------------------------------------------

function stopReplicaAt(v: number): StopReplicaRequest {
  return {
    controllerId: 2,
    isKRaftController: false,
    controllerEpoch: 8,
    brokerEpoch: v >= 1 ? BROKER_EPOCH : -1,
    deletePartitions: v <= 2,
    ungroupedPartitions:
      v === 0
        ? [
            { topicName: 'orders', partitionIndex: 0 },
            { topicName: 'orders', partitionIndex: 3 },
            { topicName: 'clicks', partitionIndex: 11 },
          ]
        : [],
    topics:
      v >= 1 && v <= 2
        ? [
            { name: 'orders', partitionIndexes: [0, 3] },
            { name: 'clicks', partitionIndexes: [11] },
          ]
        : [],
    topicStates:
      v >= 3
        ? [
            {
              topicName: 'orders',
              partitionStates: [
                { partitionIndex: 0, leaderEpoch: 7, deletePartition: false },
                { partitionIndex: 3, leaderEpoch: -1, deletePartition: true },
              ],
            },
            { topicName: 'clicks', partitionStates: [{ partitionIndex: 11, leaderEpoch: -2, deletePartition: true }] },
          ]
        : [],
  };
}

const stopReplicaResponse: StopReplicaResponse = {
  errorCode: 0,
  partitionErrors: [
    { topicName: 'orders', partitionIndex: 0, errorCode: 0 },
    { topicName: 'orders', partitionIndex: 3, errorCode: ErrorCode.FENCED_LEADER_EPOCH },
    { topicName: 'clicks', partitionIndex: 11, errorCode: ErrorCode.KAFKA_STORAGE_ERROR },
  ],
};

describe('StopReplica codec (key 5)', () => {
  it('declares versions 0-4, flexible from 2', () => {
    expect(StopReplicaApi.apiKey).to.equal(ApiKey.StopReplica);
    expect([StopReplicaApi.minVersion, StopReplicaApi.maxVersion, StopReplicaApi.firstFlexibleVersion]).to.deep.equal([0, 4, 2]);
  });

  for (const v of versions(0, 4)) {
    it(`v${v} request round-trips`, () => {
      const req = stopReplicaAt(v);
      expect(roundTripRequest(StopReplicaApi, v, req)).to.deep.equal(req);
    });
    it(`v${v} response round-trips`, () => {
      expect(roundTripResponse(StopReplicaApi, v, stopReplicaResponse)).to.deep.equal(stopReplicaResponse);
      const empty: StopReplicaResponse = { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH, partitionErrors: [] };
      expect(roundTripResponse(StopReplicaApi, v, empty)).to.deep.equal(empty);
    });
  }

  it('v4 keeps isKRaftController; v3 drops it', () => {
    const req: StopReplicaRequest = { ...stopReplicaAt(4), isKRaftController: true };
    expect(roundTripRequest(StopReplicaApi, 4, req).isKRaftController).to.equal(true);
    expect(roundTripRequest(StopReplicaApi, 3, req).isKRaftController).to.equal(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// UpdateMetadata
// ---------------------------------------------------------------------------------------------------

type UmState = Omit<UpdateMetadataPartitionState, 'topicName'>;
const umTopics: Array<{ name: string; id: Buffer; parts: UmState[] }> = [
  {
    name: 'orders',
    id: ORDERS_ID,
    parts: [
      { partitionIndex: 0, controllerEpoch: 3, leader: 1, leaderEpoch: 7, isr: [1, 2, 3], zkVersion: 12, replicas: [1, 2, 3], offlineReplicas: [] },
      { partitionIndex: 1, controllerEpoch: 3, leader: 2, leaderEpoch: 9, isr: [2], zkVersion: 15, replicas: [2, 3, 4], offlineReplicas: [3, 4] },
    ],
  },
  {
    name: 'being-deleted',
    id: OFFSETS_ID,
    parts: [{ partitionIndex: 0, controllerEpoch: 4, leader: -2, leaderEpoch: 5, isr: [1], zkVersion: 6, replicas: [1], offlineReplicas: [] }],
  },
];

const umBrokers: Array<Omit<UpdateMetadataBroker, 'v0Host' | 'v0Port'>> = [
  {
    id: 1,
    endpoints: [
      { port: 9092, host: 'broker-1.kafka.internal', listener: 'PLAINTEXT', securityProtocol: 0 },
      { port: 9093, host: '10.0.0.1', listener: 'INTERNAL', securityProtocol: 2 },
    ],
    rack: 'eu-west-1a',
  },
  { id: 2, endpoints: [{ port: 9192, host: 'broker-2.kafka.internal', listener: 'PLAINTEXT', securityProtocol: 0 }], rack: null },
];

function umState(v: number, topic: string, p: UmState): UpdateMetadataPartitionState {
  return { ...p, topicName: v <= 4 ? topic : '', offlineReplicas: v >= 4 ? p.offlineReplicas : [] };
}

function updateMetadataAt(v: number, type = 0): UpdateMetadataRequest {
  return {
    controllerId: 1,
    isKRaftController: false,
    type: v >= 8 ? type : 0,
    controllerEpoch: 3,
    brokerEpoch: v >= 5 ? BROKER_EPOCH : -1,
    ungroupedPartitionStates: v <= 4 ? umTopics.flatMap((t) => t.parts.map((p) => umState(v, t.name, p))) : [],
    topicStates:
      v >= 5
        ? umTopics.map((t) => ({
            topicName: t.name,
            topicId: v >= 7 ? t.id : ZERO_ID,
            partitionStates: t.parts.map((p) => umState(v, t.name, p)),
          }))
        : [],
    liveBrokers: umBrokers.map((b) => ({
      id: b.id,
      v0Host: v === 0 ? b.endpoints[0].host : '',
      v0Port: v === 0 ? b.endpoints[0].port : 0,
      endpoints: v >= 1 ? b.endpoints.map((e) => ({ ...e, listener: v >= 3 ? e.listener : '' })) : [],
      rack: v >= 2 ? b.rack : '', // Rack is in v2+; absent it reads as the schema default for a string
    })),
  };
}

describe('UpdateMetadata codec (key 6)', () => {
  it('declares versions 0-8, flexible from 6', () => {
    expect(UpdateMetadataApi.apiKey).to.equal(ApiKey.UpdateMetadata);
    expect([UpdateMetadataApi.minVersion, UpdateMetadataApi.maxVersion, UpdateMetadataApi.firstFlexibleVersion]).to.deep.equal([0, 8, 6]);
  });

  for (const v of versions(0, 8)) {
    it(`v${v} request round-trips`, () => {
      const req = updateMetadataAt(v);
      expect(roundTripRequest(UpdateMetadataApi, v, req)).to.deep.equal(req);
    });
    it(`v${v} response round-trips`, () => {
      for (const errorCode of [0, ErrorCode.STALE_CONTROLLER_EPOCH, ErrorCode.STALE_BROKER_EPOCH]) {
        expect(roundTripResponse(UpdateMetadataApi, v, { errorCode })).to.deep.equal({ errorCode });
      }
    });
  }

  it('v8 carries the tagged Type field only when non-zero', () => {
    const full = updateMetadataAt(8, 2);
    expect(roundTripRequest(UpdateMetadataApi, 8, full)).to.deep.equal(full);
    const v7 = roundTripRequest(UpdateMetadataApi, 7, full);
    expect(v7.type).to.equal(0);
  });
});

// ---------------------------------------------------------------------------------------------------
// ControlledShutdown
// ---------------------------------------------------------------------------------------------------

describe('ControlledShutdown codec (key 7)', () => {
  it('declares versions 0-3, flexible from 3', () => {
    expect(ControlledShutdownApi.apiKey).to.equal(ApiKey.ControlledShutdown);
    expect([ControlledShutdownApi.minVersion, ControlledShutdownApi.maxVersion, ControlledShutdownApi.firstFlexibleVersion]).to.deep.equal([0, 3, 3]);
  });

  for (const v of versions(0, 3)) {
    it(`v${v} request round-trips`, () => {
      const req = { brokerId: 3, brokerEpoch: v >= 2 ? BROKER_EPOCH : -1 };
      expect(roundTripRequest(ControlledShutdownApi, v, req)).to.deep.equal(req);
    });
    it(`v${v} response round-trips`, () => {
      const res = {
        errorCode: 0,
        remainingPartitions: [
          { topicName: 'orders', partitionIndex: 2 },
          { topicName: 'single-replica', partitionIndex: 0 },
        ],
      };
      expect(roundTripResponse(ControlledShutdownApi, v, res)).to.deep.equal(res);
      const fail = { errorCode: ErrorCode.STALE_BROKER_EPOCH, remainingPartitions: [] };
      expect(roundTripResponse(ControlledShutdownApi, v, fail)).to.deep.equal(fail);
    });
  }

  it('v0/v1 drop BrokerEpoch and decode it as -1', () => {
    expect(roundTripRequest(ControlledShutdownApi, 1, { brokerId: 3, brokerEpoch: 77 })).to.deep.equal({ brokerId: 3, brokerEpoch: -1 });
  });
});
