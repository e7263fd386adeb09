/**
 * One client connection of the SocketServer (Kafka's Processor + KafkaChannel for it): frames requests, hands them
 * to KafkaApis and writes the responses in request order; on a SASL listener the SaslServerAuthenticator sees every
 * frame until authentication completes, and again for a re-authentication (KIP-368).
 */
import * as net from 'net';
import { Logger } from '../common/logger';
import { fetchReadBuffers, newFrameBufferPool } from '../common/BufferPool';
import { FrameDecoder } from '../protocol/FrameDecoder';
import { FrameReceiver } from './SharedReadBuffer';
import { decodeRequestHeader, encodeResponseHeader, peekRequestPrefix, requestHeaderVersion, responseHeaderVersion } from '../protocol/headers';
import { Reader } from '../protocol/Reader';
import { Writer } from '../protocol/Writer';
import { API_NAMES, ApiKey } from '../protocol/apiKeys';
import { ScramCredentialSource } from '../security/auth/ListenerSecurity';
import { KafkaPrincipal } from '../security/auth/KafkaPrincipal';
import { PreviousSession, SaslServerAuthenticator } from '../security/sasl/SaslServerAuthenticator';
import { CloseConnectionError, HandlerResult, RequestContext, ResponseBody } from './RequestContext';
import type { ListenerSpec, RequestHandler, RequestMetricsRecorder } from './NetworkTypes';

/** What a connection needs from its SocketServer. */
export interface ConnectionOwner {
  readonly requestHandler: RequestHandler;
  readonly requestMetrics: RequestMetricsRecorder | null;
  readonly maxFrameSize: number;
  readonly scramCredentialSource: ScramCredentialSource | null;
  logger(): Logger;
  frameError(conn: KafkaConnection, reason: string): void;
}

interface Slot {
  done: boolean;
  correlationId: number;
  responseHeaderVersion: number;
  body: ResponseBody;
  ctx: RequestContext;
  /** performance.now() when the frame was taken off the socket (Kafka's startTimeNanos). */
  startMs: number;
  /** A SASL answer written as is (its own size prefix; raw v0 tokens have no header). */
  raw?: Buffer;
}

const MAX_INFLIGHT_PER_CONNECTION = 512;

/** A write callback giving the pooled read buffers of one response back (the chunks of one writev complete together). */
function releaseAll(pooled: Buffer[]): () => void {
  return () => {
    for (const b of pooled) fetchReadBuffers.release(b);
  };
}
/** Large request frames are assembled in recycled buffers; produce requests give theirs back once appended. */
const receivePool = newFrameBufferPool();

export class KafkaConnection {
  private readonly decoder: FrameDecoder;
  /** Splits reads into frames with `decoder`; a bad size field closes the connection (SocketServer.frameError). */
  private readonly reader: FrameReceiver;
  private readonly queue: Slot[] = [];
  private closed = false;
  private paused = false;
  readonly remote: string;

  readonly listenerName: string;
  private readonly securityProtocol: string;
  /** Non-null while a SASL (re-)authentication is under way on a SASL listener. */
  private sasl: SaslServerAuthenticator | null;
  /** The authenticated SASL session: what a re-authentication must keep, and when the session expires (KIP-368). */
  private session: (PreviousSession & { reauthSupported: boolean; expiresAtMs: number | null }) | null = null;
  private closeWhenFlushed = false;
  /**
   * KIP-219 channel muting (SocketServer's ChannelMuteState MUTED_AND_THROTTLED): while a quota throttle runs the
   * socket is not read; frames already taken off it wait in `held` and are handled when the throttle ends.
   */
  private throttled = false;
  private throttledUntilMs = 0;
  private throttleTimer: NodeJS.Timeout | null = null;
  private held: Buffer[] = [];

