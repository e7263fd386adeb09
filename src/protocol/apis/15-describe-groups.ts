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
import * as schema from '../messages/DescribeGroups';
import { messageApi } from './messageApi';

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

export const DescribeGroupsApi = messageApi<DescribeGroupsRequest, DescribeGroupsResponse>(schema.DescribeGroupsRequest, schema.DescribeGroupsResponse, {
  minVersion: 0,
  maxVersion: 4,
});
