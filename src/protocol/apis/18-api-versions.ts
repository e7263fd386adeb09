/**
 * ApiVersions (key 18), versions 0-3 (v3 flexible, KIP-482/KIP-511). The response header is always v0, even for
 * v3 (../headers.ts responseHeaderVersion). v3 carries the broker's supported features and the finalized features
 * with their epoch as tagged fields, as every Kafka 3.x broker sends them (librdkafka 2.0.2 mis-skips tags by one
 * byte, which is harmless here because the tag section ends the message). A request above our maximum is not
 * parsed: encodeApiVersionsUnsupportedResponse writes Apache's reply.
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

interface SupportedFeatureKey {
  name: string;
  minVersion: number;
  maxVersion: number;
}

interface FinalizedFeatureKey {
  name: string;
  maxVersionLevel: number;
  minVersionLevel: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersion[];
  /** v1+; 0 in v0. */
  throttleTimeMs: number;
  /** v3+ tagged fields (tags 0-3); their defaults are not written. */
  supportedFeatures?: SupportedFeatureKey[];
  finalizedFeaturesEpoch?: number;
  finalizedFeatures?: FinalizedFeatureKey[];
  zkMigrationReady?: boolean;
}

export const ApiVersionsApi = messageApi<ApiVersionsRequest, ApiVersionsResponse>(schema.ApiVersionsRequest, schema.ApiVersionsResponse, {
  minVersion: 0,
  maxVersion: 3,
  responseFallbackVersion: 0,
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
