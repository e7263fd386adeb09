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
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

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

function decodeRequest(r: Reader, v: number): DescribeConfigsRequest {
  const resources = r.array((rr): DescribeConfigsResource => ({
    resourceType: rr.int8(),
    resourceName: rr.string(),
    configurationKeys: rr.nullableArray((r3) => r3.string()),
  }));
  const includeSynonyms = v >= 1 ? r.bool() : false;
  return { resources, includeSynonyms };
}

function encodeRequest(w: Writer, v: number, req: DescribeConfigsRequest): void {
  w.array(req.resources, (ww, res) => {
    ww.int8(res.resourceType).string(res.resourceName);
    ww.nullableArray(res.configurationKeys, (w3, k) => {
      w3.string(k);
    });
  });
  if (v >= 1) w.bool(req.includeSynonyms);
}

function decodeResponse(r: Reader, v: number): DescribeConfigsResponse {
  const throttleTimeMs = r.int32();
  const results = r.array((rr): DescribeConfigsResult => {
    const errorCode = rr.int16();
    const errorMessage = rr.nullableString();
    const resourceType = rr.int8();
    const resourceName = rr.string();
    const configs = rr.array((r3): DescribeConfigsResourceConfig => {
      const name = r3.string();
      const value = r3.nullableString();
      const readOnly = r3.bool();
      if (v === 0) {
        const isDefault = r3.bool();
        return { name, value, readOnly, isDefault, configSource: -1, isSensitive: r3.bool(), synonyms: [] };
      }
      const configSource = r3.int8();
      const isSensitive = r3.bool();
      const synonyms = r3.array((r4): DescribeConfigsSynonym => ({ name: r4.string(), value: r4.nullableString(), source: r4.int8() }));
      return { name, value, readOnly, configSource, isSensitive, synonyms };
    });
    return { errorCode, errorMessage, resourceType, resourceName, configs };
  });
  return { throttleTimeMs, results };
}

function encodeResponse(w: Writer, v: number, res: DescribeConfigsResponse): void {
  w.int32(res.throttleTimeMs);
  w.array(res.results, (ww, x) => {
    ww.int16(x.errorCode).nullableString(x.errorMessage).int8(x.resourceType).string(x.resourceName);
    ww.array(x.configs, (w3, c) => {
      w3.string(c.name).nullableString(c.value).bool(c.readOnly);
      if (v === 0) {
        w3.bool(c.isDefault ?? c.configSource === ConfigSource.DEFAULT_CONFIG).bool(c.isSensitive);
        return;
      }
      w3.int8(c.configSource).bool(c.isSensitive);
      w3.array(c.synonyms, (w4, s) => {
        w4.string(s.name).nullableString(s.value).int8(s.source);
      });
    });
  });
}

export const DescribeConfigsApi: ApiCodec<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: ApiKey.DescribeConfigs,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 2,
  firstFlexibleVersion: Infinity,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
