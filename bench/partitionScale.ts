/**
 * Partition-scale figures of issue 17 (`npm run bench`): a 3-broker cluster creates one topic of many
 * partitions with replication factor 3; how long until every partition has a leader, and each broker's RSS
 * after an idle period; and the failover bench at 10,000 partitions (election after a broker SIGKILL).
 *
 * Both start their own cluster (bench/failoverCluster.ts: 1 ZooKeeper node + 3 brokers on free ports in a
 * temp folder, removed afterwards). Run alone: `node dist/bench/partitionScale.js [--partitions N]
 * [--idle-seconds S] [--failover-partitions N]` (0 skips a part).
 */
import * as fs from 'fs';
import * as path from 'path';
import { BenchCluster } from './failoverCluster';
import { allLeadersLive, ControllerEvents, pollMetadataUntil } from './failoverProbes';
import { killLeader, Phase } from './failoverScenarios';
import { kafkaClient } from './kafkajsBench';

export interface PartitionScaleOptions {
  partitions: number;
  /** Seconds to wait idle before reading each broker's RSS. */
  idleSeconds: number;
  timeout: number;
  /** Keep the temp cluster folder (data and logs) and print where it is. */
  keepData?: boolean;
}

export interface PartitionScaleResult {
  lines: string[];
  ok: boolean;
  /** ms from sending CreateTopics until every partition has a live leader in Metadata. */
  ledMs?: number;
  /** Each broker's RSS in MiB after the idle period, in broker id order. */
  rssMb?: number[];
}

/** VmRSS of a process in MiB (undefined when it is gone). */
export function rssMbOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** utime + stime of a process in ms (/proc/<pid>/stat fields 14 and 15, 10 ms ticks). */
export function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}

const SESSION_TIMEOUT_MS = 6000;

