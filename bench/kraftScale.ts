/**
 * KRaft at scale: how long a KRaft cluster (3 controllers, 3 brokers: KRaftCluster on tempKRaftLayout, as
 * `npm run compare` starts it) takes to create one topic of many partitions, and whether the brokers' heartbeats
 * survive it. Reported, all timed from the outside from just before CreateTopics:
 *  - the CreateTopics response time (forwarded by a broker to the active controller);
 *  - when every broker's Metadata lists all partitions with a live leader (metadata propagation);
 *  - when every broker's Metadata shows every ISR full (the followers created their logs and caught up);
 *  - the longest event-loop stall of each node, measured as the slowest ApiVersions round trip of a probe that
 *    asks every 20 ms (a process busy in one long synchronous task answers late);
 *  - whether a broker was fenced (the controllers' "Fencing broker" log line: missed heartbeats for
 *    broker.session.timeout.ms).
 *
 *   node dist/bench/kraftScale.js [--partitions 2000] [--rf 3] [--timeout-ms 600000] [--session-timeout-ms 9000] [--keep]
 */
import * as fs from 'fs';
import * as path from 'path';
import { KRaftCluster } from '../src/launcher/KRaftCluster';
import { tempKRaftLayout } from '../src/launcher/KRaftLayout';
import { NetworkClient } from '../src/network/NetworkClient';
import { CreateTopicsApi } from '../src/protocol/apis';
import { ApiVersionsApi } from '../src/protocol/apis/18-api-versions';
import { MetadataProbe, sleep, topicPartitions } from './failoverProbes';

