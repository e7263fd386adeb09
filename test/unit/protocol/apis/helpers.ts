/**
 * Typed access to kafkajs 2.2.4's own protocol encoders/decoders (node_modules/kafkajs/src/protocol),
 * so our codecs are checked against a real client's bytes rather than against themselves.
 */
import { Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';

interface KjsEncoder {
  readonly buffer: Buffer;
}
interface KjsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<KjsEncoder>;
}
type KjsRequestFactory = (args: object) => KjsRequest;
export interface KjsResponse<T> {
  decode(raw: Buffer): Promise<T>;
  parse(data: T): Promise<T>;
}
interface KjsLong {
  toString(): string;
}
interface KjsLongStatic {
  fromInt(v: number): KjsLong;
  fromValue(v: number | string): KjsLong;
  fromString(v: string): KjsLong;
}
type KjsRecordFactory = (args: {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string>;
}) => KjsEncoder;
type KjsRecordBatchFactory = (args: {
  firstOffset: KjsLong;
  firstTimestamp: number;
  maxTimestamp: number;
  lastOffsetDelta: number;
  records: KjsEncoder[];
}) => Promise<KjsEncoder>;

const ROOT = 'kafkajs/src/protocol';

/* eslint-disable @typescript-eslint/no-require-imports */
export const Long = require('kafkajs/src/utils/long') as KjsLongStatic;

export async function kjsRequestBytes(api: string, version: number, args: object): Promise<Buffer> {
  const factory = require(`${ROOT}/requests/${api}/v${version}/request`) as KjsRequestFactory;
  const req = factory(args);
  if (req.apiVersion !== version) throw new Error(`kafkajs ${api} v${version} reports version ${req.apiVersion}`);
  return (await req.encode()).buffer;
}

export function kjsResponse<T>(api: string, version: number): KjsResponse<T> {
  return require(`${ROOT}/requests/${api}/v${version}/response`) as KjsResponse<T>;
}

/** One magic-2 record batch built by kafkajs' producer code, as it would go on the wire. */
export async function kjsRecordBatch(firstOffset: number, values: string[], valueSize = 0): Promise<Buffer> {
  const Record = require(`${ROOT}/recordBatch/record/v0`) as KjsRecordFactory;
  const { RecordBatch } = require(`${ROOT}/recordBatch/v0`) as { RecordBatch: KjsRecordBatchFactory };
  const ts = 1700000000000;
  const records = values.map((v, i) => Record({ offsetDelta: i, timestampDelta: i, key: Buffer.from(`k${i}`), value: Buffer.from(v.padEnd(valueSize, '.')) }));
  const batch = await RecordBatch({
    firstOffset: Long.fromInt(firstOffset),
    firstTimestamp: ts,
    maxTimestamp: ts + values.length - 1,
    lastOffsetDelta: values.length - 1,
    records,
  });
  return batch.buffer;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Runs an encoder into a fresh Writer and returns one buffer. */
export function bytesOf(fn: (w: Writer) => void): Buffer {
  const w = new Writer();
  fn(w);
  return w.toBuffer();
}

interface BodyCodec<Req, Res> {
  decodeRequest(r: Reader, version: number): Req;
  encodeRequest(w: Writer, version: number, req: Req): void;
  decodeResponse(r: Reader, version: number): Res;
  encodeResponse(w: Writer, version: number, res: Res): void;
}

/** Decodes a whole body and checks that every byte was consumed. */
export function decodeAll<T>(buf: Buffer, fn: (r: Reader) => T): T {
  const r = new Reader(buf);
  const v = fn(r);
  if (r.remaining() !== 0) throw new Error(`${r.remaining()} bytes left after decoding`);
  return v;
}

/**
 * `decoded` cut down to the properties `like` has, recursively: a decoded message carries every field of its
 * description (absent ones at their defaults), while a test states only the fields it is about.
 */
export function project<T>(decoded: unknown, like: T): T {
  if (Array.isArray(like) && Array.isArray(decoded)) return decoded.map((d, i) => project(d, like[i] ?? like[0])) as T;
  if (like === null || typeof like !== 'object' || Buffer.isBuffer(like) || decoded === null || typeof decoded !== 'object') return decoded as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(like)) out[k] = project((decoded as Record<string, unknown>)[k], (like as Record<string, unknown>)[k]);
  return out as T;
}

/** Encodes, decodes, and gives back the decoded request in the shape of `req` (see project). */
export function roundTripRequest<Req, Res>(codec: BodyCodec<Req, Res>, version: number, req: Req): Req {
  const buf = bytesOf((w) => codec.encodeRequest(w, version, req));
  return project(
    decodeAll(buf, (r) => codec.decodeRequest(r, version)),
    req,
  );
}

export function roundTripResponse<Req, Res>(codec: BodyCodec<Req, Res>, version: number, res: Res): Res {
  const buf = bytesOf((w) => codec.encodeResponse(w, version, res));
  return project(
    decodeAll(buf, (r) => codec.decodeResponse(r, version)),
    res,
  );
}

/** Inclusive integer range, for per-version loops. */
export function versions(from: number, to: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v++) out.push(v);
  return out;
}
