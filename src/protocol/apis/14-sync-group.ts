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
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

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

export const SyncGroupApi: ApiCodec<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: Infinity,

  decodeRequest(r: Reader, v: number): SyncGroupRequest {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const groupInstanceId = v >= 3 ? r.nullableString() : null;
    const assignments = r.array((ra): SyncGroupRequestAssignment => ({ memberId: ra.string(), assignment: ra.bytes() }));
    return { groupId, generationId, memberId, groupInstanceId, assignments };
  },

  encodeRequest(w: Writer, v: number, req: SyncGroupRequest): void {
    w.string(req.groupId).int32(req.generationId).string(req.memberId);
    if (v >= 3) w.nullableString(req.groupInstanceId);
    w.array(req.assignments, (wa, a) => {
      wa.string(a.memberId).bytes(a.assignment);
    });
  },

  decodeResponse(r: Reader, v: number): SyncGroupResponse {
    const throttleTimeMs = v >= 1 ? r.int32() : 0;
    return { throttleTimeMs, errorCode: r.int16(), assignment: r.bytes() };
  },

  encodeResponse(w: Writer, v: number, res: SyncGroupResponse): void {
    if (v >= 1) w.int32(res.throttleTimeMs);
    w.int16(res.errorCode).bytes(res.assignment);
  },
};
