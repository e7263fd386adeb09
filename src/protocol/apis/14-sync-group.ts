/**
 * SyncGroup (key 14), versions 0-3; none flexible (SyncGroupRequest/Response.json, flexible from 4).
 *
 * Request:
 *   v0-2 => group_id STRING, generation_id INT32, member_id STRING, assignments [member_id STRING, assignment BYTES]
 *   v3   => adds group_instance_id NULLABLE_STRING after member_id
 * Response:
 *   v0   => error_code INT16, assignment BYTES
 *   v1-3 => throttle_time_ms INT32, error_code INT16, assignment BYTES
 */
import * as schema from '../messages/SyncGroup';
import { messageApi } from './messageApi';

interface SyncGroupRequestAssignment {
  memberId: string;
  assignment: Buffer;
}

interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  assignments: SyncGroupRequestAssignment[];
}

interface SyncGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  assignment: Buffer;
}

export const SyncGroupApi = messageApi<SyncGroupRequest, SyncGroupResponse>(schema.SyncGroupRequest, schema.SyncGroupResponse, {
  minVersion: 0,
  maxVersion: 3,
});
