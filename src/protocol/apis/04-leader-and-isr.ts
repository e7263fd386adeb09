/**
 * LeaderAndIsr (key 4), controller -> replica brokers: the leader, ISR and replica set of each
 * partition the recipient hosts (kafka.controller.ControllerChannelManager; handled by
 * ReplicaManager.becomeLeaderOrFollower). Schema: LeaderAndIsrRequest.json / LeaderAndIsrResponse.json
 * (Kafka 3.7, versions 0-7, flexible from 4). Our controller sends v7 like an IBP >= 3.4 Apache controller.
 *
 * PartitionState(v) => TopicName string (v0-1 only) PartitionIndex int32 ControllerEpoch int32
 *                      Leader int32 LeaderEpoch int32 Isr [int32] PartitionEpoch int32 Replicas [int32]
 *                      AddingReplicas [int32] (v3+) RemovingReplicas [int32] (v3+) IsNew bool (v1+)
 *                      LeaderRecoveryState int8 (v6+) TAG_BUFFER (v4+)
 * Request v0-1 => ControllerId int32 ControllerEpoch int32 UngroupedPartitionStates [PartitionState]
 *                 LiveLeaders [BrokerId int32 HostName string Port int32]
 * Request v2-3 => ControllerId ControllerEpoch BrokerEpoch int64
 *                 TopicStates [TopicName string PartitionStates [PartitionState]] LiveLeaders
 * Request v4   => v3 in flexible form (compact strings/arrays, TAG_BUFFER after every struct and at the end)
 * Request v5-6 => ControllerId ControllerEpoch BrokerEpoch Type int8
 *                 TopicStates [TopicName TopicId uuid PartitionStates] LiveLeaders TAG_BUFFER
 * Request v7   => ControllerId isKRaftController bool ControllerEpoch BrokerEpoch Type TopicStates LiveLeaders
 *
 * Response v0-4 => ErrorCode int16 PartitionErrors [TopicName string PartitionIndex int32 ErrorCode int16]
 * Response v5-7 => ErrorCode int16 Topics [TopicId uuid PartitionErrors [PartitionIndex int32 ErrorCode int16]]
 *
 * Fields absent in a version decode to the schema default (BrokerEpoch -1, Type 0, TopicId zero UUID,
 * IsNew false, LeaderRecoveryState 0, empty arrays, TopicName "").
 */
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readArr, readInt32, readStr, readUuid, writeArr, writeInt32, writeStr } from './versioned';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';
import type { PartitionState } from './PartitionState';

const FIRST_FLEXIBLE = 4;

export interface LeaderAndIsrPartitionState extends PartitionState {
  addingReplicas: number[];
  removingReplicas: number[];
  isNew: boolean;
  /** 0 RECOVERED, 1 RECOVERING (KIP-704). */
  leaderRecoveryState: number;
}

interface LeaderAndIsrTopicState {
  topicName: string;
  /** 16 bytes; Buffer.alloc(16) when absent (v < 5). */
  topicId: Buffer;
  partitionStates: LeaderAndIsrPartitionState[];
}

interface LeaderAndIsrLiveLeader {
  brokerId: number;
  hostName: string;
  port: number;
}

export interface LeaderAndIsrRequest {
  controllerId: number;
  isKRaftController: boolean;
  controllerEpoch: number;
  brokerEpoch: number;
  /** 0 UNKNOWN (normal ZK mode), 1 INCREMENTAL, 2 FULL (ZK migration only). */
  type: number;
  /** v0-1 only. */
  ungroupedPartitionStates: LeaderAndIsrPartitionState[];
  /** v2+. */
  topicStates: LeaderAndIsrTopicState[];
  liveLeaders: LeaderAndIsrLiveLeader[];
}

interface LeaderAndIsrPartitionError {
  /** Only on the wire in v0-4; "" otherwise. */
  topicName: string;
  partitionIndex: number;
  errorCode: number;
}

interface LeaderAndIsrTopicError {
  topicId: Buffer;
  partitionErrors: LeaderAndIsrPartitionError[];
}

export interface LeaderAndIsrResponse {
  errorCode: number;
  /** v0-4. */
  partitionErrors: LeaderAndIsrPartitionError[];
  /** v5+. */
  topics: LeaderAndIsrTopicError[];
}

// --- request ---

function readPartitionState(r: Reader, v: number): LeaderAndIsrPartitionState {
  const flex = v >= FIRST_FLEXIBLE;
  const topicName = v <= 1 ? r.string() : '';
  const partitionIndex = r.int32();
  const controllerEpoch = r.int32();
  const leader = r.int32();
  const leaderEpoch = r.int32();
  const isr = readArr(r, flex, readInt32);
  const partitionEpoch = r.int32();
  const replicas = readArr(r, flex, readInt32);
  const addingReplicas = v >= 3 ? readArr(r, flex, readInt32) : [];
  const removingReplicas = v >= 3 ? readArr(r, flex, readInt32) : [];
  const isNew = v >= 1 ? r.bool() : false;
  const leaderRecoveryState = v >= 6 ? r.int8() : 0;
  if (flex) r.taggedFields();
  return {
    topicName,
    partitionIndex,
    controllerEpoch,
    leader,
    leaderEpoch,
    isr,
    partitionEpoch,
    replicas,
    addingReplicas,
    removingReplicas,
    isNew,
    leaderRecoveryState,
  };
}

