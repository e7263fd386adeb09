import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Uuid } from '../../src/common/Uuid';
import { NetworkClient } from '../../src/network/NetworkClient';
import type { ClientSecurity } from '../../src/security/auth/ListenerSecurity';
import { DescribeQuorumApi, MetadataApi } from '../../src/protocol/apis';
import { freePort, waitFor, waitForPort } from './ports';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVER_START = path.join(ROOT, 'bin', 'kafka-server-start');
const STORAGE = path.join(ROOT, 'bin', 'kafka-storage');

/** Kafka's metadata topic: DescribeQuorum names it and its one partition. */
const METADATA_TOPIC = '__cluster_metadata';

export interface KRaftNodeHandle {
  id: number;
  roles: Array<'broker' | 'controller'>;
  /** The PLAINTEXT listener's port (brokers), else -1. */
  brokerPort: number;
  /** The CONTROLLER listener's port (controllers), else -1. */
  controllerPort: number;
  /** The `brokerListener` option's port (brokers with it), else -1. */
  extraPort: number;
  dataDir: string;
  logDir: string;
  propsFile: string;
  proc: ChildProcess | null;
  output: string[];
}

export interface KRaftTestClusterOptions {
  /** Dedicated controllers (node ids 3001..), or the combined nodes with `combined`. Default 3. */
  controllers?: number;
  /** Brokers (node ids 1..); 0 = controllers only. Default 3. With `combined`, brokers beyond the combined nodes are broker-only. */
  brokers?: number;
  /** process.roles=broker,controller on node ids 1..controllers. */
  combined?: boolean;
  /** Properties for every node. */
  overrides?: Record<string, string>;
  /** Properties for every controller (dedicated or combined). */
  controllerOverrides?: Record<string, string>;
  /** Properties for one node, by node id. */
  brokerOverrides?: Record<number, Record<string, string>>;
  /** Format every node but start none (tests that start nodes one by one with start(id)). */
  noStart?: boolean;
  /**
   * kraftsec: a second broker listener, e.g. SASL_PLAINTEXT (its name is its security protocol); PLAINTEXT stays the
   * inter-broker listener. Its port is KRaftNodeHandle.extraPort.
   */
  brokerListener?: string;
  /** kraftsec: extra `kafka-storage format` arguments for every node (e.g. --add-scram). */
  formatArgs?: string[];
  /** kraftsec: how the harness connects to the CONTROLLER listeners (e.g. SASL_PLAINTEXT with PLAIN); PLAINTEXT by default. */
  controllerClientSecurity?: ClientSecurity;
}

const propsText = (props: Record<string, string>) =>
  Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n') + '\n';

/**
 * A real KRaft cluster for integration tests: controllers (node ids 3001..) and brokers (node ids 1..), each a
 * bin/kafka-server-start process with its own data and log folders, formatted first by `bin/kafka-storage format`
 * as an operator would. No ZooKeeper.
 */
export class KRaftTestCluster {
  readonly nodes = new Map<number, KRaftNodeHandle>();
  controllerIds: number[] = [];
  /** kraftsec: the harness's client security on the CONTROLLER listeners. */
  controllerSecurity: ClientSecurity = { protocol: 'PLAINTEXT' };
  brokerIds: number[] = [];

  private constructor(
    readonly root: string,
    readonly clusterId: string,
  ) {}

  static async start(opts: KRaftTestClusterOptions = {}): Promise<KRaftTestCluster> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-kraft-'));
    const c = new KRaftTestCluster(root, Uuid.randomUuid().toString());
    if (opts.controllerClientSecurity) c.controllerSecurity = opts.controllerClientSecurity;
    const nControllers = opts.controllers ?? 3;
    const nBrokers = opts.brokers ?? 3;
    const combined = opts.combined ?? false;

