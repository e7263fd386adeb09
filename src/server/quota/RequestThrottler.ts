/**
 * The throttling hooks of KafkaApis (KIP-219): Kafka records each request against its client's quotas when the
 * response is ready (handleProduceRequest, handleFetchRequest, RequestHandlerHelper.sendResponseMaybeThrottle),
 * puts the throttle time in the response's throttle_time_ms and sends it at once, then mutes the channel for
 * that long (ThrottledChannel; our KafkaConnection stops reading the socket). Without any quota configured each
 * hook is one boolean test.
 *
 * request_percentage in Node: Kafka measures the time a request handler thread spent on the request
 * (requestThreadTimeNanos) as a percentage of one thread. Ours is the synchronous time of the handler call on the
 * event loop (decode, work, encode when the answer is immediate): the part of the request that occupies the one
 * thread every request shares. Time waiting in purgatory (replication, long-poll fetch) is not counted, as it is
 * not handler-thread time in Kafka either.
 */
import type { HandlerResult, RequestContext } from '../../network/RequestContext';
import { principalOf } from '../../network/RequestContext';
import { ApiKey } from '../../protocol/apiKeys';
import { API_CODECS, WriteTxnMarkersApi } from '../../protocol/apis';
import { encodeResponse } from '../../protocol/apis/types';
import { Reader } from '../../protocol/Reader';
import * as Messages from '../../protocol/messages';
import { MessageSpec, parseVersions } from '../../protocol/messages/MessageSpec';
import type { QuotaManagers } from './QuotaManagers';

/**
 * API key -> the first version whose response body starts with ThrottleTimeMs: the generic path writes the
 * throttle time there. Others with the field elsewhere (ApiVersions, after its error code and keys) are decoded and
 * encoded again with it; those without one (SASL) still mute the channel, as Kafka's sendResponseMaybeThrottle does.
 */
const THROTTLE_FIRST: ReadonlyMap<number, number> = (() => {
  const m = new Map<number, number>();
  for (const spec of Object.values(Messages) as MessageSpec[]) {
    if (spec.type !== 'response' || spec.fields.length === 0 || spec.fields[0].name !== 'ThrottleTimeMs') continue;
    m.set(spec.apiKey, parseVersions(spec.fields[0].versions).lowest);
  }
  return m;
})();

/**
 * The requests KafkaApis answers with sendResponseExemptThrottle (inter-broker requests, authorized as
 * CLUSTER_ACTION): never recorded against a request quota. Produce and Fetch are handled in DataPlaneApis.
 */
const EXEMPT = new Set<number>([
  ApiKey.LeaderAndIsr,
  ApiKey.StopReplica,
  ApiKey.UpdateMetadata,
  ApiKey.ControlledShutdown,
  WriteTxnMarkersApi.apiKey,
  ApiKey.AlterPartition,
  ApiKey.Produce,
  ApiKey.Fetch,
]);

/** ClientRequestQuotaManager.nanosToPercentage, from milliseconds: 1 ms of one thread is 0.1 (percent x seconds). */
const percentage = (ms: number): number => ms / 10;

/** The response body with throttle_time_ms set where the version has it; the caller's buffers are not written to. */
export function withThrottleTime(apiKey: number, apiVersion: number, body: Buffer[], throttleTimeMs: number): Buffer[] {
  const from = THROTTLE_FIRST.get(apiKey);
  if (from !== undefined) {
    if (apiVersion < from || body.length === 0 || body[0].length < 4) return body;
    const head = Buffer.allocUnsafe(4);
    head.writeInt32BE(throttleTimeMs, 0);
    return [head, body[0].subarray(4), ...body.slice(1)];
  }
  const codec = API_CODECS.get(apiKey);
  if (codec === undefined) return body;
  try {
    const res = codec.decodeResponse(new Reader(Buffer.concat(body)), apiVersion) as Record<string, unknown>;
    if (typeof res.throttleTimeMs !== 'number') return body;
    // Only versions that carry the field: re-encoding must not change anything else.
    const probe = encodeResponse(codec, apiVersion, { ...res, throttleTimeMs: 0 });
    if (!Buffer.concat(probe).equals(Buffer.concat(body))) return body;
    const out = encodeResponse(codec, apiVersion, { ...res, throttleTimeMs });
    return Buffer.concat(out).equals(Buffer.concat(probe)) ? body : out;
  } catch {
    return body;
  }
}

export class RequestThrottler {
  /** `time` is the quota managers' clock (a fixed one in tests: a millisecond between two calls changes a throttle time). */
  constructor(
    readonly quotas: QuotaManagers,
    private readonly time: () => number = Date.now,
  ) {}

  /** Any quota configured: only then do requests pay for measuring. */
  get active(): boolean {
    return this.quotas.anyEnabled;
  }

