import { RequestHeader } from '../protocol/headers';

/** What a handler knows about the request besides its body (Kafka's RequestContext). */
export interface RequestContext {
  header: RequestHeader;
  /** Listener the request arrived on, e.g. "PLAINTEXT": Metadata answers with that listener's endpoints. */
  listenerName: string;
  clientAddress: string;
  connectionId: string;
  /** Set by the Fetch handler for a follower's fetch: Kafka's RequestMetrics count it as FetchFollower, not FetchConsumer. */
  isFromFollower?: boolean;
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
