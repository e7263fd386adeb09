/**
 * The local cluster behind `npm start`: real Apache ZooKeeper nodes and our brokers as child processes,
 * started in Kafka's order (ZooKeeper quorum first, then brokers, which register under /brokers/ids) and
 * stopped in the reverse order (brokers get SIGTERM for a controlled shutdown while ZooKeeper is still up).
 *
 * Every child runs in its own process group (detached) so that a Ctrl-C in the terminal reaches only the
 * launcher, which then stops the children in order; with a shared group ZooKeeper would get SIGINT at the
 * same moment as the brokers and their controlled shutdown would hang. Signals go to the whole group
 * (`kill(-pid)`) so nothing a child started survives, and a synchronous SIGKILL on the launcher's own
 * 'exit' catches the cases where stop() never ran.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as zookeeper from 'node-zookeeper-client';
import {
  closeProbeClient,
  createProbeClient,
  ensureZooKeeperInstalled,
  logProbeErrorsOnce,
  ProbeErrorListener,
  prepareZooKeeperDataDir,
  spawnZooKeeper,
  waitForZooKeeper,
} from './zookeeper';
import { ChildDiedError, ManagedProcess, tailLines } from './ManagedProcess';
import { brokerNodeArgs } from './BrokerNodeOptions';
import { BrokerSpec, bootstrapServers, ClusterLayout, localClusterLayout, zookeeperConnect } from './ClusterLayout';
import type { BrokerControl } from '../observatory/Actions';

export { ChildDiedError, ManagedProcess };

interface LocalClusterOptions {
  /** Number of brokers for the default layout (default 3). Ignored when `layout` is given. */
  brokers?: number;
  /** Remove the data folder before starting (`--fresh`). */
  fresh?: boolean;
  /** Default: localClusterLayout() (config/local, ports 2181-2183 / 9092-...). */
  layout?: ClusterLayout;
  /** Progress lines (default: console.log). */
  log?: (line: string) => void;
  zookeeperStartTimeoutMs?: number;
  brokerStartTimeoutMs?: number;
  /** How long each broker gets after SIGTERM before SIGKILL (default 30 s). */
  brokerStopTimeoutMs?: number;
  zookeeperStopTimeoutMs?: number;
  /**
   * Runs once ZooKeeper is up, before any broker starts (`--secure`: certificates, SCRAM credentials in /config/users).
   * A failure stops the cluster.
   */
  beforeBrokers?: (zookeeperConnect: string, log: (line: string) => void) => Promise<void>;
}

export class LocalCluster implements BrokerControl {
  readonly layout: ClusterLayout;
  readonly bootstrapServers: string;
  readonly zookeeperConnect: string;
  private readonly opts: LocalClusterOptions;
  private readonly log: (line: string) => void;
  private readonly procs: ManagedProcess[] = [];
  private stopping: Promise<void> | null = null;
  private abortStart: ((err: Error) => void) | null = null;
  private readonly exitHandler = (): void => this.killAllSync();
  /** What closes a probe's ZooKeeper connection is logged once per kind, never thrown. */
  private readonly probeErrors: ProbeErrorListener;
  /** Brokers being restarted (waiting for ZooKeeper to let go of their old registration, or spawning). */
  private readonly starting = new Set<number>();

  constructor(opts: LocalClusterOptions = {}) {
    this.opts = opts;
    this.layout = opts.layout ?? localClusterLayout({ brokers: opts.brokers });
    this.bootstrapServers = bootstrapServers(this.layout);
    this.zookeeperConnect = zookeeperConnect(this.layout);
    this.log = opts.log ?? ((line) => console.log(line));
    this.probeErrors = logProbeErrorsOnce(this.log);
  }

  get processes(): ReadonlyArray<ManagedProcess> {
    return this.procs;
  }

  /** The broker's current process (the latest one after a restart). */
  broker(id: number): ManagedProcess | undefined {
    for (let i = this.procs.length - 1; i >= 0; i--) if (this.procs[i].kind === 'broker' && this.procs[i].id === id) return this.procs[i];
    return undefined;
  }