  /**
   * Runs one request's handler, timing its synchronous part (the request-time measure), and for every API but
   * the exempt ones applies the request quota to the answer (sendResponseMaybeThrottle). Call only when active.
   */
  handle(ctx: RequestContext, run: () => HandlerResult): HandlerResult {
    const start = performance.now();
    ctx.handlerStartMs = start;
    const result = run();
    const threadMs = performance.now() - start;
    ctx.handlerTimeMs = threadMs;
    // A SASL listener's ApiVersions before authentication is the authenticator's (Kafka's never reaches KafkaApis).
    if (EXEMPT.has(ctx.header.apiKey) || ctx.authenticating === true || !this.quotas.request.quotasEnabled) return result;
    if (result === null) return result;
    if (Array.isArray(result)) return this.maybeThrottle(ctx, result, threadMs);
    return result.then((body) => (body === null ? body : this.maybeThrottle(ctx, body, threadMs)));
  }

  private maybeThrottle(ctx: RequestContext, body: Buffer[], threadMs: number): Buffer[] {
    const user = principalOf(ctx).name;
    const clientId = ctx.header.clientId ?? '';
    const t = this.quotas.request.maybeRecordAndGetThrottleTimeMs(user, clientId, percentage(threadMs));
    if (t <= 0) return body;
    this.quotas.request.recordThrottle(user, clientId, t);
    ctx.throttleTimeMs = Math.max(ctx.throttleTimeMs ?? 0, t);
    return withThrottleTime(ctx.header.apiKey, ctx.header.apiVersion, body, t);
  }

  /**
   * KafkaApis.handleProduceRequest's sendResponseCallback: the request's size against the produce byte rate, its
   * time against the request quota (not for acks=0), the larger throttle wins. Returns throttle_time_ms.
   */
  produceThrottleTimeMs(ctx: RequestContext, requestSize: number, acks: number): number {
    if (!this.quotas.anyEnabled) return 0;
    const user = principalOf(ctx).name;
    const clientId = ctx.header.clientId ?? '';
    const now = this.time();
    const bandwidth = this.quotas.produce.maybeRecordAndGetThrottleTimeMs(user, clientId, requestSize, now);
    const request = acks === 0 ? 0 : this.quotas.request.maybeRecordAndGetThrottleTimeMs(user, clientId, percentage(threadTimeMs(ctx)), now);
    return this.throttle(ctx, user, clientId, bandwidth, request, 'produce');
  }

  /**
   * KafkaApis.handleFetchRequest: a consumer may not fetch more than its quota allows in one quota window
   * (getMaxValueInQuotaWindow), so that one response cannot throttle it for ever.
   */
  consumerFetchMaxBytes(ctx: RequestContext, maxBytes: number): number {
    if (!this.quotas.fetch.quotasEnabled) return maxBytes;
    const max = this.quotas.fetch.getMaxValueInQuotaWindow(principalOf(ctx).name, ctx.header.clientId ?? '');
    return max < maxBytes ? Math.max(0, Math.floor(max)) : maxBytes;
  }

  /**
   * handleFetchRequest for a consumer: request time and response size recorded; over either quota, the bytes
   * come off again (the answer will be empty) and the larger throttle time is returned.
   */
  consumerFetchThrottleTimeMs(ctx: RequestContext, responseSize: number): number {
    if (!this.quotas.anyEnabled) return 0;
    const user = principalOf(ctx).name;
    const clientId = ctx.header.clientId ?? '';
    const now = this.time();
    const request = this.quotas.request.maybeRecordAndGetThrottleTimeMs(user, clientId, percentage(threadTimeMs(ctx)), now);
    const bandwidth = this.quotas.fetch.maybeRecordAndGetThrottleTimeMs(user, clientId, responseSize, now);
    if (Math.max(bandwidth, request) > 0) this.quotas.fetch.unrecordQuotaSensor(user, clientId, responseSize, now);
    return this.throttle(ctx, user, clientId, bandwidth, request, 'fetch');
  }

  private throttle(ctx: RequestContext, user: string, clientId: string, bandwidth: number, request: number, kind: 'produce' | 'fetch'): number {
    const max = Math.max(bandwidth, request);
    if (max <= 0) return 0;
    // requestHelper.throttle(quotas.produce|fetch or quotas.request, ...): the throttle-time sensor of the larger.
    if (bandwidth > request) this.quotas[kind].recordThrottle(user, clientId, bandwidth);
    else this.quotas.request.recordThrottle(user, clientId, request);
    ctx.throttleTimeMs = max;
    return max;
  }
}

/** The handler's synchronous time: measured once it returned, else (an immediate answer) the time so far. */
function threadTimeMs(ctx: RequestContext): number {
  if (ctx.handlerTimeMs !== undefined) return ctx.handlerTimeMs;
  return ctx.handlerStartMs !== undefined ? performance.now() - ctx.handlerStartMs : 0;
}
