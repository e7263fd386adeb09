/**
 * DescribeAcls (key 29), admin client -> any broker: the ACL bindings matching one filter (AclBindingFilter: null
 * name/principal/host match any; ANY/MATCH pattern types). v0-3 as Kafka 3.7 (v1 adds pattern types, v2+ flexible).
 */
import * as schema from '../messages/DescribeAcls';
import { messageApi } from './messageApi';

export interface DescribeAclsRequest {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

export interface AclDescription {
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export interface DescribeAclsResource {
  resourceType: number;
  resourceName: string;
  patternType: number;
  acls: AclDescription[];
}

export interface DescribeAclsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  resources: DescribeAclsResource[];
}

export const DescribeAclsApi = messageApi<DescribeAclsRequest, DescribeAclsResponse>(schema.DescribeAclsRequest, schema.DescribeAclsResponse, {
  minVersion: 0,
  maxVersion: 3,
});
