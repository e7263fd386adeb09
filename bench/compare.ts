/**
 * `npm run compare`: the same scenarios on a ZooKeeper-mode cluster (1 ZooKeeper node + 3 brokers) and then on a
 * KRaft-mode cluster (3 controllers + 3 brokers), one after the other on this machine, with Kafka's default
 * timeouts (zookeeper.session.timeout.ms 18 s, broker.session.timeout.ms 9 s) unless told otherwise. Prints one
 * table and writes it (compare.md) and a bar chart (compare.svg) under data/compare/.
 *
 *   npm run compare [-- --partitions 2000] [--create-partitions 1000] [--only ZooKeeper|KRaft]
 */
import { Command, InvalidArgumentError } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { findRepoRoot } from '../src/launcher/ClusterLayout';
import { ClusterDriver, Mode, startDriver } from './compareDrivers';
import { formatMarkdown, formatTable, MODES, renderSvg, Results } from './compareReport';
import { runScenarios, SCENARIOS } from './compareScenarios';

export interface CompareOptions {
  partitions: number;
  createPartitions: number;
  zkSessionTimeoutMs: number;
  brokerSessionTimeoutMs: number;
  only: Mode | null;
  timeoutMs: number;
  outDir: string;
}

function positiveInt(v: string): number {
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

function mode(v: string): Mode {
  const m = MODES.find((x) => x.toLowerCase() === v.toLowerCase());
  if (!m) throw new InvalidArgumentError(`must be one of ${MODES.join(', ')}.`);
  return m;
}

export function parseCompareArgs(argv: string[], exit: (code: number) => never = process.exit): CompareOptions {
  const program = new Command('npm run compare --')
    .description('Run the same failure and metadata scenarios on a ZooKeeper-mode and a KRaft-mode cluster and compare them.')
    .option('--partitions <n>', 'partitions of the bench topic (replication factor 3)', positiveInt, 100)
    .option('--create-partitions <n>', 'partitions of the topic the "create" scenario creates', positiveInt, 1000)
    .option('--zk-session-timeout-ms <ms>', "ZooKeeper mode's zookeeper.session.timeout.ms (Kafka's default)", positiveInt, 18000)
    .option('--broker-session-timeout-ms <ms>', "KRaft mode's broker.session.timeout.ms (Kafka's default)", positiveInt, 9000)
    .option('--only <mode>', 'run one mode only (ZooKeeper or KRaft)', mode)
    .option('--timeout <s>', 'limit of each step, in seconds', positiveInt, 120)
    .option('--out <dir>', 'where the table and the plot go', path.join(findRepoRoot(__dirname), 'data', 'compare'))
    .exitOverride((err) => exit(err.exitCode));
  program.parse(argv);
  const o = program.opts<{
    partitions: number;
    createPartitions: number;
    zkSessionTimeoutMs: number;
    brokerSessionTimeoutMs: number;
    only?: Mode;
    timeout: number;
    out: string;
  }>();
  return {
    partitions: o.partitions,
    createPartitions: o.createPartitions,
    zkSessionTimeoutMs: o.zkSessionTimeoutMs,
    brokerSessionTimeoutMs: o.brokerSessionTimeoutMs,
    only: o.only ?? null,
    timeoutMs: o.timeout * 1000,
    outDir: path.resolve(o.out),
  };
}

function settings(o: CompareOptions, seconds: Record<string, number>): string[] {
  return [
    `bench topic: ${o.partitions} partitions, replication factor 3; the create scenario: ${o.createPartitions} partitions`,
    `ZooKeeper mode: 1 ZooKeeper node + 3 brokers, zookeeper.session.timeout.ms=${o.zkSessionTimeoutMs}` +
      (seconds.ZooKeeper !== undefined ? ` (ran ${seconds.ZooKeeper} s)` : ''),
    `KRaft mode: 3 controllers + 3 brokers, broker.session.timeout.ms=${o.brokerSessionTimeoutMs}` +
      (seconds.KRaft !== undefined ? ` (ran ${seconds.KRaft} s)` : ''),
    `measured from outside: /controller or DescribeQuorum, Metadata polled from every broker every 20 ms, CreateTopics answers`,
    `run at ${new Date().toISOString()}`,
  ];
}

export async function main(argv: string[]): Promise<number> {
  const o = parseCompareArgs(argv);
  const log = (l: string): void => console.log(l);
  const results: Results = new Map();
  const seconds: Record<string, number> = {};
  const topic = `compare-${o.partitions}`;
  for (const m of MODES) {
    if (o.only && o.only !== m) continue;
    const t0 = Date.now();
    log(`== ${m} mode: starting the cluster`);
    let driver: ClusterDriver | null = null;
    try {
      driver = await startDriver(m, { log: (l) => log(`  ${l}`), zkSessionTimeoutMs: o.zkSessionTimeoutMs, brokerSessionTimeoutMs: o.brokerSessionTimeoutMs });
      results.set(m, await runScenarios({ driver, topic, partitions: o.partitions, createPartitions: o.createPartitions, timeoutMs: o.timeoutMs, log }));
    } catch (e) {
      log(`  ${m}: the cluster failed: ${(e as Error).message}`);
      const partial = results.get(m) ?? new Map();
      for (const s of SCENARIOS) if (!partial.has(s.id)) partial.set(s.id, { error: `cluster failed: ${(e as Error).message}`, notes: [] });
      results.set(m, partial);
    } finally {
      if (driver) await driver.stop().catch((e: unknown) => log(`  ${m}: stop failed: ${String(e)}`));
    }
    seconds[m] = Math.round((Date.now() - t0) / 1000);
    log(`== ${m} mode done in ${seconds[m]} s`);
  }
  const table = formatTable(results, o.createPartitions);
  console.log('\n' + table + '\n');
  fs.mkdirSync(o.outDir, { recursive: true });
  const md = path.join(o.outDir, 'compare.md');
  const svg = path.join(o.outDir, 'compare.svg');
  fs.writeFileSync(md, formatMarkdown(results, settings(o, seconds), o.createPartitions));
  fs.writeFileSync(svg, renderSvg(results, `ZooKeeper vs KRaft, ${o.partitions} partitions`, o.createPartitions));
  console.log(`Wrote ${path.relative(process.cwd(), md)} and ${path.relative(process.cwd(), svg)}`);
  const failed = [...results.values()].some((r) => [...r.values()].some((f) => f.ms === undefined));
  return failed ? 1 : 0;
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
