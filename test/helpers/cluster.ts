import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NetworkClient } from '../../src/network/NetworkClient';
import { MetadataApi } from '../../src/protocol/apis';
import { MetadataResponse } from '../../src/protocol/apis/03-metadata';
import { freePort, waitFor, waitForPort } from './ports';
import { startZooKeeper, ZooKeeperHandle } from './zookeeper';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVER_START = path.join(ROOT, 'bin', 'kafka-server-start');

export interface BrokerHandle {
  id: number;
  port: number;
  dataDir: string;
  logDir: string;
  propsFile: string;
  proc: ChildProcess | null;
  output: string[];
}

export interface TestClusterOptions {
  brokers?: number;
  overrides?: Record<string, string>;
  brokerOverrides?: Record<number, Record<string, string>>;
  /** ZooKeeper nodes: 1 (default) or a 3-node ensemble (see `zk` to stop and start nodes). */
  zkNodes?: 1 | 3;
}

/**
 * A real cluster for integration tests: one Apache ZooKeeper node (Debian's package) and N broker
 * processes started through bin/kafka-server-start, each with its own data and log folders.
 */
export class TestCluster {
  readonly brokers = new Map<number, BrokerHandle>();
  private zkStop: (() => Promise<void>) | null = null;
  connectString = '';
  /** The ZooKeeper nodes, to kill and restart them. */
  zk!: ZooKeeperHandle;

  private constructor(readonly root: string) {}

  static async start(opts: TestClusterOptions = {}): Promise<TestCluster> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-it-'));
    const c = new TestCluster(root);
    const zk = await startZooKeeper({ nodes: opts.zkNodes ?? 1, dataRoot: path.join(root, 'zk') });
    c.zk = zk;
    c.zkStop = () => zk.stop();
    c.connectString = zk.connectString;
    const n = opts.brokers ?? 1;
    for (let id = 1; id <= n; id++) {
      const port = await freePort();
      const dataDir = path.join(root, `kafka-${id}`);
      const logDir = path.join(root, `logs-${id}`);
      fs.mkdirSync(logDir, { recursive: true });
      const props: Record<string, string> = {
        'broker.id': String(id),
        listeners: `PLAINTEXT://127.0.0.1:${port}`,
        'log.dirs': dataDir,
        'zookeeper.connect': zk.connectString,
        'zookeeper.session.timeout.ms': '6000',
        'group.initial.rebalance.delay.ms': '0',
        'offsets.topic.replication.factor': String(Math.min(3, n)),
        'controlled.shutdown.retry.backoff.ms': '500',
        ...opts.overrides,
        ...opts.brokerOverrides?.[id],
      };
      // `{port}` in an override is this broker's PLAINTEXT port (e.g. listeners=PLAINTEXT://127.0.0.1:{port},SSL://...).
      for (const k of Object.keys(props)) props[k] = props[k].split('{port}').join(String(port));
      const propsFile = path.join(root, `server-${id}.properties`);
      fs.writeFileSync(
        propsFile,
        Object.entries(props)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n') + '\n',
      );
      c.brokers.set(id, { id, port, dataDir, logDir, propsFile, proc: null, output: [] });
    }
    await Promise.all([...c.brokers.keys()].map((id) => c.startBroker(id)));
    await c.waitForBrokers([...c.brokers.keys()]);
    return c;
  }

  get bootstrap(): string[] {
    return [...this.brokers.values()].filter((b) => b.proc).map((b) => `127.0.0.1:${b.port}`);
  }

  broker(id: number): BrokerHandle {
    const b = this.brokers.get(id);
    if (!b) throw new Error(`no broker ${id}`);
    return b;
  }

  async startBroker(id: number): Promise<void> {
    const b = this.broker(id);
    const proc = spawn(process.execPath, [SERVER_START, b.propsFile], {
      env: { ...process.env, LOG_DIR: b.logDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    b.output = [];
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line) b.output.push(line);
      if (b.output.length > 2000) b.output.splice(0, b.output.length - 2000);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    b.proc = proc;
    proc.once('exit', () => {
      if (b.proc === proc) b.proc = null;
    });
    await waitForPort(b.port, 30000).catch((e) => {
      throw new Error(`broker ${id} did not open its port: ${(e as Error).message}\n${b.output.slice(-30).join('\n')}`);
    });
  }

  /**
   * Runs one more bin/kafka-server-start process to its exit (`args` after the script, e.g. a properties file
   * and --override options): for start-ups that must fail. Killed after timeoutMs.
   */
  runBrokerToExit(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30000): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const p = spawn(process.execPath, [SERVER_START, ...args], { env: { ...process.env, ...env } });
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

  /** Metadata (v1 by default; v4+ does not auto-create) through our own client: the brokers the cluster advertises and the controller. */
  async metadata(viaBrokerId?: number, topics: string[] | null = [], version = 1): Promise<MetadataResponse> {
    const b = viaBrokerId !== undefined ? this.broker(viaBrokerId) : [...this.brokers.values()].find((x) => x.proc)!;
    const client = new NetworkClient('127.0.0.1', b.port, 'test-harness', 5000);
    try {
      return await client.send(MetadataApi, version, { topics: topics === null ? null : topics.map((name) => ({ name })), allowAutoTopicCreation: false });
    } finally {
      client.close();
    }
  }

  /** Waits until every listed broker answers Metadata listing all of them and a controller. */
  async waitForBrokers(ids: number[], timeoutMs = 30000): Promise<void> {
    for (const id of ids) {
      await waitFor(
        `broker ${id} to see brokers ${ids.join(',')} and a controller`,
        async () => {
          const md = await this.metadata(id);
          const have = new Set(md.brokers.map((x) => x.nodeId));
          return ids.every((x) => have.has(x)) && md.controllerId >= 0;
        },
        timeoutMs,
      );
    }
  }

  async stopBroker(id: number, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30000): Promise<number | null> {
    const b = this.broker(id);
    const proc = b.proc;
    if (!proc) return null;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.brokers.keys()].map((id) => this.stopBroker(id, 'SIGKILL')));
    await this.zkStop?.();
    if (!process.env.KEEP_TEST_DATA) fs.rmSync(this.root, { recursive: true, force: true });
  }

  dumpLogs(): string {
    return [...this.brokers.values()].map((b) => `--- broker ${b.id}\n${b.output.slice(-40).join('\n')}`).join('\n');
  }
}
