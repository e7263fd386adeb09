/**
 * Promise wrapper over node-zookeeper-client, shaped like Kafka's kafka.zookeeper.ZooKeeperClient:
 * - connect() waits at most connectionTimeoutMs (ZooKeeperClientTimeoutException otherwise);
 * - requests issued while disconnected are queued by the driver and sent on reconnect; in-flight ones fail
 *   with CONNECTIONLOSS (KafkaZkClient retries those, as Kafka's retryRequestsUntilConnected does);
 * - on session expiry: "before new session" handlers, a brand-new session (retried until it works or close()),
 *   then "after new session" handlers (which re-register watches and ephemerals, as Kafka's do).
 */
import * as zookeeper from 'node-zookeeper-client';
import { getLogger, Logger } from '../common/logger';
import { ZkError, ZkOpResult, ZooKeeperClientTimeoutError, zkCodeName } from './errors';
import { ZkStat, sessionIdHex, toZkStat } from './ZkStat';
import { corkUntilNextTick, dropClient, guardConnection, rawSocket } from './ClientCnxn';
import { CreateMode, RawMultiResult, ZkOp, buildTransaction, multiOutcome } from './ZkMulti';

export { ZkStat, sessionIdHex };

type ZkEventType = 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';
export interface ZkWatchEvent {
  type: ZkEventType;
  path: string;
}
/** One-shot watcher, as ZooKeeper's. */
export type ZkWatcher = (event: ZkWatchEvent) => void;

export type { ZkOp };

/** Kafka's StateChangeHandler. */
interface StateChangeHandler {
  name: string;
  beforeInitializingSession?(): void | Promise<void>;
  afterInitializingSession?(): void | Promise<void>;
}

interface ZooKeeperClientOptions {
  sessionTimeoutMs: number;
  connectionTimeoutMs: number;
  logIdent?: string;
  /** Upper bound of the random pause before cycling through the servers again (driver's spinDelay). */
  spinDelayMs?: number;
}

/** ZooKeeper's MatchAnyVersion. */
export const MATCH_ANY_VERSION = -1;

const RETRY_BACKOFF_MS = 1000;
const CLOSE_TIMEOUT_MS = 3000;
function toError(e: unknown, path?: string): Error {
  if (e instanceof zookeeper.Exception) return new ZkError(zkCodeName(e.getCode()), path);
  return e instanceof Error ? e : new Error(String(e));
}

const EVENT_NAMES: Record<number, ZkEventType> = {
  1: 'NodeCreated',
  2: 'NodeDeleted',
  3: 'NodeDataChanged',
  4: 'NodeChildrenChanged',
};

export class ZooKeeperClient {
  private client!: zookeeper.Client;
  private closing = false;
  private reinitializing: Promise<void> | null = null;
  private readonly handlers = new Map<string, StateChangeHandler>();
  private readonly inflight = new Set<(e: Error) => void>();
  private expiredClient: zookeeper.Client | null = null;
  /** Sessions this client held before the current one (Kafka's ZOOKEEPER-2985 workaround needs them). */
  readonly previousSessionIds: string[] = [];
  /** Driver watchers are deduplicated by function identity: keep one wrapper per user watcher. */
  private readonly wrappers = new WeakMap<ZkWatcher, (e: zookeeper.Event) => void>();
  private readonly log: Logger;
  private readonly closeWaiters = new Set<() => void>();
  private handlerSeq = 0;
  /**
   * Told how long each request took, from issuing it to its answer (success or error), in ms: Kafka's KafkaZkClient
   * feeds its ZooKeeperRequestLatencyMs histogram with each response's time. Requests failed locally (session
   * expiry) do not count.
   */
  requestLatencyListener: ((ms: number) => void) | null = null;
  /** The session events ZooKeeperClient meters (ZooKeeperSyncConnectsPerSec, ZooKeeperDisconnectsPerSec, ZooKeeperExpiresPerSec). */
  readonly sessionEvents = { syncConnects: 0, disconnects: 0, expires: 0 };
  /** Connection errors already logged at WARN (each is logged once, repeats at DEBUG). */
  private readonly loggedErrors = new Set<string>();

  private constructor(
    readonly connectString: string,
    private readonly opts: ZooKeeperClientOptions,
  ) {
    this.log = getLogger('kafka.zookeeper.ZooKeeperClient', opts.logIdent ?? '[ZooKeeperClient] ');
  }

  /** Connects and waits for SyncConnected, like Kafka's ZooKeeperClient constructor. */
  static async connect(connectString: string, opts: ZooKeeperClientOptions): Promise<ZooKeeperClient> {
    const c = new ZooKeeperClient(connectString, opts);
    c.log.info(`Initializing a new session to ${connectString}.`);
    c.log.info('Waiting until connected.');
    await c.newSession(opts.connectionTimeoutMs);
    c.log.info('Connected.');
    return c;
  }

