import { ApiKey } from './apiKeys';
import { Reader } from './Reader';
import { Writer } from './Writer';

/**
 * Request header v0: api_key int16, api_version int16, correlation_id int32.
 * v1 adds client_id (nullable string, int16 length). v2 adds a tagged-field section; client_id
 * keeps its int16 length (protocol.md §5.1).
 */
export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Which request header version a (key, version) uses. ControlledShutdown v0 is the only v0 user. */
export function requestHeaderVersion(apiKey: number, apiVersion: number, flexible: boolean): number {
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  return flexible ? 2 : 1;
}

/** Response header v1 (with tags) for flexible versions, except ApiVersions which is always v0 (KIP-511). */
export function responseHeaderVersion(apiKey: number, flexible: boolean): number {
  if (apiKey === ApiKey.ApiVersions) return 0;
  return flexible ? 1 : 0;
}

/** Reads the fixed 8-byte prefix; enough to choose the header layout. */
export function peekRequestPrefix(frame: Buffer): { apiKey: number; apiVersion: number; correlationId: number } {
  if (frame.length < 8) throw new RangeError('request shorter than 8 bytes');
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

export function decodeRequestHeader(r: Reader, headerVersion: number): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = headerVersion >= 1 ? r.nullableString() : null;
  if (headerVersion >= 2) r.taggedFields();
  return { apiKey, apiVersion, correlationId, clientId };
}

export function encodeRequestHeader(w: Writer, h: RequestHeader, headerVersion: number): void {
  w.int16(h.apiKey).int16(h.apiVersion).int32(h.correlationId);
  if (headerVersion >= 1) w.nullableString(h.clientId);
  if (headerVersion >= 2) w.emptyTaggedFields();
}

export function encodeResponseHeader(w: Writer, correlationId: number, headerVersion: number): void {
  w.int32(correlationId);
  if (headerVersion >= 1) w.emptyTaggedFields();
}

export function decodeResponseHeader(r: Reader, headerVersion: number): number {
  const correlationId = r.int32();
  if (headerVersion >= 1) r.taggedFields();
  return correlationId;
}
