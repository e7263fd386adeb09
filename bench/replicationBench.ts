/**
 * Replication benchmark (`npm run bench -- --replication`): a 3-broker cluster, topics with replication
 * factor 3 and min.insync.replicas=2, librdkafka (bench/rdkafka_perf.c) producing 100-byte records with
 * acks=1 and acks=all, then end-to-end latency (producer -> leader -> followers -> high watermark -> consumer)
 * at a fixed moderate rate, p50/p99/p99.9.
 */
import { findRepoRoot, tempClusterLayout } from '../src/launcher/ClusterLayout';
import { LocalCluster } from '../src/launcher/LocalCluster';
import { kafkaClient } from './kafkajsBench';
import { HarnessResult, buildHarness, runHarness, shellQuote } from './rdkafkaHarness';

export interface ReplicationBenchOptions {
  records: number;
  recordSize: number;
  partitions: number;
  latencyRate: number;
  latencySeconds: number;
  timeout: number;
}

export const defaultReplicationBenchOptions: ReplicationBenchOptions = {
  records: 1_000_000,
  recordSize: 100,
  partitions: 6,
  latencyRate: 1000,
  latencySeconds: 10,
  timeout: 120,
};

interface Run {
  name: string;
  command: string;
  result?: HarnessResult & { p50_ms?: number; p99_ms?: number; p999_ms?: number; max_ms?: number };
  error?: string;
}

/** Runs the replication benchmark on its own temporary cluster; returns the printable report lines. */
export async function runReplicationBench(opts: ReplicationBenchOptions, log: (line: string) => void): Promise<{ lines: string[]; ok: boolean }> {
  const rootDir = findRepoRoot();
  const harness = buildHarness(rootDir, log);
  const layout = await tempClusterLayout({ zookeeperNodes: 1, brokers: 3, rootDir, brokerProps: { 'min.insync.replicas': '2' } });
  const cluster = new LocalCluster({ layout, log: (l) => log(`[cluster] ${l}`), brokerStartTimeoutMs: 60_000, brokerStopTimeoutMs: 10_000 });
  const runs: Run[] = [];
  try {
    await cluster.start();
    const bootstrap = cluster.bootstrapServers;
    log(`[cluster] up: 3 brokers, bootstrap ${bootstrap}`);
    const kafka = kafkaClient(bootstrap.split(','), 'kafka-ts-repl-bench');
    const id = Date.now().toString(36);
    const topics = { acks1: `bench-rf3-acks1-${id}`, acksAll: `bench-rf3-acksall-${id}`, lat1: `bench-rf3-lat1-${id}`, latAll: `bench-rf3-latall-${id}` };
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        timeout: 30000,
        topics: Object.values(topics).map((topic) => ({ topic, numPartitions: topic.includes('-lat') ? 1 : opts.partitions, replicationFactor: 3 })),
      });
    } finally {
      await admin.disconnect();
    }
    const t = String(opts.timeout);
    const latCount = String(opts.latencyRate * opts.latencySeconds);
    const plan: Array<[string, string[]]> = [
      [
        `produce acks=1, ${opts.partitions} partitions`,
        ['produce', '-b', bootstrap, '-t', topics.acks1, '-n', String(opts.records), '-s', String(opts.recordSize), '-T', t, '-X', 'acks=1'],
      ],
      [
        `produce acks=all, ${opts.partitions} partitions`,
        ['produce', '-b', bootstrap, '-t', topics.acksAll, '-n', String(opts.records), '-s', String(opts.recordSize), '-T', t, '-X', 'acks=all'],
      ],
      [
        `latency acks=1 @ ${opts.latencyRate}/s`,
        ['latency', '-b', bootstrap, '-t', topics.lat1, '-n', latCount, '-s', String(opts.recordSize), '-r', String(opts.latencyRate), '-T', t, '-X', 'acks=1'],
      ],
      [
        `latency acks=all @ ${opts.latencyRate}/s`,
        [
          'latency',
          '-b',
          bootstrap,
          '-t',
          topics.latAll,
          '-n',
          latCount,
          '-s',
          String(opts.recordSize),
          '-r',
          String(opts.latencyRate),
          '-T',
          t,
          '-X',
          'acks=all',
        ],
      ],
    ];
    for (const [name, args] of plan) {
      const run: Run = { name, command: [harness, ...args].map(shellQuote).join(' ') };
      runs.push(run);
      log(`Running: ${run.command}`);
      try {
        run.result = (await runHarness(harness, args, (opts.timeout + 30) * 1000)) as Run['result'];
      } catch (e) {
        run.error = (e as Error).message;
        log(`  FAILED: ${run.error}`);
      }
    }
  } finally {
    await cluster.stop();
  }
  const lines = [`Replication (3 brokers, RF 3, min.insync.replicas=2, ${opts.recordSize}-byte records, librdkafka):`];
  for (const r of runs) {
    const m = r.result;
    if (!m) lines.push(`  ${r.name.padEnd(34)} FAILED ${(r.error ?? '').split('\n')[0]}`);
    else if (m.p50_ms !== undefined)
      lines.push(
        `  ${r.name.padEnd(34)} ${m.records} records: p50 ${m.p50_ms.toFixed(2)} ms, p99 ${m.p99_ms!.toFixed(2)} ms, p99.9 ${m.p999_ms!.toFixed(2)} ms, max ${m.max_ms!.toFixed(2)} ms`,
      );
    else
      lines.push(
        `  ${r.name.padEnd(34)} ${Math.round(m.records_per_sec).toLocaleString('en-US')} records/s, ${m.mb_per_sec.toFixed(1)} MB/s (${m.records} in ${m.seconds.toFixed(2)} s)`,
      );
  }
  lines.push('Commands:', ...runs.map((r) => `  ${r.command}`));
  return { lines, ok: runs.every((r) => r.result) };
}

if (require.main === module) {
  runReplicationBench(defaultReplicationBenchOptions, (l) => console.log(l)).then(
    (r) => {
      console.log(r.lines.join('\n'));
      process.exit(r.ok ? 0 : 1);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
