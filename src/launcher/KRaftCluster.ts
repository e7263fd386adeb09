/**
 * The local KRaft cluster behind `npm start -- --kraft`: dedicated controllers and brokers as child processes of
 * `bin/kafka-server-start`, no ZooKeeper. Started in Kafka's order (format the storage, controllers first so the
 * quorum elects a leader, then brokers, which register with it and catch up on the metadata log) and stopped in
 * reverse (brokers get SIGTERM for a controlled shutdown while the quorum still runs, controllers last).
 * Children run detached in their own process groups, as LocalCluster's do, so a Ctrl-C reaches the launcher only.
 */
import { brokerNodeArgs } from './BrokerNodeOptions';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { NetworkClient } from '../network/NetworkClient';
import { DescribeQuorumApi, MetadataApi } from '../protocol/apis';
import type { ApiCodec } from '../protocol/apis/types';
import { ChildDiedError, ManagedProcess, tailLines } from './ManagedProcess';
import { KRaftClusterLayout, KRaftNodeSpec, kraftBootstrapServers, localKRaftLayout, quorumVoters } from './KRaftLayout';
import { formatKRaftStorage } from './KRaftStorage';
import { portAccepts } from './LocalCluster';

interface KRaftClusterOptions {
  /** Number of brokers for the default layout (default 3). Ignored when `layout` is given. */
  brokers?: number;
  /** Remove the data folder before starting (`--fresh`). */
  fresh?: boolean;
  layout?: KRaftClusterLayout;
  log?: (line: string) => void;
  /** How long the quorum gets to elect a leader, and the brokers to register (default 120 s each). */
  startTimeoutMs?: number;
  /** How long each node gets after SIGTERM before SIGKILL (default 30 s). */
  stopTimeoutMs?: number;
}

/** One request to a node, connection closed after; null when it does not answer. */
async function ask<Req, Res>(node: { host: string; port: number }, codec: ApiCodec<Req, Res>, version: number, req: Req): Promise<Res | null> {
  const client = new NetworkClient(node.host, node.port, 'kafka-launcher', 3000, 2000);
  try {
    return await client.send(codec, version, req);
  } catch {
    return null;
  } finally {
    client.close();
  }
}

/** The leader and epoch of the metadata quorum as a controller reports it (DescribeQuorum); null if it cannot tell. */
export async function quorumLeader(node: { host: string; port: number }): Promise<{ leaderId: number; leaderEpoch: number } | null> {
  const res = await ask(node, DescribeQuorumApi, 1, {
    topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }],
  });
  const p = res?.errorCode === 0 ? res.topics[0]?.partitions[0] : undefined;
  return p && p.leaderId >= 0 ? { leaderId: p.leaderId, leaderEpoch: p.leaderEpoch } : null;
}

/** The broker ids a broker's Metadata response lists (in KRaft mode: registered and unfenced). */
export async function metadataBrokers(node: { host: string; port: number }): Promise<number[] | null> {
  const res = await ask(node, MetadataApi, 1, { topics: [], allowAutoTopicCreation: false });
  return res ? res.brokers.map((b) => b.nodeId).sort((a, b) => a - b) : null;
}

export class KRaftCluster {
  readonly layout: KRaftClusterLayout;
  readonly bootstrapServers: string;
  readonly quorumVoters: string;
  clusterId = '';
  private readonly opts: KRaftClusterOptions;
  private readonly log: (line: string) => void;
  private readonly procs: ManagedProcess[] = [];
  private stopping: Promise<void> | null = null;
  private abortStart: ((err: Error) => void) | null = null;
  private readonly exitHandler = (): void => this.killAllSync();

  constructor(opts: KRaftClusterOptions = {}) {
    this.opts = opts;
    this.layout = opts.layout ?? localKRaftLayout({ brokers: opts.brokers });
    this.bootstrapServers = kraftBootstrapServers(this.layout);
    this.quorumVoters = quorumVoters(this.layout);
    this.log = opts.log ?? ((line) => console.log(line));
  }

  get processes(): ReadonlyArray<ManagedProcess> {
    return this.procs;
  }

  /** The node's current process (the latest one after a restart). */
  node(id: number): ManagedProcess | undefined {
    for (let i = this.procs.length - 1; i >= 0; i--) if (this.procs[i].id === id) return this.procs[i];
    return undefined;
  }

