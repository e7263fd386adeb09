import * as codecs from './codecs';
import { ApiCodec } from './types';

export * from './codecs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCodec = ApiCodec<any, any>;

/** Every API codec we have, by key. */
export const API_CODECS: ReadonlyMap<number, AnyCodec> = new Map<number, AnyCodec>(Object.values(codecs).map((c) => [c.apiKey, c as AnyCodec]));
