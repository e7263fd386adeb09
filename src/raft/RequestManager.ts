/**
 * One in-flight request per destination, with a retry backoff after a failure and a request timeout (Kafka's raft
 * RequestManager and ConnectionState). A response is handled only if it answers the request in flight
 * (isResponseExpected); every state transition resets all connections, so a late answer to an older state's
 * request is ignored.
 */
import { Random } from './Time';

type ConnState = 'AWAITING_REQUEST' | 'BACKING_OFF' | 'READY';

export class ConnectionState {
  private state: ConnState = 'READY';
  private lastSendTimeMs = 0;
  private lastFailTimeMs = 0;
  private inFlight: number | undefined;

  constructor(
    readonly id: number,
    private readonly retryBackoffMs: number,
    private readonly requestTimeoutMs: number,
  ) {}

  private isBackoffComplete(now: number): boolean {
    return this.state === 'BACKING_OFF' && now >= this.lastFailTimeMs + this.retryBackoffMs;
  }

  hasRequestTimedOut(now: number): boolean {
    return this.state === 'AWAITING_REQUEST' && now >= this.lastSendTimeMs + this.requestTimeoutMs;
  }

  isReady(now: number): boolean {
    if (this.isBackoffComplete(now) || this.hasRequestTimedOut(now)) this.state = 'READY';
    return this.state === 'READY';
  }

  isBackingOff(now: number): boolean {
    return this.state === 'BACKING_OFF' && !this.isBackoffComplete(now);
  }

  hasInflightRequest(now: number): boolean {
    return this.state === 'AWAITING_REQUEST' && !this.hasRequestTimedOut(now);
  }

  remainingRequestTimeMs(now: number): number {
    return this.hasInflightRequest(now) ? this.lastSendTimeMs + this.requestTimeoutMs - now : 0;
  }

  remainingBackoffMs(now: number): number {
    return this.isBackingOff(now) ? this.lastFailTimeMs + this.retryBackoffMs - now : 0;
  }

  isResponseExpected(correlationId: number): boolean {
    return this.inFlight === correlationId;
  }

  inFlightCorrelationId(): number | undefined {
    return this.inFlight;
  }

  onResponseError(correlationId: number, now: number): void {
    if (this.inFlight === correlationId) {
      this.lastFailTimeMs = now;
      this.state = 'BACKING_OFF';
      this.inFlight = undefined;
    }
  }

  onResponseReceived(correlationId: number): void {
    if (this.inFlight === correlationId) {
      this.state = 'READY';
      this.inFlight = undefined;
    }
  }

  onRequestSent(correlationId: number, now: number): void {
    this.lastSendTimeMs = now;
    this.inFlight = correlationId;
    this.state = 'AWAITING_REQUEST';
  }

  reset(): void {
    this.state = 'READY';
    this.inFlight = undefined;
  }
}

export class RequestManager {
  private readonly connections = new Map<number, ConnectionState>();
  private readonly voters: number[];

  constructor(
    voters: Iterable<number>,
    private readonly retryBackoffMs: number,
    private readonly requestTimeoutMs: number,
    private readonly random: Random,
  ) {
    this.voters = [...voters];
    for (const v of this.voters) this.getOrCreate(v);
  }

  getOrCreate(id: number): ConnectionState {
    let c = this.connections.get(id);
    if (!c) this.connections.set(id, (c = new ConnectionState(id, this.retryBackoffMs, this.requestTimeoutMs)));
    return c;
  }

  /** A voter to send an observer's Fetch to, starting at a random one; none while a Fetch is already in flight. */
  findReadyVoter(now: number): number | undefined {
    const start = this.random.nextInt(this.voters.length);
    let res: number | undefined;
    for (let i = 0; i < this.voters.length; i++) {
      const c = this.getOrCreate(this.voters[(start + i) % this.voters.length]);
      if (c.isReady(now)) res = c.id;
      else if (c.inFlightCorrelationId() !== undefined) return undefined;
    }
    return res;
  }

  /**
   * How long until findReadyVoter may find one. Kafka answers 0 when some voter is ready even while another has the
   * Fetch in flight, which findReadyVoter refuses: a busy poll until the answer. Here the in-flight request's
   * remaining time counts first.
   */
  backoffBeforeAvailableVoter(now: number): number {
    let min = Infinity;
    let inFlight = Infinity;
    for (const v of this.voters) {
      const c = this.getOrCreate(v);
      if (c.hasInflightRequest(now)) inFlight = Math.min(inFlight, c.remainingRequestTimeMs(now));
      else if (c.isReady(now)) min = 0;
      else min = Math.min(min, c.remainingBackoffMs(now));
    }
    return inFlight < Infinity ? inFlight : min;
  }

  resetAll(): void {
    for (const c of this.connections.values()) c.reset();
  }
}
