/** CreateAcls (key 30), admin client -> any broker: ACL bindings to add, one result each. v0-3 as Kafka 3.7. */
import * as schema from '../messages/CreateAcls';
import { messageApi } from './messageApi';

export interface AclCreation {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export interface CreateAclsRequest {
  creations: AclCreation[];
}

export interface AclCreationResult {
  errorCode: number;
  errorMessage: string | null;
}

export interface CreateAclsResponse {
  throttleTimeMs: number;
  results: AclCreationResult[];
}

export const CreateAclsApi = messageApi<CreateAclsRequest, CreateAclsResponse>(schema.CreateAclsRequest, schema.CreateAclsResponse, {
  minVersion: 0,
  maxVersion: 3,
});
