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
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

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

export const FindCoordinatorApi: ApiCodec<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,
  firstFlexibleVersion: Infinity,

  decodeRequest(r: Reader, v: number): FindCoordinatorRequest {
    const key = r.string();
    return { key, keyType: v >= 1 ? r.int8() : COORDINATOR_TYPE_GROUP };
  },

  encodeRequest(w: Writer, v: number, req: FindCoordinatorRequest): void {
    w.string(req.key);
    if (v >= 1) w.int8(req.keyType);
  },

  decodeResponse(r: Reader, v: number): FindCoordinatorResponse {
    const throttleTimeMs = v >= 1 ? r.int32() : 0;
    const errorCode = r.int16();
    const errorMessage = v >= 1 ? r.nullableString() : null;
    return { throttleTimeMs, errorCode, errorMessage, nodeId: r.int32(), host: r.string(), port: r.int32() };
  },

  encodeResponse(w: Writer, v: number, res: FindCoordinatorResponse): void {
    if (v >= 1) w.int32(res.throttleTimeMs);
    w.int16(res.errorCode);
    if (v >= 1) w.nullableString(res.errorMessage);
    w.int32(res.nodeId).string(res.host).int32(res.port);
  },
};
