/**
 * The observatory's ZooKeeper side: watches what Kafka's controller watches (KafkaController's
 * BrokerChangeHandler on /brokers/ids, ControllerChangeHandler on /controller, TopicChangeHandler on
 * /brokers/topics, TopicDeletionHandler on /admin/delete_topics) plus each partition's state znode, and
 * re-reads the whole picture whenever one of them fires. A re-read re-arms every watch (ZooKeeper's
 * watches are one-shot); several firings in a row cost one re-read.
 *
 * ZooKeeper being down is a state, not an error: the source keeps its last picture, says it is
 * disconnected, and reconnects (a new session if the old one expired) until closed.
 */
import { ZooKeeperClient, ZkWatcher } from '../zk/ZooKeeperClient';
import { ZkError } from '../zk/errors';
import type { ZkStat } from '../zk/ZkStat';

export interface ZkBroker {
  id: number;
  host: string;
  port: number;
  /** czxid of /brokers/ids/<id>: Kafka's broker epoch. */
  epoch: number;
}

export interface ZkPartitionState {
  leader: number;
  leaderEpoch: number;
  isr: number[];
}

export interface ZkTopic {
  name: string;
  topicId?: string;
  /** partition → replicas (from /brokers/topics/<t>) */
  assignment: Map<number, number[]>;
  /** partition → state (from .../partitions/<p>/state); absent until the controller wrote it */
  states: Map<number, ZkPartitionState>;
}

export interface ZkPicture {
  brokers: ZkBroker[];
  controller: number | null;
  controllerEpoch: number | null;
  topics: ZkTopic[];
  deleting: Set<string>;
}

const SESSION_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5_000;
const RETRY_MS = 1_000;
const STATE_POLL_MS = 500;

