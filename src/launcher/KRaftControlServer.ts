/**
 * `npm start -- --kraft`'s process control over HTTP: the observatory reads ZooKeeper, so it cannot watch a KRaft
 * cluster, but the launcher still owns the node processes, and something outside it (a lesson, a learner with curl)
 * may want to SIGKILL a broker and start it again as the launcher would. The routes are the observatory's:
 *   GET  /api/state                          the cluster: mode, cluster id, bootstrap servers, controllers, nodes and pids
 *   POST /api/brokers/<id>/{stop,kill,start}  SIGTERM (controlled shutdown), SIGKILL, or a restart as at start-up
 * Actions take a JSON body (content-type: application/json), refused from another page's origin, as the observatory's.
 */
import * as http from 'http';
import * as path from 'path';
import { ActionError, ActionResult, BrokerAction, BrokerControl, brokerAction } from '../observatory/Actions';
import { KRaftCluster } from './KRaftCluster';

/** What GET /api/state answers. */
export interface KRaftControlState {
  mode: 'kraft';
  clusterId: string;
  bootstrapServers: string;
  /** host:port of each controller (for --bootstrap-controller). */
  controllers: string;
  quorumVoters: string;
  nodes: Array<{ id: number; role: 'controller' | 'broker'; host: string; port: number; pid?: number; running: boolean }>;
}

/** The launcher's brokers as BrokerControl (the observatory's actions); controllers are not offered. */
export function kraftBrokerControl(cluster: KRaftCluster, log: (line: string) => void): BrokerControl {
  const isBroker = (id: number): boolean => cluster.layout.brokers.some((b) => b.id === id);
  const running = (id: number): boolean => isBroker(id) && !!cluster.node(id)?.alive;
  return {
    brokerPid: (id) => (running(id) ? cluster.node(id)?.pid : undefined),
    brokerRunning: running,
    stopBroker: (id) => {
      const p = cluster.node(id);
      if (!p?.alive) throw new Error(`broker ${id} is not running`);
      p.intentional = true;
      log(`Stopping ${p.name} (pid ${p.pid}, SIGTERM)`);
      p.signal('SIGTERM');
    },
    killBroker: (id) => {
      log(`Killing broker-${id} (pid ${cluster.node(id)?.pid}, SIGKILL)`);
      cluster.kill(id);
    },
    startBroker: async (id) => {
      log(`Starting broker-${id}`);
      cluster.restart(id);
    },
    startCommand: (id) => {
      const n = cluster.spec(id);
      const rel = path.relative(cluster.layout.rootDir, n.propertiesFile);
      return ['bin/kafka-server-start', rel.startsWith('..') ? n.propertiesFile : rel, ...n.overrides.map((o) => `--override ${o}`)].join(' ');
    },
  };
}

export class KRaftControlServer {
  private readonly server: http.Server;
  private readonly control: BrokerControl;

  constructor(
    private readonly cluster: KRaftCluster,
    private readonly opts: { port: number; host?: string; log?: (line: string) => void },
  ) {
    const log = opts.log ?? ((line: string) => console.log(line));
    this.control = kraftBrokerControl(cluster, log);
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((e: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: (e as Error).message });
        else res.end();
      });
    });
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host ?? '127.0.0.1', () => {
        this.server.removeListener('error', reject);
        resolve();
      });
    });
    return this.port;
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  get url(): string {
    return `http://${this.opts.host ?? '127.0.0.1'}:${this.port}`;
  }

  state(): KRaftControlState {
    const c = this.cluster;
    const L = c.layout;
    return {
      mode: 'kraft',
      clusterId: c.clusterId,
      bootstrapServers: c.bootstrapServers,
      controllers: L.controllers.map((n) => `${n.host}:${n.port}`).join(','),
      quorumVoters: c.quorumVoters,
      nodes: [...L.controllers, ...L.brokers].map((n) => {
        const p = c.node(n.id);
        return { id: n.id, role: n.role, host: n.host, port: n.port, pid: p?.alive ? p.pid : undefined, running: !!p?.alive };
      }),
    };
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const p = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && p === '/api/state') return sendJson(res, 200, this.state());
    const m = /^\/api\/brokers\/([^/]+)\/(stop|kill|start)$/.exec(p);
    if (req.method !== 'POST' || !m) return sendJson(res, 404, { ok: false, error: `no such route: ${req.method} ${p}` });
    let result: ActionResult;
    try {
      checkAction(req);
      await drain(req);
      const id = Number(m[1]);
      if (!Number.isInteger(id)) throw new ActionError(400, `broker id must be an integer, got "${m[1]}"`);
      result = brokerAction(
        this.control,
        this.cluster.layout.brokers.map((b) => b.id),
        id,
        m[2] as BrokerAction,
        (e) => (this.opts.log ?? console.log)(`broker ${id} failed to start: ${e.message}`),
      );
    } catch (e) {
      const status = e instanceof ActionError ? e.status : 409;
      return sendJson(res, status, { ok: false, error: (e as Error).message });
    }
    sendJson(res, 200, result);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** As the observatory's actions: a JSON body, and no cross-site form posts from a page of another origin. */
function checkAction(req: http.IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new ActionError(415, 'actions take a JSON body (content-type: application/json)');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`) throw new ActionError(403, `actions are not accepted from ${origin}`);
}

/** Reads (and ignores) a body of at most 64 KiB: the actions take no arguments. */
function drain(req: http.IncomingMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    let n = 0;
    req.on('data', (d: Buffer) => {
      n += d.length;
      if (n > 65536) {
        reject(new ActionError(413, 'request body too large'));
        req.destroy();
      }
    });
    req.on('end', () => resolve());
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
