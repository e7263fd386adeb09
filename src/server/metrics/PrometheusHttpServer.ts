/**
 * The broker's Prometheus endpoint (`metrics.prometheus.port`, `metrics.prometheus.host`): `GET /metrics` answers the
 * registry's text exposition, anything else 404. Kafka itself has no such endpoint; this is the part the Prometheus
 * JMX exporter agent plays next to a real broker (its HTTP server on the agent's port), built in.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export class PrometheusHttpServer {
  private server: http.Server | null = null;

  constructor(private readonly source: MetricsSource) {}

  /** Binds host:port (0 = a free port); a port already in use is an error that names the config key. */
  async startup(host: string, port: number): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        const why = e.code === 'EADDRINUSE' ? 'Address already in use' : e.message;
        reject(new Error(`Prometheus metrics endpoint failed to bind to ${host}:${port} (metrics.prometheus.port): ${why}`));
      });
      server.listen({ host, port }, () => resolve());
    });
    server.removeAllListeners('error');
    server.on('error', () => undefined);
    this.server = server;
  }

  /** The bound port (useful when started on port 0), or 0 when not started. */
  get boundPort(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not Found: the broker serves GET /metrics\n');
      return;
    }
    this.source.metrics().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': this.source.contentType });
        res.end(text);
      },
      (e: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`Error collecting metrics: ${(e as Error).message}\n`);
      },
    );
  }

  /** Stops accepting and drops open (keep-alive) connections, so that shutdown does not wait for a scraper. */
  async shutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}
