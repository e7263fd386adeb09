/**
 * DescribeCluster (key 60, KIP-700), admin client -> any broker: the live brokers on the listener the request
 * came in on (with rack), the cluster id, the controller id and, when asked, the operations the caller may do
 * on the cluster. We serve v0-1 (Kafka 3.7's range); v1 adds EndpointType (1 = brokers, 2 = KRaft controllers),
 * which a broker checks against its own type (AuthHelper.computeDescribeClusterResponse).
 */
import * as schema from '../messages/DescribeCluster';
import { messageApi } from './messageApi';

export interface DescribeClusterRequest {
  includeClusterAuthorizedOperations: boolean;
  /** v1+: 1 = broker, 2 = controller (EndpointType); v0 is always 1. */
  endpointType: number;
}

interface DescribeClusterBroker {
  brokerId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface DescribeClusterResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  /** v1+. */
  endpointType: number;
  clusterId: string;
  controllerId: number;
  brokers: DescribeClusterBroker[];
  /** A bit per AclOperation code; -2147483648 when not asked for. */
  clusterAuthorizedOperations: number;
}

export const DescribeClusterApi = messageApi<DescribeClusterRequest, DescribeClusterResponse>(schema.DescribeClusterRequest, schema.DescribeClusterResponse, {
  minVersion: 0,
  maxVersion: 1,
});
