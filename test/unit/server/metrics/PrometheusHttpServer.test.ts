import { expect } from 'chai';
import * as net from 'net';
import { KafkaMetrics } from '../../../../src/server/metrics/KafkaMetrics';
import { PrometheusHttpServer } from '../../../../src/server/metrics/PrometheusHttpServer';

describe('PrometheusHttpServer (GET /metrics)', () => {
  let server: PrometheusHttpServer;
  let base: string;

  beforeEach(async () => {
    const metrics = new KafkaMetrics();
    metrics.brokerTopicStats.markAppend('t', 3, 30);
    server = new PrometheusHttpServer(metrics);
    await server.startup('127.0.0.1', 0);
    base = `http://127.0.0.1:${server.boundPort}`;
  });

  afterEach(() => server.shutdown());

  it("serves the registry's text with Prometheus' content type", async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).to.include('kafka_server_brokertopicmetrics_messagesin_total{topic="t"} 3');
  });

  it('ignores a query string', async () => {
    expect((await fetch(`${base}/metrics?name[]=x`)).status).to.equal(200);
  });

  it('answers 404 to any other path or method', async () => {
    for (const [path, method] of [
      ['/nope', 'GET'],
      ['/', 'GET'],
      ['/metrics/x', 'GET'],
      ['/metrics', 'POST'],
      ['/metrics', 'DELETE'],
    ]) {
      const res = await fetch(`${base}${path}`, { method });
      expect(res.status, `${method} ${path}`).to.equal(404);
      await res.text();
    }
  });

  it('refuses a port already in use with an error naming metrics.prometheus.port', async () => {
    const other = new PrometheusHttpServer(new KafkaMetrics());
    let err: Error | null = null;
    try {
      await other.startup('127.0.0.1', server.boundPort);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.equal(
      `Prometheus metrics endpoint failed to bind to 127.0.0.1:${server.boundPort} (metrics.prometheus.port): Address already in use`,
    );
  });

  it('closes promptly even with a keep-alive connection open', async () => {
    const sock = net.connect(server.boundPort, '127.0.0.1');
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    sock.write('GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await new Promise<void>((resolve) => sock.once('data', () => resolve()));
    const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
    await server.shutdown();
    await closed;
    expect(server.boundPort).to.equal(0);
  });
});
