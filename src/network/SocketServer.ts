import * as net from 'net';
import * as tls from 'tls';
import { getLogger, Logger } from '../common/logger';
import { ScramCredentialSource } from '../security/auth/ListenerSecurity';
import { ANONYMOUS, KafkaPrincipal } from '../security/auth/KafkaPrincipal';
import { sslPrincipal } from './SslChannel';
import type { ListenerSpec, RequestHandler, RequestMetricsRecorder } from './NetworkTypes';
import { ConnectionOwner, KafkaConnection } from './KafkaConnection';
import { adoptWithSharedReadBuffer } from './SharedReadBuffer';

export type { ListenerSpec, RequestHandler, RequestMetricsRecorder } from './NetworkTypes';

/**
 * Kafka's SocketServer: accepts connections on each listener, frames requests (socket.request.max.bytes),
 * hands them to KafkaApis and writes responses in request order per connection. A malformed request
 * closes only that connection, after logging who sent it and why.
 */
export class SocketServer implements ConnectionOwner {
  private servers: net.Server[] = [];
  private connections = new Set<KafkaConnection>();
  readonly boundPorts = new Map<string, number>();
  private readonly log: Logger;
  private nextConnId = 0;
  /** dynconfig: the TLS server of each SSL/SASL_SSL listener, for reconfigureListenerTls. */
  private readonly tlsServers = new Map<string, { server: tls.Server; spec: ListenerSpec }>();

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
    if (!security?.tls) return net.createServer({ noDelay: true, pauseOnConnect: true }, (sock) => this.acceptPlain(l, sock));
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
    this.tlsServers.set(l.listenerName, { server, spec: l });
    server.on('tlsClientError', (err, sock) => {
      this.log.info(
        `Failed authentication with /${sock.remoteAddress} (channelId=${sock.remoteAddress}:${sock.remotePort}) (SSL handshake failed: ${err.message})`,
      );
      sock.destroy();
    });
    return server;
  }

  /**
   * A plain TCP connection (accepted paused): moved to a socket reading into the process's shared buffer, each read
   * handed to its connection. A TLS socket decrypts into chunks of its own and keeps 'data' events.
   */
  private acceptPlain(l: ListenerSpec, accepted: net.Socket): void {
    let conn: KafkaConnection | null = null;
    const sock = adoptWithSharedReadBuffer(accepted, () => conn);
    if (sock === null) {
      this.accept(l, accepted);
      accepted.resume();
      return;
    }
    conn = this.accept(l, sock, true);
  }

  private accept(l: ListenerSpec, sock: net.Socket, sharedReads = false): KafkaConnection | null {
    const id = `${sock.localAddress}:${sock.localPort}-${sock.remoteAddress}:${sock.remotePort}-${this.nextConnId++}`;
    let principal: KafkaPrincipal = ANONYMOUS;
    if (sock instanceof tls.TLSSocket && l.security?.tls) {
      try {
        principal = sslPrincipal(sock, l.security.tls);
      } catch (e) {
        this.log.info(`Failed authentication with /${sock.remoteAddress} (channelId=${id}) (${(e as Error).message})`);
        sock.destroy();
        return null;
      }
    }
    const conn = new KafkaConnection(id, l, principal, sock, this, sharedReads);
    this.connections.add(conn);
    sock.on('close', () => this.connections.delete(conn));
    if (this.idleTimeoutMs > 0) {
      sock.setTimeout(this.idleTimeoutMs, () => {
        this.log.debug(`Closing idle connection ${id}`);
        sock.destroy();
      });
    }
    return conn;
  }

  /**
   * dynconfig (Kafka's SslFactory.reconfigure through DynamicBrokerConfig): new connections on this TLS listener get
   * the new keystore/truststore; connections already open keep the session they negotiated. Returns false when the
   * listener has no TLS server.
   */
  reconfigureListenerTls(listenerName: string, context: tls.SecureContextOptions): boolean {
    const entry = this.tlsServers.get(listenerName);
    if (!entry || !entry.spec.security?.tls) return false;
    entry.server.setSecureContext(context);
    entry.spec.security.tls.context = context;
    this.log.info(`Reconfigured SSL keystore/truststore of listener ${listenerName}`);
    return true;
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