  spec(id: number): KRaftNodeSpec {
    const n = [...this.layout.controllers, ...this.layout.brokers].find((x) => x.id === id);
    if (!n) throw new Error(`unknown node ${id}`);
    return n;
  }

  /** Each node's LOG_DIR (server.log, controller.log, controller-events.jsonl). */
  nodeLogDir(id: number): string {
    return path.join(this.layout.logDir, `${this.spec(id).role}-${id}`);
  }

  /** Formats what is unformatted, starts the controllers, waits for a quorum leader, starts the brokers, waits for them. */
  async start(): Promise<void> {
    const L = this.layout;
    if (this.opts.fresh && fs.existsSync(L.dataDir)) {
      this.log(`Removing ${L.dataDir} (--fresh)`);
      for (const e of fs.readdirSync(L.dataDir)) if (e !== 'config') fs.rmSync(path.join(L.dataDir, e), { recursive: true, force: true });
    }
    fs.mkdirSync(L.logDir, { recursive: true });
    await this.checkPortsFree();
    const { clusterId, formatted } = formatKRaftStorage(L, this.log);
    this.clusterId = clusterId;
    this.log(
      formatted.length > 0
        ? `Formatted ${formatted.length} storage folder(s) with cluster id ${clusterId}`
        : `Cluster id ${clusterId} (storage already formatted)`,
    );

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
    const timeout = this.opts.startTimeoutMs ?? 120_000;
    this.log(`Starting ${L.controllers.length} controller(s) on ${this.quorumVoters}`);
    for (const c of L.controllers) this.spawnNode(c);
    const leader = await this.waitForQuorumLeader(timeout);
    this.log(`Metadata quorum is up: leader ${leader.leaderId}, epoch ${leader.leaderEpoch}`);
    if (L.brokers.length === 0 || this.stopping) return;
    this.log(`Starting ${L.brokers.length} broker(s) on ${this.bootstrapServers}`);
    for (const b of L.brokers) this.spawnNode(b);
    await this.waitForBrokers(timeout);
  }

