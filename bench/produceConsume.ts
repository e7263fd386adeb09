/**
 * `npm run bench`: first the "Issue 17 aims" section (bench/aims.ts: every issue-17 figure with its aim, met or
 * NOT met), then produce/consume throughput for 100-byte records with a C client (librdkafka, through
 * bench/rdkafka_perf.c) and with kafkajs, on topics with 1 and 6 partitions, and the other sections.
 *
 * Without --bootstrap it starts its own clusters: ZooKeeper and brokers on free ports with fresh temp data
 * dirs, removed afterwards. Run `npm run bench -- --help` for the flags.
 */
import { Command, InvalidArgumentError } from 'commander';
import { findRepoRoot, tempClusterLayout } from '../src/launcher/ClusterLayout';
import { LocalCluster } from '../src/launcher/LocalCluster';
import { createTopics, deleteTopics, kafkaClient, kafkajsConsume, kafkajsProduce, Measurement } from './kafkajsBench';
import { buildHarness, runHarness, shellQuote } from './rdkafkaHarness';
import { defaultReplicationBenchOptions, runReplicationBench } from './replicationBench';
import { defaultGroupBenchOptions, runGroupBench } from './groupBench';
import { defaultCodecBenchOptions, runCodecBench } from './codecBench';
import { defaultSecurityBenchOptions, runSecurityBench } from './securityBench';
import { defaultTxnBenchOptions, runTxnBench } from './txnBench';
import { defaultAimsOptions, runAims } from './aims';

export interface BenchOptions {
  bootstrap?: string;
  cRecords: number;
  kafkajsRecords: number;
  recordSize: number;
  partitions: number[];
  c: boolean;
  kafkajs: boolean;
  kafkajsInflight: number;
  timeout: number;
  /** Also run the 3-broker replication benchmark (bench/replicationBench.ts); on by default, --no-replication skips it. */
  replication: boolean;
  /** Also run the consumer-group benchmark (bench/groupBench.ts); --no-groups skips it. */
  groups: boolean;
  /** Also run the codec and log cleaner benchmark (bench/codecBench.ts); --no-codecs skips it. */
  codecs: boolean;
  /** Also run the listener security benchmark (bench/securityBench.ts: PLAINTEXT, SSL, SASL_SSL); --no-security skips it. */
  security: boolean;
  /** Also run the transactions benchmark (bench/txnBench.ts); --no-transactions skips it. */
  transactions: boolean;
  /** Records per transactions benchmark run. */
  txnRecords: number;
  /** Run the "Issue 17 aims" section first (bench/aims.ts); --no-aims skips it. */
  aims: boolean;
  /** Only the aims section: none of the other sections. */
  aimsOnly: boolean;
  /** Base record count of the aims' throughput runs. */
  aimsRecords: number;
  /** The aims rows to run (1-9). */
  aimsRows: number[];
  /** Runs of aims rows 1, 2 and 4 each (the median is the figure). */
  aimsRepeat: number;
  /** Seconds of the aims' latency run. */
  latencySeconds: number;
  /** Partitions of aims row 8 and seconds idle before its RSS reading. */
  scalePartitions: number;
  idleSeconds: number;
  /** Partitions of aims row 9 (failover). */
  failoverPartitions: number;
}

interface Row {
  client: 'librdkafka' | 'kafkajs';
  partitions: number;
  test: 'produce' | 'consume';
  result?: Measurement;
  error?: string;
  command: string;
}

function positiveInt(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

function aimRows(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1 || n > 9)) {
    throw new InvalidArgumentError('must be a comma-separated list of row numbers 1 to 9, e.g. 1,4.');
  }
  return list;
}

function partitionList(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new InvalidArgumentError('must be a comma-separated list of positive integers, e.g. 1,6.');
  }
  return list;
}