export async function runPartitionScaleBench(opts: PartitionScaleOptions, log: (line: string) => void): Promise<PartitionScaleResult> {
  const n = opts.partitions;
  const topic = `scale-${n}`;
  const lines: string[] = [];
  const started = Date.now();
  const bc = await BenchCluster.start({ sessionTimeoutMs: SESSION_TIMEOUT_MS, keepData: !!opts.keepData, log: (l) => log(`  [cluster] ${l}`) });
  if (opts.keepData) log(`  data and logs: ${bc.layout.dataDir}`);
  try {
    const probes = bc.brokerIds.map((id) => bc.probe(id));
    const rssBefore = bc.brokerIds.map((id) => rssMbOf(bc.proc(id)?.pid));
    const cpuBefore = bc.brokerIds.map((id) => cpuMsOf(bc.proc(id)?.pid) ?? 0);
    const admin = kafkaClient(bc.cluster.bootstrapServers.split(','), 'partition-scale-bench').admin();
    await admin.connect();
    let t0: number;
    try {
      t0 = Date.now();
      await admin.createTopics({ waitForLeaders: false, timeout: opts.timeout, topics: [{ topic, numPartitions: n, replicationFactor: 3 }] });
    } finally {
      await admin.disconnect();
    }
    const answered = Date.now() - t0;
    const seen = await pollMetadataUntil(probes, topic, (r) => allLeadersLive(r, topic, n, []), opts.timeout, 20);
    const times = [...seen.values()];
    const ledMs = times.every((t) => t !== undefined) ? Math.max(...(times as number[])) - t0 : undefined;
    // Broker CPU from CreateTopics to led (contention moves the wall clock, much less the CPU spent).
    const cpuMs = bc.brokerIds.map((id, i) => (cpuMsOf(bc.proc(id)?.pid) ?? 0) - cpuBefore[i]);
    log(`  ${n} partitions: CreateTopics answered in ${answered} ms, all led on every broker in ${ledMs ?? 'n/a'} ms; idle ${opts.idleSeconds} s`);
    await new Promise((r) => setTimeout(r, opts.idleSeconds * 1000));
    const rss = bc.brokerIds.map((id) => rssMbOf(bc.proc(id)?.pid));
    const rssMb = rss.every((r) => r !== undefined) ? (rss as number[]) : undefined;
    lines.push(
      `Partition scale: ${n} partitions (RF 3, 3 brokers): CreateTopics answered in ${answered} ms, every partition led on every broker ${ledMs ?? 'n/a'} ms after sending it`,
      `  broker CPU from CreateTopics until led ${cpuMs.join(' / ')} ms (utime+stime)`,
      `  broker RSS before the topic ${rssBefore.map((r) => r?.toFixed(0) ?? '?').join(' / ')} MiB, after ${opts.idleSeconds} s idle ${rss.map((r) => r?.toFixed(0) ?? '?').join(' / ')} MiB (whole run ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return { lines, ok: ledMs !== undefined && rssMb !== undefined, ledMs, rssMb };
  } catch (e) {
    lines.push(`Partition scale: FAILED (${(e as Error).message})`);
    return { lines, ok: false };
  } finally {
    await bc.stop();
  }
}

export interface FailoverAimOptions {
  partitions: number;
  timeout: number;
  /** Keep the temp cluster folder (data and logs) and print where it is. */
  keepData?: boolean;
}

export interface FailoverAimResult {
  lines: string[];
  ok: boolean;
  /** ms from the controller learning of the dead broker (its /brokers/ids znode gone) until every partition it led has a new leader. */
  electionMs?: number;
  /** The controller failover phases, as the failover bench names them, with their ms. */
  phases?: Array<{ name: string; ms?: number }>;
}

/** bench/failover.ts' scenario (a) at `partitions`: SIGKILL of the broker leading most partitions (not the controller). */
export async function runFailoverAim(opts: FailoverAimOptions, log: (line: string) => void): Promise<FailoverAimResult> {
  const n = opts.partitions;
  const topic = `failover-${n}`;
  const lines: string[] = [];
  const started = Date.now();
  const bc = await BenchCluster.start({ sessionTimeoutMs: SESSION_TIMEOUT_MS, keepData: !!opts.keepData, log: (l) => log(`  [cluster] ${l}`) });
  if (opts.keepData) log(`  data and logs: ${bc.layout.dataDir}`);
  try {
    const t1 = Date.now();
    await bc.createTopic(topic, n, opts.timeout);
    await bc.waitAllBack(topic, n, opts.timeout);
    const full = await bc.waitFullIsr(topic, bc.brokerIds[0], opts.timeout);
    const setupMs = Date.now() - t1;
    log(`  failover ${n}: topic created and led in ${setupMs} ms${full.full ? '' : ` (${full.shrunk} partitions without a full ISR)`}`);
    const events = new ControllerEvents(bc.brokerIds.map((id) => path.join(bc.brokerLogDir(id), 'controller-events.jsonl')));
    const res = await killLeader({ cluster: bc, events, topic, partitions: n, sessionTimeoutMs: SESSION_TIMEOUT_MS });
    const election = res.phases.find((p: Phase) => p.name.startsWith('election'));
    const phases = res.phases.map((p) => ({ name: p.name, ms: p.ms }));
    lines.push(
      `Failover at scale: ${n} partitions (RF 3), ${res.title}; topic set up in ${setupMs} ms; whole run ${((Date.now() - started) / 1000).toFixed(1)} s`,
      ...res.phases.map((p) => `  ${p.name}: ${p.ms === undefined ? 'n/a' : p.info ? `(${p.ms})` : p.ms} ms`),
      ...res.notes.map((x) => `  - ${x}`),
    );
    return { lines, ok: res.ok, electionMs: election?.ms, phases };
  } catch (e) {
    lines.push(`Failover at scale: FAILED (${(e as Error).message})`);
    return { lines, ok: false };
  } finally {
    await bc.stop();
  }
}

function argValue(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer`);
  return v;
}

async function main(argv: string[]): Promise<void> {
  const partitions = argValue(argv, '--partitions', 1000);
  const idleSeconds = argValue(argv, '--idle-seconds', 30);
  const failoverPartitions = argValue(argv, '--failover-partitions', 10000);
  const out: string[] = [];
  let ok = true;
  const log = (l: string): void => console.log(l);
  if (partitions > 0) {
    const r = await runPartitionScaleBench({ partitions, idleSeconds, timeout: 120_000, keepData: argv.includes('--keep-data') }, log);
    out.push(...r.lines);
    ok &&= r.ok;
  }
  if (failoverPartitions > 0) {
    const r = await runFailoverAim({ partitions: failoverPartitions, timeout: 180_000, keepData: argv.includes('--keep-data') }, log);
    out.push(...r.lines);
    ok &&= r.ok;
  }
  console.log(out.join('\n'));
  process.exit(ok ? 0 : 1);
}

if (require.main === module) {
  main(process.argv).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
