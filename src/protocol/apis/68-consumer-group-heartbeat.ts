/**
 * ConsumerGroupHeartbeat (key 68, KIP-848): the new consumer group protocol. Kafka 3.7 lists it for ZK-mode
 * brokers but only its new group coordinator (not available in ZK mode) serves it: the old one answers
 * UNSUPPORTED_VERSION in the response body; see KafkaApis.
 */
import * as schema from '../messages/ConsumerGroupHeartbeat';
import { messageApi } from './messageApi';

export interface ConsumerGroupHeartbeatRequest {
  groupId: string;
  memberId: string;
  memberEpoch: number;
}

export interface ConsumerGroupHeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage?: string | null;
  memberId?: string | null;
  memberEpoch?: number;
  heartbeatIntervalMs?: number;
}

export const ConsumerGroupHeartbeatApi = messageApi<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>(
  schema.ConsumerGroupHeartbeatRequest,
  schema.ConsumerGroupHeartbeatResponse,
);
