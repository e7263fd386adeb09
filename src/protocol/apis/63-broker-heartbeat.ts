/**
 * BrokerHeartbeat (key 63, KIP-631), KRaft broker -> active controller every broker.heartbeat.interval.ms: keeps
 * the broker's session, reports its metadata offset, asks to be unfenced or to shut down. Versions 0-1, flexible.
 */
import * as schema from '../messages/BrokerHeartbeat';
import { messageApi } from './messageApi';

export interface BrokerHeartbeatRequest {
  brokerId: number;
  brokerEpoch: number;
  currentMetadataOffset: number;
  wantFence: boolean;
  wantShutDown: boolean;
  /** v1+, tagged: directory ids (16 bytes each). */
  offlineLogDirs?: Buffer[];
}

export interface BrokerHeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
  isCaughtUp: boolean;
  isFenced: boolean;
  shouldShutDown: boolean;
}

export const BrokerHeartbeatApi = messageApi<BrokerHeartbeatRequest, BrokerHeartbeatResponse>(schema.BrokerHeartbeatRequest, schema.BrokerHeartbeatResponse);
