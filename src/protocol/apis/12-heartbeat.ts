/**
 * Heartbeat (key 12), versions 0-3; none flexible (HeartbeatRequest/Response.json, flexible from 4).
 *
 * Request:
 *   v0-2 => group_id STRING, generation_id INT32, member_id STRING
 *   v3   => adds group_instance_id NULLABLE_STRING
 * Response:
 *   v0   => error_code INT16
 *   v1-3 => throttle_time_ms INT32, error_code INT16
 */
import * as schema from '../messages/Heartbeat';
import { messageApi } from './messageApi';

interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

interface HeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const HeartbeatApi = messageApi<HeartbeatRequest, HeartbeatResponse>(schema.HeartbeatRequest, schema.HeartbeatResponse, {
  minVersion: 0,
  maxVersion: 3,
});
