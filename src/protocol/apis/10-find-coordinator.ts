/**
 * FindCoordinator (key 10): which broker coordinates a group (the leader of its __consumer_offsets partition) or a
 * transactional id (the leader of its __transaction_state partition). We serve Kafka 3.7's 0-4 (flexible from 3).
 * v1 adds KeyType (0 group, 1 transaction); v4 (KIP-699) batches CoordinatorKeys and answers one
 * Coordinator entry per key, with no error message (KafkaApis.handleFindCoordinatorRequestV4AndAbove).
 */
import * as schema from '../messages/FindCoordinator';
import { messageApi } from './messageApi';

/** FindCoordinator key types: 0 a group, 1 a transactional id. */
export const COORDINATOR_TYPE_GROUP = 0;
export const COORDINATOR_TYPE_TRANSACTION = 1;

interface FindCoordinatorRequest {
  /** v0-3. */
  key: string;
  keyType: number;
  /** v4+. */
  coordinatorKeys: string[];
}

interface Coordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

interface FindCoordinatorResponse {
  throttleTimeMs: number;
  /** v0-3. */
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
  /** v4+. */
  coordinators: Coordinator[];
}

export const FindCoordinatorApi = messageApi<FindCoordinatorRequest, FindCoordinatorResponse>(schema.FindCoordinatorRequest, schema.FindCoordinatorResponse, {
  minVersion: 0,
  maxVersion: 4,
});
