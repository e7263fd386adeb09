/**
 * BrokerRegistration (key 62, KIP-631), KRaft broker -> active controller on the CONTROLLER listener: the broker's
 * listeners, supported features and incarnation id; the answer is its broker epoch. Versions 0-3, flexible.
 */
import * as schema from '../messages/BrokerRegistration';
import { messageApi } from './messageApi';

export interface BrokerRegistrationListener {
  name: string;
  host: string;
  port: number;
  securityProtocol: number;
}

export interface BrokerRegistrationFeature {
  name: string;
  minSupportedVersion: number;
  maxSupportedVersion: number;
}

export interface BrokerRegistrationRequest {
  brokerId: number;
  clusterId: string;
  /** 16 bytes. */
  incarnationId: Buffer;
  listeners: BrokerRegistrationListener[];
  features: BrokerRegistrationFeature[];
  rack: string | null;
  /** v1+. */
  isMigratingZkBroker?: boolean;
  /** v2+: directory ids (16 bytes each). */
  logDirs?: Buffer[];
  /** v3+. */
  previousBrokerEpoch?: number;
}

export interface BrokerRegistrationResponse {
  throttleTimeMs: number;
  errorCode: number;
  brokerEpoch: number;
}

export const BrokerRegistrationApi = messageApi<BrokerRegistrationRequest, BrokerRegistrationResponse>(
  schema.BrokerRegistrationRequest,
  schema.BrokerRegistrationResponse,
);