  get sessionId(): string {
    return sessionIdHex(this.client.getSessionId());
  }

  /** Session id and password (Java's getSessionId/getSessionPasswd), e.g. to expire a session in tests. */
  sessionCredentials(): { sessionId: Buffer; sessionPassword: Buffer } {
    return { sessionId: this.client.getSessionId(), sessionPassword: this.client.getSessionPassword() };
  }

  get sessionTimeoutMs(): number {
    return this.client.getSessionTimeout();
  }

  isConnected(): boolean {
    const s = this.client.getState();
    return s === zookeeper.State.SYNC_CONNECTED || s === zookeeper.State.CONNECTED_READ_ONLY;
  }

  /** "host:port" of the server the session is connected through, null when not connected. */
  connectedServer(): string | null {
    const sock = rawSocket(this.client);
    return this.isConnected() && sock?.remotePort ? `${sock.remoteAddress}:${sock.remotePort}` : null;
  }

  /** The Java client's ZooKeeper.States name, as Kafka's messages show it. */
  private javaState(): string {
    if (this.closing) return 'CLOSED';
    return this.isConnected() ? 'CONNECTED' : 'CONNECTING';
  }

  registerStateChangeHandler(h: StateChangeHandler): void {
    this.handlers.set(h.name, h);
  }

  unregisterStateChangeHandler(name: string): void {
    this.handlers.delete(name);
  }

  /** Shorthand for registerStateChangeHandler with a generated name; returns the unregister function. */
  onSessionStateChange(h: { beforeNewSession?(): void | Promise<void>; afterNewSession?(): void | Promise<void> }): () => void {
    const name = `handler-${++this.handlerSeq}`;
    this.registerStateChangeHandler({ name, beforeInitializingSession: h.beforeNewSession, afterInitializingSession: h.afterNewSession });
    return () => this.unregisterStateChangeHandler(name);
  }

