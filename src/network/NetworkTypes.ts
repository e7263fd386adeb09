/** The SocketServer's contracts with its listeners' settings and with the API layer. */
import type { ListenerSecurity } from '../security/auth/ListenerSecurity';
import type { HandlerResult, RequestContext } from './RequestContext';
import type { Reader } from '../protocol/Reader';

export interface ListenerSpec {
  listenerName: string;
  host: string; // '' = all interfaces
  port: number; // 0 = ephemeral
  /** The listener's security protocol and settings; absent = PLAINTEXT. */
  security?: ListenerSecurity;
}

/** What the SocketServer needs from the API layer (KafkaApis). */
export interface RequestHandler {
  /** undefined when (key, version) is not served: Apache then closes the connection (protocol.md §5.3). */
  isFlexible(apiKey: number, apiVersion: number): boolean | undefined;
  handle(ctx: RequestContext, body: Reader): HandlerResult;
}

/**
 * Told of each request once its response (or, for acks=0, its absence) has been handed to the socket: Kafka's
 * RequestChannel.updateRequestMetrics, which feeds the RequestMetrics MBeans (src/server/metrics).
 */
export interface RequestMetricsRecorder {
  requestCompleted(apiKey: number, apiVersion: number, isFromFollower: boolean, totalTimeMs: number): void;
}