interface Options {
  partitions: number;
  rf: number;
  timeoutMs: number;
  sessionTimeoutMs: number;
  keep: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { partitions: 2000, rf: 3, timeoutMs: 600_000, sessionTimeoutMs: 9000, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${a} needs a positive integer`);
      return v;
    };
    if (a === '--partitions') o.partitions = num();
    else if (a === '--rf') o.rf = num();
    else if (a === '--timeout-ms') o.timeoutMs = num();
    else if (a === '--session-timeout-ms') o.sessionTimeoutMs = num();
    else if (a === '--keep') o.keep = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** Asks a node ApiVersions every intervalMs (one request in flight) and keeps the slowest round trip. */
class StallProbe {
  maxMs = 0;
  private stopped = false;
  private readonly done: Promise<void>;
  private readonly client: NetworkClient;

  constructor(
    readonly id: number,
    host: string,
    port: number,
    intervalMs = 20,
  ) {
    this.client = new NetworkClient(host, port, `kraft-scale-${id}`, 120_000, 2000);
    this.done = this.run(intervalMs);
  }

  private async run(intervalMs: number): Promise<void> {
    while (!this.stopped) {
      const start = Date.now();
      try {
        await this.client.send(ApiVersionsApi, 0, { clientSoftwareName: '', clientSoftwareVersion: '' });
        this.maxMs = Math.max(this.maxMs, Date.now() - start);
      } catch {
        /* reconnects on the next send */
      }
      await sleep(intervalMs);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
    this.client.close();
  }
}

/** Polls every broker's Metadata until `ok` holds for each; the time each first did. */
async function untilEveryBroker(
  probes: MetadataProbe[],
  topic: string,
  ok: (parts: ReturnType<typeof topicPartitions>, live: Set<number>) => boolean,
  deadline: number,
): Promise<Map<number, number | undefined>> {
  const out = new Map<number, number | undefined>();
  await Promise.all(
    probes.map(async (p) => {
      for (;;) {
        try {
          const res = await p.fetch(topic);
          if (ok(topicPartitions(res, topic), new Set(res.brokers.map((b) => b.nodeId)))) {
            out.set(p.brokerId, Date.now());
            return;
          }
        } catch {
          /* busy: ask again */
        }
        if (Date.now() > deadline) {
          out.set(p.brokerId, undefined);
          return;
        }
        await sleep(100);
      }
    }),
  );
  return out;
}

function grepLogs(dir: string, needle: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (e.name.endsWith('.log')) for (const line of fs.readFileSync(f, 'utf8').split('\n')) if (line.includes(needle)) out.push(`${e.name}: ${line}`);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const layout = await tempKRaftLayout({
    controllers: 3,
    brokers: 3,
    brokerProps: { 'broker.session.timeout.ms': String(o.sessionTimeoutMs) },
    controllerProps: { 'broker.session.timeout.ms': String(o.sessionTimeoutMs) },
  });
  // Kept past stop() so the logs can be read; removed below unless --keep.
  const keptLayout = { ...layout, temporary: false };
  const cluster = new KRaftCluster({ layout: keptLayout, log: (l) => console.log(`  ${l}`), stopTimeoutMs: 30_000 });
  const nodes = [...layout.controllers, ...layout.brokers];
  let stalls: StallProbe[] = [];
  const probes = layout.brokers.map((b) => new MetadataProbe(b.id, b.host, b.port, 30_000));
  try {
    await cluster.start();
    stalls = nodes.map((n) => new StallProbe(n.id, n.host, n.port));
    const topic = 'kraft-scale';
    const t0 = Date.now();
    const deadline = t0 + o.timeoutMs;
    const b = layout.brokers[0];
    const admin = new NetworkClient(b.host, b.port, 'kraft-scale-admin', o.timeoutMs, 5000);
    const res = await admin.send(CreateTopicsApi, 5, {
      topics: [{ name: topic, numPartitions: o.partitions, replicationFactor: o.rf, assignments: [], configs: [] }],
      timeoutMs: o.timeoutMs,
      validateOnly: false,
    });
    admin.close();
    const created = Date.now() - t0;
    const r = res.topics[0];
    console.log(`CreateTopics ${o.partitions} partitions (RF ${o.rf}): error ${r.errorCode} after ${created} ms`);
    if (r.errorCode !== 0) throw new Error(`CreateTopics failed: ${r.errorCode} ${r.errorMessage ?? ''}`);

    const leaders = await untilEveryBroker(
      probes,
      topic,
      (parts, live) => parts.length === o.partitions && parts.every((p) => p.leaderId >= 0 && live.has(p.leaderId)),
      deadline,
    );
    for (const [id, t] of leaders) console.log(`  broker ${id}: all partitions with a live leader after ${t === undefined ? 'TIMEOUT' : `${t - t0} ms`}`);
    const lastLeaders = [...leaders.values()].every((t) => t !== undefined) ? Math.max(...(leaders.values() as Iterable<number>)) - t0 : undefined;
    console.log(`metadata propagation (every broker): ${lastLeaders === undefined ? 'TIMEOUT' : `${lastLeaders} ms`}`);

    const isr = await untilEveryBroker(
      probes,
      topic,
      (parts) => parts.length === o.partitions && parts.every((p) => p.isrNodes.length === p.replicaNodes.length),
      deadline,
    );
    const lastIsr = [...isr.values()].every((t) => t !== undefined) ? Math.max(...(isr.values() as Iterable<number>)) - t0 : undefined;
    console.log(`full ISRs (every broker): ${lastIsr === undefined ? 'TIMEOUT' : `${lastIsr} ms`}`);
  } finally {
    await Promise.all(stalls.map((s) => s.stop()));
    for (const p of probes) p.close();
    for (const s of stalls) {
      const role = layout.controllers.some((c) => c.id === s.id) ? 'controller' : 'broker';
      console.log(`longest stall (slowest ApiVersions round trip) ${role} ${s.id}: ${s.maxMs} ms`);
    }
    await cluster.stop();
    for (const line of grepLogs(layout.logDir, 'replica change(s)')) console.log(`  ${line}`);
    for (const line of grepLogs(layout.logDir, 'heartbeat ran')) console.log(`  ${line}`);
    const fenced = grepLogs(layout.logDir, 'Fencing broker');
    console.log(fenced.length === 0 ? 'no broker was fenced' : `brokers fenced ${fenced.length} time(s):\n  ${fenced.join('\n  ')}`);
    if (o.keep) console.log(`logs: ${layout.logDir}`);
    else fs.rmSync(layout.dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