  constructor(
    readonly id: string,
    private readonly listener: ListenerSpec,
    private principal: KafkaPrincipal,
    private readonly sock: net.Socket,
    private readonly server: ConnectionOwner,
    /**
     * The socket reads into a shared buffer (SharedReadBuffer) and its owner hands each read to receive(): frames are
     * copied out of it. Otherwise reads arrive as 'data' chunks of their own.
     */
    sharedReads = false,
  ) {
    this.listenerName = listener.listenerName;
    this.securityProtocol = listener.security?.protocol ?? 'PLAINTEXT';
    const sasl = listener.security?.sasl ? new SaslServerAuthenticator(listener.security.sasl, server.scramCredentialSource) : null;
    this.sasl = sasl;
    this.remote = `${sock.remoteAddress}:${sock.remotePort}`;
    // Before SASL authentication only sasl.server.max.receive.size is accepted (Kafka's SaslServerAuthenticator).
    this.decoder = new FrameDecoder(sasl ? Math.min(server.maxFrameSize, sasl.maxReceiveSize) : server.maxFrameSize, receivePool, sharedReads);
    this.reader = new FrameReceiver(
      this.decoder,
      (frames) => this.onFrames(frames),
      (e) => server.frameError(this, e.message),
    );
    if (!sharedReads) sock.on('data', (chunk: Buffer) => this.receive(chunk));
    sock.on('error', (err) => server.logger().debug(`Connection ${id} error: ${err.message}`));
    sock.on('close', () => {
      this.closed = true;
      if (this.throttleTimer) clearTimeout(this.throttleTimer);
    });
    sock.on('drain', () => this.maybeResume());
  }

  close(): void {
    this.closed = true;
    this.sock.destroy();
  }

  /** Sends what is queued, then closes (a failed SASL exchange: the client reads its error first). */
  private closeAfterWrite(): void {
    this.closeWhenFlushed = true;
    this.flush();
    this.maybeEnd();
  }

  private maybeEnd(): void {
    if (this.closeWhenFlushed && !this.closed && this.queue.length === 0) {
      this.closed = true;
      this.sock.end();
      setTimeout(() => this.sock.destroy(), 1000).unref();
    }
  }

  /**
   * A frame on an authenticated SASL connection (SocketServer.Processor.processCompletedReceives): a SaslHandshake
   * from a client that used SaslAuthenticate v1+ starts a re-authentication; any other frame after the session
   * expired closes the connection. Returns true when the frame was consumed here.
   */
  private onAuthenticatedSaslFrame(frame: Buffer): boolean {
    const session = this.session!;
    if (frame.length >= 2 && frame.readInt16BE(0) === ApiKey.SaslHandshake && session.reauthSupported) {
      this.sasl = new SaslServerAuthenticator(this.listener.security!.sasl!, this.server.scramCredentialSource, session);
      return this.onSaslFrame(frame);
    }
    if (session.expiresAtMs !== null && Date.now() > session.expiresAtMs) {
      this.server.logger().info(`Disconnecting expired channel ${this.id} (SASL session of User:${session.authorizationId} not re-authenticated in time)`);
      this.close();
      return true;
    }
    return false;
  }

  private writeRaw(frame: Buffer): void {
    this.queue.push({ done: true, correlationId: -1, responseHeaderVersion: 0, body: null, ctx: null as unknown as RequestContext, startMs: 0, raw: frame });
    this.flush();
  }

  /** A frame before SASL authentication completed: the authenticator decides (SaslServerAuthenticator). */
  private onSaslFrame(frame: Buffer): boolean {
    const sasl = this.sasl!;
    const step = sasl.onFrame(frame);
    const log = this.server.logger();
    if (step.kind === 'passthrough') return false;
    // oauth: Kafka's Selector lines: an AuthenticationException is a failed authentication, anything else unexpected
    // (the peer as KafkaChannel.socketDescription prints it: its address without the port).
    const peer = `/${this.sock.remoteAddress} (channelId=${this.id})`;
    const failed = (reason: string, authentication: boolean | undefined) =>
      authentication === false
        ? log.warn(`Unexpected error from ${peer}; closing connection (${reason})`)
        : log.info(`Failed ${this.session ? 're-' : ''}authentication with ${peer} (${reason})`);
    if (step.kind === 'close') {
      failed(step.reason, step.authentication);
      this.close();
      return true;
    }
    this.writeRaw(step.frame);
    if (step.close) {
      failed(step.reason ?? `SASL ${sasl.mechanismName || 'handshake'} failed`, step.authentication);
      this.closeAfterWrite();
    } else if (sasl.complete) {
      this.principal = { type: 'User', name: sasl.authorizationId, ...(sasl.tokenAuthenticated ? { tokenAuthenticated: true } : {}) }; // dtoken
      this.session = {
        mechanism: sasl.mechanismName,
        authorizationId: sasl.authorizationId,
        reauthSupported: this.session?.reauthSupported === true || sasl.supportsReauthentication,
        expiresAtMs: sasl.sessionExpiresAtMs,
      };
      this.sasl = null;
      this.decoder.setMaxFrameSize(this.server.maxFrameSize);
      log.debug(`Successfully authenticated ${this.remote} as User:${this.principal.name} with ${sasl.mechanismName}`);
    }
    return true;
  }

