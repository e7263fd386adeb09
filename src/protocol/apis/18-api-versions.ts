/**
 * ApiVersions (key 18), versions 0-3; v3 is flexible (KIP-482, KIP-511).
 *
 * Request (ApiVersionsRequest.json):
 *   v0-v2: (empty body)
 *   v3:    client_software_name COMPACT_STRING, client_software_version COMPACT_STRING, TAG_BUFFER
 *
 * Response (ApiVersionsResponse.json):
 *   v0:    error_code INT16, api_keys [api_key INT16, min_version INT16, max_version INT16]
 *   v1-v2: v0 + throttle_time_ms INT32 (after the array)
 *   v3:    error_code INT16, api_keys COMPACT_ARRAY[api_key, min_version, max_version, TAG_BUFFER],
 *          throttle_time_ms INT32, TAG_BUFFER
 *          (tags 0-3: SupportedFeatures, FinalizedFeaturesEpoch, FinalizedFeatures, ZkMigrationReady;
 *           a ZK-mode broker writes none of them, and we skip them on input)
 *
 * The response header is always v0, even for v3 (KIP-511): see ../headers.ts responseHeaderVersion.
 * A request above maxVersion is not parsed; encodeApiVersionsUnsupportedResponse writes Apache's reply.
 */
import { ApiKey } from '../apiKeys';
import { ErrorCode } from '../errors';
import { Writer } from '../Writer';
import * as schema from '../messages/ApiVersions';
import { messageApi } from './messageApi';

interface ApiVersionsRequest {
  /** v3+; '' in earlier versions (schema default for a string). */
  clientSoftwareName: string;
  /** v3+; '' in earlier versions. */
  clientSoftwareVersion: string;
}

interface ApiVersion {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersion[];
  /** v1+; 0 in v0. */
  throttleTimeMs: number;
}

export const ApiVersionsApi = messageApi<ApiVersionsRequest, ApiVersionsResponse>(schema.ApiVersionsRequest, schema.ApiVersionsResponse, {
  minVersion: 0,
  maxVersion: 3,
});

/**
 * Apache's answer to an ApiVersions request whose version is above our maximum
 * (ApiVersionsRequest.getErrorResponse, serialised at version 0 by RequestContext): the v0 body
 * layout with UNSUPPORTED_VERSION and the single entry {ApiVersions, 0, maxSupported}, no throttle
 * field, so any client can read it and retry with a version we know (protocol.md §5.3).
 */
export function encodeApiVersionsUnsupportedResponse(w: Writer, maxSupported: number): void {
  w.int16(ErrorCode.UNSUPPORTED_VERSION);
  w.int32(1);
  w.int16(ApiKey.ApiVersions).int16(0).int16(maxSupported);
}
