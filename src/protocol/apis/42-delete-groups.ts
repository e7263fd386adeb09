/**
 * DeleteGroups (key 42), versions 0-1; none flexible (DeleteGroupsRequest/Response.json, flexible from 2).
 *
 * Request v0-1  => groups_names [STRING]
 * Response v0-1 => throttle_time_ms INT32, results [group_id STRING, error_code INT16]
 */
import * as schema from '../messages/DeleteGroups';
import { messageApi } from './messageApi';

interface DeleteGroupsRequest {
  groupsNames: string[];
}

interface DeletableGroupResult {
  groupId: string;
  errorCode: number;
}

interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: DeletableGroupResult[];
}

export const DeleteGroupsApi = messageApi<DeleteGroupsRequest, DeleteGroupsResponse>(schema.DeleteGroupsRequest, schema.DeleteGroupsResponse, {
  minVersion: 0,
  maxVersion: 1,
});