  /** Resolves once connected (after a session re-initialization too). */
  async waitUntilConnected(timeoutMs = this.opts.connectionTimeoutMs): Promise<void> {
    if (this.reinitializing) await this.reinitializing;
    if (this.closing) throw new ZkError('CONNECTIONLOSS');
    if (this.client === this.expiredClient) throw new ZkError('SESSIONEXPIRED');
    if (this.isConnected()) return;
    const client = this.client;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(t);
        client.removeListener('connected', ok);
        this.closeWaiters.delete(onClose);
        if (err) reject(err);
        else resolve();
      };
      const ok = () => done();
      const onClose = () => done(new ZkError('CONNECTIONLOSS'));
      const t = setTimeout(
        () => done(new ZooKeeperClientTimeoutError(`Timed out waiting for connection while in state: ${this.javaState()}`)),
        Math.min(timeoutMs, 0x7fffffff),
      );
      client.once('connected', ok);
      this.closeWaiters.add(onClose);
    });
  }

  /**
   * A new session within timeoutMs. The driver keeps cycling through the servers (a node outside a quorum
   * drops connections) until one accepts; an Expired answer to a session-less connect (garbage read as a
   * ConnectResponse) is retried on a fresh driver client, as Kafka's ZooKeeperClient re-initializes on Expired.
   */
  private async newSession(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = zookeeper.createClient(this.connectString, {
        sessionTimeout: this.opts.sessionTimeoutMs,
        spinDelay: this.opts.spinDelayMs ?? 200,
        retries: 0,
      });
      guardConnection(client, (e, server) => this.onConnectionError(client, e, server));
      this.client = client;
      const outcome = await new Promise<'connected' | 'expired' | 'timeout'>((resolve) => {
        const finish = (o: 'connected' | 'expired' | 'timeout') => {
          clearTimeout(t);
          client.removeListener('connected', ok);
          client.removeListener('expired', expired);
          resolve(o);
        };
        const ok = () => finish('connected');
        const expired = () => finish('expired');
        const t = setTimeout(() => finish('timeout'), Math.max(0, deadline - Date.now()));
        client.once('connected', ok);
        client.once('expired', expired);
        client.connect();
      });
      if (outcome === 'connected') {
        this.sessionEvents.syncConnects++;
        client.on('state', (state: zookeeper.State) => this.onState(client, state));
        return;
      }
      // Never connected: there is no session to close, so drop the socket rather than queue closeSession.
      dropClient(client);
      if (outcome === 'timeout' || Date.now() >= deadline || this.closing) {
        throw new ZooKeeperClientTimeoutError('Timed out waiting for connection while in state: CONNECTING');
      }
      this.log.info('Session expired before it was established; connecting again.');
      await new Promise((r) => setTimeout(r, Math.min(this.opts.spinDelayMs ?? 200, Math.max(0, deadline - Date.now()))));
    }
  }

  /** ClientCnxn's "Closing socket connection. Attempting reconnect": logged once per distinct error. */
  private onConnectionError(client: zookeeper.Client, e: Error, server: string): void {
    const msg = `Session 0x${sessionIdHex(client.getSessionId())} for server ${server}, Closing socket connection. Attempting reconnect except it is a SessionExpiredException: ${e.message}`;
    const key = e.message.replace(/\d+/g, 'N'); // once per kind of error, whatever its numbers
    if (this.loggedErrors.has(key)) {
      this.log.debug(msg);
    } else {
      this.loggedErrors.add(key);
      this.log.warn(msg);
    }
  }

  /**
   * Every request is tracked until its callback: node-zookeeper-client never calls back requests still
   * queued when a session expires, so we fail them (and any new one on that client) with SESSIONEXPIRED,
   * as the Java client does; otherwise a caller waiting on one would wait forever.
   */
  private request<T>(exec: (resolve: (v: T) => void, reject: (e: Error) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (e: Error) => {
        this.inflight.delete(fail);
        reject(e);
      };
      this.inflight.add(fail);
      const sentMs = performance.now();
      // Requests issued in one tick (a pipelined batch) leave in one write.
      corkUntilNextTick(this.client);
      exec(
        (v) => {
          this.requestLatencyListener?.(performance.now() - sentMs);
          this.inflight.delete(fail);
          resolve(v);
        },
        (e) => {
          this.requestLatencyListener?.(performance.now() - sentMs);
          fail(e);
        },
      );
    });
  }

  private failInflight(code: 'SESSIONEXPIRED' | 'CONNECTIONLOSS'): void {
    const pending = [...this.inflight];
    this.inflight.clear();
    for (const f of pending) f(new ZkError(code));
  }

  private onState(client: zookeeper.Client, state: zookeeper.State): void {
    if (client !== this.client || this.closing) return;
    if (state === zookeeper.State.SYNC_CONNECTED) this.sessionEvents.syncConnects++;
    if (state === zookeeper.State.EXPIRED) {
      this.sessionEvents.expires++;
      this.log.info('Session expired.');
      this.expiredClient = client;
      this.failInflight('SESSIONEXPIRED');
      // Callers waiting for a reconnect on this client (retry on CONNECTIONLOSS) must give up too.
      for (const w of [...this.closeWaiters]) w();
      void this.reinitialize(client);
    } else if (state === zookeeper.State.DISCONNECTED) {
      this.sessionEvents.disconnects++;
      this.log.debug('Disconnected, the driver reconnects.');
    }
  }

  /** Kafka's ZooKeeperClient.reinitialize(). */
  private async reinitialize(expired: zookeeper.Client): Promise<void> {
    for (const h of this.handlers.values()) {
      try {
        await h.beforeInitializingSession?.();
      } catch (e) {
        this.log.error(`Uncaught error in handler ${h.name}`, e);
      }
    }
    // Requests wait for the new session (Kafka's initializationLock); handlers run outside of it, since
    // their own requests would otherwise wait for themselves.
    let release!: () => void;
    this.reinitializing = new Promise<void>((r) => (release = r));
    try {
      this.previousSessionIds.push(sessionIdHex(expired.getSessionId()));
      dropClient(expired);
      this.log.info(`Initializing a new session to ${this.connectString}.`);
      for (;;) {
        if (this.closing) return;
        try {
          await this.newSession(Math.max(this.opts.connectionTimeoutMs, this.opts.sessionTimeoutMs));
          break;
        } catch (e) {
          this.log.info(`Error when recreating ZooKeeper, retrying after a short sleep: ${(e as Error).message}`);
          await new Promise((r) => setTimeout(r, RETRY_BACKOFF_MS));
        }
      }
    } finally {
      this.reinitializing = null;
      release();
    }
    this.log.info(`New session established: 0x${this.sessionId}`);
    for (const h of this.handlers.values()) {
      try {
        await h.afterInitializingSession?.();
      } catch (e) {
        this.log.error(`Uncaught error in handler ${h.name}`, e);
      }
    }
  }

  /** Issues a request on the current session (waiting out a session re-initialization first). */
  private async current(): Promise<zookeeper.Client> {
    if (this.reinitializing) await this.reinitializing;
    if (this.closing) throw new ZkError('CONNECTIONLOSS');
    if (this.client === this.expiredClient) throw new ZkError('SESSIONEXPIRED');
    return this.client;
  }

  private wrap(w: ZkWatcher): (e: zookeeper.Event) => void {
    let f = this.wrappers.get(w);
    if (!f) {
      // Runs inside the driver's socket handler: a watcher's error must not look like a connection error.
      f = (e: zookeeper.Event) => {
        try {
          w({ type: EVENT_NAMES[e.getType()] ?? 'NodeDataChanged', path: e.getPath() });
        } catch (err) {
          this.log.error(`Error in watcher for ${e.getPath()}`, err);
        }
      };
      this.wrappers.set(w, f);
    }
    return f;
  }

  async create(path: string, data: Buffer | null, mode: CreateMode = 'PERSISTENT'): Promise<string> {
    const c = await this.current();
    return this.request((resolve, reject) => {
      const cb = (err: Error | zookeeper.Exception | null, p: string) => (err ? reject(toError(err, path)) : resolve(p));
      if (data) c.create(path, data, zookeeper.CreateMode[mode], cb);
      else c.create(path, zookeeper.CreateMode[mode], cb);
    });
  }

  /** getData; NoNode is thrown as ZkError('NONODE'). Null znode data is returned as null. */
  async getData(path: string, watcher?: ZkWatcher): Promise<{ data: Buffer | null; stat: ZkStat }> {
    const c = await this.current();
    return this.request((resolve, reject) => {
      const cb = (err: Error | zookeeper.Exception | null, data: Buffer, stat: zookeeper.Stat) =>
        err ? reject(toError(err, path)) : resolve({ data: data ?? null, stat: toZkStat(stat) });
      if (watcher) c.getData(path, this.wrap(watcher), cb);
      else c.getData(path, cb);
    });
  }

  async setData(path: string, data: Buffer | null, version: number = MATCH_ANY_VERSION): Promise<ZkStat> {
    const c = await this.current();
    return this.request((resolve, reject) => {
      // The driver cannot send null data on setData; Kafka only ever sets JSON or empty bytes.
      c.setData(path, data ?? Buffer.alloc(0), version, (err, stat) => (err ? reject(toError(err, path)) : resolve(toZkStat(stat))));
    });
  }

  /** exists; null when absent. A watcher fires on creation if absent, on change/deletion if present. */
  async exists(path: string, watcher?: ZkWatcher): Promise<ZkStat | null> {
    const c = await this.current();
    return this.request((resolve, reject) => {
      const cb = (err: Error | zookeeper.Exception | null, stat: zookeeper.Stat) => (err ? reject(toError(err, path)) : resolve(stat ? toZkStat(stat) : null));
      if (watcher) c.exists(path, this.wrap(watcher), cb);
      else c.exists(path, cb);
    });
  }

  async getChildren(path: string, watcher?: ZkWatcher): Promise<{ children: string[]; stat: ZkStat }> {
    const c = await this.current();
    return this.request((resolve, reject) => {
      const cb = (err: Error | zookeeper.Exception | null, children: string[], stat: zookeeper.Stat) =>
        err ? reject(toError(err, path)) : resolve({ children, stat: toZkStat(stat) });
      if (watcher) c.getChildren(path, this.wrap(watcher), cb);
      else c.getChildren(path, cb);
    });
  }

  async delete(path: string, version: number = MATCH_ANY_VERSION): Promise<void> {
    const c = await this.current();
    return this.request((resolve, reject) => {
      c.remove(path, version, (err) => (err ? reject(toError(err, path)) : resolve()));
    });
  }

  /**
   * Atomic multi. On failure throws ZkError whose code is the first failing op's code and whose `results`
   * hold one entry per op (ErrorResult codes: OK before the failing op, RUNTIMEINCONSISTENCY after it).
   */
  async multi(ops: ZkOp[]): Promise<ZkOpResult[]> {
    const c = await this.current();
    const tx = buildTransaction(c, ops);
    return this.request((resolve, reject) => {
      tx.commit((err: Error | zookeeper.Exception | null, rawResults: RawMultiResult[] | undefined) => {
        const outcome = multiOutcome(ops, err, rawResults);
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.results);
      });
    });
  }

  /** Closes the session (its ephemerals go away). Gives up waiting after a few seconds (server gone). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.log.info('Closing.');
    for (const w of [...this.closeWaiters]) w();
    const client = this.client;
    if (!client) return;
    if (!this.isConnected()) {
      // No live connection to send closeSession on: drop the socket (the server expires the session).
      dropClient(client);
      this.failInflight('CONNECTIONLOSS');
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        rawSocket(client)?.destroy();
        resolve();
      }, CLOSE_TIMEOUT_MS);
      client.once('disconnected', () => {
        clearTimeout(t);
        resolve();
      });
      try {
        client.close();
      } catch {
        /* already closed */
      }
    });
    this.failInflight('CONNECTIONLOSS');
    this.log.info('Closed.');
  }
}
