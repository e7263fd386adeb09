/**
 * ListGroups (key 16), versions 0-2; none flexible (ListGroupsRequest/Response.json, flexible from 3).
 *
 * Request v0-2  => (empty)
 * Response v0   => error_code INT16, groups [group_id STRING, protocol_type STRING]
 * Response v1-2 => throttle_time_ms INT32, error_code INT16, groups [group_id STRING, protocol_type STRING]
 */
import * as schema from '../messages/ListGroups';
import { messageApi } from './messageApi';

type ListGroupsRequest = Record<string, never>;

interface ListedGroup {
  groupId: string;
  protocolType: string;
}

interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}

export const ListGroupsApi = messageApi<ListGroupsRequest, ListGroupsResponse>(schema.ListGroupsRequest, schema.ListGroupsResponse, {
  minVersion: 0,
  maxVersion: 2,
});
