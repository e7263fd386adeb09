import { MessageCodec } from '../messages/MessageCodec';
import { MessageSpec } from '../messages/MessageSpec';
import { ProtocolError, Reader } from '../Reader';
import { Writer } from '../Writer';
import { ApiCodec } from './types';

export interface MessageApiOptions<Req> {
  /** Lowest version the broker serves; the description's lowest by default. */
  minVersion?: number;
  /** Highest version the broker serves; the description's highest stable version by default. */
  maxVersion?: number;
  /** A hook that gives the decoded request the meaning handlers test (e.g. Metadata v0's empty list = all). */
  normalizeRequest?: (req: Req, version: number) => Req;
  /**
   * A response that does not parse at the version asked is parsed again at this version (Kafka's
   * ApiVersionsResponse.parse: a broker answers a too-new ApiVersions request in the v0 layout).
   */
  responseFallbackVersion?: number;
}

/**
 * An API whose codecs are derived from its request and response descriptions (../messages). The broker
 * serves [minVersion, maxVersion]; the codecs themselves know every version of the description, so the
 * inter-broker client and the tests can speak any of them.
 */
export function messageApi<Req, Res>(
  request: MessageSpec,
  response: MessageSpec,
  opts: MessageApiOptions<Req> = {},
): ApiCodec<Req, Res> & MessageApiCodecs<Req, Res> {
  const req = new MessageCodec<Req>(request);
  const res = new MessageCodec<Res>(response);
  const stableMax = request.latestVersionUnstable ? req.versions.highest - 1 : req.versions.highest;
  const minVersion = opts.minVersion ?? req.versions.lowest;
  const maxVersion = opts.maxVersion ?? stableMax;
  if (minVersion < req.versions.lowest || maxVersion > req.versions.highest) {
    throw new Error(`${request.name}: serves ${minVersion}-${maxVersion} outside ${request.validVersions}`);
  }
  const normalize = opts.normalizeRequest;
  return {
    apiKey: request.apiKey,
    name: request.name.replace(/Request$/, ''),
    minVersion,
    maxVersion,
    firstFlexibleVersion: req.firstFlexibleVersion,
    request: req,
    response: res,
    decodeRequest(r: Reader, version: number): Req {
      const v = req.read(r, version);
      return normalize ? normalize(v, version) : v;
    },
    encodeRequest(w: Writer, version: number, value: Req): void {
      req.write(w, version, value);
    },
    decodeResponse(r: Reader, version: number): Res {
      const fallback = opts.responseFallbackVersion;
      if (fallback === undefined || version === fallback) return res.read(r, version);
      const start = r.offset;
      try {
        const v = res.read(r, version);
        if (r.offset === r.end) return v;
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
      }
      r.offset = start;
      return res.read(r, fallback);
    },
    encodeResponse(w: Writer, version: number, value: Res): void {
      res.write(w, version, value);
    },
  };
}

export interface MessageApiCodecs<Req, Res> {
  readonly request: MessageCodec<Req>;
  readonly response: MessageCodec<Res>;
}
