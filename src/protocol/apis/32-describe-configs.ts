/**
 * DescribeConfigs (key 32), admin client -> any broker (topics) / the named broker (broker resources):
 * the effective configs of a resource with where each value comes from (ZkAdminManager.describeConfigs).
 * Schema: DescribeConfigsRequest.json / DescribeConfigsResponse.json (Kafka 3.7 has 0-4, flexible from 4;
 * we implement 0-2, the versions kafkajs and librdkafka use). v2 is v1 on the wire (KIP-219 throttling).
 *
 * Request v0   => Resources [ResourceType int8 ResourceName string ConfigurationKeys nullable [string]]
 * Request v1-2 => v0 IncludeSynonyms bool
 *
 * Response v0   => ThrottleTimeMs int32
 *                  Results [ErrorCode int16 ErrorMessage nullable string ResourceType int8 ResourceName string
 *                           Configs [Name string Value nullable string ReadOnly bool IsDefault bool IsSensitive bool]]
 * Response v1-2 => ... Configs [Name Value ReadOnly ConfigSource int8 IsSensitive bool
 *                               Synonyms [Name string Value nullable string Source int8]]
 *
 * ConfigSource: 0 unknown, 1 topic, 2 dynamic broker, 3 dynamic default broker, 4 static broker, 5 default,
 * 6 dynamic broker logger. v0's IsDefault is (source == DEFAULT_CONFIG).
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

interface DescribeConfigsRequest {
  resources: DescribeConfigsResource[];
  includeSynonyms: boolean;
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
  /** v0 only on the wire (derived from configSource when encoding). */
  isDefault?: boolean;
  /** v1+ on the wire; -1 when unknown (v0 decoding). */
  configSource: number;
  isSensitive: boolean;
  synonyms: DescribeConfigsSynonym[];
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
  maxVersion: 2,
});
