/**
 * Kafka request parsing as SaslServerAuthenticator sees it (RequestHeader.parse, RequestContext.parseRequest) and
 * the responses it writes before authentication, including AbstractRequest.getErrorResponse for a request that
 * arrives in the wrong SASL state (answered ILLEGAL_SASL_STATE in that request's own response type).
 */
import { API_NAMES, ApiKey } from '../../protocol/apiKeys';
import { API_CODECS } from '../../protocol/apis';
import type { MessageApiCodecs } from '../../protocol/apis/messageApi';
import { ApiCodec, isFlexible } from '../../protocol/apis/types';
import { ErrorCode } from '../../protocol/errors';
import {
  decodeRequestHeader,
  encodeResponseHeader,
  peekRequestPrefix,
  RequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../protocol/headers';
import { Reader } from '../../protocol/Reader';
import { Writer } from '../../protocol/Writer';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCodec = ApiCodec<any, any> & Partial<MessageApiCodecs<any, any>>;

/** Kafka's InvalidRequestException: the frame is not a Kafka request this broker can parse. */
export class InvalidRequestException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestException';
  }
}

/** ApiKeys' enum name (METADATA, SASL_HANDSHAKE, API_VERSIONS), which Kafka's messages print. */
export function apiKeyEnumName(apiKey: number): string {
  const name = API_CODECS.get(apiKey)?.name ?? API_NAMES[apiKey];
  if (name === undefined) return String(apiKey);
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

export interface ParsedRequestHeader {
  header: RequestHeader;
  codec: AnyCodec;
  flexible: boolean;
  /** Positioned at the request body. */
  reader: Reader;
}

/** RequestHeader.parse: an API key this broker has no codec for is "Unknown API key" (InvalidRequestException). */
export function parseRequestHeader(frame: Buffer): ParsedRequestHeader {
  let prefix: { apiKey: number; apiVersion: number };
  try {
    prefix = peekRequestPrefix(frame);
  } catch {
    throw new InvalidRequestException('Error parsing request header. Our best guess of the apiKey is: -1');
  }
  const codec = API_CODECS.get(prefix.apiKey) as AnyCodec | undefined;
  if (!codec) throw new InvalidRequestException(`Unknown API key ${prefix.apiKey}`);
  // Future versions of a known API: parsed with the flexible header as Kafka's header version rule gives.
  const flexible = prefix.apiVersion > codec.maxVersion ? prefix.apiVersion >= codec.firstFlexibleVersion : isFlexible(codec, prefix.apiVersion);
  const reader = new Reader(frame);
  try {
    const header = decodeRequestHeader(reader, requestHeaderVersion(prefix.apiKey, prefix.apiVersion, flexible));
    return { header, codec, flexible, reader };
  } catch {
    throw new InvalidRequestException(`Error parsing request header. Our best guess of the apiKey is: ${prefix.apiKey}`);
  }
}

/** RequestContext.parseRequest: a version this broker does not serve, or a body that does not parse, is invalid. */
export function parseRequestBody(p: ParsedRequestHeader): unknown {
  const v = p.header.apiVersion;
  if (v < p.codec.minVersion || v > p.codec.maxVersion) {
    throw new InvalidRequestException(`Error getting request for apiKey: ${apiKeyEnumName(p.header.apiKey)}, apiVersion: ${v}`);
  }
  try {
    return p.codec.decodeRequest(p.reader, v);
  } catch (e) {
    throw new InvalidRequestException(`Error getting request for apiKey: ${apiKeyEnumName(p.header.apiKey)}, apiVersion: ${v}: ${(e as Error).message}`);
  }
}

/** A complete size-prefixed response frame: header for (apiKey, flexible), then the body. */
export function responseFrame(header: RequestHeader, flexible: boolean, writeBody: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.int32(0);
  encodeResponseHeader(w, header.correlationId, responseHeaderVersion(header.apiKey, flexible));
  writeBody(w);
  const buf = w.toBuffer();
  buf.writeInt32BE(buf.length - 4, 0);
  return buf;
}

/**
 * AbstractRequest.getErrorResponse(ILLEGAL_SASL_STATE) for a request received in the wrong SASL state: Metadata
 * names each requested topic with the error (MetadataRequest.getErrorResponse), SaslHandshake has no mechanisms,
 * and every other API gets its response at default values with the error in its top-level errorCode when it has
 * one (the form of most Kafka getErrorResponse implementations).
 */
export function illegalSaslStateResponse(p: ParsedRequestHeader, request: unknown): Buffer {
  const v = p.header.apiVersion;
  const error = ErrorCode.ILLEGAL_SASL_STATE;
  let body: Record<string, unknown>;
  if (p.header.apiKey === ApiKey.Metadata) {
    const topics = ((request as { topics: Array<{ name: string | null; topicId?: unknown }> | null }).topics ?? []).map((t) => ({
      name: t.name ?? '',
      topicId: t.topicId,
      errorCode: error,
      isInternal: false,
      partitions: [],
    }));
    body = { ...(p.codec.response?.defaults(v) as Record<string, unknown>), topics };
  } else {
    body = { ...(p.codec.response?.defaults(v) as Record<string, unknown>) };
    if ('errorCode' in body) body.errorCode = error;
  }
  return responseFrame(p.header, p.flexible, (w) => p.codec.encodeResponse(w, v, body));
}
