/**
 * The failover benchmark's cluster: one ZooKeeper node and 3 brokers on free ports in a temp folder
 * (tempClusterLayout + LocalCluster), plus what LocalCluster does not do: signal one broker, restart it
 * (a plain `node bin/kafka-server-start` like LocalCluster's, same LOG_DIR and output file), read
 * /controller and /brokers/ids, and ask each broker for Metadata.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zookeeper from 'node-zookeeper-client';
import { ClusterLayout, tempClusterLayout } from '../src/launcher/ClusterLayout';
import { LocalCluster, ManagedProcess, portAccepts } from '../src/launcher/LocalCluster';
import { brokerNodeArgs } from '../src/launcher/BrokerNodeOptions';
import { allLeadersLive, MetadataProbe, pollMetadataUntil, sleep, topicPartitions } from './failoverProbes';
import { Kafka, LogEntry, logLevel } from 'kafkajs';

export interface BenchClusterOptions {
  sessionTimeoutMs: number;
  keepData: boolean;
  /** Cluster progress lines (start/stop). */
  log: (line: string) => void;
}

export class BenchCluster {
  /** Processes we (re)started ourselves; LocalCluster only knows the first generation. */
  private readonly restarted = new Map<number, ManagedProcess>();
  private readonly probes = new Map<number, MetadataProbe>();
  private quiet = false;
  private readonly exitHandler = (): void => {
    for (const p of this.restarted.values()) if (p.alive) p.signal('SIGKILL');
  };

  private constructor(
    readonly layout: ClusterLayout,
    readonly cluster: LocalCluster,
    private readonly zk: zookeeper.Client,
    private readonly opts: BenchClusterOptions,
  ) {
    process.on('exit', this.exitHandler);
  }

