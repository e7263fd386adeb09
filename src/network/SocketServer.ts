import * as net from 'net';
import * as tls from 'tls';
import { getLogger, Logger } from '../common/logger';
import { FrameDecoder } from '../protocol/FrameDecoder';
import { decodeRequestHeader, encodeResponseHeader, peekRequestPrefix, requestHeaderVersion, responseHeaderVersion } from '../protocol/headers';
import { Reader } from '../protocol/Reader';
import { Writer } from '../protocol/Writer';
import { API_NAMES, ApiKey } from '../protocol/apiKeys';
import { CloseConnectionError, HandlerResult, RequestContext, ResponseBody } from './RequestContext';
import { ListenerSecurity, ScramCredentialSource } from '../security/auth/ListenerSecurity';
import { ANONYMOUS, KafkaPrincipal } from '../security/auth/KafkaPrincipal';
import { SaslServerAuthenticator } from '../security/sasl/SaslServerAuthenticator';
import { sslPrincipal } from './SslChannel';

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

interface Slot {
  done: boolean;
  correlationId: number;
  responseHeaderVersion: number;
  body: ResponseBody;
  ctx: RequestContext;
  /** performance.now() when the frame was taken off the socket (Kafka's startTimeNanos). */
  startMs: number;
}

const MAX_INFLIGHT_PER_CONNECTION = 512;

/**
 * Kafka's SocketServer: accepts connections on each listener, frames requests (socket.request.max.bytes),
 * hands them to KafkaApis and writes responses in request order per connection. A malformed request
 * closes only that connection, after logging who sent it and why.
 */
export class SocketServer {
  private servers: net.Server[] = [];
  private connections = new Set<KafkaConnection>();
  readonly boundPorts = new Map<string, number>();
  private readonly log: Logger;
  private nextConnId = 0;

  constructor(
    private readonly brokerId: number,
    private readonly maxRequestSize: number,
    private readonly idleTimeoutMs: number,
    private readonly handler: RequestHandler,
    private readonly recorder: RequestMetricsRecorder | null = null,
    /** Kafka's ListenerType in the log prefix: ZK_BROKER, or BROKER / CONTROLLER for a KRaft node. */
    listenerType: 'ZK_BROKER' | 'BROKER' | 'CONTROLLER' = 'ZK_BROKER',
    /** The broker's SCRAM credentials (Kafka's CredentialCache, kept in step with /config/users by secscram's code). */
    private scramCredentials: ScramCredentialSource | null = null,
  ) {
    this.log = getLogger('kafka.network.SocketServer', `[SocketServer listenerType=${listenerType}, nodeId=${brokerId}] `);
  }

  /** The SCRAM credential source, when it is built after the SocketServer. */
  setScramCredentials(source: ScramCredentialSource): void {
    this.scramCredentials = source;
  }

  get scramCredentialSource(): ScramCredentialSource | null {
    return this.scramCredentials;
  }

  async startup(listeners: ListenerSpec[]): Promise<void> {
    for (const l of listeners) {
      const server = this.createListenerServer(l);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: l.host === '' ? undefined : l.host, port: l.port, backlog: 511 }, () => {
          server.removeListener('error', reject);
          resolve();
        });
      });
      const addr = server.address() as net.AddressInfo;
      this.boundPorts.set(l.listenerName, addr.port);
      this.servers.push(server);
      this.log.info(`Created data-plane acceptor and processors for endpoint : ListenerName(${l.listenerName})`);
    }
  }

  /**
   * A plain TCP server, or a TLS one (SSL, SASL_SSL) whose connections reach accept() only once the handshake is
   * done: a client that sends garbage or stops half-way fails its own handshake (logged), nothing else.
   */
  private createListenerServer(l: ListenerSpec): net.Server {
    const security = l.security;
    if (!security?.tls) return net.createServer({ noDelay: true }, (sock) => this.accept(l, sock));
    const t = security.tls;
    const server = tls.createServer(
      {
        ...t.context,
        // ssl.client.auth: required = Java's needClientAuth (no certificate, no connection); requested = wantClientAuth.
        requestCert: t.clientAuth !== 'none',
        rejectUnauthorized: t.clientAuth === 'required',
        handshakeTimeout: 10000,
      },
      (sock) => {
        sock.setNoDelay(true);
        this.accept(l, sock);
      },
    );
    server.on('tlsClientError', (err, sock) => {
      this.log.info(
        `Failed authentication with /${sock.remoteAddress} (channelId=${sock.remoteAddress}:${sock.remotePort}) (SSL handshake failed: ${err.message})`,
      );
      sock.destroy();
    });
    return server;
  }

  private accept(l: ListenerSpec, sock: net.Socket): void {
    const listenerName = l.listenerName;
    const id = `${sock.localAddress}:${sock.localPort}-${sock.remoteAddress}:${sock.remotePort}-${this.nextConnId++}`;
    let principal: KafkaPrincipal = ANONYMOUS;
    if (sock instanceof tls.TLSSocket && l.security?.tls) {
      try {
        principal = sslPrincipal(sock, l.security.tls);
      } catch (e) {
        this.log.info(`Failed authentication with /${sock.remoteAddress} (channelId=${id}) (${(e as Error).message})`);
        sock.destroy();
        return;
      }
    }
    const sasl = l.security?.sasl ? new SaslServerAuthenticator(l.security.sasl, this.scramCredentials) : null;
    const conn = new KafkaConnection(id, listenerName, l.security?.protocol ?? 'PLAINTEXT', principal, sasl, sock, this);
    this.connections.add(conn);
    sock.on('close', () => this.connections.delete(conn));
    if (this.idleTimeoutMs > 0) {
      sock.setTimeout(this.idleTimeoutMs, () => {
        this.log.debug(`Closing idle connection ${id}`);
        sock.destroy();
      });
    }
  }

  /** Called by connections. */
  frameError(conn: KafkaConnection, reason: string): void {
    this.log.warn(`Closing socket connection to /${conn.remote} (listener ${conn.listenerName}) due to invalid request: ${reason}`);
    conn.close();
  }

  get requestHandler(): RequestHandler {
    return this.handler;
  }

  get requestMetrics(): RequestMetricsRecorder | null {
    return this.recorder;
  }

  get maxFrameSize(): number {
    return this.maxRequestSize;
  }

  logger(): Logger {
    return this.log;
  }

  async shutdown(): Promise<void> {
    this.log.info('Stopping socket server request processors');
    // Stop accepting first, then drop the open connections: net.Server.close() only calls back once
    // every connection has ended.
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const c of this.connections) c.close();
    await Promise.all(closed);
    this.servers = [];
    this.log.info('Stopped socket server request processors');
  }
}

