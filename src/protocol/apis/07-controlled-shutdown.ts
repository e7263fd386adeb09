/**
 * ControlledShutdown (key 7), broker -> controller: "move leadership off me before I stop"
 * (KafkaServer.controlledShutdown; KafkaController.doControlledShutdown). Schema:
 * ControlledShutdownRequest.json / ControlledShutdownResponse.json (Kafka 3.7, versions 0-3, flexible
 * from 3). Apache brokers send v3. v0 uses request header v0 (no client id): see ../headers.ts.
 *
 * Request v0-1  => BrokerId int32
 * Request v2    => BrokerId int32 BrokerEpoch int64
 * Request v3    => BrokerId int32 BrokerEpoch int64 TAG_BUFFER
 *
 * Response v0-2 => ErrorCode int16 RemainingPartitions [TopicName string PartitionIndex int32]
 * Response v3   => ErrorCode int16 RemainingPartitions [TopicName compact_string PartitionIndex int32 TAG_BUFFER]
 *                  TAG_BUFFER
 *
 * BrokerEpoch decodes to -1 ("unknown", accepted by the controller) when absent (v < 2).
 */
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

const FIRST_FLEXIBLE = 3;

export interface ControlledShutdownRequest {
  brokerId: number;
  brokerEpoch: number;
}

interface RemainingPartition {
  topicName: string;
  partitionIndex: number;
}

interface ControlledShutdownResponse {
  errorCode: number;
  /** Partitions the broker still leads; success is errorCode 0 and an empty list. */
  remainingPartitions: RemainingPartition[];
}

function decodeRequest(r: Reader, v: number): ControlledShutdownRequest {
  const brokerId = r.int32();
  const brokerEpoch = v >= 2 ? r.int64() : -1;
  if (v >= FIRST_FLEXIBLE) r.taggedFields();
  return { brokerId, brokerEpoch };
}

function encodeRequest(w: Writer, v: number, req: ControlledShutdownRequest): void {
  w.int32(req.brokerId);
  if (v >= 2) w.int64(req.brokerEpoch);
  if (v >= FIRST_FLEXIBLE) w.emptyTaggedFields();
}

function decodeResponse(r: Reader, v: number): ControlledShutdownResponse {
  const flex = v >= FIRST_FLEXIBLE;
  const errorCode = r.int16();
  const item = (rr: Reader): RemainingPartition => {
    const topicName = flex ? rr.compactString() : rr.string();
    const partitionIndex = rr.int32();
    if (flex) rr.taggedFields();
    return { topicName, partitionIndex };
  };
  const remainingPartitions = flex ? r.compactArray(item) : r.array(item);
  if (flex) r.taggedFields();
  return { errorCode, remainingPartitions };
}

function encodeResponse(w: Writer, v: number, res: ControlledShutdownResponse): void {
  const flex = v >= FIRST_FLEXIBLE;
  w.int16(res.errorCode);
  const item = (ww: Writer, p: RemainingPartition): void => {
    if (flex) ww.compactString(p.topicName);
    else ww.string(p.topicName);
    ww.int32(p.partitionIndex);
    if (flex) ww.emptyTaggedFields();
  };
  if (flex) w.compactArray(res.remainingPartitions, item);
  else w.array(res.remainingPartitions, item);
  if (flex) w.emptyTaggedFields();
}

export const ControlledShutdownApi: ApiCodec<ControlledShutdownRequest, ControlledShutdownResponse> = {
  apiKey: ApiKey.ControlledShutdown,
  name: 'ControlledShutdown',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
