/**
 * DescribeGroups (key 15): state, protocol and members of classic groups. We serve Kafka 3.7's 0-5 (flexible
 * from 5). v3 IncludeAuthorizedOperations: when asked (and the group has no error) Kafka answers the bitfield of
 * the group operations the caller may do (AuthHelper.authorizedOperations), otherwise INT32_MIN; v4 members carry
 * their group instance id.
 */
import * as schema from '../messages/DescribeGroups';
import { messageApi } from './messageApi';

export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/**
 * The operations a group supports (AclEntry.supportedOperations(GROUP): READ 3, DELETE 6, DESCRIBE 8) as
 * Utils.to32BitField sets them. Without an authorizer (this broker has none) every one is allowed.
 */
export const GROUP_AUTHORIZED_OPERATIONS_ALL = (1 << 3) | (1 << 6) | (1 << 8);

interface DescribeGroupsRequest {
  groups: string[];
  /** v3+. */
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
  maxVersion: 5,
});
