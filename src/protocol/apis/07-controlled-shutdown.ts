/**
 * ControlledShutdown (key 7), broker -> controller: "move leadership off me before I stop"
 * (KafkaServer.controlledShutdown; KafkaController.doControlledShutdown). Schema:
 * ControlledShutdownRequest.json / ControlledShutdownResponse.json (Kafka 3.7, versions 0-3, flexible
 * from 3). Apache brokers send v3. v0 uses request header v0 (no client id): see ../headers.ts.
 * The layout of each version is the description in ../messages.
 *
 * BrokerEpoch decodes to -1 ("unknown", accepted by the controller) when absent (v < 2).
 */
import * as schema from '../messages/ControlledShutdown';
import { messageApi } from './messageApi';

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

export const ControlledShutdownApi = messageApi<ControlledShutdownRequest, ControlledShutdownResponse>(
  schema.ControlledShutdownRequest,
  schema.ControlledShutdownResponse,
  {
    minVersion: 0,
    maxVersion: 3,
  },
);
