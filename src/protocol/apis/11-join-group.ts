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
import * as schema from '../messages/JoinGroup';
import { messageApi } from './messageApi';

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

export const JoinGroupApi = messageApi<JoinGroupRequest, JoinGroupResponse>(schema.JoinGroupRequest, schema.JoinGroupResponse, {
  minVersion: 0,
  maxVersion: 5,
});
