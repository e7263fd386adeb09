import { Reader } from '../Reader';
import { Writer } from '../Writer';

/**
 * One Kafka API: codecs for every version we support, in both directions (the broker decodes
 * requests and encodes responses; the inter-broker client and the tests do the reverse).
 * Field names are the Kafka JSON schema's field names with a lower-case first letter
 * (clients/src/main/resources/common/message/*.json), so a reader can hold one beside the other.
 * Request/response *headers* are not part of these codecs: see ../headers.ts.
 */
export interface ApiCodec<Req, Res> {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible version (KIP-482), or Infinity when no supported version is flexible. */
  readonly firstFlexibleVersion: number;
  decodeRequest(r: Reader, version: number): Req;
  encodeRequest(w: Writer, version: number, req: Req): void;
  decodeResponse(r: Reader, version: number): Res;
  encodeResponse(w: Writer, version: number, res: Res): void;
}

export function isFlexible(codec: { firstFlexibleVersion: number }, version: number): boolean {
  return version >= codec.firstFlexibleVersion;
}

/** A response body as the buffers to write after the response header. */
export function encodeResponse<Res>(codec: ApiCodec<unknown, Res>, version: number, res: Res): Buffer[] {
  const w = new Writer(256);
  codec.encodeResponse(w, version, res);
  return w.toBuffers();
}