class KafkaConnection {
  private readonly decoder: FrameDecoder;
  private readonly queue: Slot[] = [];
  private closed = false;
  private paused = false;
  readonly remote: string;

  constructor(
    readonly id: string,
    readonly listenerName: string,
    private readonly securityProtocol: string,
    private principal: KafkaPrincipal,
    /** Non-null until SASL authentication completes on a SASL listener. */
    private sasl: SaslServerAuthenticator | null,
    private readonly sock: net.Socket,
    private readonly server: SocketServer,
  ) {
    this.remote = `${sock.remoteAddress}:${sock.remotePort}`;
    // Before SASL authentication only sasl.server.max.receive.size is accepted (Kafka's SaslServerAuthenticator).
    this.decoder = new FrameDecoder(sasl ? Math.min(server.maxFrameSize, sasl.maxReceiveSize) : server.maxFrameSize);
    sock.on('data', (chunk: Buffer) => this.onData(chunk));
    sock.on('error', (err) => server.logger().debug(`Connection ${id} error: ${err.message}`));
    sock.on('close', () => {
      this.closed = true;
    });
    sock.on('drain', () => this.maybeResume());
  }

  close(): void {
    this.closed = true;
    this.sock.destroy();
  }

  /** Sends what is queued, then closes (a failed SASL exchange: the client reads its error first). */
  private closeAfterWrite(): void {
    this.closed = true;
    this.sock.end();
    setTimeout(() => this.sock.destroy(), 1000).unref();
  }

  /** A frame before SASL authentication completed: the authenticator decides (SaslServerAuthenticator). */
  private onSaslFrame(frame: Buffer): boolean {
    const sasl = this.sasl!;
    const step = sasl.onFrame(frame);
    const log = this.server.logger();
    if (step.kind === 'passthrough') return false;
    if (step.kind === 'close') {
      log.info(`Failed authentication with /${this.remote} (channelId=${this.id}) (${step.reason})`);
      this.close();
      return true;
    }
    this.sock.write(step.frame);
    if (step.close) {
      log.info(`Failed authentication with /${this.remote} (channelId=${this.id}) (SASL ${sasl.mechanismName || 'handshake'} failed)`);
      this.closeAfterWrite();
    } else if (sasl.complete) {
      this.principal = { type: 'User', name: sasl.authorizationId };
      this.sasl = null;
      this.decoder.setMaxFrameSize(this.server.maxFrameSize);
      log.debug(`Successfully authenticated ${this.remote} as User:${this.principal.name} with ${sasl.mechanismName}`);
    }
    return true;
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (e) {
      this.server.frameError(this, (e as Error).message);
      return;
    }
    for (const frame of frames) {
      if (this.closed) return;
      // Before authentication, frames go to the SASL authenticator (ApiVersions comes back for KafkaApis).
      if (this.sasl !== null && this.onSaslFrame(frame)) continue;
      this.onFrame(frame);
    }
    if (this.queue.length >= MAX_INFLIGHT_PER_CONNECTION && !this.paused) {
      this.paused = true;
      this.sock.pause();
    }
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
      // Kafka's TotalTimeMs ends when the response is sent; ours when it is handed to the socket (Node writes it).
      if (recorder) {
        const h = slot.ctx.header;
        recorder.requestCompleted(h.apiKey, h.apiVersion, slot.ctx.isFromFollower === true, performance.now() - slot.startMs);
      }
      if (slot.body === null) continue; // acks=0 produce: no response at all
      const w = new Writer(16);
      let size = 4 + (slot.responseHeaderVersion >= 1 ? 1 : 0);
      for (const b of slot.body) size += b.length;
      w.int32(size);
      encodeResponseHeader(w, slot.correlationId, slot.responseHeaderVersion);
      this.sock.write(w.toBuffer());
      for (const b of slot.body) this.sock.write(b);
    }
    this.sock.uncork();
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
      this.sock.resume();
    }
  }
}
