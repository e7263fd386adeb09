import * as net from 'net';
import * as tls from 'tls';
import { FrameDecoder } from '../protocol/FrameDecoder';
import { BufferPool } from '../common/BufferPool';
import { FrameReceiver, sharedReadOpts } from './SharedReadBuffer';
import { decodeResponseHeader, encodeRequestHeader, requestHeaderVersion, responseHeaderVersion } from '../protocol/headers';
import { ApiCodec, isFlexible } from '../protocol/apis/types';
import { Reader } from '../protocol/Reader';
import { Writer } from '../protocol/Writer';
import { SaslHandshakeApi } from '../protocol/apis/17-sasl-handshake';
import { SaslAuthenticateApi } from '../protocol/apis/36-sasl-authenticate';
import { ErrorCode, errorName } from '../protocol/errors';
import { ClientSecurity, usesSasl } from '../security/auth/ListenerSecurity';
import { createSaslClient } from '../security/sasl/SaslClient';

interface Pending {
  resolve: (r: Reader) => void;
  reject: (e: Error) => void;
  responseHeaderVersion: number;
  timer: NodeJS.Timeout;
}

export class DisconnectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DisconnectedError';
  }
}

/**
 * A read into the shared buffer takes at most this much (the rest of a response is then read in place): size fields
 * and small responses fit, and at most this much of a large fetch response is copied (DirectReceive's 16 KB before).
 */
const CLIENT_READ_SIZE = 16 * 1024;

/** Thrown when the SASL exchange with the broker fails (Kafka's SaslAuthenticationException on the client). */
export class AuthenticationError extends DisconnectedError {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/**
 * The security a NetworkClient uses when its creator gives none: set once by a ZooKeeper-mode broker at startup to
 * its inter-broker listener's (security.inter.broker.protocol / inter.broker.listener.name), so every inter-broker
 * client of the process (replica fetchers, controller channel, transaction marker sender, controlled shutdown)
 * connects as Kafka's do. Tools and tests, which never set it, stay PLAINTEXT.
 */
let processDefaultSecurity: ClientSecurity = { protocol: 'PLAINTEXT' };

export function setDefaultClientSecurity(security: ClientSecurity): void {
  processDefaultSecurity = security;
}

/**
 * A broker-to-broker Kafka connection (kafka.clients.NetworkClient in spirit): one socket, pipelined
 * requests matched by correlation id, each with a timeout. Used by the controller channel and, later,
 * replica fetchers. Reconnects lazily on the next request after a failure.
 */
export class NetworkClient {
  private sock: net.Socket | null = null;
  private connecting: Promise<net.Socket> | null = null;
  private pending = new Map<number, Pending>();
  private nextCorrelationId = 0;
  private closed = false;
  /** KIP-368: when the broker ends this connection's SASL session (from SaslAuthenticate's session_lifetime_ms). */
  private sessionExpiresAtMs: number | null = null;
  /** Where large response frames are assembled (sendWithFrame's callers give them back); none by default. */
  private receivePool: BufferPool | null = null;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly clientId: string,
    private readonly requestTimeoutMs: number,
    private readonly connectTimeoutMs = 10000,
    /** TLS and SASL for this connection; the process default (setDefaultClientSecurity) when absent. */
    private readonly security: ClientSecurity = processDefaultSecurity,
  ) {}

  /**
   * Assemble large responses in recycled buffers from `pool` (for the next connection): a replica fetcher receives
   * a fetch response of up to replica.fetch.response.max.bytes per round trip, and a fresh buffer each time costs
   * page faults and GC pressure beyond the copy itself. Only frames given back with releaseFrame are reused.
   */
  useReceivePool(pool: BufferPool): void {
    this.receivePool = pool;
  }

  get isConnected(): boolean {
    return this.sock !== null;
  }