  /** Starts ZooKeeper, waits for its quorum, starts the brokers, waits until all are registered. */
  async start(): Promise<void> {
    const L = this.layout;
    if (this.opts.fresh && fs.existsSync(L.dataDir)) {
      // data/kraft is `npm start -- --kraft`'s (its own --fresh wipes it): a KRaft cluster may be running beside this one.
      this.log(`Removing ${L.dataDir} (--fresh)`);
      for (const e of fs.readdirSync(L.dataDir)) if (L.temporary || e !== 'kraft') fs.rmSync(path.join(L.dataDir, e), { recursive: true, force: true });
    }
    fs.mkdirSync(L.logDir, { recursive: true });
    ensureZooKeeperInstalled();
    await this.checkPortsFree();

    process.on('exit', this.exitHandler);
    const aborted = new Promise<never>((_, reject) => {
      this.abortStart = reject;
    });
    aborted.catch(() => undefined);
    try {
      await Promise.race([this.startAll(), aborted]);
    } catch (err) {
      if (err instanceof ChildDiedError) {
        this.log(`${err.message}; its last lines:`);
        for (const line of err.logTail) this.log(`  | ${line}`);
      }
      await this.stop();
      throw err;
    } finally {
      this.abortStart = null;
    }
  }

  private async startAll(): Promise<void> {
    const L = this.layout;
    const zkTimeout = this.opts.zookeeperStartTimeoutMs ?? 60_000;
    this.log(`Starting ${L.zookeeper.length} ZooKeeper node(s) on ${this.zookeeperConnect}`);
    for (const z of L.zookeeper) {
      // config/local uses paths relative to the repo root (dataDir=data/zookeeper-N): children run there.
      prepareZooKeeperDataDir(z.propertiesFile, z.myid, L.rootDir);
      const out = path.join(L.logDir, `zookeeper-${z.id}.out`);
      const child = this.withOutput(out, (stdio) =>
        spawnZooKeeper(z.propertiesFile, {
          stdio,
          env: { ...process.env },
          detached: true,
          cwd: L.rootDir,
        }),
      );
      this.track(new ManagedProcess(`zookeeper-${z.id}`, 'zookeeper', z.id, child, out));
    }
    // A node accepts sessions only once it is part of a quorum, so all of them answering means quorum.
    await Promise.all(L.zookeeper.map((z) => waitForZooKeeper(`127.0.0.1:${z.clientPort}`, zkTimeout, this.probeErrors)));
    this.log('ZooKeeper quorum is up');
    if (L.brokers.length === 0 || this.stopping) return;
    await this.waitForStaleRegistrations(zkTimeout);
    if (this.stopping) return;
    if (this.opts.beforeBrokers) {
      await this.opts.beforeBrokers(this.zookeeperConnect, this.log);
      if (this.stopping) return;
    }

    this.log(`Starting ${L.brokers.length} broker(s) on ${this.bootstrapServers}`);
    for (const b of L.brokers) this.spawnBroker(b);
    await this.waitForBrokers(this.opts.brokerStartTimeoutMs ?? 120_000);
  }

  /** Each broker's LOG_DIR (server.log, controller.log, controller-events.jsonl). */
  brokerLogDir(id: number): string {
    return path.join(this.layout.logDir, `broker-${id}`);
  }

  /** `node bin/kafka-server-start <properties> [--override k=v]...` in the repo root, output appended to broker-N.out. */
  private spawnBroker(b: BrokerSpec): ManagedProcess {
    const L = this.layout;
    const out = path.join(L.logDir, `broker-${b.id}.out`);
    const logDir = this.brokerLogDir(b.id);
    fs.mkdirSync(logDir, { recursive: true });
    // Node flags as kafka-run-class.sh takes KAFKA_HEAP_OPTS and KAFKA_JVM_PERFORMANCE_OPTS (BrokerNodeOptions).
    const args = [...brokerNodeArgs(), path.join(L.rootDir, 'bin', 'kafka-server-start'), b.propertiesFile, ...b.overrides.flatMap((o) => ['--override', o])];
    const child = this.withOutput(out, (stdio) =>
      spawn(process.execPath, args, {
        cwd: L.rootDir,
        stdio,
        detached: true,
        env: { ...process.env, LOG_DIR: logDir },
      }),
    );
    const proc = new ManagedProcess(`broker-${b.id}`, 'broker', b.id, child, out);
    this.track(proc);
    return proc;
  }

  // ---- process control for the observatory (BrokerControl) ----------------------------------------------

  private spec(id: number): BrokerSpec {
    const b = this.layout.brokers.find((x) => x.id === id);
    if (!b) throw new Error(`unknown broker ${id}`);
    return b;
  }

