/**
 * LeaveGroup (key 13), versions 0-3; none flexible (LeaveGroupRequest/Response.json, flexible from 4).
 *
 * Request:
 *   v0-2 => group_id STRING, member_id STRING
 *   v3   => group_id STRING, members [member_id STRING, group_instance_id NULLABLE_STRING]   (KIP-345 batch leave)
 * Response:
 *   v0   => error_code INT16
 *   v1-2 => throttle_time_ms INT32, error_code INT16
 *   v3   => throttle_time_ms, error_code, members [member_id STRING, group_instance_id NULLABLE_STRING, error_code INT16]
 * v0-2 requests decode into one `members` entry (group instance null), as Kafka's LeaveGroupRequest.members() does.
 */
import * as schema from '../messages/LeaveGroup';
import { messageApi } from './messageApi';

interface LeaveGroupMember {
  memberId: string;
  groupInstanceId: string | null;
}

interface LeaveGroupRequest {
  groupId: string;
  members: LeaveGroupMember[];
}

interface LeaveGroupMemberResponse {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}

interface LeaveGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  members: LeaveGroupMemberResponse[];
}

export const LeaveGroupApi = messageApi<LeaveGroupRequest, LeaveGroupResponse>(schema.LeaveGroupRequest, schema.LeaveGroupResponse, {
  minVersion: 0,
  maxVersion: 3,
});
