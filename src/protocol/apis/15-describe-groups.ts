/**
 * DescribeGroups (key 15), versions 0-4; none flexible (DescribeGroupsRequest/Response.json, flexible from 5).
 *
 * Request:
 *   v0-2 => groups [STRING]
 *   v3-4 => groups [STRING], include_authorized_operations BOOLEAN
 * Response:
 *   v0   => groups [error_code INT16, group_id STRING, group_state STRING, protocol_type STRING,
 *           protocol_data STRING, members [member_id STRING, client_id STRING, client_host STRING,
 *           member_metadata BYTES, member_assignment BYTES]]
 *   v1-2 => throttle_time_ms INT32 first
 *   v3   => groups add authorized_operations INT32 after members (INT32_MIN = not provided)
 *   v4   => members add group_instance_id NULLABLE_STRING after member_id
 */
import { ApiKey } from '../apiKeys';
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

interface DescribeGroupsRequest {
  groups: string[];
  includeAuthorizedOperations: boolean;
}

interface DescribedGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedGroupMember[];
  authorizedOperations: number;
}

interface DescribeGroupsResponse {
  throttleTimeMs: number;
  groups: DescribedGroup[];
}

function decodeMember(r: Reader, v: number): DescribedGroupMember {
  const memberId = r.string();
  const groupInstanceId = v >= 4 ? r.nullableString() : null;
  return { memberId, groupInstanceId, clientId: r.string(), clientHost: r.string(), memberMetadata: r.bytes(), memberAssignment: r.bytes() };
}

export const DescribeGroupsApi: ApiCodec<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: Infinity,

  decodeRequest(r: Reader, v: number): DescribeGroupsRequest {
    const groups = r.array((rr) => rr.string());
    return { groups, includeAuthorizedOperations: v >= 3 ? r.bool() : false };
  },

  encodeRequest(w: Writer, v: number, req: DescribeGroupsRequest): void {
    w.array(req.groups, (ww, g) => {
      ww.string(g);
    });
    if (v >= 3) w.bool(req.includeAuthorizedOperations);
  },

  decodeResponse(r: Reader, v: number): DescribeGroupsResponse {
    const throttleTimeMs = v >= 1 ? r.int32() : 0;
    const groups = r.array((rg): DescribedGroup => {
      const errorCode = rg.int16();
      const groupId = rg.string();
      const groupState = rg.string();
      const protocolType = rg.string();
      const protocolData = rg.string();
      const members = rg.array((rm) => decodeMember(rm, v));
      const authorizedOperations = v >= 3 ? rg.int32() : AUTHORIZED_OPERATIONS_OMITTED;
      return { errorCode, groupId, groupState, protocolType, protocolData, members, authorizedOperations };
    });
    return { throttleTimeMs, groups };
  },

  encodeResponse(w: Writer, v: number, res: DescribeGroupsResponse): void {
    if (v >= 1) w.int32(res.throttleTimeMs);
    w.array(res.groups, (wg, g) => {
      wg.int16(g.errorCode).string(g.groupId).string(g.groupState).string(g.protocolType).string(g.protocolData);
      wg.array(g.members, (wm, m) => {
        wm.string(m.memberId);
        if (v >= 4) wm.nullableString(m.groupInstanceId);
        wm.string(m.clientId).string(m.clientHost).bytes(m.memberMetadata).bytes(m.memberAssignment);
      });
      if (v >= 3) wg.int32(g.authorizedOperations);
    });
  },
};
