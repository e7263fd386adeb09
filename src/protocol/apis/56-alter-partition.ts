/**
 * AlterPartition (key 56, named AlterIsr before Kafka 3.2), partition leader -> controller: propose a new
 * ISR (KIP-497, KIP-704, KIP-841, KIP-903). In a 3.x ZK-mode cluster (IBP >= 2.7-IV2) leaders never
 * write the state znode themselves; they send this and the controller writes it conditionally
 * (kafka.server.AlterPartitionManager -> KafkaController.processAlterPartition).
 * Schema: AlterPartitionRequest.json / AlterPartitionResponse.json (Kafka 3.7, versions 0-3, all flexible).
 *
 * BrokerState(v3+) => BrokerId int32 BrokerEpoch int64 TAG_BUFFER
 * PartitionData(v) => PartitionIndex int32 LeaderEpoch int32
 *                     NewIsr [int32] (v0-2) | NewIsrWithEpochs [BrokerState] (v3+)
 *                     LeaderRecoveryState int8 (v1+) PartitionEpoch int32 TAG_BUFFER
 * Request v0-1 => BrokerId int32 BrokerEpoch int64
 *                 Topics [TopicName compact_string Partitions [PartitionData] TAG_BUFFER] TAG_BUFFER
 * Request v2-3 => BrokerId int32 BrokerEpoch int64
 *                 Topics [TopicId uuid Partitions [PartitionData] TAG_BUFFER] TAG_BUFFER
 *
 * Response v0-3 => ThrottleTimeMs int32 ErrorCode int16
 *                  Topics [TopicName compact_string (v0-1) | TopicId uuid (v2+)
 *                          Partitions [PartitionIndex int32 ErrorCode int16 LeaderId int32 LeaderEpoch int32
 *                                      Isr [int32] LeaderRecoveryState int8 (v1+) PartitionEpoch int32
 *                                      TAG_BUFFER]
 *                          TAG_BUFFER]
 *                  TAG_BUFFER
 *
 * Fields absent in a version decode to the schema default: TopicName "", TopicId the zero UUID,
 * NewIsr [] (v3), NewIsrWithEpochs [] (v0-2), LeaderRecoveryState 0. Use `alterPartitionNewIsr`
 * to read the proposed ISR whatever the version.
 */
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { readInt32, readUuid, writeInt32 } from './versioned';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

interface AlterPartitionBrokerState {
  brokerId: number;
  /** -1 when the sender does not know it (KIP-903). */
  brokerEpoch: number;
}

interface AlterPartitionPartitionData {
  partitionIndex: number;
  leaderEpoch: number;
  /** v0-2. */
  newIsr: number[];
  /** v3+. */
  newIsrWithEpochs: AlterPartitionBrokerState[];
  /** 0 RECOVERED, 1 RECOVERING (KIP-704); v1+. */
  leaderRecoveryState: number;
  /** The partition's state-znode dataVersion as the leader last saw it (ZK mode). */
  partitionEpoch: number;
}

interface AlterPartitionTopicData {
  /** v0-1; "" otherwise. */
  topicName: string;
  /** v2+; 16 zero bytes otherwise. */
  topicId: Buffer;
  partitions: AlterPartitionPartitionData[];
}

export interface AlterPartitionRequest {
  brokerId: number;
  brokerEpoch: number;
  topics: AlterPartitionTopicData[];
}

export interface AlterPartitionResponsePartitionData {
  partitionIndex: number;
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
  isr: number[];
  leaderRecoveryState: number;
  partitionEpoch: number;
}

interface AlterPartitionResponseTopicData {
  /** v0-1; "" otherwise. */
  topicName: string;
  /** v2+; 16 zero bytes otherwise. */
  topicId: Buffer;
  partitions: AlterPartitionResponsePartitionData[];
}

export interface AlterPartitionResponse {
  throttleTimeMs: number;
  errorCode: number;
  topics: AlterPartitionResponseTopicData[];
}

/** The proposed ISR broker ids, from NewIsr (v0-2) or NewIsrWithEpochs (v3+), as Kafka's controller reads it. */
export function alterPartitionNewIsr(p: AlterPartitionPartitionData, version: number): number[] {
  return version >= 3 ? p.newIsrWithEpochs.map((b) => b.brokerId) : p.newIsr;
}

// --- request ---

