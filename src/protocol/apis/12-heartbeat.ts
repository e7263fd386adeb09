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
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

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

export const HeartbeatApi: ApiCodec<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: Infinity,

  decodeRequest(r: Reader, v: number): HeartbeatRequest {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    return { groupId, generationId, memberId, groupInstanceId: v >= 3 ? r.nullableString() : null };
  },

  encodeRequest(w: Writer, v: number, req: HeartbeatRequest): void {
    w.string(req.groupId).int32(req.generationId).string(req.memberId);
    if (v >= 3) w.nullableString(req.groupInstanceId);
  },

  decodeResponse(r: Reader, v: number): HeartbeatResponse {
    const throttleTimeMs = v >= 1 ? r.int32() : 0;
    return { throttleTimeMs, errorCode: r.int16() };
  },

  encodeResponse(w: Writer, v: number, res: HeartbeatResponse): void {
    if (v >= 1) w.int32(res.throttleTimeMs);
    w.int16(res.errorCode);
  },
};