  /** `node bin/kafka-server-start <properties> [--override k=v]...` in the repo root, output appended to <role>-<id>.out. */
  spawnNode(n: KRaftNodeSpec): ManagedProcess {
    const L = this.layout;
    const name = `${n.role}-${n.id}`;
    const out = path.join(L.logDir, `${name}.out`);
    const logDir = this.nodeLogDir(n.id);
    fs.mkdirSync(logDir, { recursive: true });
    const args = [...brokerNodeArgs(), path.join(L.rootDir, 'bin', 'kafka-server-start'), n.propertiesFile, ...n.overrides.flatMap((o) => ['--override', o])];
    const fd = fs.openSync(out, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, args, { cwd: L.rootDir, stdio: ['ignore', fd, fd], detached: true, env: { ...process.env, LOG_DIR: logDir } });
    } finally {
      fs.closeSync(fd);
    }
    const proc = new ManagedProcess(name, n.role, n.id, child, out);
    this.track(proc);
    return proc;
  }

  /** SIGKILL a node's process group (no controlled shutdown, no resignation). */
  kill(id: number): void {
    const p = this.node(id);
    if (!p?.alive) throw new Error(`node ${id} is not running`);
    p.intentional = true;
    p.signal('SIGKILL');
  }

  /** SIGTERM a node and wait for it to exit (a broker's controlled shutdown), SIGKILL after `graceMs`. */
  async stopNode(id: number, graceMs = 30_000): Promise<void> {
    const p = this.node(id);
    if (!p?.alive) return;
    p.intentional = true;
    await p.stop(graceMs);
  }

  /** Starts a stopped node again as at start-up. */
  restart(id: number): ManagedProcess {
    if (this.node(id)?.alive) throw new Error(`node ${id} is already running`);
    return this.spawnNode(this.spec(id));
  }

  private track(proc: ManagedProcess): void {
    this.procs.push(proc);
    void proc.exited.then(() => {
      if (this.stopping) return;
      const tail = tailLines(proc.outFile, 30);
      if (this.abortStart) this.abortStart(new ChildDiedError(proc, tail));
      else if (proc.intentional) this.log(`${proc.name} ${proc.describeExit()}`);
      else {
        this.log(`WARNING: ${proc.name} ${proc.describeExit()} (output: ${proc.outFile}); last lines:`);
        for (const line of tail) this.log(`  | ${line}`);
      }
    });
  }

  private async checkPortsFree(): Promise<void> {
    for (const n of [...this.layout.controllers, ...this.layout.brokers]) {
      if (await portAccepts(n.host, n.port, 500)) throw new Error(`port ${n.port} is already in use (is another cluster running? stop it first)`);
    }
  }

  /** A leader is known once a controller answers DescribeQuorum with one. */
  async waitForQuorumLeader(timeoutMs: number): Promise<{ leaderId: number; leaderEpoch: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const c of this.layout.controllers) {
        if (!this.node(c.id)?.alive) continue;
        const l = await quorumLeader(c);
        if (l) return l;
      }
      if (Date.now() > deadline || this.stopping)
        throw new Error(`no metadata quorum leader after ${Math.round(timeoutMs / 1000)} s (voters ${this.quorumVoters})`);
      await sleep(300);
    }
  }

  /** Ready = every broker lists every broker in its Metadata (registered, unfenced, caught up). */
  async waitForBrokers(timeoutMs: number, ids: number[] = this.layout.brokers.map((b) => b.id)): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const want = [...ids].sort((a, b) => a - b);
    let seen: Record<number, number[] | null> = {};
    for (;;) {
      seen = {};
      for (const id of want) seen[id] = await metadataBrokers(this.spec(id));
      if (want.every((id) => want.every((x) => seen[id]?.includes(x)))) return;
      if (Date.now() > deadline || this.stopping) {
        const views = want.map((id) => `${id}: ${seen[id] === null ? 'not answering' : `[${seen[id]!.join(',')}]`}`).join('; ');
        throw new Error(`brokers not ready after ${Math.round(timeoutMs / 1000)} s (brokers each broker lists: ${views}; expected [${want}])`);
      }
      await sleep(300);
    }
  }

  /** Brokers first (highest id first, one at a time), then the controllers together. Idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = this.doStop();
      this.abortStart?.(new Error('cluster stopped during start-up'));
    }
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const grace = this.opts.stopTimeoutMs ?? 30_000;
    for (const b of this.procs.filter((p) => p.kind === 'broker').reverse()) {
      if (b.alive) this.log(`Stopping ${b.name} (pid ${b.pid})`);
      await b.stop(grace);
    }
    const controllers = this.procs.filter((p) => p.kind === 'controller');
    if (controllers.some((c) => c.alive)) this.log('Stopping the controllers');
    await Promise.all(controllers.map((c) => c.stop(grace)));
    process.removeListener('exit', this.exitHandler);
    if (this.layout.temporary) fs.rmSync(this.layout.dataDir, { recursive: true, force: true });
  }

  /** Last resort from process 'exit' (synchronous): SIGKILL every child's group. */
  killAllSync(): void {
    for (const p of this.procs) if (p.alive) p.signal('SIGKILL');
  }

  /** The text `npm start -- --kraft` prints once the cluster is up. */
  describe(): string {
    const L = this.layout;
    const firstBroker = this.bootstrapServers.split(',')[0];
    const rel = (p: string): string => path.relative(process.cwd(), p) || '.';
    const c0 = L.controllers[0];
    return [
      '',
      `Local Kafka cluster is up in KRaft mode: ${L.brokers.length} broker(s), ${L.controllers.length} controller(s), no ZooKeeper.`,
      `  bootstrap servers : ${this.bootstrapServers}`,
      `  controllers       : ${this.quorumVoters}  (controller.quorum.voters)`,
      `  cluster id        : ${this.clusterId}`,
      `  data folder       : ${L.dataDir}  (meta.properties beside __cluster_metadata-0 in each node's folder)`,
      `  process output    : ${rel(L.logDir)}/{controller-N,broker-N}.out, node logs in ${rel(L.logDir)}/<role>-<id>/`,
      '',
      'Try:',
      ...(firstBroker ? [`  kcat -b ${firstBroker} -L`, `  bin/kafka-metadata-quorum --bootstrap-server ${firstBroker} describe --status`] : []),
      `  bin/kafka-metadata-quorum --bootstrap-controller ${c0.host}:${c0.port} describe --replication`,
      `  bin/kafka-metadata-shell --snapshot ${rel(path.join(c0.dataDir, '__cluster_metadata-0', '00000000000000000000.log'))} ls /image/topics/byName`,
      '',
      'Press Ctrl-C to stop (brokers first, then the controllers).',
    ].join('\n');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
