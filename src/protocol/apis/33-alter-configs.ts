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
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';

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

function decodeRequest(r: Reader, _v: number): AlterConfigsRequest {
  const resources = r.array((rr): AlterConfigsResource => ({
    resourceType: rr.int8(),
    resourceName: rr.string(),
    configs: rr.array((r3): AlterableConfig => ({ name: r3.string(), value: r3.nullableString() })),
  }));
  return { resources, validateOnly: r.bool() };
}

function encodeRequest(w: Writer, _v: number, req: AlterConfigsRequest): void {
  w.array(req.resources, (ww, res) => {
    ww.int8(res.resourceType).string(res.resourceName);
    ww.array(res.configs, (w3, c) => {
      w3.string(c.name).nullableString(c.value);
    });
  });
  w.bool(req.validateOnly);
}

function decodeResponse(r: Reader, _v: number): AlterConfigsResponse {
  const throttleTimeMs = r.int32();
  const responses = r.array((rr): AlterConfigsResourceResponse => ({
    errorCode: rr.int16(),
    errorMessage: rr.nullableString(),
    resourceType: rr.int8(),
    resourceName: rr.string(),
  }));
  return { throttleTimeMs, responses };
}

function encodeResponse(w: Writer, _v: number, res: AlterConfigsResponse): void {
  w.int32(res.throttleTimeMs);
  w.array(res.responses, (ww, x) => {
    ww.int16(x.errorCode).nullableString(x.errorMessage).int8(x.resourceType).string(x.resourceName);
  });
}

export const AlterConfigsApi: ApiCodec<AlterConfigsRequest, AlterConfigsResponse> = {
  apiKey: ApiKey.AlterConfigs,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: Infinity,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
