/**
 * JoinGroup (key 11), versions 0-5; none flexible (JoinGroupRequest/Response.json, flexible from 6).
 *
 * Request:
 *   v0   => group_id STRING, session_timeout_ms INT32, member_id STRING, protocol_type STRING,
 *           protocols [name STRING, metadata BYTES]
 *   v1-4 => adds rebalance_timeout_ms INT32 after session_timeout_ms
 *   v5   => adds group_instance_id NULLABLE_STRING after member_id
 * Response:
 *   v0-1 => error_code INT16, generation_id INT32, protocol_name STRING, leader STRING, member_id STRING,
 *           members [member_id STRING, metadata BYTES]
 *   v2-4 => throttle_time_ms INT32 first
 *   v5   => members add group_instance_id NULLABLE_STRING after member_id
 * v0 has no rebalance timeout: Kafka uses the session timeout for it (decoded so here).
 */
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

interface JoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
}

interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

interface JoinGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: JoinGroupResponseMember[];
}

function decodeRequest(r: Reader, v: number): JoinGroupRequest {
  const groupId = r.string();
  const sessionTimeoutMs = r.int32();
  const rebalanceTimeoutMs = v >= 1 ? r.int32() : sessionTimeoutMs;
  const memberId = r.string();
  const groupInstanceId = v >= 5 ? r.nullableString() : null;
  const protocolType = r.string();
  const protocols = r.array((rp): JoinGroupRequestProtocol => ({ name: rp.string(), metadata: rp.bytes() }));
  return { groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, groupInstanceId, protocolType, protocols };
}

function encodeRequest(w: Writer, v: number, req: JoinGroupRequest): void {
  w.string(req.groupId).int32(req.sessionTimeoutMs);
  if (v >= 1) w.int32(req.rebalanceTimeoutMs);
  w.string(req.memberId);
  if (v >= 5) w.nullableString(req.groupInstanceId);
  w.string(req.protocolType).array(req.protocols, (wp, p) => {
    wp.string(p.name).bytes(p.metadata);
  });
}

function decodeResponse(r: Reader, v: number): JoinGroupResponse {
  const throttleTimeMs = v >= 2 ? r.int32() : 0;
  const errorCode = r.int16();
  const generationId = r.int32();
  const protocolName = r.string();
  const leader = r.string();
  const memberId = r.string();
  const members = r.array((rm): JoinGroupResponseMember => {
    const id = rm.string();
    const groupInstanceId = v >= 5 ? rm.nullableString() : null;
    return { memberId: id, groupInstanceId, metadata: rm.bytes() };
  });
  return { throttleTimeMs, errorCode, generationId, protocolName, leader, memberId, members };
}

function encodeResponse(w: Writer, v: number, res: JoinGroupResponse): void {
  if (v >= 2) w.int32(res.throttleTimeMs);
  w.int16(res.errorCode).int32(res.generationId).string(res.protocolName).string(res.leader).string(res.memberId);
  w.array(res.members, (wm, m) => {
    wm.string(m.memberId);
    if (v >= 5) wm.nullableString(m.groupInstanceId);
    wm.bytes(m.metadata);
  });
}

export const JoinGroupApi: ApiCodec<JoinGroupRequest, JoinGroupResponse> = {
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: Infinity,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
