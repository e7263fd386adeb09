/**
 * FindCoordinator (key 10), versions 0-2; none flexible (FindCoordinatorRequest/Response.json, flexible from 3).
 *
 * Request:
 *   v0   => key STRING                       (the group id)
 *   v1-2 => key STRING, key_type INT8         (0 = group, 1 = transaction)
 * Response:
 *   v0   => error_code INT16, node_id INT32, host STRING, port INT32
 *   v1-2 => throttle_time_ms INT32, error_code INT16, error_message NULLABLE_STRING, node_id, host, port
 */
import * as schema from '../messages/FindCoordinator';
import { messageApi } from './messageApi';

/** FindCoordinator key types: 0 a group, 1 a transactional id (no transaction coordinator here yet). */
export const COORDINATOR_TYPE_GROUP = 0;

interface FindCoordinatorRequest {
  key: string;
  keyType: number;
}

interface FindCoordinatorResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export const FindCoordinatorApi = messageApi<FindCoordinatorRequest, FindCoordinatorResponse>(schema.FindCoordinatorRequest, schema.FindCoordinatorResponse, {
  minVersion: 0,
  maxVersion: 2,
});
