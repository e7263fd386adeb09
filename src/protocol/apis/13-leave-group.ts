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
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

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

export const LeaveGroupApi: ApiCodec<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: Infinity,

  decodeRequest(r: Reader, v: number): LeaveGroupRequest {
    const groupId = r.string();
    if (v <= 2) return { groupId, members: [{ memberId: r.string(), groupInstanceId: null }] };
    return { groupId, members: r.array((rm): LeaveGroupMember => ({ memberId: rm.string(), groupInstanceId: rm.nullableString() })) };
  },

  encodeRequest(w: Writer, v: number, req: LeaveGroupRequest): void {
    w.string(req.groupId);
    if (v <= 2) w.string(req.members[0]?.memberId ?? '');
    else
      w.array(req.members, (wm, m) => {
        wm.string(m.memberId).nullableString(m.groupInstanceId);
      });
  },

  decodeResponse(r: Reader, v: number): LeaveGroupResponse {
    const throttleTimeMs = v >= 1 ? r.int32() : 0;
    const errorCode = r.int16();
    const members =
      v >= 3 ? r.array((rm): LeaveGroupMemberResponse => ({ memberId: rm.string(), groupInstanceId: rm.nullableString(), errorCode: rm.int16() })) : [];
    return { throttleTimeMs, errorCode, members };
  },

  encodeResponse(w: Writer, v: number, res: LeaveGroupResponse): void {
    if (v >= 1) w.int32(res.throttleTimeMs);
    w.int16(res.errorCode);
    if (v >= 3)
      w.array(res.members, (wm, m) => {
        wm.string(m.memberId).nullableString(m.groupInstanceId).int16(m.errorCode);
      });
  },
};