    const plan: Array<{ id: number; roles: Array<'broker' | 'controller'> }> = [];
    if (combined) {
      for (let i = 1; i <= nControllers; i++) plan.push({ id: i, roles: i <= nBrokers ? ['broker', 'controller'] : ['controller'] });
      for (let i = nControllers + 1; i <= nBrokers; i++) plan.push({ id: i, roles: ['broker'] });
    } else {
      for (let i = 0; i < nControllers; i++) plan.push({ id: 3001 + i, roles: ['controller'] });
      for (let i = 1; i <= nBrokers; i++) plan.push({ id: i, roles: ['broker'] });
    }
    for (const p of plan) {
      const handle: KRaftNodeHandle = {
        id: p.id,
        roles: p.roles,
        brokerPort: p.roles.includes('broker') ? await freePort() : -1,
        controllerPort: p.roles.includes('controller') ? await freePort() : -1,
        extraPort: p.roles.includes('broker') && opts.brokerListener ? await freePort() : -1,
        dataDir: path.join(root, `kraft-${p.id}`),
        logDir: path.join(root, `logs-${p.id}`),
        propsFile: path.join(root, `node-${p.id}.properties`),
        proc: null,
        output: [],
      };
      c.nodes.set(p.id, handle);
      if (p.roles.includes('controller')) c.controllerIds.push(p.id);
      if (p.roles.includes('broker')) c.brokerIds.push(p.id);
    }
    const voters = c.controllerIds.map((id) => `${id}@127.0.0.1:${c.node(id).controllerPort}`).join(',');
    const replication = String(Math.max(1, Math.min(3, c.brokerIds.length)));
    for (const n of c.nodes.values()) {
      fs.mkdirSync(n.logDir, { recursive: true });
      const listeners: string[] = [];
      if (n.brokerPort >= 0) listeners.push(`PLAINTEXT://127.0.0.1:${n.brokerPort}`);
      if (n.extraPort >= 0) listeners.push(`${opts.brokerListener}://127.0.0.1:${n.extraPort}`);
      if (n.controllerPort >= 0) listeners.push(`CONTROLLER://127.0.0.1:${n.controllerPort}`);
      const props: Record<string, string> = {
        'process.roles': n.roles.join(','),
        'node.id': String(n.id),
        'controller.quorum.voters': voters,
        'controller.listener.names': 'CONTROLLER',
        listeners: listeners.join(','),
        'log.dirs': n.dataDir,
        ...(opts.brokerListener
          ? {
              'inter.broker.listener.name': 'PLAINTEXT',
              'listener.security.protocol.map': `CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,${opts.brokerListener}:${opts.brokerListener}`,
            }
          : {}),
        ...(n.roles.includes('broker')
          ? {
              'group.initial.rebalance.delay.ms': '0',
              'offsets.topic.replication.factor': replication,
            }
          : {}),
        ...opts.overrides,
        ...(n.roles.includes('controller') ? opts.controllerOverrides : {}),
        ...opts.brokerOverrides?.[n.id],
      };
      fs.writeFileSync(n.propsFile, propsText(props));
      const fmt = c.storage(['format', '-t', c.clusterId, '-c', n.propsFile, ...(opts.formatArgs ?? [])]);
      if (fmt.code !== 0) throw new Error(`kafka-storage format failed for node ${n.id} (exit ${fmt.code}): ${fmt.out}`);
    }
    if (!opts.noStart) {
      try {
        await Promise.all([...c.nodes.keys()].map((id) => c.start(id)));
        await c.activeController();
        if (c.brokerIds.length > 0) await c.waitForBrokers(c.brokerIds);
      } catch (e) {
        const logs = c.dumpLogs();
        await c.shutdown();
        throw new Error(`${(e as Error).message}\n${logs}`);
      }
    }
    return c;
  }

  node(id: number): KRaftNodeHandle {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  /** Runs bin/kafka-storage with the given arguments to its exit. */
  storage(args: string[]): { code: number | null; out: string } {
    const r = spawnSync(process.execPath, [STORAGE, ...args], { encoding: 'utf8', timeout: 30000 });
    return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  }

  /** The brokers' 127.0.0.1:port list (live or not). */
  bootstrap(): string {
    return this.brokerIds.map((id) => `127.0.0.1:${this.node(id).brokerPort}`).join(',');
  }

  controllerAddress(id: number): string {
    const n = this.node(id);
    if (n.controllerPort < 0) throw new Error(`node ${id} is not a controller`);
    return `127.0.0.1:${n.controllerPort}`;
  }

  output(id: number): string[] {
    return this.node(id).output;
  }

  dataDir(id: number): string {
    return this.node(id).dataDir;
  }

  isRunning(id: number): boolean {
    return this.node(id).proc !== null;
  }

  /** Starts node `id` (bin/kafka-server-start) and waits until its first listener accepts connections. */
  async start(id: number): Promise<void> {
    const n = this.node(id);
    if (n.proc) throw new Error(`node ${id} is already running`);
    const proc = spawn(process.execPath, [SERVER_START, n.propsFile], {
      env: { ...process.env, LOG_DIR: n.logDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    n.output = [];
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line) n.output.push(line);
      if (n.output.length > 5000) n.output.splice(0, n.output.length - 5000);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    n.proc = proc;
    let exited: number | null | undefined;
    proc.once('exit', (code) => {
      exited = code;
      if (n.proc === proc) n.proc = null;
    });
    const port = n.controllerPort >= 0 ? n.controllerPort : n.brokerPort;
    await waitFor(
      `node ${id} to open port ${port}`,
      async () => {
        if (exited !== undefined) throw new Error(`node ${id} exited with ${exited}`);
        await waitForPort(port, 200);
        return true;
      },
      30000,
    ).catch((e) => {
      throw new Error(`node ${id} did not start: ${(e as Error).message}\n${n.output.slice(-30).join('\n')}`);
    });
  }

  /** SIGKILL. */
  async kill(id: number): Promise<void> {
    await this.stop(id, 'SIGKILL');
  }

  /** Sends `signal` (SIGTERM by default) and waits for the exit (SIGKILL after timeoutMs); the exit code, null if killed. */
  async stop(id: number, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30000): Promise<number | null> {
    const n = this.node(id);
    const proc = n.proc;
    if (!proc) return null;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  /**
   * Runs one more bin/kafka-server-start process to its exit (arguments after the script: a properties file and
   * --override options), for start-ups that must fail. Killed after timeoutMs.
   */
  runToExit(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30000): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const p = spawn(process.execPath, [SERVER_START, ...args], { env: { ...process.env, LOG_DIR: path.join(this.root, 'logs-extra'), ...env } });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
      p.on('exit', (code) => {
        clearTimeout(t);
        resolve({ code, out });
      });
    });
  }

  /** DescribeQuorum v1 against one controller: the quorum leader it knows (-1 when none) and the epoch. */
  async describeQuorum(id: number): Promise<{ errorCode: number; leaderId: number; leaderEpoch: number; highWatermark: number }> {
    const client = new NetworkClient('127.0.0.1', this.node(id).controllerPort, 'kraft-test-harness', 5000, undefined, this.controllerSecurity);
    try {
      const res = await client.send(DescribeQuorumApi, 1, { topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0 }] }] });
      const p = res.topics[0]?.partitions[0];
      if (res.errorCode !== 0 || !p) return { errorCode: res.errorCode, leaderId: -1, leaderEpoch: -1, highWatermark: -1 };
      return { errorCode: p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, highWatermark: p.highWatermark };
    } finally {
      client.close();
    }
  }

  /**
   * The active controller: DescribeQuorum against the live controllers until one answers as the leader (only the
   * leader describes the quorum; the others answer NOT_LEADER_OR_FOLLOWER). Waits up to timeoutMs.
   */
  async activeController(timeoutMs = 30000): Promise<{ id: number; epoch: number }> {
    return waitFor(
      'an active controller',
      async () => {
        for (const id of this.controllerIds) {
          if (!this.node(id).proc) continue;
          const q = await this.describeQuorum(id).catch(() => null);
          if (q && q.errorCode === 0 && q.leaderId >= 0) return { id: q.leaderId, epoch: q.leaderEpoch };
        }
        return null;
      },
      timeoutMs,
    );
  }

  /** Waits until every listed broker answers Metadata v1 listing all of them and a controller. */
  async waitForBrokers(ids: number[], timeoutMs = 60000): Promise<void> {
    for (const id of ids) {
      await waitFor(
        `broker ${id} to see brokers ${ids.join(',')}`,
        async () => {
          const client = new NetworkClient('127.0.0.1', this.node(id).brokerPort, 'kraft-test-harness', 5000);
          try {
            const md = await client.send(MetadataApi, 1, { topics: [], allowAutoTopicCreation: false });
            const have = new Set(md.brokers.map((x) => x.nodeId));
            return ids.every((x) => have.has(x));
          } finally {
            client.close();
          }
        },
        timeoutMs,
      );
    }
  }

  /** SIGKILLs every node and removes the data (kept with KEEP_TEST_DATA=1). */
  async shutdown(): Promise<void> {
    await Promise.all([...this.nodes.keys()].map((id) => this.stop(id, 'SIGKILL')));
    if (!process.env.KEEP_TEST_DATA) fs.rmSync(this.root, { recursive: true, force: true });
  }

  dumpLogs(lines = 40): string {
    return [...this.nodes.values()].map((n) => `--- node ${n.id}\n${n.output.slice(-lines).join('\n')}`).join('\n');
  }
}