  /** Shared reads: where the next read may land directly (the rest of the frame being assembled), or null. */
  readTarget(): Buffer | null {
    return this.closed ? null : this.reader.readTarget();
  }

  /** Shared reads: `n` bytes were read into the last readTarget(). */
  filledInPlace(n: number): void {
    this.reader.filledInPlace(n);
  }

  /** Bytes read from the socket (with shared reads, valid only during this call). */
  receive(chunk: Buffer): void {
    this.reader.receive(chunk);
  }

  private onFrames(frames: Buffer[]): void {
    // The responses ready while one read's frames are handled leave in one writev (cork nests with flush's own).
    const several = frames.length > 1;
    if (several) this.sock.cork();
    this.processFrames(frames);
    if (several && !this.sock.destroyed) this.sock.uncork();
    if (this.queue.length >= MAX_INFLIGHT_PER_CONNECTION && !this.paused) {
      this.paused = true;
      this.sock.pause();
    }
  }

  private processFrames(frames: Buffer[]): void {
    for (let i = 0; i < frames.length; i++) {
      if (this.closed || this.closeWhenFlushed) return;
      if (this.throttled) {
        // Muted by a quota throttle: Kafka would not have read these yet.
        for (; i < frames.length; i++) this.held.push(frames[i]);
        return;
      }
      const frame = frames[i];
      // Before authentication, frames go to the SASL authenticator (ApiVersions comes back for KafkaApis).
      if (this.sasl !== null && this.onSaslFrame(frame)) continue;
      if (this.sasl === null && this.session !== null && this.onAuthenticatedSaslFrame(frame)) continue;
      this.onFrame(frame);
    }
  }

  /**
   * ThrottledChannel for this connection: stop reading for throttleTimeMs (a longer throttle already running
   * wins), then handle the frames held meanwhile and read again. The response itself was sent at once.
   */
  private throttle(throttleTimeMs: number): void {
    const until = performance.now() + throttleTimeMs;
    if (this.throttled && until <= this.throttledUntilMs) return;
    this.throttledUntilMs = until;
    if (this.throttleTimer) clearTimeout(this.throttleTimer);
    this.throttleTimer = setTimeout(() => this.endThrottle(), throttleTimeMs);
    this.throttleTimer.unref();
    if (!this.throttled) {
      this.throttled = true;
      this.sock.pause();
    }
  }

  private endThrottle(): void {
    this.throttleTimer = null;
    this.throttled = false;
    if (this.closed) return;
    if (this.held.length > 0) {
      const frames = this.held;
      this.held = [];
      this.processFrames(frames);
    }
    if (!this.throttled && !this.paused) this.sock.resume();
  }

