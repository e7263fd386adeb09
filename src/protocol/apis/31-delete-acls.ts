/** DeleteAcls (key 31), admin client -> any broker: filters whose matching ACL bindings are removed. v0-3 as Kafka 3.7. */
import * as schema from '../messages/DeleteAcls';
import { messageApi } from './messageApi';

export interface DeleteAclsFilter {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

export interface DeleteAclsRequest {
  filters: DeleteAclsFilter[];
}

export interface DeleteAclsMatchingAcl {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export interface DeleteAclsFilterResult {
  errorCode: number;
  errorMessage: string | null;
  matchingAcls: DeleteAclsMatchingAcl[];
}

export interface DeleteAclsResponse {
  throttleTimeMs: number;
  filterResults: DeleteAclsFilterResult[];
}

export const DeleteAclsApi = messageApi<DeleteAclsRequest, DeleteAclsResponse>(schema.DeleteAclsRequest, schema.DeleteAclsResponse, {
  minVersion: 0,
  maxVersion: 3,
});
