/**
 * AlterConfigs (key 33), admin client -> any broker (topics) / the named broker (broker resources): REPLACES
 * the whole dynamic config set of each resource (ZkAdminManager.alterConfigs). Schema: AlterConfigsRequest.json /
 * AlterConfigsResponse.json (Kafka 3.7 has 0-2, flexible from 2; we implement 0-1). v1 is v0 on the wire
 * (KIP-219 throttling only).
 *
 * Request v0-1  => Resources [ResourceType int8 ResourceName string Configs [Name string Value nullable string]]
 *                  ValidateOnly bool
 * Response v0-1 => ThrottleTimeMs int32
 *                  Responses [ErrorCode int16 ErrorMessage nullable string ResourceType int8 ResourceName string]
 */
import * as schema from '../messages/AlterConfigs';
import { messageApi } from './messageApi';

interface AlterableConfig {
  name: string;
  value: string | null;
}

interface AlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: AlterableConfig[];
}

interface AlterConfigsRequest {
  resources: AlterConfigsResource[];
  validateOnly: boolean;
}

/** Shared with IncrementalAlterConfigs (same response layout). */
export interface AlterConfigsResourceResponse {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

interface AlterConfigsResponse {
  throttleTimeMs: number;
  responses: AlterConfigsResourceResponse[];
}

export const AlterConfigsApi = messageApi<AlterConfigsRequest, AlterConfigsResponse>(schema.AlterConfigsRequest, schema.AlterConfigsResponse, {
  minVersion: 0,
  maxVersion: 1,
});
