/**
 * `npm run compare`'s two cluster drivers behind one interface, so the same scenario list runs against both:
 *  - ZooKeeper mode: one ZooKeeper node and 3 brokers (BenchCluster of the failover benchmark: tempClusterLayout +
 *    LocalCluster); the controller is whichever broker holds /controller;
 *  - KRaft mode: 3 dedicated controllers and 3 brokers (KRaftCluster on tempKRaftLayout); the controller is the
 *    metadata quorum's leader (DescribeQuorum).
 * Both read the cluster from the outside, as a user would: znodes or DescribeQuorum, and Metadata from each broker.
 */
import { NetworkClient } from '../src/network/NetworkClient';
import { CreateTopicsApi, DeleteTopicsApi } from '../src/protocol/apis';
import { KRaftCluster, quorumLeader } from '../src/launcher/KRaftCluster';
import { tempKRaftLayout } from '../src/launcher/KRaftLayout';
import { portAccepts } from '../src/launcher/LocalCluster';
import { BenchCluster } from './failoverCluster';
import { allLeadersLive, MetadataProbe, pollMetadataUntil, sleep } from './failoverProbes';

export type Mode = 'ZooKeeper' | 'KRaft';

export interface NodeAddress {
  id: number;
  host: string;
  port: number;
}

export interface ClusterDriver {
  readonly mode: Mode;
  readonly brokerIds: number[];
  /** Every node: the brokers, plus the controllers in KRaft mode. */
  readonly nodeIds: number[];
  /** The active controller's node id as seen from outside, -1 while there is none. */
  activeController(): Promise<number>;
  /** The node's process is running. */
  alive(id: number): boolean;
  broker(id: number): NodeAddress;
  probe(brokerId: number): MetadataProbe;
  kill(id: number): void;
  /** SIGTERM and wait for the process to exit (controlled shutdown); resolves with its exit time. */
  terminate(id: number, timeoutMs: number): Promise<number>;
  restart(id: number): void;
  /** Every node running again and every live broker listing all brokers and every partition of `topic` with a live leader. */
  waitAllBack(topic: string, partitions: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface DriverOptions {
  log: (line: string) => void;
  /** ZooKeeper mode's zookeeper.session.timeout.ms (Kafka's default 18000). */
  zkSessionTimeoutMs: number;
  /** KRaft mode's broker.session.timeout.ms (Kafka's default 9000). */
  brokerSessionTimeoutMs: number;
}

// ---------------------------------------------------------------------------------------- ZooKeeper mode

class ZooKeeperDriver implements ClusterDriver {
  readonly mode = 'ZooKeeper' as const;
  constructor(private readonly c: BenchCluster) {}

  get brokerIds(): number[] {
    return this.c.brokerIds;
  }
  get nodeIds(): number[] {
    return this.c.brokerIds;
  }
  activeController(): Promise<number> {
    return this.c.controllerId();
  }
  alive(id: number): boolean {
    return !!this.c.proc(id)?.alive;
  }
  broker(id: number): NodeAddress {
    const b = this.c.layout.brokers.find((x) => x.id === id)!;
    return { id, host: b.host, port: b.port };
  }
  probe(id: number): MetadataProbe {
    return this.c.probe(id);
  }
  kill(id: number): void {
    this.c.signal(id, 'SIGKILL');
  }
  async terminate(id: number, timeoutMs: number): Promise<number> {
    const p = this.c.proc(id)!;
    p.signal('SIGTERM');
    await Promise.race([p.exited, sleep(timeoutMs)]);
    if (p.alive) throw new Error(`broker ${id} did not exit within ${timeoutMs} ms of SIGTERM`);
    return Date.now();
  }
  restart(id: number): void {
    this.c.restartBroker(id);
  }
  async waitAllBack(topic: string, partitions: number, timeoutMs: number): Promise<void> {
    // A killed broker's registration lingers until its session expires; the restarted one re-registers after.
    await this.c.waitAllBack(topic, partitions, timeoutMs);
  }
  stop(): Promise<void> {
    return this.c.stop();
  }
}

// ---------------------------------------------------------------------------------------- KRaft mode

class KRaftDriver implements ClusterDriver {
  readonly mode = 'KRaft' as const;
  private readonly probes = new Map<number, MetadataProbe>();
  constructor(private readonly c: KRaftCluster) {}

  get brokerIds(): number[] {
    return this.c.layout.brokers.map((b) => b.id);
  }
  get nodeIds(): number[] {
    return [...this.c.layout.controllers, ...this.c.layout.brokers].map((n) => n.id);
  }
  async activeController(): Promise<number> {
    for (const ctl of this.c.layout.controllers) {
      if (!this.alive(ctl.id)) continue;
      const l = await quorumLeader(ctl);
      // A follower may still name the dead leader until it times out: only a live leader counts.
      if (l && this.alive(l.leaderId)) return l.leaderId;
    }
    return -1;
  }
  alive(id: number): boolean {
    return !!this.c.node(id)?.alive;
  }
  broker(id: number): NodeAddress {
    const b = this.c.spec(id);
    return { id, host: b.host, port: b.port };
  }
  probe(id: number): MetadataProbe {
    let p = this.probes.get(id);
    if (!p) {
      const b = this.broker(id);
      p = new MetadataProbe(id, b.host, b.port);
      this.probes.set(id, p);
    }
    return p;
  }
  kill(id: number): void {
    this.c.kill(id);
  }
  async terminate(id: number, timeoutMs: number): Promise<number> {
    const p = this.c.node(id)!;
    p.intentional = true;
    p.signal('SIGTERM');
    await Promise.race([p.exited, sleep(timeoutMs)]);
    if (p.alive) throw new Error(`node ${id} did not exit within ${timeoutMs} ms of SIGTERM`);
    return Date.now();
  }
  restart(id: number): void {
    this.c.restart(id);
  }
  async waitAllBack(topic: string, partitions: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const dead = [...this.c.layout.controllers, ...this.c.layout.brokers].filter((n) => !this.alive(n.id)).map((n) => n.id);
    if (dead.length > 0) throw new Error(`node(s) ${dead.join(',')} exited (see ${this.c.layout.logDir})`);
    await this.c.waitForQuorumLeader(timeoutMs);
    const ids = this.brokerIds;
    for (;;) {
      const open = await Promise.all(ids.map((id) => portAccepts('127.0.0.1', this.broker(id).port, 500)));
      if (open.every((x) => x)) {
        const seen = await pollMetadataUntil(
          ids.map((id) => this.probe(id)),
          topic,
          (res) => res.brokers.length === ids.length && allLeadersLive(res, topic, partitions, []),
          Math.min(2000, Math.max(100, deadline - Date.now())),
          50,
        );
        if ([...seen.values()].every((t) => t !== undefined)) return;
      }
      if (Date.now() > deadline) throw new Error(`KRaft brokers not all back with ${topic} after ${timeoutMs} ms`);
      await sleep(100);
    }
  }
  async stop(): Promise<void> {
    for (const p of this.probes.values()) p.close();
    this.probes.clear();
    await this.c.stop();
  }
}

export async function startDriver(mode: Mode, o: DriverOptions): Promise<ClusterDriver> {
  if (mode === 'ZooKeeper') {
    const c = await BenchCluster.start({ sessionTimeoutMs: o.zkSessionTimeoutMs, keepData: false, log: o.log });
    return new ZooKeeperDriver(c);
  }
  const layout = await tempKRaftLayout({
    controllers: 3,
    brokers: 3,
    brokerProps: { 'broker.session.timeout.ms': String(o.brokerSessionTimeoutMs) },
    controllerProps: { 'broker.session.timeout.ms': String(o.brokerSessionTimeoutMs) },
  });
  let started = false;
  const cluster = new KRaftCluster({ layout, log: (l) => (started ? undefined : o.log(l)), stopTimeoutMs: 15_000 });
  await cluster.start();
  started = true;
  return new KRaftDriver(cluster);
}

// ---------------------------------------------------------------------------------------- admin requests

/**
 * CreateTopics sent to each live broker in turn until one accepts it: in ZooKeeper mode only the controller
 * does (the others answer NOT_CONTROLLER), in KRaft mode any broker forwards it to the active controller.
 * TOPIC_ALREADY_EXISTS after an attempt that timed out counts as created. Resolves with the response time.
 */
export async function createTopic(d: ClusterDriver, topic: string, partitions: number, replicationFactor: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  // A request that timed out or lost its connection may still have created the topic.
  let maybeCreated = false;
  let last = '';
  for (;;) {
    for (const id of d.brokerIds.filter((x) => d.alive(x))) {
      const b = d.broker(id);
      const client = new NetworkClient(b.host, b.port, 'compare-admin', Math.max(1000, deadline - Date.now()), 2000);
      try {
        const res = await client.send(CreateTopicsApi, 5, {
          topics: [{ name: topic, numPartitions: partitions, replicationFactor, assignments: [], configs: [] }],
          timeoutMs: Math.max(1000, deadline - Date.now()),
          validateOnly: false,
        });
        const r = res.topics[0];
        if (r.errorCode === 0 || (r.errorCode === 36 && maybeCreated)) return Date.now();
        if (r.errorCode === 7) maybeCreated = true;
        last = `broker ${id}: error ${r.errorCode} ${r.errorMessage ?? ''}`;
      } catch (e) {
        maybeCreated = true;
        last = `broker ${id}: ${(e as Error).message}`;
      } finally {
        client.close();
      }
    }
    if (Date.now() > deadline) throw new Error(`CreateTopics ${topic} failed for ${timeoutMs} ms (${last})`);
    await sleep(50);
  }
}

/** DeleteTopics through whichever live broker accepts it (see createTopic). */
export async function deleteTopic(d: ClusterDriver, topic: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const id of d.brokerIds.filter((x) => d.alive(x))) {
      const b = d.broker(id);
      const client = new NetworkClient(b.host, b.port, 'compare-admin', Math.max(1000, deadline - Date.now()), 2000);
      try {
        const res = await client.send(DeleteTopicsApi, 4, { topicNames: [topic], timeoutMs: Math.max(1000, deadline - Date.now()) });
        const code = res.responses[0]?.errorCode;
        if (code === 0 || code === 3) return;
      } catch {
        /* next broker */
      } finally {
        client.close();
      }
    }
    if (Date.now() > deadline) throw new Error(`DeleteTopics ${topic} failed for ${timeoutMs} ms`);
    await sleep(100);
  }
}