function writePartitionState(w: Writer, v: number, p: LeaderAndIsrPartitionState): void {
  const flex = v >= FIRST_FLEXIBLE;
  if (v <= 1) w.string(p.topicName);
  w.int32(p.partitionIndex).int32(p.controllerEpoch).int32(p.leader).int32(p.leaderEpoch);
  writeArr(w, flex, p.isr, writeInt32);
  w.int32(p.partitionEpoch);
  writeArr(w, flex, p.replicas, writeInt32);
  if (v >= 3) {
    writeArr(w, flex, p.addingReplicas, writeInt32);
    writeArr(w, flex, p.removingReplicas, writeInt32);
  }
  if (v >= 1) w.bool(p.isNew);
  if (v >= 6) w.int8(p.leaderRecoveryState);
  if (flex) w.emptyTaggedFields();
}

function decodeRequest(r: Reader, v: number): LeaderAndIsrRequest {
  const flex = v >= FIRST_FLEXIBLE;
  const controllerId = r.int32();
  const isKRaftController = v >= 7 ? r.bool() : false;
  const controllerEpoch = r.int32();
  const brokerEpoch = v >= 2 ? r.int64() : -1;
  const type = v >= 5 ? r.int8() : 0;
  const ungroupedPartitionStates = v <= 1 ? r.array((rr) => readPartitionState(rr, v)) : [];
  const topicStates =
    v >= 2
      ? readArr(r, flex, (rr): LeaderAndIsrTopicState => {
          const topicName = readStr(rr, flex);
          const topicId = v >= 5 ? readUuid(rr) : Buffer.alloc(16);
          const partitionStates = readArr(rr, flex, (r3) => readPartitionState(r3, v));
          if (flex) rr.taggedFields();
          return { topicName, topicId, partitionStates };
        })
      : [];
  const liveLeaders = readArr(r, flex, (rr): LeaderAndIsrLiveLeader => {
    const brokerId = rr.int32();
    const hostName = readStr(rr, flex);
    const port = rr.int32();
    if (flex) rr.taggedFields();
    return { brokerId, hostName, port };
  });
  if (flex) r.taggedFields();
  return {
    controllerId,
    isKRaftController,
    controllerEpoch,
    brokerEpoch,
    type,
    ungroupedPartitionStates,
    topicStates,
    liveLeaders,
  };
}

function encodeRequest(w: Writer, v: number, req: LeaderAndIsrRequest): void {
  const flex = v >= FIRST_FLEXIBLE;
  w.int32(req.controllerId);
  if (v >= 7) w.bool(req.isKRaftController);
  w.int32(req.controllerEpoch);
  if (v >= 2) w.int64(req.brokerEpoch);
  if (v >= 5) w.int8(req.type);
  if (v <= 1) {
    w.array(req.ungroupedPartitionStates, (ww, p) => writePartitionState(ww, v, p));
  } else {
    writeArr(w, flex, req.topicStates, (ww, t) => {
      writeStr(ww, flex, t.topicName);
      if (v >= 5) ww.uuid(t.topicId);
      writeArr(ww, flex, t.partitionStates, (w3, p) => writePartitionState(w3, v, p));
      if (flex) ww.emptyTaggedFields();
    });
  }
  writeArr(w, flex, req.liveLeaders, (ww, l) => {
    ww.int32(l.brokerId);
    writeStr(ww, flex, l.hostName);
    ww.int32(l.port);
    if (flex) ww.emptyTaggedFields();
  });
  if (flex) w.emptyTaggedFields();
}

// --- response ---

function readPartitionError(r: Reader, v: number): LeaderAndIsrPartitionError {
  const flex = v >= FIRST_FLEXIBLE;
  const topicName = v <= 4 ? readStr(r, flex) : '';
  const partitionIndex = r.int32();
  const errorCode = r.int16();
  if (flex) r.taggedFields();
  return { topicName, partitionIndex, errorCode };
}

function writePartitionError(w: Writer, v: number, e: LeaderAndIsrPartitionError): void {
  const flex = v >= FIRST_FLEXIBLE;
  if (v <= 4) writeStr(w, flex, e.topicName);
  w.int32(e.partitionIndex).int16(e.errorCode);
  if (flex) w.emptyTaggedFields();
}

function decodeResponse(r: Reader, v: number): LeaderAndIsrResponse {
  const flex = v >= FIRST_FLEXIBLE;
  const errorCode = r.int16();
  const partitionErrors = v <= 4 ? readArr(r, flex, (rr) => readPartitionError(rr, v)) : [];
  const topics =
    v >= 5
      ? r.compactArray((rr): LeaderAndIsrTopicError => {
          const topicId = readUuid(rr);
          const errors = rr.compactArray((r3) => readPartitionError(r3, v));
          rr.taggedFields();
          return { topicId, partitionErrors: errors };
        })
      : [];
  if (flex) r.taggedFields();
  return { errorCode, partitionErrors, topics };
}

function encodeResponse(w: Writer, v: number, res: LeaderAndIsrResponse): void {
  const flex = v >= FIRST_FLEXIBLE;
  w.int16(res.errorCode);
  if (v <= 4) {
    writeArr(w, flex, res.partitionErrors, (ww, e) => writePartitionError(ww, v, e));
  } else {
    w.compactArray(res.topics, (ww, t) => {
      ww.uuid(t.topicId);
      ww.compactArray(t.partitionErrors, (w3, e) => writePartitionError(w3, v, e));
      ww.emptyTaggedFields();
    });
  }
  if (flex) w.emptyTaggedFields();
}

export const LeaderAndIsrApi: ApiCodec<LeaderAndIsrRequest, LeaderAndIsrResponse> = {
  apiKey: ApiKey.LeaderAndIsr,
  name: 'LeaderAndIsr',
  minVersion: 0,
  maxVersion: 7,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
