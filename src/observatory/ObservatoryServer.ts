/**
 * The observatory: a small HTTP server (Node's http, no framework) the launcher runs next to the cluster.
 * It merges three sources into one picture of the cluster (ZooKeeper watches, consumer groups through the
 * Kafka protocol, the brokers' Prometheus endpoints), turns each change into timeline lines, and pushes both
 * to the page over server-sent events: a full snapshot on connect, then every change.
 *
 * Routes: `/` the page, `/app.js` its script, `/uplot.*` the charting library, `/events` the live feed,
 * `/api/state` the current picture as JSON, `/znode?path=` the ZooKeeper browser, POST `/api/brokers/<id>/
 * {stop,kill,start}` and POST `/api/topics` the actions. Anything else is a 404.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { findRepoRoot } from '../launcher/ClusterLayout';
import { ActionError, ActionResult, BrokerAction, BrokerControl, brokerAction, createTopic, parseCreateTopic } from './Actions';
import { GroupSource } from './GroupSource';
import { MetricsSource } from './MetricsSource';
import { diffSnapshots, partitionView } from './model';
import { indexHtml } from './pageHtml';
import type { BrokerView, ClusterSnapshot, TimelineEvent, TopicView } from './types';
import { ZkSource } from './ZkSource';
import { escapeHtml, znodePage } from './ZnodePage';

export interface ObservatoryBroker {
  id: number;
  host: string;
  port: number;
  metricsPort?: number;
  /** The broker's LOG_DIR (server.log), for group generations. */
  logDir?: string;
}

export interface ObservatoryOptions {
  zookeeperConnect: string;
  bootstrapServers: string;
  brokers: ObservatoryBroker[];
  control?: BrokerControl;
  /** 0 = any free port. */
  port: number;
  host?: string;
  groupPollMs?: number;
  metricsPollMs?: number;
}

const TIMELINE_MAX = 500;

export class ObservatoryServer {
  private readonly server: http.Server;
  private readonly zk: ZkSource;
  private readonly groups: GroupSource;
  private readonly metrics: MetricsSource;
  private readonly clients = new Set<http.ServerResponse>();
  private readonly timeline: TimelineEvent[] = [];
  private snapshot: ClusterSnapshot | null = null;
  private sentJson = '';
  private readonly timers = new Set<NodeJS.Timeout>();
  private rebuildTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly assets: string;

