/**
 * DeleteGroups (key 42): removes Empty groups and their offsets. We serve Kafka 3.7's 0-2 (v2 only makes it
 * flexible).
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
  maxVersion: 2,
});
