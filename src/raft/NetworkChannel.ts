/**
 * How the Raft client talks to other nodes (Kafka's NetworkChannel, RaftRequest, RaftResponse), injected so the
 * same client runs over the project's NetworkClient or over a simulated network in tests. Completions are
 * synchronous callbacks (Kafka's CompletableFuture), which keeps a simulation deterministic without an event loop;
 * `promiseChannel` adapts a promise-returning transport.
 */
export const RaftApiKey = { Fetch: 1, Vote: 52, BeginQuorumEpoch: 53, EndQuorumEpoch: 54, DescribeQuorum: 55, FetchSnapshot: 59 } as const;
export type RaftApiKeyValue = (typeof RaftApiKey)[keyof typeof RaftApiKey];

/** The request versions the Raft client speaks (Kafka 3.7's latest: Fetch 16 with ReplicaState, DescribeQuorum 1). */
export const RAFT_API_VERSIONS: Readonly<Record<RaftApiKeyValue, number>> = { 1: 16, 52: 0, 53: 0, 54: 0, 55: 1, 59: 0 };

/** A one-shot result, completed once (later completions are ignored), listened to synchronously. */
export class Completion<T> {
  private done = false;
  private value: T | undefined;
  private error: Error | undefined;
  private readonly callbacks: Array<(value: T | undefined, error: Error | undefined) => void> = [];

  complete(value: T): void {
    this.finish(value, undefined);
  }

  fail(error: Error): void {
    this.finish(undefined, error);
  }

  get isDone(): boolean {
    return this.done;
  }

  onComplete(cb: (value: T | undefined, error: Error | undefined) => void): void {
    if (this.done) cb(this.value, this.error);
    else this.callbacks.push(cb);
  }

  private finish(value: T | undefined, error: Error | undefined): void {
    if (this.done) return;
    this.done = true;
    this.value = value;
    this.error = error;
    for (const cb of this.callbacks.splice(0)) cb(value, error);
  }
}

export interface RaftOutboundRequest {
  readonly correlationId: number;
  readonly destinationId: number;
  readonly apiKey: RaftApiKeyValue;
  readonly data: object;
  readonly createdTimeMs: number;
  /** Completed with the response body, or failed (timeout, disconnect). */
  readonly completion: Completion<object>;
}

export interface RaftInboundRequest {
  readonly sourceId: number;
  readonly apiKey: RaftApiKeyValue;
  readonly data: object;
  readonly completion: Completion<object>;
}

export interface NetworkChannel {
  newCorrelationId(): number;
  send(request: RaftOutboundRequest): void;
}

/**
 * A NetworkChannel over a transport that returns a promise of the response body. `onSettled` runs after each
 * completion (a driver polls the client then). The transport must fail a request it cannot answer within
 * controller.quorum.request.timeout.ms, as Kafka's InterBrokerSendThread does.
 */
export function promiseChannel(
  send: (destinationId: number, apiKey: RaftApiKeyValue, version: number, data: object) => Promise<object>,
  onSettled: () => void = () => {},
): NetworkChannel {
  let next = 0;
  return {
    newCorrelationId: () => next++,
    send(req) {
      send(req.destinationId, req.apiKey, RAFT_API_VERSIONS[req.apiKey], req.data).then(
        (res) => {
          req.completion.complete(res);
          onSettled();
        },
        (err: Error) => {
          req.completion.fail(err);
          onSettled();
        },
      );
    },
  };
}