  private connect(): Promise<net.Socket> {
    if (this.sock) return Promise.resolve(this.sock);
    if (this.connecting) return this.connecting;
    const sec = this.security;
    this.connecting = new Promise<net.Socket>((resolve, reject) => {
      const sock: net.Socket = sec.tls
        ? tls.connect({
            host: this.host,
            port: this.port,
            ...sec.tls.context,
            servername: net.isIP(this.host) ? undefined : this.host,
            // ssl.endpoint.identification.algorithm='' : trust the chain, not the host name.
            checkServerIdentity: sec.tls.verifyHostname ? tls.checkServerIdentity : () => undefined,
          })
        : net.connect({ host: this.host, port: this.port, noDelay: true, onread: this.sharedRead(() => sock) });
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new DisconnectedError(`connection to ${this.host}:${this.port} timed out`));
      }, this.connectTimeoutMs);
      sock.once(sec.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        sock.setNoDelay(true);
        this.sock = sock;
        if (sec.tls) {
          // TLS sockets take no onread: their chunks are decrypted copies, split into frames.
          const receiver = this.frameReceiver(new FrameDecoder(Number.MAX_SAFE_INTEGER, this.receivePool), () => sock);
          sock.on('data', (chunk: Buffer) => receiver.receive(chunk));
        }
        // Only this socket's own close counts: an old socket may report its close after a reconnection.
        sock.on('close', () => {
          if (this.sock === sock) this.onClose(`connection to ${this.host}:${this.port} closed`);
        });
        if (!sec.sasl || !usesSasl(sec.protocol)) {
          resolve(sock);
          return;
        }
        this.authenticate(sock).then(
          () => resolve(sock),
          (e: Error) => {
            this.onClose(e.message);
            reject(e instanceof DisconnectedError ? e : new AuthenticationError(e.message));
          },
        );
      });
      sock.once('error', (err) => {
        clearTimeout(timer);
        this.onClose(err.message);
        reject(new DisconnectedError(`cannot connect to ${this.host}:${this.port}: ${err.message}`));
      });
    }).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Kafka's SaslClientAuthenticator: SaslHandshake v1, then SaslAuthenticate until the mechanism completes. */
  private async authenticate(sock: net.Socket): Promise<void> {
    const { mechanism, username, password, loginOptions } = this.security.sasl!;
    const hs = await this.sendOn(sock, SaslHandshakeApi, 1, { mechanism });
    if (hs.errorCode !== ErrorCode.NONE) {
      throw new AuthenticationError(
        `SASL handshake with ${this.host}:${this.port} failed: ${errorName(hs.errorCode)} (mechanism ${mechanism}, enabled: ${hs.mechanisms.join(', ')})`,
      );
    }
    // dtoken: ScramLoginModule tokenauth; oauth: OAUTHBEARER builds its token from the login module's options.
    const client = createSaslClient(mechanism, username, password, { tokenAuth: this.security.sasl!.tokenAuth === true, loginOptions });
    let token: Buffer | null = client.initialResponse();
    while (token !== null) {
      const res = await this.sendOn(sock, SaslAuthenticateApi, 2, { authBytes: token });
      if (res.errorCode !== ErrorCode.NONE) {
        throw new AuthenticationError(`SASL authentication with ${this.host}:${this.port} failed: ${res.errorMessage ?? errorName(res.errorCode)}`);
      }
      if (client.isComplete()) break;
      token = client.evaluateChallenge(res.authBytes);
      // Kafka's client re-authenticates at 85-95% of the lifetime; we reconnect (a fresh authentication) instead.
      this.sessionExpiresAtMs = res.sessionLifetimeMs > 0 ? Date.now() + res.sessionLifetimeMs * 0.85 : null;
    }
  }

  /**
   * A plaintext socket reads as the broker's connections do (SharedReadBuffer): into the process's shared buffer, and
   * each response's remaining bytes straight into the buffer that holds it once its size is known. A replica
   * fetcher's responses carry every replicated byte; reading them into 64 KB chunks first cost a copy and a fresh
   * chunk (external memory, GC) per read. A bad size field closes the connection.
   */
  private sharedRead(sock: () => net.Socket): net.OnReadOpts {
    const receiver = this.frameReceiver(new FrameDecoder(Number.MAX_SAFE_INTEGER, this.receivePool, true), sock);
    return sharedReadOpts(() => receiver, CLIENT_READ_SIZE);
  }

  private frameReceiver(decoder: FrameDecoder, sock: () => net.Socket): FrameReceiver {
    return new FrameReceiver(
      decoder,
      (frames) => {
        for (const f of frames) this.onFrame(f);
      },
      () => sock().destroy(),
    );
  }

  private onFrame(f: Buffer): void {
    if (f.length < 4) {
      this.sock?.destroy();
      return;
    }
    const correlationId = f.readInt32BE(0);
    const p = this.pending.get(correlationId);
    if (!p) return;
    this.pending.delete(correlationId);
    clearTimeout(p.timer);
    const r = new Reader(f);
    try {
      decodeResponseHeader(r, p.responseHeaderVersion);
      p.resolve(r);
    } catch (e) {
      p.reject(e as Error);
    }
  }

  private onClose(reason: string): void {
    this.sock?.destroy();
    this.sock = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new DisconnectedError(reason));
    }
  }

  /** Sends one request and resolves with its decoded response. */
  async send<Req, Res>(codec: ApiCodec<Req, Res>, version: number, request: Req): Promise<Res> {
    return this.sendOn(await this.ready(), codec, version, request);
  }

  /** The socket to send on: connected (and authenticated), renewed first when the SASL session is about to end. */
  private ready(): Promise<net.Socket> {
    if (this.closed) return Promise.reject(new DisconnectedError('client closed'));
    if (this.sock && this.sessionExpiresAtMs !== null && Date.now() > this.sessionExpiresAtMs && this.pending.size === 0) {
      // The SASL session is about to end (connections.max.reauth.ms): start a new one rather than be disconnected.
      this.sessionExpiresAtMs = null;
      this.onClose('SASL session lifetime reached');
    }
    return this.connect();
  }

  /**
   * send(), also giving the response's frame: the decoded response may view its bytes (records), so the caller gives
   * it back with releaseFrame once nothing refers to them any more (or never: it is then garbage collected).
   */
  async sendWithFrame<Req, Res>(codec: ApiCodec<Req, Res>, version: number, request: Req): Promise<{ response: Res; frame: Buffer }> {
    const reader = await this.roundTrip(await this.ready(), codec, version, request);
    return { response: codec.decodeResponse(reader, version), frame: reader.buf };
  }

  /** Gives back a frame from sendWithFrame; frames not from the receive pool are ignored. */
  releaseFrame(frame: Buffer): void {
    this.receivePool?.release(frame);
  }

  private async sendOn<Req, Res>(sock: net.Socket, codec: ApiCodec<Req, Res>, version: number, request: Req): Promise<Res> {
    return codec.decodeResponse(await this.roundTrip(sock, codec, version, request), version);
  }

  private roundTrip<Req, Res>(sock: net.Socket, codec: ApiCodec<Req, Res>, version: number, request: Req): Promise<Reader> {
    const flexible = isFlexible(codec, version);
    const correlationId = this.nextCorrelationId++ & 0x7fffffff;
    const w = new Writer(256);
    w.int32(0); // size, patched below
    encodeRequestHeader(
      w,
      { apiKey: codec.apiKey, apiVersion: version, correlationId, clientId: this.clientId },
      requestHeaderVersion(codec.apiKey, version, flexible),
    );
    codec.encodeRequest(w, version, request);
    const buf = w.toBuffer();
    buf.writeInt32BE(buf.length - 4, 0);
    return new Promise<Reader>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new DisconnectedError(`request ${codec.name} to ${this.host}:${this.port} timed out after ${this.requestTimeoutMs} ms`));
        // Kafka disconnects on a request timeout: responses on this socket can no longer be trusted.
        this.onClose('request timed out');
      }, this.requestTimeoutMs);
      this.pending.set(correlationId, { resolve, reject, responseHeaderVersion: responseHeaderVersion(codec.apiKey, flexible), timer });
      sock.write(buf);
    });
  }

  close(): void {
    this.closed = true;
    this.onClose('client closed');
  }
}