  brokerPid(id: number): number | undefined {
    const p = this.broker(id);
    return p?.alive ? p.pid : undefined;
  }

  brokerRunning(id: number): boolean {
    return this.starting.has(id) || !!this.broker(id)?.alive;
  }

  /** SIGTERM: the broker's controlled shutdown (what kafka-server-stop sends). */
  stopBroker(id: number): void {
    const p = this.broker(id);
    if (!p?.alive) throw new Error(`broker ${id} is not running`);
    p.intentional = true;
    this.log(`Stopping ${p.name} (pid ${p.pid}, SIGTERM)`);
    p.signal('SIGTERM');
  }

  /** SIGKILL: no controlled shutdown; ZooKeeper removes /brokers/ids/<id> when the session times out. */
  killBroker(id: number): void {
    const p = this.broker(id);
    if (!p?.alive) throw new Error(`broker ${id} is not running`);
    p.intentional = true;
    this.log(`Killing ${p.name} (pid ${p.pid}, SIGKILL)`);
    p.signal('SIGKILL');
  }

  /**
   * Starts a stopped broker exactly as at start-up. A killed broker's registration lingers until its session
   * expires, and Kafka refuses to start while it does (KafkaZkClient.registerBroker: "node already exists"),
   * so wait for ZooKeeper to drop it first.
   */
  async startBroker(id: number): Promise<void> {
    const b = this.spec(id);
    if (this.brokerRunning(id)) throw new Error(`broker ${id} is already running`);
    if (this.stopping) throw new Error('the cluster is stopping');
    this.starting.add(id);
    try {
      await this.waitForStaleRegistrations(60_000, [id]);
      if (this.stopping) return;
      this.log(`Starting broker-${id}`);
      this.spawnBroker(b);
    } finally {
      this.starting.delete(id);
    }
  }

  /** The command line that starts broker `id` (paths relative to the repo root when inside it). */
  startCommand(id: number): string {
    const b = this.spec(id);
    const rel = path.relative(this.layout.rootDir, b.propertiesFile);
    const file = rel.startsWith('..') ? b.propertiesFile : rel;
    return ['bin/kafka-server-start', file, ...b.overrides.map((o) => `--override ${o}`)].join(' ');
  }

  /** Opens `file` for append, hands the fd to the child as stdout+stderr, closes our copy. */
  private withOutput(file: string, start: (stdio: ['ignore', number, number]) => ChildProcess): ChildProcess {
    const fd = fs.openSync(file, 'a');
    try {
      return start(['ignore', fd, fd]);
    } finally {
      fs.closeSync(fd);
    }
  }

  private track(proc: ManagedProcess): void {
    this.procs.push(proc);
    void proc.exited.then(() => {
      if (this.stopping) return;
      const tail = tailLines(proc.outFile, 30);
      if (this.abortStart) {
        this.abortStart(new ChildDiedError(proc, tail));
      } else if (proc.intentional) {
        this.log(`${proc.name} ${proc.describeExit()}`);
      } else {
        this.log(`WARNING: ${proc.name} ${proc.describeExit()} (output: ${proc.outFile}); last lines:`);
        for (const line of tail) this.log(`  | ${line}`);
      }
    });
  }

  private async checkPortsFree(): Promise<void> {
    const ports = [...this.layout.zookeeper.map((z) => z.clientPort), ...this.layout.brokers.flatMap((b) => [b.port, ...(b.extraPorts ?? [])])];
    for (const port of ports) {
      if (await portAccepts('127.0.0.1', port, 500)) {
        throw new Error(`port ${port} is already in use (is another cluster running? stop it first)`);
      }
    }
  }

  /**
   * After an unclean stop (a broker killed before it closed its session) ZooKeeper restores that session
   * from its data dir and keeps /brokers/ids/<id> until the session times out; a broker started meanwhile
   * fails as Kafka does ("node already exists and owner ... does not match current session"). Wait it out.
   */
  private async waitForStaleRegistrations(timeoutMs: number, only?: number[]): Promise<void> {
    const ids = new Set(only ?? this.layout.brokers.map((b) => b.id));
    const client = createProbeClient(this.zookeeperConnect, { retries: 1 }, this.probeErrors);
    client.connect();
    const deadline = Date.now() + timeoutMs;
    let said = false;
    try {
      for (;;) {
        const stale = (await brokerIds(client).catch((): number[] => [])).filter((id) => ids.has(id));
        if (stale.length === 0) return;
        if (!said) {
          this.log(
            only
              ? `Waiting for ZooKeeper to expire the previous session of broker ${stale} (/brokers/ids/${stale} still exists)`
              : `Waiting for ZooKeeper to expire the sessions of a previous run (/brokers/ids: ${stale})`,
          );
          said = true;
        }
        if (Date.now() > deadline || this.stopping) {
          throw new Error(`/brokers/ids still lists ${stale} from a previous run after ${timeoutMs / 1000} s`);
        }
        await sleep(500);
      }
    } finally {
      closeProbeClient(client);
    }
  }