export function parseBenchArgs(argv: string[], exit: (code: number) => never = process.exit): BenchOptions {
  const program = new Command('npm run bench --')
    .description(
      'Produce/consume throughput of 100-byte records with librdkafka (C) and kafkajs.\n' +
        'Starts its own 1 ZooKeeper + 1 broker cluster on free ports unless --bootstrap is given.',
    )
    .option('--bootstrap <host:port>', 'use a running cluster instead of starting one')
    .option('--c-records <n>', 'records for the librdkafka runs', positiveInt, 2_000_000)
    .option('--kafkajs-records <n>', 'records for the kafkajs runs', positiveInt, 500_000)
    .option('--record-size <bytes>', 'record value size', positiveInt, 100)
    .option('--partitions <list>', 'partition counts, one topic each', partitionList, [1, 6])
    .option('--no-c', 'skip the librdkafka (C) runs')
    .option('--no-kafkajs', 'skip the kafkajs runs')
    .option('--kafkajs-inflight <n>', 'concurrent producer.send() calls', positiveInt, 4)
    .option('--timeout <seconds>', 'limit for each single run', positiveInt, 120)
    .option('--replication', 'run the 3-broker replication benchmark (RF 3: acks=1 vs acks=all, end-to-end latency)', true)
    .option('--no-replication', 'skip the replication benchmark')
    .option('--groups', 'run the consumer-group benchmark (group consumption, rebalance 2 -> 3 members)', true)
    .option('--no-groups', 'skip the consumer-group benchmark')
    .option('--codecs', 'run the compression benchmark (produce with each codec) and the log cleaner benchmark', true)
    .option('--no-codecs', 'skip the compression and log cleaner benchmarks')
    .option('--security', 'run the listener security benchmark (PLAINTEXT, SSL and SASL_SSL side by side)', true)
    .option('--no-security', 'skip the listener security benchmark')
    .option(
      '--transactions',
      'run the transactions benchmark (kafkajs: idempotent vs transactions of 100 and 10,000 records; read_committed vs read_uncommitted)',
      true,
    )
    .option('--no-transactions', 'skip the transactions benchmark')
    .option('--txn-records <n>', 'records for each transactions benchmark run', positiveInt, defaultTxnBenchOptions.records)
    .option('--aims', 'run the "Issue 17 aims" section first: every issue-17 figure beside its aim (bench/aims.ts)', true)
    .option('--no-aims', 'skip the issue-17 aims section')
    .option('--aims-only', 'run only the issue-17 aims section', false)
    .option(
      '--aims-records <n>',
      'base record count of the aims runs (rows 1, 2, 4; row 3 half, row 5 1.5x, row 6 0.75x)',
      positiveInt,
      defaultAimsOptions.records,
    )
    .option('--aims-rows <list>', 'aims rows to run, e.g. 1,4 (default all: 1-9)', aimRows, defaultAimsOptions.rows)
    .option(
      '--aims-repeat <n>',
      'runs of aims rows 1, 2, 4, 5, 6* and 6 each; the median is the figure, every run printed',
      positiveInt,
      defaultAimsOptions.repeat,
    )
    .option('--latency-seconds <n>', 'seconds of the aims latency run (row 7)', positiveInt, defaultAimsOptions.latencySeconds)
    .option('--scale-partitions <n>', 'partitions of aims row 8 (all led after CreateTopics, RSS)', positiveInt, defaultAimsOptions.scalePartitions)
    .option('--idle-seconds <n>', 'seconds idle before aims row 8 reads each broker RSS', positiveInt, defaultAimsOptions.idleSeconds)
    .option('--failover-partitions <n>', 'partitions of aims row 9 (failover)', positiveInt, defaultAimsOptions.failoverPartitions)
    .exitOverride((err) => exit(err.exitCode));
  program.parse(argv);
  const opts = program.opts<BenchOptions>();
  if (opts.aimsOnly && !opts.aims) program.error('error: --aims-only and --no-aims exclude each other');
  return opts;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatTable(rows: Row[]): string {
  const head = ['client', 'partitions', 'test', 'records', 'seconds', 'records/s', 'MB/s'];
  const body = rows.map((r) => {
    const m = r.result;
    if (!m) return [r.client, String(r.partitions), r.test, '-', '-', 'FAILED', r.error ? r.error.split('\n')[0] : ''];
    const s = m.seconds > 0 ? m.seconds : Number.NaN;
    return [r.client, String(r.partitions), r.test, fmt(m.records), m.seconds.toFixed(2), fmt(m.records / s), (m.bytes / 1048576 / s).toFixed(1)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (i < 6 || b[5] !== 'FAILED' ? b[i].length : 0))));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i <= 2 ? c.padEnd(widths[i]) : i === 6 && cells[5] === 'FAILED' ? c : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function runBench(opts: BenchOptions, log: (line: string) => void): Promise<Row[]> {
  const rootDir = findRepoRoot();
  let cluster: LocalCluster | null = null;
  const onSignal = (): void => {
    log('Interrupted: stopping');
    void (cluster ? cluster.stop() : Promise.resolve()).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let bootstrap = opts.bootstrap;
  if (!bootstrap) {
    const layout = await tempClusterLayout({ zookeeperNodes: 1, brokers: 1, rootDir });
    cluster = new LocalCluster({ layout, log: (l) => log(`[cluster] ${l}`), brokerStartTimeoutMs: 60_000, brokerStopTimeoutMs: 10_000 }); // the data is thrown away: no need to wait long
    await cluster.start();
    bootstrap = cluster.bootstrapServers;
    log(`[cluster] up: bootstrap ${bootstrap}, ZooKeeper ${cluster.zookeeperConnect}, data ${layout.dataDir}`);
  }
  const rows: Row[] = [];
  const runId = Date.now().toString(36);
  const kafka = kafkaClient(bootstrap.split(','), 'kafka-ts-bench');
  const topics: string[] = [];
  try {
    let harness: string | null = null;
    let harnessError = '';
    if (opts.c) {
      try {
        harness = buildHarness(rootDir, log);
      } catch (e) {
        harnessError = (e as Error).message;
        log(harnessError);
      }
    }
    const timeoutS = opts.timeout;
    for (const partitions of opts.partitions) {
      const cTopic = `bench-c-p${partitions}-${runId}`;
      const jsTopic = `bench-kafkajs-p${partitions}-${runId}`;
      const wanted = [...(opts.c ? [cTopic] : []), ...(opts.kafkajs ? [jsTopic] : [])];
      log(`Creating topic(s) ${wanted.join(', ')} with ${partitions} partition(s)`);
      await createTopics(
        kafka,
        wanted.map((topic) => ({ topic, partitions })),
      );
      topics.push(...wanted);

      if (opts.c) {
        const common = ['-b', bootstrap, '-t', cTopic, '-n', String(opts.cRecords), '-T', String(timeoutS)];
        for (const test of ['produce', 'consume'] as const) {
          const args = [test, ...common, ...(test === 'produce' ? ['-s', String(opts.recordSize)] : [])];
          const command = [harness ?? '.bench/rdkafka_perf', ...args].map(shellQuote).join(' ');
          const row: Row = { client: 'librdkafka', partitions, test, command };
          rows.push(row);
          if (!harness) {
            row.error = harnessError;
            continue;
          }
          log(`Running: ${command}`);
          try {
            const r = await runHarness(harness, args, (timeoutS + 30) * 1000);
            row.result = { records: r.records, bytes: r.bytes, seconds: r.seconds };
            log(`  ${fmt(r.records_per_sec)} records/s, ${r.mb_per_sec.toFixed(1)} MB/s`);
          } catch (e) {
            row.error = (e as Error).message;
            log(`  FAILED: ${row.error}`);
          }
        }
      }
      if (opts.kafkajs) {
        const produceCmd =
          `kafkajs producer.send({ topic: '${jsTopic}', acks: 1, messages: 1000 x ${opts.recordSize} B })` +
          ` x ${opts.kafkajsRecords / 1000}, ${opts.kafkajsInflight} in flight`;
        const consumeCmd =
          `kafkajs consumer (group bench-${runId}-p${partitions}) subscribe fromBeginning, eachBatch,` + ` until ${opts.kafkajsRecords} records`;
        const steps: Array<[Row, () => Promise<Measurement>]> = [
          [
            { client: 'kafkajs', partitions, test: 'produce', command: produceCmd },
            () =>
              kafkajsProduce(kafka, {
                topic: jsTopic,
                count: opts.kafkajsRecords,
                size: opts.recordSize,
                batchSize: 1000,
                inflight: opts.kafkajsInflight,
              }),
          ],
          [
            { client: 'kafkajs', partitions, test: 'consume', command: consumeCmd },
            () =>
              kafkajsConsume(kafka, {
                topic: jsTopic,
                count: opts.kafkajsRecords,
                groupId: `bench-${runId}-p${partitions}`,
                timeoutMs: timeoutS * 1000,
              }),
          ],
        ];
        for (const [row, run] of steps) {
          rows.push(row);
          log(`Running: ${row.command}`);
          try {
            row.result = await withTimeout(run(), timeoutS * 1000, `kafkajs ${row.test}`);
            const m = row.result;
            log(`  ${fmt(m.records / m.seconds)} records/s, ${(m.bytes / 1048576 / m.seconds).toFixed(1)} MB/s`);
          } catch (e) {
            row.error = (e as Error).message;
            log(`  FAILED: ${row.error}`);
            if (row.test === 'produce') break; // nothing to consume
          }
        }
      }
    }
  } finally {
    if (opts.bootstrap && topics.length > 0) {
      await deleteTopics(kafka, topics).catch((e: Error) => log(`Could not delete the bench topics: ${e.message}`));
    }
    if (cluster) await cluster.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return rows;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseBenchArgs(argv);
  const log = (line: string): void => console.log(line);
  log(
    `Command: npm run bench --${argv
      .slice(2)
      .map((a) => ` ${shellQuote(a)}`)
      .join('')}`,
  );
  let aimsOk = true;
  if (opts.aims && !opts.bootstrap) {
    try {
      const a = await runAims(
        {
          ...defaultAimsOptions,
          records: opts.aimsRecords,
          rows: opts.aimsRows,
          repeat: opts.aimsRepeat,
          latencySeconds: opts.latencySeconds,
          scalePartitions: opts.scalePartitions,
          idleSeconds: opts.idleSeconds,
          failoverPartitions: opts.failoverPartitions,
          recordSize: opts.recordSize,
          timeout: opts.timeout,
        },
        log,
      );
      log('');
      for (const l of a.lines) log(l);
      aimsOk = a.ok;
    } catch (e) {
      log(`Issue 17 aims section failed: ${(e as Error).message}`);
      aimsOk = false;
    }
    if (opts.aimsOnly) return aimsOk ? 0 : 1;
    log('');
  } else if (opts.aims) {
    log('Issue 17 aims: skipped with --bootstrap (they start their own clusters)');
  }
  let rows: Row[];
  try {
    rows = await runBench(opts, log);
  } catch (e) {
    console.error(`Benchmark failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  log('');
  log(`Results (${opts.recordSize}-byte records, acks=1, no compression; MB = 2^20 bytes of record values):`);
  log(formatTable(rows));
  log('');
  log('Exact commands:');
  for (const r of rows) log(`  ${r.client} ${r.test} p${r.partitions}: ${r.command}`);
  let replicationOk = true;
  if (opts.replication && opts.c && !opts.bootstrap) {
    log('');
    try {
      const rep = await runReplicationBench({ ...defaultReplicationBenchOptions, recordSize: opts.recordSize, timeout: opts.timeout }, log);
      log('');
      for (const l of rep.lines) log(l);
      replicationOk = rep.ok;
    } catch (e) {
      log(`Replication benchmark failed: ${(e as Error).message}`);
      replicationOk = false;
    }
  }
  let groupsOk = true;
  if (opts.groups && opts.c && !opts.bootstrap) {
    log('');
    try {
      const g = await runGroupBench({ ...defaultGroupBenchOptions, recordSize: opts.recordSize, timeout: opts.timeout }, log);
      log('');
      for (const l of g.lines) log(l);
      groupsOk = g.ok;
    } catch (e) {
      log(`Consumer-group benchmark failed: ${(e as Error).message}`);
      groupsOk = false;
    }
  }
  let codecsOk = true;
  if (opts.codecs && !opts.bootstrap) {
    log('');
    try {
      const cb = await runCodecBench({ ...defaultCodecBenchOptions, recordSize: opts.recordSize, timeout: opts.timeout }, log, opts.c);
      log('');
      for (const l of cb.lines) log(l);
      codecsOk = cb.ok;
    } catch (e) {
      log(`Codec benchmark failed: ${(e as Error).message}`);
      codecsOk = false;
    }
  }
  let securityOk = true;
  if (opts.security && opts.c && !opts.bootstrap) {
    log('');
    try {
      const sb = await runSecurityBench({ ...defaultSecurityBenchOptions, recordSize: opts.recordSize, timeout: opts.timeout }, log);
      log('');
      for (const l of sb.lines) log(l);
      securityOk = sb.ok;
    } catch (e) {
      log(`Security benchmark failed: ${(e as Error).message}`);
      securityOk = false;
    }
  }
  let txnOk = true;
  if (opts.transactions && !opts.bootstrap) {
    log('');
    try {
      const tb = await runTxnBench({ ...defaultTxnBenchOptions, records: opts.txnRecords, recordSize: opts.recordSize, timeout: opts.timeout }, log);
      log('');
      for (const l of tb.lines) log(l);
      txnOk = tb.ok;
    } catch (e) {
      log(`Transactions benchmark failed: ${(e as Error).message}`);
      txnOk = false;
    }
  }
  return rows.every((r) => r.result) && aimsOk && replicationOk && groupsOk && codecsOk && txnOk && securityOk ? 0 : 1;
}

if (require.main === module) {
  main(process.argv).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
