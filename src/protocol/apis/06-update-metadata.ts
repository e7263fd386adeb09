/**
 * UpdateMetadata (key 6), controller -> every live broker: partition states and the live broker list
 * that feed each broker's MetadataCache (kafka.server.ZkMetadataCache.updateMetadata).
 * Schema: UpdateMetadataRequest.json / UpdateMetadataResponse.json (Kafka 3.7, versions 0-8, flexible
 * from 6). Our controller sends v8 (IBP >= 3.4).
 *
 * PartitionState(v) => TopicName string (v0-4 only) PartitionIndex int32 ControllerEpoch int32 Leader int32
 *                      LeaderEpoch int32 Isr [int32] ZkVersion int32 Replicas [int32]
 *                      OfflineReplicas [int32] (v4+) TAG_BUFFER (v6+)
 * Broker(v) => Id int32 V0Host string (v0 only) V0Port int32 (v0 only)
 *              Endpoints [Port int32 Host string Listener string (v3+) SecurityProtocol int16] (v1+)
 *              Rack nullable string (v2+)
 * Request v0-4 => ControllerId int32 ControllerEpoch int32 UngroupedPartitionStates [PartitionState]
 *                 LiveBrokers [Broker]
 * Request v5   => ControllerId ControllerEpoch BrokerEpoch int64
 *                 TopicStates [TopicName string PartitionStates [PartitionState]] LiveBrokers
 * Request v6   => v5 in flexible form (compact strings/arrays, TAG_BUFFER after every struct and at the end)
 * Request v7   => TopicStates gain TopicId uuid after TopicName
 * Request v8   => ControllerId isKRaftController bool ControllerEpoch BrokerEpoch TopicStates LiveBrokers
 *                 TAG_BUFFER, where the top-level TAG_BUFFER may hold tag 0 = Type int8 (KIP-866:
 *                 0 UNKNOWN, 1 INCREMENTAL, 2 FULL; only non-zero during a ZK -> KRaft migration)
 *
 * Response v0-8 => ErrorCode int16 (TAG_BUFFER from v6)
 *
 * Absent fields decode to the schema default (isKRaftController false, Type 0, BrokerEpoch -1, TopicId
 * zero UUID, Listener "", V0Host "", V0Port 0, empty arrays, TopicName ""); an absent Rack decodes to null
 * (the broker has no rack).
 */
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readArr, readInt32, readStr, readUuid, writeArr, writeInt32, writeStr } from './versioned';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';
import type { PartitionState } from './PartitionState';

const FIRST_FLEXIBLE = 6;
/** Tag of the v8+ top-level tagged field `Type`. */
const TYPE_TAG = 0;

export interface UpdateMetadataPartitionState extends PartitionState {
  offlineReplicas: number[];
}

interface UpdateMetadataTopicState {
  topicName: string;
  /** 16 bytes; Buffer.alloc(16) when absent (v < 7). */
  topicId: Buffer;
  partitionStates: UpdateMetadataPartitionState[];
}

interface UpdateMetadataEndpoint {
  port: number;
  host: string;
  /** Listener name (v3+); "" when absent. */
  listener: string;
  /** SecurityProtocol id: 0 PLAINTEXT, 1 SSL, 2 SASL_PLAINTEXT, 3 SASL_SSL. */
  securityProtocol: number;
}

export interface UpdateMetadataBroker {
  id: number;
  /** v0 only. */
  v0Host: string;
  /** v0 only. */
  v0Port: number;
  /** v1+. */
  endpoints: UpdateMetadataEndpoint[];
  rack: string | null;
}

export interface UpdateMetadataRequest {
  controllerId: number;
  isKRaftController: boolean;
  /** Tagged (tag 0) in v8+. */
  type: number;
  controllerEpoch: number;
  brokerEpoch: number;
  /** v0-4 only. */
  ungroupedPartitionStates: UpdateMetadataPartitionState[];
  /** v5+. */
  topicStates: UpdateMetadataTopicState[];
  liveBrokers: UpdateMetadataBroker[];
}

interface UpdateMetadataResponse {
  errorCode: number;
}

// --- request ---

function readPartitionState(r: Reader, v: number): UpdateMetadataPartitionState {
  const flex = v >= FIRST_FLEXIBLE;
  const topicName = v <= 4 ? r.string() : '';
  const partitionIndex = r.int32();
  const controllerEpoch = r.int32();
  const leader = r.int32();
  const leaderEpoch = r.int32();
  const isr = readArr(r, flex, readInt32);
  const partitionEpoch = r.int32(); // ZkVersion
  const replicas = readArr(r, flex, readInt32);
  const offlineReplicas = v >= 4 ? readArr(r, flex, readInt32) : [];
  if (flex) r.taggedFields();
  return { topicName, partitionIndex, controllerEpoch, leader, leaderEpoch, isr, partitionEpoch, replicas, offlineReplicas };
}

function writePartitionState(w: Writer, v: number, p: UpdateMetadataPartitionState): void {
  const flex = v >= FIRST_FLEXIBLE;
  if (v <= 4) w.string(p.topicName);
  w.int32(p.partitionIndex).int32(p.controllerEpoch).int32(p.leader).int32(p.leaderEpoch);
  writeArr(w, flex, p.isr, writeInt32);
  w.int32(p.partitionEpoch);
  writeArr(w, flex, p.replicas, writeInt32);
  if (v >= 4) writeArr(w, flex, p.offlineReplicas, writeInt32);
  if (flex) w.emptyTaggedFields();
}