  private onFrame(frame: Buffer): void {
    const handler = this.server.requestHandler;
    const startMs = performance.now();
    let slot: Slot;
    let result: HandlerResult;
    try {
      const prefix = peekRequestPrefix(frame);
      let flexible = handler.isFlexible(prefix.apiKey, prefix.apiVersion);
      if (flexible === undefined) {
        if (prefix.apiKey !== ApiKey.ApiVersions) {
          const name = API_NAMES[prefix.apiKey] ?? `unknown API key ${prefix.apiKey}`;
          this.server.frameError(this, `unsupported version ${prefix.apiVersion} of ${name}`);
          return;
        }
        // ApiVersions above our max: its header is parsed as v2 (future versions are flexible), body ignored.
        flexible = true;
      }
      const r = new Reader(frame);
      const header = decodeRequestHeader(r, requestHeaderVersion(prefix.apiKey, prefix.apiVersion, flexible));
      const ctx: RequestContext = {
        header,
        listenerName: this.listenerName,
        clientAddress: this.sock.remoteAddress ?? '',
        connectionId: this.id,
        principal: this.principal,
        securityProtocol: this.securityProtocol,
        throttleTimeMs: 0,
        authenticating: this.sasl !== null,
      };
      slot = {
        done: false,
        correlationId: header.correlationId,
        responseHeaderVersion: responseHeaderVersion(header.apiKey, flexible),
        body: null,
        ctx,
        startMs,
      };
      result = handler.handle(ctx, r);
    } catch (e) {
      if (e instanceof CloseConnectionError) {
        this.server.logger().info(`Closing connection to ${this.remote}: ${e.message}`);
        this.close();
      } else {
        this.server.frameError(this, (e as Error).message);
      }
      return;
    }
    // Produce appends synchronously inside handle() (acks=all then only waits for the followers, holding offsets, not
    // bytes) and encodes its response apart: once handle() returned, nothing reads the request's bytes again.
    if (slot.ctx.header.apiKey === ApiKey.Produce) this.decoder.release(frame);
    this.queue.push(slot);
    if (result === null || Array.isArray(result)) {
      slot.body = result;
      slot.done = true;
      this.flush();
    } else {
      result.then(
        (body) => {
          slot.body = body;
          slot.done = true;
          this.flush();
        },
        (err: Error) => {
          this.server.logger().error(`Error processing request from ${this.remote}`, err);
          this.close();
        },
      );
    }
  }

  private flush(): void {
    if (this.closed) return;
    if (this.queue.length === 0 || !this.queue[0].done) return;
    const recorder = this.server.requestMetrics;
    this.sock.cork();
    while (this.queue.length > 0 && this.queue[0].done) {
      const slot = this.queue.shift()!;
      if (slot.raw) {
        this.sock.write(slot.raw);
        continue;
      }
      // Kafka's TotalTimeMs ends when the response is sent; ours when it is handed to the socket (Node writes it).
      if (recorder) {
        const h = slot.ctx.header;
        recorder.requestCompleted(h.apiKey, h.apiVersion, slot.ctx.isFromFollower === true, performance.now() - slot.startMs);
      }
      // Over a quota: the response goes out now, reading stops (also for acks=0 produce: its bandwidth counts).
      const throttleTimeMs = slot.ctx.throttleTimeMs;
      if (throttleTimeMs !== undefined && throttleTimeMs > 0) this.throttle(throttleTimeMs);
      if (slot.body === null) continue; // acks=0 produce: no response at all
      const w = new Writer(16);
      let size = 4 + (slot.responseHeaderVersion >= 1 ? 1 : 0);
      for (const b of slot.body) size += b.length;
      w.int32(size);
      encodeResponseHeader(w, slot.correlationId, slot.responseHeaderVersion);
      this.sock.write(w.toBuffer());
      const body = slot.body;
      const last = body.length - 1;
      let pooled: Buffer[] | null = null;
      for (let i = 0; i < last; i++) {
        const b = body[i];
        if (fetchReadBuffers.isOutstanding(b)) (pooled ??= []).push(b);
        this.sock.write(b);
      }
      if (last >= 0) {
        const b = body[last];
        if (fetchReadBuffers.isOutstanding(b)) (pooled ??= []).push(b);
        // A fetch's record bytes were read into pooled buffers: they go back once the socket is done with them.
        if (pooled === null) this.sock.write(b);
        else this.sock.write(b, releaseAll(pooled));
      }
    }
    this.sock.uncork();
    if (this.closeWhenFlushed) return this.maybeEnd();
    if (this.sock.writableNeedDrain && !this.paused) {
      // The client is not reading its responses: stop reading its requests until it does.
      this.paused = true;
      this.sock.pause();
    } else {
      this.maybeResume();
    }
  }

  private maybeResume(): void {
    if (this.paused && this.queue.length < MAX_INFLIGHT_PER_CONNECTION / 2 && !this.sock.writableNeedDrain) {
      this.paused = false;
      if (!this.throttled) this.sock.resume();
    }
  }
}