  static async start(opts: BenchClusterOptions): Promise<BenchCluster> {
    const layout = await tempClusterLayout({
      zookeeperNodes: 1,
      brokers: 3,
      brokerProps: {
        'zookeeper.session.timeout.ms': String(opts.sessionTimeoutMs),
        'controlled.shutdown.retry.backoff.ms': '1000',
      },
    });
    if (opts.keepData) layout.temporary = false;
    let self: BenchCluster | null = null;
    // LocalCluster reports every child exit with its last lines: expected here once we start killing.
    const cluster = new LocalCluster({
      layout,
      log: (l) => {
        if (!self?.quiet) opts.log(l);
      },
      brokerStopTimeoutMs: 15_000,
    });
    try {
      await cluster.start();
    } catch (e) {
      if (!opts.keepData) fs.rmSync(layout.dataDir, { recursive: true, force: true });
      throw e;
    }
    const zk = zookeeper.createClient(cluster.zookeeperConnect, { sessionTimeout: 30_000, spinDelay: 100 });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('benchmark ZooKeeper client did not connect in 10 s')), 10_000);
      zk.once('connected', () => {
        clearTimeout(t);
        resolve();
      });
      zk.connect();
    }).catch(async (e: unknown) => {
      zk.close();
      await cluster.stop();
      throw e;
    });
    self = new BenchCluster(layout, cluster, zk, opts);
    self.quiet = true;
    return self;
  }

  get brokerIds(): number[] {
    return this.layout.brokers.map((b) => b.id);
  }

  /** LOG_DIR of a broker (server.log, controller.log, state-change.log, controller-events.jsonl). */
  brokerLogDir(id: number): string {
    return path.join(this.layout.logDir, `broker-${id}`);
  }

  proc(id: number): ManagedProcess | undefined {
    return this.restarted.get(id) ?? this.cluster.broker(id);
  }

  aliveIds(): number[] {
    return this.brokerIds.filter((id) => this.proc(id)?.alive);
  }

  signal(id: number, sig: NodeJS.Signals): void {
    const p = this.proc(id);
    if (!p) throw new Error(`no process for broker ${id}`);
    p.signal(sig);
  }

  probe(id: number): MetadataProbe {
    let p = this.probes.get(id);
    if (!p) {
      const b = this.layout.brokers.find((x) => x.id === id)!;
      p = new MetadataProbe(id, b.host, b.port);
      this.probes.set(id, p);
    }
    return p;
  }

  liveProbes(except: number[] = []): MetadataProbe[] {
    return this.aliveIds()
      .filter((id) => !except.includes(id))
      .map((id) => this.probe(id));
  }

  // ------------------------------------------------------------------ ZooKeeper reads

  private getData(p: string): Promise<Buffer | null> {
    return new Promise((resolve, reject) =>
      this.zk.getData(p, (err, data) => {
        if (err instanceof zookeeper.Exception && err.getCode() === zookeeper.Exception.NO_NODE) resolve(null);
        else if (err) reject(err);
        else resolve(data ?? null);
      }),
    );
  }

  exists(p: string): Promise<boolean> {
    return new Promise((resolve, reject) => this.zk.exists(p, (err, stat) => (err ? reject(err) : resolve(!!stat))));
  }

  /** /controller's brokerid, or -1 while there is none. */
  async controllerId(): Promise<number> {
    const data = await this.getData('/controller');
    if (!data) return -1;
    const parsed = JSON.parse(data.toString('utf8')) as { brokerid?: number };
    return typeof parsed.brokerid === 'number' ? parsed.brokerid : -1;
  }

  /** Waits until /brokers/ids/<id> is gone (ZooKeeper drops it when the dead broker's session expires). */
  async waitRegistrationGone(id: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (await this.exists(`/brokers/ids/${id}`)) {
      if (Date.now() > deadline) throw new Error(`/brokers/ids/${id} still exists after ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  // ------------------------------------------------------------------ restart

  /** Starts broker `id` again, the way LocalCluster started it (detached, output appended to broker-N.out). */
  restartBroker(id: number): ManagedProcess {
    const L = this.layout;
    const b = L.brokers.find((x) => x.id === id)!;
    const out = path.join(L.logDir, `broker-${id}.out`);
    const bin = path.join(L.rootDir, 'bin', 'kafka-server-start');
    const args = [...brokerNodeArgs(), bin, b.propertiesFile, ...b.overrides.flatMap((o) => ['--override', o])];
    const fd = fs.openSync(out, 'a');
    try {
      const child = spawn(process.execPath, args, {
        cwd: L.rootDir,
        stdio: ['ignore', fd, fd],
        detached: true,
        env: { ...process.env, LOG_DIR: this.brokerLogDir(id) },
      });
      const proc = new ManagedProcess(`broker-${id}`, 'broker', id, child, out);
      this.restarted.set(id, proc);
      return proc;
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * All brokers back: each process alive, its port open, /brokers/ids lists it, and every broker's
   * Metadata answer lists all brokers and gives every partition of `topic` a live leader.
   */
  async waitAllBack(topic: string, partitions: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const ids = this.brokerIds;
    for (;;) {
      const dead = ids.filter((id) => !this.proc(id)?.alive);
      if (dead.length > 0) throw new Error(`broker(s) ${dead.join(',')} exited (see ${this.layout.logDir}/broker-N.out)`);
      let ok = true;
      for (const id of ids) {
        const b = this.layout.brokers.find((x) => x.id === id)!;
        if (!(await this.exists(`/brokers/ids/${id}`)) || !(await portAccepts(b.host, b.port, 500))) {
          ok = false;
          break;
        }
      }
      if (ok) {
        const left = Math.max(100, deadline - Date.now());
        const seen = await pollMetadataUntil(
          ids.map((id) => this.probe(id)),
          topic,
          (res) => res.brokers.length === ids.length && allLeadersLive(res, topic, partitions, []),
          Math.min(left, 2000),
          50,
        );
        if ([...seen.values()].every((t) => t !== undefined)) return;
      }
      if (Date.now() > deadline) {
        throw new Error(`brokers not all back after ${timeoutMs} ms (alive: ${this.aliveIds().join(',')}): ${await this.describeMetadata(topic)}`);
      }
      await sleep(100);
    }
  }

  /** What each broker's Metadata says about `topic` (for error messages). */
  async describeMetadata(topic: string): Promise<string> {
    const out: string[] = [];
    for (const id of this.aliveIds()) {
      try {
        const res = await this.probe(id).fetch(topic);
        const parts = topicPartitions(res, topic);
        const live = new Set(res.brokers.map((b) => b.nodeId));
        const led = parts.filter((p) => p.leaderId >= 0 && live.has(p.leaderId)).length;
        out.push(`broker ${id} lists brokers [${[...live].sort()}], ${parts.length} partitions of ${topic}, ${led} with a live leader`);
      } catch (e) {
        out.push(`broker ${id}: Metadata failed (${(e as Error).message})`);
      }
    }
    return out.join('; ');
  }

  /** True once every partition of `topic` has all its replicas in the ISR (as broker `via` reports). */
  async waitFullIsr(topic: string, via: number, timeoutMs: number): Promise<{ full: boolean; shrunk: number }> {
    const deadline = Date.now() + timeoutMs;
    let shrunk = -1;
    for (;;) {
      try {
        const parts = topicPartitions(await this.probe(via).fetch(topic), topic);
        shrunk = parts.filter((p) => p.isrNodes.length < p.replicaNodes.length).length;
        if (parts.length > 0 && shrunk === 0) return { full: true, shrunk };
      } catch {
        /* retry */
      }
      if (Date.now() > deadline) return { full: false, shrunk };
      await sleep(100);
    }
  }

  // ------------------------------------------------------------------ topic

  /** CreateTopics through kafkajs' admin (replication factor 3), waiting for leaders. */
  async createTopic(topic: string, partitions: number, timeoutMs = 60_000): Promise<void> {
    // kafkajs' own request timeout (30 s) is shorter than CreateTopics of 10,000 partitions can take on a busy machine.
    const kafka = new Kafka({
      clientId: 'failover-bench-admin',
      brokers: this.cluster.bootstrapServers.split(','),
      logLevel: logLevel.ERROR,
      requestTimeout: timeoutMs + 10_000,
      logCreator: () => (e: LogEntry) => console.error(`[kafkajs] ${e.namespace}: ${e.log.message}`),
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      // Leaders are waited for with Metadata straight from each broker (waitAllBack), not kafkajs' retries.
      await admin.createTopics({
        waitForLeaders: false,
        timeout: timeoutMs,
        topics: [{ topic, numPartitions: partitions, replicationFactor: 3 }],
      });
    } finally {
      await admin.disconnect();
    }
    await this.waitAllBack(topic, partitions, timeoutMs);
  }

  // ------------------------------------------------------------------ stop

  async stop(): Promise<void> {
    for (const p of this.probes.values()) p.close();
    this.probes.clear();
    this.quiet = false;
    // Ours first (LocalCluster removes the temp folder once its own children are gone).
    for (const p of this.restarted.values()) await p.stop(15_000);
    try {
      this.zk.close();
    } catch {
      /* closed */
    }
    await this.cluster.stop();
    process.removeListener('exit', this.exitHandler);
  }
}