function readBroker(r: Reader, v: number): UpdateMetadataBroker {
  const flex = v >= FIRST_FLEXIBLE;
  const id = r.int32();
  const v0Host = v === 0 ? r.string() : '';
  const v0Port = v === 0 ? r.int32() : 0;
  const endpoints =
    v >= 1
      ? readArr(r, flex, (rr): UpdateMetadataEndpoint => {
          const port = rr.int32();
          const host = readStr(rr, flex);
          const listener = v >= 3 ? readStr(rr, flex) : '';
          const securityProtocol = rr.int16();
          if (flex) rr.taggedFields();
          return { port, host, listener, securityProtocol };
        })
      : [];
  const rack = v >= 2 ? (flex ? r.compactNullableString() : r.nullableString()) : null;
  if (flex) r.taggedFields();
  return { id, v0Host, v0Port, endpoints, rack };
}

function writeBroker(w: Writer, v: number, b: UpdateMetadataBroker): void {
  const flex = v >= FIRST_FLEXIBLE;
  w.int32(b.id);
  if (v === 0) w.string(b.v0Host).int32(b.v0Port);
  if (v >= 1) {
    writeArr(w, flex, b.endpoints, (ww, e) => {
      ww.int32(e.port);
      writeStr(ww, flex, e.host);
      if (v >= 3) writeStr(ww, flex, e.listener);
      ww.int16(e.securityProtocol);
      if (flex) ww.emptyTaggedFields();
    });
  }
  if (v >= 2) {
    if (flex) w.compactNullableString(b.rack);
    else w.nullableString(b.rack);
  }
  if (flex) w.emptyTaggedFields();
}

/** Top-level tagged fields: reads `Type` (tag 0, v8+) and skips any tag we do not know. */
function readTopLevelTags(r: Reader, v: number): number {
  let type = 0;
  const n = r.uvarint();
  for (let i = 0; i < n; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const field = r.raw(size);
    if (tag === TYPE_TAG && v >= 8 && size >= 1) type = field.readInt8(0);
  }
  return type;
}

function decodeRequest(r: Reader, v: number): UpdateMetadataRequest {
  const flex = v >= FIRST_FLEXIBLE;
  const controllerId = r.int32();
  const isKRaftController = v >= 8 ? r.bool() : false;
  const controllerEpoch = r.int32();
  const brokerEpoch = v >= 5 ? r.int64() : -1;
  const ungroupedPartitionStates = v <= 4 ? r.array((rr) => readPartitionState(rr, v)) : [];
  const topicStates =
    v >= 5
      ? readArr(r, flex, (rr): UpdateMetadataTopicState => {
          const topicName = readStr(rr, flex);
          const topicId = v >= 7 ? readUuid(rr) : Buffer.alloc(16);
          const partitionStates = readArr(rr, flex, (r3) => readPartitionState(r3, v));
          if (flex) rr.taggedFields();
          return { topicName, topicId, partitionStates };
        })
      : [];
  const liveBrokers = readArr(r, flex, (rr) => readBroker(rr, v));
  const type = flex ? readTopLevelTags(r, v) : 0;
  return {
    controllerId,
    isKRaftController,
    type,
    controllerEpoch,
    brokerEpoch,
    ungroupedPartitionStates,
    topicStates,
    liveBrokers,
  };
}

function encodeRequest(w: Writer, v: number, req: UpdateMetadataRequest): void {
  const flex = v >= FIRST_FLEXIBLE;
  w.int32(req.controllerId);
  if (v >= 8) w.bool(req.isKRaftController);
  w.int32(req.controllerEpoch);
  if (v >= 5) w.int64(req.brokerEpoch);
  if (v <= 4) {
    w.array(req.ungroupedPartitionStates, (ww, p) => writePartitionState(ww, v, p));
  } else {
    writeArr(w, flex, req.topicStates, (ww, t) => {
      writeStr(ww, flex, t.topicName);
      if (v >= 7) ww.uuid(t.topicId);
      writeArr(ww, flex, t.partitionStates, (w3, p) => writePartitionState(w3, v, p));
      if (flex) ww.emptyTaggedFields();
    });
  }
  writeArr(w, flex, req.liveBrokers, (ww, b) => writeBroker(ww, v, b));
  if (!flex) return;
  // Like Apache's generated code, a tagged field is written only when it differs from its default.
  if (v >= 8 && req.type !== 0) w.uvarint(1).uvarint(TYPE_TAG).uvarint(1).int8(req.type);
  else w.emptyTaggedFields();
}

// --- response ---

function decodeResponse(r: Reader, v: number): UpdateMetadataResponse {
  const errorCode = r.int16();
  if (v >= FIRST_FLEXIBLE) r.taggedFields();
  return { errorCode };
}

function encodeResponse(w: Writer, v: number, res: UpdateMetadataResponse): void {
  w.int16(res.errorCode);
  if (v >= FIRST_FLEXIBLE) w.emptyTaggedFields();
}

export const UpdateMetadataApi: ApiCodec<UpdateMetadataRequest, UpdateMetadataResponse> = {
  apiKey: ApiKey.UpdateMetadata,
  name: 'UpdateMetadata',
  minVersion: 0,
  maxVersion: 8,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
