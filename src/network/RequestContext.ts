import { RequestHeader } from '../protocol/headers';
import { ANONYMOUS, KafkaPrincipal } from '../security/auth/KafkaPrincipal';

/** What a handler knows about the request besides its body (Kafka's RequestContext). */
export interface RequestContext {
  header: RequestHeader;
  /** Listener the request arrived on, e.g. "PLAINTEXT": Metadata answers with that listener's endpoints. */
  listenerName: string;
  clientAddress: string;
  connectionId: string;
  /**
   * Who the connection authenticated as (Kafka's RequestContext.principal): User:ANONYMOUS on PLAINTEXT and on SSL
   * without a client certificate, User:<mapped DN> with one, User:<SASL name> after SASL. The SocketServer always
   * sets it; contexts built elsewhere (tests, forwarded requests) may leave it out: read it with principalOf.
   */
  principal?: KafkaPrincipal;
  /** The listener's security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL). */
  securityProtocol?: string;
  /** Set by the Fetch handler for a follower's fetch: Kafka's RequestMetrics count it as FetchFollower, not FetchConsumer. */
  isFromFollower?: boolean;
  /**
   * Kafka's request.apiThrottleTimeMs: set by the quota hooks (src/server/quota) when the client went over a quota;
   * the connection sends the response at once, then stops reading for that long (KIP-219 ThrottledChannel).
   */
  throttleTimeMs?: number;
  /** A frame a SASL listener passed on before authentication completed (ApiVersions): exempt from quotas. */
  authenticating?: boolean;
  /** performance.now() when the handler started, and how long its synchronous part took (request_percentage). */
  handlerStartMs?: number;
  handlerTimeMs?: number;
}

/**
 * A handler's answer: the encoded response body (without the header), `null` for no response at all
 * (acks=0 produce), or a promise of either (delayed operations: long-poll fetch, CreateTopics waiting for leaders).
 */
export type ResponseBody = Buffer[] | null;
export type HandlerResult = ResponseBody | Promise<ResponseBody>;

/** Thrown by a handler to make the SocketServer close the connection (Kafka does so for a failed acks=0 produce). */
export class CloseConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloseConnectionError';
  }
}

/** ctx.principal, User:ANONYMOUS when the context did not come from an authenticated connection. */
export function principalOf(ctx: RequestContext): KafkaPrincipal {
  return ctx.principal ?? ANONYMOUS;
}