  /** Ready = every broker port accepts connections and /brokers/ids lists every broker id. */
  private async waitForBrokers(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const want = this.layout.brokers.map((b) => b.id).sort((a, b) => a - b);
    const client = createProbeClient(this.zookeeperConnect, { retries: 1 }, this.probeErrors);
    client.connect();
    let listening: number[] = [];
    let registered: number[] = [];
    try {
      for (;;) {
        listening = [];
        for (const b of this.layout.brokers) {
          if (await portAccepts(b.host, b.port, 1000)) listening.push(b.id);
        }
        registered = await brokerIds(client).catch(() => []);
        if (listening.length === want.length && want.every((id) => registered.includes(id))) break;
        if (Date.now() > deadline) {
          throw new Error(
            `brokers not ready after ${Math.round(timeoutMs / 1000)} s: listening [${listening}],` +
              ` registered in /brokers/ids [${registered}], expected [${want}]`,
          );
        }
        await sleep(300);
      }
    } finally {
      closeProbeClient(client);
    }
  }

  /** Brokers first (highest id first, one at a time, each up to 30 s), then ZooKeeper. Idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = this.doStop();
      this.abortStart?.(new Error('cluster stopped during start-up'));
    }
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const brokers = this.procs.filter((p) => p.kind === 'broker').reverse();
    for (const b of brokers) {
      if (b.alive) this.log(`Stopping ${b.name} (pid ${b.pid})`);
      await b.stop(this.opts.brokerStopTimeoutMs ?? 30_000);
    }
    const zks = this.procs.filter((p) => p.kind === 'zookeeper');
    if (zks.some((z) => z.alive)) this.log('Stopping ZooKeeper');
    await Promise.all(zks.map((z) => z.stop(this.opts.zookeeperStopTimeoutMs ?? 10_000)));
    process.removeListener('exit', this.exitHandler);
    if (this.layout.temporary) fs.rmSync(this.layout.dataDir, { recursive: true, force: true });
  }

  /** Last resort from process 'exit' (synchronous): SIGKILL every child's group. */
  killAllSync(): void {
    for (const p of this.procs) if (p.alive) p.signal('SIGKILL');
  }

  /** The text `npm start` prints once the cluster is up (with the observatory's address when it runs). */
  describe(observatoryUrl?: string): string {
    const L = this.layout;
    const firstBroker = this.bootstrapServers.split(',')[0];
    const firstZk = `127.0.0.1:${L.zookeeper[0].clientPort}`;
    const rel = (p: string): string => path.relative(process.cwd(), p) || '.';
    return [
      '',
      `Local Kafka cluster is up: ${L.brokers.length} broker(s), ${L.zookeeper.length} ZooKeeper node(s).`,
      `  bootstrap servers : ${this.bootstrapServers}`,
      `  ZooKeeper         : ${firstZk}  (connect string ${this.zookeeperConnect})`,
      `  data folder       : ${L.dataDir}`,
      `  process output    : ${rel(L.logDir)}/{zookeeper-N,broker-N}.out, broker logs in ${rel(L.logDir)}/broker-N/`,
      '',
      ...(observatoryUrl ? [`Observatory: ${observatoryUrl}  (the cluster live in a browser; --ui-port 0 turns it off)`, ''] : []),
      'Try:',
      `  kcat -b ${firstBroker} -L`,
      `  /usr/share/zookeeper/bin/zkCli.sh -server ${firstZk} ls /brokers/ids`,
      '',
      'Press Ctrl-C to stop (brokers first, then ZooKeeper).',
    ].join('\n');
  }
}

function brokerIds(client: zookeeper.Client): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.getChildren('/brokers/ids', (err, children) => {
      if (err) reject(err);
      else resolve(children.map(Number).sort((a, b) => a - b));
    });
  });
}

export function portAccepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
