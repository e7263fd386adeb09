/**
 * DescribeConfigs (key 32), admin client -> any broker (topics) / the named broker (broker resources): the effective
 * configs of a resource with where each value comes from (ConfigHelper.describeConfigs). We serve Kafka 3.7's 0-4:
 * v1 ConfigSource and synonyms (IncludeSynonyms), v2 = v1 (KIP-219 throttling), v3 ConfigType and, when asked
 * (IncludeDocumentation), each config's documentation, v4 flexible.
 *
 * ConfigSource: 0 unknown, 1 topic, 2 dynamic broker, 3 dynamic default broker, 4 static broker, 5 default,
 * 6 dynamic broker logger. v0's IsDefault is never set by Kafka 3.7 (false on the wire, see ConfigHelper).
 */
import * as schema from '../messages/DescribeConfigs';
import { messageApi } from './messageApi';

/** org.apache.kafka.common.config.ConfigResource.Type ids. */
export const ConfigResourceType = { UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/** DescribeConfigsResponse.ConfigSource ids. */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

interface DescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  /** null: every config. */
  configurationKeys: string[] | null;
}

export interface DescribeConfigsRequest {
  resources: DescribeConfigsResource[];
  /** v1+; false before. */
  includeSynonyms: boolean;
  /** v3+; false before. Always set once decoded. */
  includeDocumentation?: boolean;
}

export interface DescribeConfigsSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribeConfigsResourceConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** v0 only on the wire; Kafka 3.7 leaves it false. */
  isDefault?: boolean;
  /** v1+ on the wire; -1 when unknown (v0 decoding). */
  configSource: number;
  isSensitive: boolean;
  synonyms: DescribeConfigsSynonym[];
  /** v3+: DescribeConfigsResponse.ConfigType id (0 unknown). */
  configType?: number;
  /** v3+: null unless the request asked for it. */
  documentation?: string | null;
}

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribeConfigsResourceConfig[];
}

export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: DescribeConfigsResult[];
}

export const DescribeConfigsApi = messageApi<DescribeConfigsRequest, DescribeConfigsResponse>(schema.DescribeConfigsRequest, schema.DescribeConfigsResponse, {
  minVersion: 0,
  maxVersion: 4,
});