  constructor(private readonly opts: ObservatoryOptions) {
    this.zk = new ZkSource(opts.zookeeperConnect, () => this.scheduleRebuild());
    this.groups = new GroupSource(
      opts.bootstrapServers,
      opts.brokers.flatMap((b) => (b.logDir ? [b.logDir] : [])),
    );
    this.metrics = new MetricsSource(() => opts.brokers.flatMap((b) => (b.metricsPort ? [{ id: b.id, host: b.host, port: b.metricsPort }] : [])));
    this.assets = findRepoRoot(__dirname);
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((e: unknown) => {
        if (!res.headersSent) this.send(res, 500, 'text/plain', `internal error: ${(e as Error).message}\n`);
        else res.end();
      });
    });
  }

  /** Listens and starts watching; resolves with the port. */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host ?? '127.0.0.1', () => {
        this.server.removeListener('error', reject);
        resolve();
      });
    });
    this.zk.start();
    this.loop(this.opts.groupPollMs ?? 2000, async () => {
      await this.groups.poll();
      this.scheduleRebuild();
    });
    this.loop(this.opts.metricsPollMs ?? 3000, async () => {
      const point = await this.metrics.scrape();
      if (point) this.broadcast('metrics', point);
      this.scheduleRebuild();
    });
    // Process states (a broker that exited) change without any ZooKeeper event: look every second.
    const t = setInterval(() => this.scheduleRebuild(), 1000);
    t.unref();
    this.timers.add(t);
    this.rebuild();
    return this.port;
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  get url(): string {
    return `http://${this.opts.host ?? '127.0.0.1'}:${this.port}/`;
  }

  /** Runs `fn` now and then `ms` after each run ends (never two at once). */
  private loop(ms: number, fn: () => Promise<void>): void {
    const run = async (): Promise<void> => {
      if (this.closed) return;
      try {
        await fn();
      } catch {
        /* each source records its own errors */
      }
      if (this.closed) return;
      const t = setTimeout(() => {
        this.timers.delete(t);
        void run();
      }, ms);
      t.unref();
      this.timers.add(t);
    };
    void run();
  }

  private scheduleRebuild(): void {
    if (this.rebuildTimer || this.closed) return;
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = null;
      this.rebuild();
    }, 50);
  }

  /** The current picture, merged from the sources. */
  private build(): ClusterSnapshot {
    const pic = this.zk.picture;
    const registered = new Map(pic.brokers.map((b) => [b.id, b]));
    const control = this.opts.control;
    const brokers: BrokerView[] = [];
    const ids = new Set([...this.opts.brokers.map((b) => b.id), ...registered.keys()]);
    for (const id of [...ids].sort((a, b) => a - b)) {
      const known = this.opts.brokers.find((b) => b.id === id);
      const reg = registered.get(id);
      const m = this.metrics.status.get(id);
      brokers.push({
        id,
        host: reg?.host ?? known?.host ?? '?',
        port: reg?.port ?? known?.port ?? -1,
        up: !!reg,
        known: !!known,
        pid: control?.brokerPid(id),
        process: control && known ? (control.brokerRunning(id) ? 'running' : 'not running') : undefined,
        metricsPort: known?.metricsPort,
        metricsUp: m?.up,
        metricsError: m?.error,
        brokerEpoch: reg?.epoch,
      });
    }
    const live = new Set(registered.keys());
    const topics: TopicView[] = pic.topics.map((t) => ({
      name: t.name,
      topicId: t.topicId,
      markedForDeletion: pic.deleting.has(t.name),
      partitions: [...t.assignment.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([p, replicas]) => partitionView(p, t.states.get(p) ?? { leader: -1, leaderEpoch: -1, isr: [] }, replicas, live)),
    }));
    return {
      zookeeper: { connectString: this.opts.zookeeperConnect, connected: this.zk.connected, error: this.zk.error },
      brokers,
      controller: { brokerId: pic.controller, epoch: pic.controllerEpoch },
      topics,
      groups: this.groups.groups,
      groupsError: this.groups.error,
      bootstrapServers: this.opts.bootstrapServers,
      canControl: !!control,
    };
  }

  private rebuild(): void {
    if (this.closed) return;
    const next = this.build();
    const events = diffSnapshots(this.snapshot, next);
    this.snapshot = next;
    this.addEvents(events);
    const json = JSON.stringify(next);
    if (json !== this.sentJson) {
      this.sentJson = json;
      this.broadcastRaw('state', json);
    }
  }

  private addEvents(events: TimelineEvent[]): void {
    if (events.length === 0) return;
    this.timeline.push(...events);
    if (this.timeline.length > TIMELINE_MAX) this.timeline.splice(0, this.timeline.length - TIMELINE_MAX);
    this.broadcast('timeline', events);
  }

  private broadcast(event: string, data: unknown): void {
    this.broadcastRaw(event, JSON.stringify(data));
  }

  private broadcastRaw(event: string, json: string): void {
    for (const res of this.clients) res.write(`event: ${event}\ndata: ${json}\n\n`);
  }

  private send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
    res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
    res.end(body);
  }

  private sendJson(res: http.ServerResponse, status: number, body: unknown): void {
    this.send(res, status, 'application/json', JSON.stringify(body) + '\n');
  }

  private notFound(res: http.ServerResponse, what: string): void {
    this.send(
      res,
      404,
      'text/html',
      `<!doctype html><title>404 Not Found</title><h1>404 Not Found</h1><p>No page at ${escapeHtml(what)}. <a href="/">The observatory</a>.</p>\n`,
    );
  }

  private sendFile(res: http.ServerResponse, file: string, type: string): void {
    fs.readFile(file, (err, data) => {
      if (err) this.send(res, 500, 'text/plain', `cannot read ${file}: ${err.message} (run npm run build)\n`);
      else this.send(res, 200, type, data);
    });
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname;
    if (req.method === 'POST') return this.post(req, res, p);
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.sendJson(res, 405, { error: `method ${req.method} not allowed` });
    const uplot = path.join(this.assets, 'node_modules', 'uplot', 'dist');
    switch (p) {
      case '/':
        return this.send(res, 200, 'text/html', indexHtml());
      case '/app.js':
        return this.sendFile(res, path.join(this.assets, 'dist', 'observatory-page', 'page', 'app.js'), 'text/javascript');
      case '/uplot.js':
        return this.sendFile(res, path.join(uplot, 'uPlot.iife.min.js'), 'text/javascript');
      case '/uplot.css':
        return this.sendFile(res, path.join(uplot, 'uPlot.min.css'), 'text/css');
      case '/favicon.ico':
        res.writeHead(204).end();
        return;
      case '/events':
        return this.events(req, res);
      case '/api/state':
        return this.sendJson(res, 200, { state: this.snapshot ?? this.build(), timeline: this.timeline, metrics: this.metrics.history });
      case '/znode': {
        const zpath = url.searchParams.get('path') ?? '/';
        const page = await withTimeout(znodePage(this.zk.client, zpath), 5000, () => ({
          status: 503,
          html: `<!doctype html><p>ZooKeeper did not answer within 5 s for ${escapeHtml(zpath)}.</p>`,
        }));
        return this.send(res, page.status, 'text/html', page.html);
      }
      default:
        return this.notFound(res, p);
    }
  }

  /** Server-sent events: the whole picture first, then each change; EventSource reconnects by itself. */
  private events(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    const hello = { state: this.snapshot ?? this.build(), timeline: this.timeline, metrics: this.metrics.history };
    res.write(`event: snapshot\ndata: ${JSON.stringify(hello)}\n\n`);
    this.clients.add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), 15000);
    req.on('close', () => {
      clearInterval(ping);
      this.clients.delete(res);
    });
  }

  /**
   * Actions kill processes, so only the page itself may post them: a JSON body (another site's form cannot send
   * one without a CORS preflight, which this server never grants) and, when the browser names it, our own origin.
   */
  private checkOrigin(req: http.IncomingMessage): void {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') throw new ActionError(415, 'actions take a JSON body (content-type: application/json)');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`)
      throw new ActionError(403, `actions are only accepted from the observatory's own page, not from ${origin}`);
  }

  private async post(req: http.IncomingMessage, res: http.ServerResponse, p: string): Promise<void> {
    let result: ActionResult;
    try {
      this.checkOrigin(req);
      const body = await readJson(req);
      const m = /^\/api\/brokers\/([^/]+)\/(stop|kill|start)$/.exec(p);
      if (m) {
        const id = Number(m[1]);
        if (!Number.isInteger(id)) throw new ActionError(400, `broker id must be an integer, got "${m[1]}"`);
        result = brokerAction(
          this.opts.control,
          this.opts.brokers.map((b) => b.id),
          id,
          m[2] as BrokerAction,
          (e) => this.addEvents([{ ts: Date.now(), kind: 'action', text: `broker ${id} failed to start: ${e.message}` }]),
        );
      } else if (p === '/api/topics') {
        result = await createTopic(this.opts.bootstrapServers, parseCreateTopic(body));
      } else {
        return this.notFound(res, p);
      }
    } catch (e) {
      const status = e instanceof ActionError ? e.status : 500;
      return this.sendJson(res, status, { ok: false, error: (e as Error).message });
    }
    this.addEvents([{ ts: Date.now(), kind: 'action', text: `$ ${result.command}  (${result.message})` }]);
    this.scheduleRebuild();
    this.sendJson(res, 200, result);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.rebuildTimer) clearTimeout(this.rebuildTimer);
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([this.zk.close(), this.groups.close()]);
  }
}

/** A JSON body of at most 64 KiB (an empty body is {}). */
function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
      if (body.length > 65536) {
        reject(new ActionError(413, 'request body too large'));
        req.destroy();
      }
    });
    req.on('end', () => {
      if (body.trim() === '') return resolve({});
      try {
        resolve(JSON.parse(body));
      } catch {
        reject(new ActionError(400, 'request body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(onTimeout()), ms)))]).finally(() => clearTimeout(timer));
}
