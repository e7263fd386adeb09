/**
 * IncrementalAlterConfigs (key 44, KIP-339), admin client -> any broker (topics) / the named broker (broker
 * resources): SET, DELETE, APPEND or SUBTRACT single keys of a resource's dynamic configs
 * (ZkAdminManager.incrementalAlterConfigs). We serve Kafka 3.7's 0-1 (v1 flexible).
 *
 * ConfigOperation: 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT (AlterConfigOp.OpType).
 */
import { AlterConfigsResourceResponse } from './33-alter-configs';
import * as schema from '../messages/IncrementalAlterConfigs';
import { messageApi } from './messageApi';

export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface AlterableConfigOp {
  name: string;
  configOperation: number;
  value: string | null;
}

interface IncrementalAlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: AlterableConfigOp[];
}

interface IncrementalAlterConfigsRequest {
  resources: IncrementalAlterConfigsResource[];
  validateOnly: boolean;
}

interface IncrementalAlterConfigsResponse {
  throttleTimeMs: number;
  responses: AlterConfigsResourceResponse[];
}

export const IncrementalAlterConfigsApi = messageApi<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(
  schema.IncrementalAlterConfigsRequest,
  schema.IncrementalAlterConfigsResponse,
  { minVersion: 0, maxVersion: 1 },
);
