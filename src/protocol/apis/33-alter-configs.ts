/**
 * AlterConfigs (key 33), admin client -> any broker (topics) / the named broker (broker resources): REPLACES the whole
 * dynamic config set of each resource (ZkAdminManager.alterConfigs). We serve Kafka 3.7's 0-2: v1 = v0 (KIP-219
 * throttling), v2 flexible.
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
  maxVersion: 2,
});