function json(data: Buffer | null): Record<string, unknown> | null {
  if (!data || data.length === 0) return null;
  try {
    const v: unknown = JSON.parse(data.toString('utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isNoNode = (e: unknown): boolean => e instanceof ZkError && e.code === 'NONODE';

/** Host and port of a broker registration: the first endpoint (v4+), else the legacy host/port fields. */
function brokerAddress(reg: Record<string, unknown> | null): { host: string; port: number } {
  const endpoints = Array.isArray(reg?.endpoints) ? (reg.endpoints as unknown[]) : [];
  const m = typeof endpoints[0] === 'string' ? /^[^:]+:\/\/\[?([^\]]*?)\]?:(\d+)$/.exec(endpoints[0]) : null;
  if (m) return { host: m[1], port: Number(m[2]) };
  return { host: typeof reg?.host === 'string' ? reg.host : '?', port: typeof reg?.port === 'number' ? reg.port : -1 };
}

export class ZkSource {
  private zk: ZooKeeperClient | null = null;
  private closed = false;
  private refreshing: Promise<void> | null = null;
  private dirty = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private stateTimer: NodeJS.Timeout | null = null;
  private wasConnected = false;
  picture: ZkPicture = { brokers: [], controller: null, controllerEpoch: null, topics: [], deleting: new Set() };
  connected = false;
  error: string | undefined;
  private readonly watcher: ZkWatcher = () => this.requestRefresh();

  constructor(
    readonly connectString: string,
    private readonly onChange: () => void,
  ) {}

  start(): void {
    void this.connectLoop();
    this.stateTimer = setInterval(() => this.checkState(), STATE_POLL_MS);
    this.stateTimer.unref();
  }

  /** The session's client, for the znode browser (null while no session was ever established). */
  get client(): ZooKeeperClient | null {
    return this.zk;
  }

  private async connectLoop(): Promise<void> {
    while (!this.closed && !this.zk) {
      try {
        const zk = await ZooKeeperClient.connect(this.connectString, {
          sessionTimeoutMs: SESSION_TIMEOUT_MS,
          connectionTimeoutMs: CONNECT_TIMEOUT_MS,
          logIdent: '[Observatory] ',
        });
        if (this.closed) {
          await zk.close();
          return;
        }
        // A new session after an expiry lost every watch: read everything again.
        zk.onSessionStateChange({ afterNewSession: () => this.requestRefresh() });
        this.zk = zk;
      } catch (e) {
        this.setConnected(false, `cannot connect to ${this.connectString}: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
    this.checkState();
  }

  private setConnected(connected: boolean, error?: string): void {
    const changed = connected !== this.connected || error !== this.error;
    this.connected = connected;
    this.error = connected ? undefined : error;
    if (changed) this.onChange();
  }

  /** The driver reconnects by itself; a reconnect is when watches may have been missed, so re-read. */
  private checkState(): void {
    if (this.closed || !this.zk) return;
    const now = this.zk.isConnected();
    if (now && !this.wasConnected) this.requestRefresh();
    this.wasConnected = now;
    this.setConnected(now, now ? undefined : `connection to ${this.connectString} lost, reconnecting`);
  }

  requestRefresh(): void {
    if (this.closed) return;
    this.dirty = true;
    if (!this.refreshing) this.refreshing = this.refreshLoop().finally(() => (this.refreshing = null));
  }

  private async refreshLoop(): Promise<void> {
    while (this.dirty && !this.closed && this.zk) {
      this.dirty = false;
      try {
        this.picture = await this.read(this.zk);
        this.onChange();
      } catch {
        // Connection lost mid-read: try again shortly (checkState also re-reads on reconnect).
        if (!this.retryTimer && !this.closed) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            this.requestRefresh();
          }, RETRY_MS);
          this.retryTimer.unref();
        }
        return;
      }
    }
  }

  private async getData(zk: ZooKeeperClient, path: string): Promise<{ data: Buffer | null; stat: ZkStat } | null> {
    for (;;) {
      try {
        return await zk.getData(path, this.watcher);
      } catch (e) {
        if (!isNoNode(e)) throw e;
      }
      // Absent: watch for its creation instead; created meanwhile (exists answers a stat): read it again.
      if ((await zk.exists(path, this.watcher)) === null) return null;
    }
  }

  private async getChildren(zk: ZooKeeperClient, path: string): Promise<string[]> {
    for (;;) {
      try {
        return (await zk.getChildren(path, this.watcher)).children;
      } catch (e) {
        if (!isNoNode(e)) throw e;
      }
      if ((await zk.exists(path, this.watcher)) === null) return [];
    }
  }

  private async read(zk: ZooKeeperClient): Promise<ZkPicture> {
    const brokers: ZkBroker[] = [];
    for (const idText of await this.getChildren(zk, '/brokers/ids')) {
      const node = await this.getData(zk, `/brokers/ids/${idText}`);
      if (!node) continue;
      brokers.push({ id: Number(idText), ...brokerAddress(json(node.data)), epoch: node.stat.czxid });
    }
    brokers.sort((a, b) => a.id - b.id);
    const ctrl = json((await this.getData(zk, '/controller'))?.data ?? null);
    const epochNode = await this.getData(zk, '/controller_epoch');
    const epoch = epochNode?.data ? Number(epochNode.data.toString('utf8')) : NaN;
    const topics: ZkTopic[] = [];
    for (const name of (await this.getChildren(zk, '/brokers/topics')).sort()) {
      const t = json((await this.getData(zk, `/brokers/topics/${name}`))?.data ?? null);
      const assignment = new Map<number, number[]>();
      const parts = (t?.partitions ?? {}) as Record<string, unknown>;
      for (const [p, replicas] of Object.entries(parts)) if (Array.isArray(replicas)) assignment.set(Number(p), replicas.map(Number));
      const states = new Map<number, ZkPartitionState>();
      for (const p of [...assignment.keys()].sort((a, b) => a - b)) {
        const s = json((await this.getData(zk, `/brokers/topics/${name}/partitions/${p}/state`))?.data ?? null);
        if (s) states.set(p, { leader: Number(s.leader), leaderEpoch: Number(s.leader_epoch), isr: Array.isArray(s.isr) ? s.isr.map(Number) : [] });
      }
      topics.push({ name, topicId: typeof t?.topic_id === 'string' ? t.topic_id : undefined, assignment, states });
    }
    const deleting = new Set(await this.getChildren(zk, '/admin/delete_topics'));
    return {
      brokers,
      controller: typeof ctrl?.brokerid === 'number' ? ctrl.brokerid : null,
      controllerEpoch: Number.isFinite(epoch) ? epoch : null,
      topics,
      deleting,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.stateTimer) clearInterval(this.stateTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.zk?.close();
  }
}
