/**
 * What bench/aims.ts's rows share: the C harness run with the brokers' CPU read around it, temporary clusters,
 * topic creation, and librdkafka's version.
 */
import * as fs from 'fs';
import { findRepoRoot, tempClusterLayout } from '../src/launcher/ClusterLayout';
import { LocalCluster } from '../src/launcher/LocalCluster';
import { fmtInt, fmtRate } from './aimsReport';
import { kafkaClient } from './kafkajsBench';
import { HarnessResult, runHarness, shellQuote } from './rdkafkaHarness';

export type LatencyResult = HarnessResult & {
  p50_ms: number;
  p99_ms: number;
  p999_ms: number;
  max_ms: number;
  member_records?: number[];
  join_ms?: number;
  distinct_records?: number;
};

const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime+stime of a process in ms, 0 when it is gone. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
  } catch {
    return 0;
  }
}

export class Runner {
  constructor(
    private readonly harness: string,
    private readonly opts: { recordSize: number; timeout: number },
    private readonly log: (line: string) => void,
  ) {}

  /** Runs the harness; returns its result and the broker CPU it cost (ms, summed over the given brokers). */
  async run(args: string[], commands: string[], pids: Array<number | undefined>): Promise<{ r: LatencyResult; brokerCpuMs: number }> {
    const command = [this.harness, ...args].map(shellQuote).join(' ');
    commands.push(command);
    this.log(`Running: ${command}`);
    const before = pids.reduce((s: number, p) => s + cpuMs(p), 0);
    const r = (await runHarness(this.harness, args, (this.opts.timeout + 30) * 1000)) as LatencyResult;
    const brokerCpuMs = pids.reduce((s: number, p) => s + cpuMs(p), 0) - before;
    this.log(`  ${fmtRate(r.records_per_sec)} (${fmtInt(r.records)} records in ${r.seconds.toFixed(2)} s), broker CPU ${brokerCpuMs} ms`);
    return { r, brokerCpuMs };
  }

  produceArgs(bootstrap: string, topic: string, n: number, extra: string[] = []): string[] {
    return ['produce', '-b', bootstrap, '-t', topic, '-n', String(n), '-s', String(this.opts.recordSize), '-T', String(this.opts.timeout), ...extra];
  }
}

export function cpuNote(r: HarnessResult, brokerCpuMs: number, brokers: number): string {
  const per = r.records > 0 ? ((brokerCpuMs * 1000) / r.records).toFixed(2) : '-';
  return `broker CPU ${brokerCpuMs} ms for ${fmtInt(r.records)} records = ${per} us/record${brokers > 1 ? ` (${brokers} brokers)` : ''}; client settings: ${r.settings || 'defaults'}`;
}

export async function withCluster<T>(
  brokers: number,
  brokerProps: Record<string, string>,
  log: (line: string) => void,
  body: (c: LocalCluster) => Promise<T>,
): Promise<T> {
  const layout = await tempClusterLayout({ zookeeperNodes: 1, brokers, rootDir: findRepoRoot(), brokerProps });
  // The data is thrown away: no need to wait long at the stop.
  const cluster = new LocalCluster({ layout, log: (l) => log(`[cluster] ${l}`), brokerStartTimeoutMs: 60_000, brokerStopTimeoutMs: 10_000 });
  try {
    await cluster.start();
    log(`[cluster] up: ${brokers} broker(s), bootstrap ${cluster.bootstrapServers}, data ${layout.dataDir}`);
    return await body(cluster);
  } finally {
    await cluster.stop();
  }
}

export async function createTopics(
  bootstrap: string,
  topics: Array<{ topic: string; partitions: number; rf: number; configs?: Record<string, string> }>,
): Promise<void> {
  const admin = kafkaClient(bootstrap.split(','), 'kafka-ts-aims').admin();
  await admin.connect();
  try {
    await waitForController(admin, bootstrap.split(',').length);
    await admin.createTopics({
      waitForLeaders: true,
      timeout: 60_000,
      topics: topics.map((t) => ({
        topic: t.topic,
        numPartitions: t.partitions,
        replicationFactor: t.rf,
        configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Until the broker answering Metadata knows the controller and every broker. A broker registered in ZooKeeper
 * answers Metadata with controllerId -1 until the controller's first UpdateMetadata reaches it (as Kafka's
 * MetadataCache does), and kafkajs' createTopics then fails with "Broker -1 not found in the cached metadata".
 */
async function waitForController(admin: ReturnType<ReturnType<typeof kafkaClient>['admin']>, brokers: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await admin.describeCluster().catch(() => null);
    if (c !== null && c.controller !== null && c.controller >= 0 && c.brokers.length >= brokers) return;
    if (Date.now() > deadline) throw new Error(`no controller in the brokers' metadata after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** librdkafka's version from its header (the harness is built against it). */
export function librdkafkaVersion(): string {
  try {
    const m = /#define RD_KAFKA_VERSION\s+0x([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(fs.readFileSync('/usr/include/librdkafka/rdkafka.h', 'utf8'));
    return m ? `${parseInt(m[1], 16)}.${parseInt(m[2], 16)}.${parseInt(m[3], 16)}` : '';
  } catch {
    return '';
  }
}
