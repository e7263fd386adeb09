/**
 * Scrapes each broker's Prometheus endpoint (metrics.prometheus.port, /metrics) and turns the counters into
 * the page's two charts: messages in per second per topic (kafka_server_brokertopicmetrics_messagesin_total
 * with its topic label, summed over brokers, as Kafka's per-broker MessagesInPerSec meters add up), and
 * requests per second per broker (kafka_network_requestmetrics_requests_total over every request and version,
 * each request counted once).
 */
import * as http from 'http';
import { Sample, counterRate, parsePrometheusText } from './promText';
import type { MetricsPoint } from './types';

export interface MetricsTarget {
  id: number;
  host: string;
  port: number;
}

export interface TargetStatus {
  up: boolean;
  error?: string;
}

const MESSAGES_IN = 'kafka_server_brokertopicmetrics_messagesin_total';
const REQUESTS = 'kafka_network_requestmetrics_requests_total';
const HISTORY = 120;

/** GET http://host:port/metrics within timeoutMs. */
export function fetchMetrics(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/metrics', timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let body = '';
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

interface Scrape {
  ts: number;
  samples: Sample[];
}

/** Per-topic counters of one scrape (the all-topics series has no topic label and is left out). */
function perTopic(samples: Sample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) if (s.name === MESSAGES_IN && s.labels.topic !== undefined) out.set(s.labels.topic, (out.get(s.labels.topic) ?? 0) + s.value);
  return out;
}

/** Kafka's RequestMetrics count a Fetch twice: as Fetch and as FetchConsumer or FetchFollower; those two are left out. */
const FETCH_SUBSETS = new Set(['FetchConsumer', 'FetchFollower']);

function requestTotal(samples: Sample[]): number | undefined {
  let sum: number | undefined;
  for (const s of samples) if (s.name === REQUESTS && !FETCH_SUBSETS.has(s.labels.request)) sum = (sum ?? 0) + s.value;
  return sum;
}

/** The chart point between two scrapes of every broker (pure, for tests). */
export function metricsPoint(ts: number, before: Map<number, Scrape>, after: Map<number, Scrape>): MetricsPoint {
  const topics: Record<string, number> = {};
  const brokers: Record<string, number> = {};
  for (const [id, b] of after) {
    const a = before.get(id);
    if (!a) continue;
    const secs = (b.ts - a.ts) / 1000;
    const r = counterRate(requestTotal(a.samples), requestTotal(b.samples), secs);
    if (r !== null) brokers[id] = r;
    const ta = perTopic(a.samples);
    for (const [topic, v] of perTopic(b.samples)) {
      const rate = counterRate(ta.get(topic) ?? 0, v, secs);
      if (rate !== null) topics[topic] = (topics[topic] ?? 0) + rate;
    }
  }
  return { ts, topics, brokers };
}

export class MetricsSource {
  private last = new Map<number, Scrape>();
  readonly status = new Map<number, TargetStatus>();
  readonly history: MetricsPoint[] = [];

  constructor(private readonly targets: () => MetricsTarget[]) {}

  /** Scrapes every target once; returns the new chart point (null on the first round). */
  async scrape(): Promise<MetricsPoint | null> {
    const now = new Map<number, Scrape>();
    await Promise.all(
      this.targets().map(async (t) => {
        try {
          const text = await fetchMetrics(t.host, t.port, 2000);
          now.set(t.id, { ts: Date.now(), samples: parsePrometheusText(text) });
          this.status.set(t.id, { up: true });
        } catch (e) {
          this.status.set(t.id, { up: false, error: `no metrics from http://${t.host}:${t.port}/metrics: ${(e as Error).message}` });
        }
      }),
    );
    const first = this.last.size === 0;
    const point = metricsPoint(Date.now(), this.last, now);
    this.last = now;
    if (first) return null;
    this.history.push(point);
    if (this.history.length > HISTORY) this.history.shift();
    return point;
  }
}
