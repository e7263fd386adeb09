/**
 * StopReplica (key 5), controller -> broker: stop fetching/serving some replicas, and delete their logs
 * when asked (topic deletion, reassignment) (ReplicaManager.stopReplicas). Schema: StopReplicaRequest.json /
 * StopReplicaResponse.json (Kafka 3.7, versions 0-4, flexible from 2). Our controller sends v4 (IBP >= 3.4).
 *
 * Request v0   => ControllerId int32 ControllerEpoch int32 DeletePartitions bool
 *                 UngroupedPartitions [TopicName string PartitionIndex int32]
 * Request v1   => ControllerId ControllerEpoch BrokerEpoch int64 DeletePartitions bool
 *                 Topics [Name string PartitionIndexes [int32]]
 * Request v2   => v1 in flexible form (compact strings/arrays, TAG_BUFFER after every struct and at the end)
 * Request v3   => ControllerId ControllerEpoch BrokerEpoch
 *                 TopicStates [TopicName string PartitionStates [PartitionIndex int32 LeaderEpoch int32
 *                 DeletePartition bool TAG_BUFFER] TAG_BUFFER] TAG_BUFFER
 * Request v4   => ControllerId isKRaftController bool ControllerEpoch BrokerEpoch TopicStates TAG_BUFFER
 *
 * Response v0-4 => ErrorCode int16 PartitionErrors [TopicName string PartitionIndex int32 ErrorCode int16]
 *                  (flexible form from v2)
 *
 * Absent fields decode to the schema default: isKRaftController false, BrokerEpoch -1,
 * DeletePartitions false, LeaderEpoch -1, empty arrays.
 */
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readArr, readInt32, readStr, writeArr, writeInt32, writeStr } from './versioned';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

const FIRST_FLEXIBLE = 2;

interface StopReplicaPartitionV0 {
  topicName: string;
  partitionIndex: number;
}

interface StopReplicaTopicV1 {
  name: string;
  partitionIndexes: number[];
}

interface StopReplicaPartitionState {
  partitionIndex: number;
  /** Current leader epoch; -1 "no epoch", -2 "topic queued for deletion" (KIP-570). */
  leaderEpoch: number;
  deletePartition: boolean;
}

interface StopReplicaTopicState {
  topicName: string;
  partitionStates: StopReplicaPartitionState[];
}

export interface StopReplicaRequest {
  controllerId: number;
  isKRaftController: boolean;
  controllerEpoch: number;
  brokerEpoch: number;
  /** v0-2 only (v3+ carries DeletePartition per partition). */
  deletePartitions: boolean;
  /** v0 only. */
  ungroupedPartitions: StopReplicaPartitionV0[];
  /** v1-2 only. */
  topics: StopReplicaTopicV1[];
  /** v3+. */
  topicStates: StopReplicaTopicState[];
}

interface StopReplicaPartitionError {
  topicName: string;
  partitionIndex: number;
  errorCode: number;
}

export interface StopReplicaResponse {
  errorCode: number;
  partitionErrors: StopReplicaPartitionError[];
}

function decodeRequest(r: Reader, v: number): StopReplicaRequest {
  const flex = v >= FIRST_FLEXIBLE;
  const controllerId = r.int32();
  const isKRaftController = v >= 4 ? r.bool() : false;
  const controllerEpoch = r.int32();
  const brokerEpoch = v >= 1 ? r.int64() : -1;
  const deletePartitions = v <= 2 ? r.bool() : false;
  const ungroupedPartitions = v === 0 ? r.array((rr): StopReplicaPartitionV0 => ({ topicName: rr.string(), partitionIndex: rr.int32() })) : [];
  const topics =
    v >= 1 && v <= 2
      ? readArr(r, flex, (rr): StopReplicaTopicV1 => {
          const name = readStr(rr, flex);
          const partitionIndexes = readArr(rr, flex, readInt32);
          if (flex) rr.taggedFields();
          return { name, partitionIndexes };
        })
      : [];
  const topicStates =
    v >= 3
      ? r.compactArray((rr): StopReplicaTopicState => {
          const topicName = rr.compactString();
          const partitionStates = rr.compactArray((r3): StopReplicaPartitionState => {
            const partitionIndex = r3.int32();
            const leaderEpoch = r3.int32();
            const deletePartition = r3.bool();
            r3.taggedFields();
            return { partitionIndex, leaderEpoch, deletePartition };
          });
          rr.taggedFields();
          return { topicName, partitionStates };
        })
      : [];
  if (flex) r.taggedFields();
  return {
    controllerId,
    isKRaftController,
    controllerEpoch,
    brokerEpoch,
    deletePartitions,
    ungroupedPartitions,
    topics,
    topicStates,
  };
}

function encodeRequest(w: Writer, v: number, req: StopReplicaRequest): void {
  const flex = v >= FIRST_FLEXIBLE;
  w.int32(req.controllerId);
  if (v >= 4) w.bool(req.isKRaftController);
  w.int32(req.controllerEpoch);
  if (v >= 1) w.int64(req.brokerEpoch);
  if (v <= 2) w.bool(req.deletePartitions);
  if (v === 0) {
    w.array(req.ungroupedPartitions, (ww, p) => {
      ww.string(p.topicName).int32(p.partitionIndex);
    });
  } else if (v <= 2) {
    writeArr(w, flex, req.topics, (ww, t) => {
      writeStr(ww, flex, t.name);
      writeArr(ww, flex, t.partitionIndexes, writeInt32);
      if (flex) ww.emptyTaggedFields();
    });
  } else {
    w.compactArray(req.topicStates, (ww, t) => {
      ww.compactString(t.topicName);
      ww.compactArray(t.partitionStates, (w3, p) => {
        w3.int32(p.partitionIndex).int32(p.leaderEpoch).bool(p.deletePartition).emptyTaggedFields();
      });
      ww.emptyTaggedFields();
    });
  }
  if (flex) w.emptyTaggedFields();
}

function decodeResponse(r: Reader, v: number): StopReplicaResponse {
  const flex = v >= FIRST_FLEXIBLE;
  const errorCode = r.int16();
  const partitionErrors = readArr(r, flex, (rr): StopReplicaPartitionError => {
    const topicName = readStr(rr, flex);
    const partitionIndex = rr.int32();
    const code = rr.int16();
    if (flex) rr.taggedFields();
    return { topicName, partitionIndex, errorCode: code };
  });
  if (flex) r.taggedFields();
  return { errorCode, partitionErrors };
}

function encodeResponse(w: Writer, v: number, res: StopReplicaResponse): void {
  const flex = v >= FIRST_FLEXIBLE;
  w.int16(res.errorCode);
  writeArr(w, flex, res.partitionErrors, (ww, e) => {
    writeStr(ww, flex, e.topicName);
    ww.int32(e.partitionIndex).int16(e.errorCode);
    if (flex) ww.emptyTaggedFields();
  });
  if (flex) w.emptyTaggedFields();
}

export const StopReplicaApi: ApiCodec<StopReplicaRequest, StopReplicaResponse> = {
  apiKey: ApiKey.StopReplica,
  name: 'StopReplica',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
