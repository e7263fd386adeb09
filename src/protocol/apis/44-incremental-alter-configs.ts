/**
 * IncrementalAlterConfigs (key 44, KIP-339), admin client -> any broker (topics) / the named broker (broker
 * resources): SET, DELETE, APPEND or SUBTRACT single keys of a resource's dynamic configs
 * (ZkAdminManager.incrementalAlterConfigs). Schema: IncrementalAlterConfigsRequest.json / ...Response.json
 * (versions 0-1, flexible from 1).
 *
 * Request v0  => Resources [ResourceType int8 ResourceName string
 *                           Configs [Name string ConfigOperation int8 Value nullable string]] ValidateOnly bool
 * Request v1  => v0 in flexible form (compact strings/arrays, TAG_BUFFER after every struct and at the end)
 * Response v0 => ThrottleTimeMs int32
 *                Responses [ErrorCode int16 ErrorMessage nullable string ResourceType int8 ResourceName string]
 * Response v1 => v0 in flexible form
 *
 * ConfigOperation: 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT (AlterConfigOp.OpType).
 */
import { Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiKey } from '../apiKeys';
import { ApiCodec } from './types';
import { AlterConfigsResourceResponse } from './33-alter-configs';

const FIRST_FLEXIBLE = 1;

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

const str = (r: Reader, flex: boolean): string => (flex ? r.compactString() : r.string());
const nstr = (r: Reader, flex: boolean): string | null => (flex ? r.compactNullableString() : r.nullableString());
function arr<T>(r: Reader, flex: boolean, item: (r: Reader) => T): T[] {
  return flex ? r.compactArray(item) : r.array(item);
}
function warr<T>(w: Writer, flex: boolean, items: readonly T[], item: (w: Writer, v: T) => void): void {
  if (flex) w.compactArray(items, item);
  else w.array(items, item);
}
const wstr = (w: Writer, flex: boolean, s: string): void => {
  if (flex) w.compactString(s);
  else w.string(s);
};
const wnstr = (w: Writer, flex: boolean, s: string | null): void => {
  if (flex) w.compactNullableString(s);
  else w.nullableString(s);
};

function decodeRequest(r: Reader, v: number): IncrementalAlterConfigsRequest {
  const flex = v >= FIRST_FLEXIBLE;
  const resources = arr(r, flex, (rr): IncrementalAlterConfigsResource => {
    const resourceType = rr.int8();
    const resourceName = str(rr, flex);
    const configs = arr(rr, flex, (r3): AlterableConfigOp => {
      const c = { name: str(r3, flex), configOperation: r3.int8(), value: nstr(r3, flex) };
      if (flex) r3.taggedFields();
      return c;
    });
    if (flex) rr.taggedFields();
    return { resourceType, resourceName, configs };
  });
  const validateOnly = r.bool();
  if (flex) r.taggedFields();
  return { resources, validateOnly };
}

function encodeRequest(w: Writer, v: number, req: IncrementalAlterConfigsRequest): void {
  const flex = v >= FIRST_FLEXIBLE;
  warr(w, flex, req.resources, (ww, res) => {
    ww.int8(res.resourceType);
    wstr(ww, flex, res.resourceName);
    warr(ww, flex, res.configs, (w3, c) => {
      wstr(w3, flex, c.name);
      w3.int8(c.configOperation);
      wnstr(w3, flex, c.value);
      if (flex) w3.emptyTaggedFields();
    });
    if (flex) ww.emptyTaggedFields();
  });
  w.bool(req.validateOnly);
  if (flex) w.emptyTaggedFields();
}

function decodeResponse(r: Reader, v: number): IncrementalAlterConfigsResponse {
  const flex = v >= FIRST_FLEXIBLE;
  const throttleTimeMs = r.int32();
  const responses = arr(r, flex, (rr): AlterConfigsResourceResponse => {
    const x = { errorCode: rr.int16(), errorMessage: nstr(rr, flex), resourceType: rr.int8(), resourceName: str(rr, flex) };
    if (flex) rr.taggedFields();
    return x;
  });
  if (flex) r.taggedFields();
  return { throttleTimeMs, responses };
}

function encodeResponse(w: Writer, v: number, res: IncrementalAlterConfigsResponse): void {
  const flex = v >= FIRST_FLEXIBLE;
  w.int32(res.throttleTimeMs);
  warr(w, flex, res.responses, (ww, x) => {
    ww.int16(x.errorCode);
    wnstr(ww, flex, x.errorMessage);
    ww.int8(x.resourceType);
    wstr(ww, flex, x.resourceName);
    if (flex) ww.emptyTaggedFields();
  });
  if (flex) w.emptyTaggedFields();
}

export const IncrementalAlterConfigsApi: ApiCodec<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse> = {
  apiKey: ApiKey.IncrementalAlterConfigs,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
};