function readPartitionData(r: Reader, v: number): AlterPartitionPartitionData {
  const partitionIndex = r.int32();
  const leaderEpoch = r.int32();
  const newIsr = v <= 2 ? r.compactArray(readInt32) : [];
  const newIsrWithEpochs =
    v >= 3
      ? r.compactArray((rr): AlterPartitionBrokerState => {
          const brokerId = rr.int32();
          const brokerEpoch = rr.int64();
          rr.taggedFields();
          return { brokerId, brokerEpoch };
        })
      : [];
  const leaderRecoveryState = v >= 1 ? r.int8() : 0;
  const partitionEpoch = r.int32();
  r.taggedFields();
  return { partitionIndex, leaderEpoch, newIsr, newIsrWithEpochs, leaderRecoveryState, partitionEpoch };
}

function writePartitionData(w: Writer, v: number, p: AlterPartitionPartitionData): void {
  w.int32(p.partitionIndex).int32(p.leaderEpoch);
  if (v <= 2) {
    w.compactArray(p.newIsr, writeInt32);
  } else {
    w.compactArray(p.newIsrWithEpochs, (ww, b) => {
      ww.int32(b.brokerId).int64(b.brokerEpoch).emptyTaggedFields();
    });
  }
  if (v >= 1) w.int8(p.leaderRecoveryState);
  w.int32(p.partitionEpoch).emptyTaggedFields();
}

function decodeRequest(r: Reader, v: number): AlterPartitionRequest {
  const brokerId = r.int32();
  const brokerEpoch = r.int64();
  const topics = r.compactArray((rr): AlterPartitionTopicData => {
    const topicName = v <= 1 ? rr.compactString() : '';
    const topicId = v >= 2 ? readUuid(rr) : Buffer.alloc(16);
    const partitions = rr.compactArray((r3) => readPartitionData(r3, v));
    rr.taggedFields();
    return { topicName, topicId, partitions };
  });
  r.taggedFields();
  return { brokerId, brokerEpoch, topics };
}

function encodeRequest(w: Writer, v: number, req: AlterPartitionRequest): void {
  w.int32(req.brokerId).int64(req.brokerEpoch);
  w.compactArray(req.topics, (ww, t) => {
    if (v <= 1) ww.compactString(t.topicName);
    else ww.uuid(t.topicId);
    ww.compactArray(t.partitions, (w3, p) => writePartitionData(w3, v, p));
    ww.emptyTaggedFields();
  });
  w.emptyTaggedFields();
}

// --- response ---

function readResponsePartition(r: Reader, v: number): AlterPartitionResponsePartitionData {
  const partitionIndex = r.int32();
  const errorCode = r.int16();
  const leaderId = r.int32();
  const leaderEpoch = r.int32();
  const isr = r.compactArray(readInt32);
  const leaderRecoveryState = v >= 1 ? r.int8() : 0;
  const partitionEpoch = r.int32();
  r.taggedFields();
  return { partitionIndex, errorCode, leaderId, leaderEpoch, isr, leaderRecoveryState, partitionEpoch };
}

function decodeResponse(r: Reader, v: number): AlterPartitionResponse {
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  const topics = r.compactArray((rr): AlterPartitionResponseTopicData => {
    const topicName = v <= 1 ? rr.compactString() : '';
    const topicId = v >= 2 ? readUuid(rr) : Buffer.alloc(16);
    const partitions = rr.compactArray((r3) => readResponsePartition(r3, v));
    rr.taggedFields();
    return { topicName, topicId, partitions };
  });
  r.taggedFields();
  return { throttleTimeMs, errorCode, topics };
}

function encodeResponse(w: Writer, v: number, res: AlterPartitionResponse): void {
  w.int32(res.throttleTimeMs).int16(res.errorCode);
  w.compactArray(res.topics, (ww, t) => {
    if (v <= 1) ww.compactString(t.topicName);
    else ww.uuid(t.topicId);
    ww.compactArray(t.partitions, (w3, p) => {
      w3.int32(p.partitionIndex).int16(p.errorCode).int32(p.leaderId).int32(p.leaderEpoch);
      w3.compactArray(p.isr, writeInt32);
      if (v >= 1) w3.int8(p.leaderRecoveryState);
      w3.int32(p.partitionEpoch).emptyTaggedFields();
    });
    ww.emptyTaggedFields();
  });
  w.emptyTaggedFields();
}

export const AlterPartitionApi: ApiCodec<AlterPartitionRequest, AlterPartitionResponse> = {
  apiKey: ApiKey.AlterPartition,
  name: 'AlterPartition',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: 0,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
