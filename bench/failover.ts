/**
 * `npm run bench:failover`: how long partitions are without a leader when a broker dies, shuts down
 * cleanly, or when the controller dies, for topics of 100 and 2,000 partitions with replication factor 3.
 *
 * It starts its own cluster (1 ZooKeeper node + 3 brokers on free ports, temp folder, removed afterwards,
 * zookeeper.session.timeout.ms from --session-timeout-ms, controlled.shutdown.retry.backoff.ms=1000),
 * creates the topic with kafkajs' admin and runs the scenarios of failoverScenarios.ts. Between scenarios
 * the signalled broker is started again once ZooKeeper dropped its old /brokers/ids/<id> (Kafka refuses to
 * register over a live ephemeral of another session) and all 3 brokers are back. A scenario needs a
 * healthy topic (every ISR complete): if the restarted broker does not rejoin the ISRs within
 * --isr-wait-ms, the next scenario runs on a fresh cluster so that each one measures the same load.
 */
import { Command, InvalidArgumentError } from 'commander';
import * as path from 'path';
import { BenchCluster } from './failoverCluster';
import { ControllerEvents } from './failoverProbes';
import { Phase, ScenarioContext, ScenarioId, ScenarioResult, SCENARIOS } from './failoverScenarios';

export interface FailoverOptions {
  partitions: number[];
  sessionTimeoutMs: number;
  isrWaitMs: number;
  scenarios: ScenarioId[];
  keepData: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

function intList(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new InvalidArgumentError('must be a comma-separated list of positive integers, e.g. 100,2000.');
  }
  return list;
}

function scenarioList(value: string): ScenarioId[] {
  const list = value.split(',').map((s) => s.trim());
  if (list.length === 0 || list.some((s) => !(s in SCENARIOS))) throw new InvalidArgumentError('must be a comma-separated subset of a,b,c.');
  return list as ScenarioId[];
}

export function parseFailoverArgs(argv: string[], exit: (code: number) => never = process.exit): FailoverOptions {
  const program = new Command('npm run bench:failover --')
    .description(
      'Failover times of a 3-broker ZooKeeper-mode cluster (own cluster on free ports):\n' +
        '  a) SIGKILL of a partition leader, b) controlled shutdown (SIGTERM) of a leader, c) SIGKILL of the controller.',
    )
    .option('--partitions <list>', 'partition counts (one run each, replication factor 3)', intList, [100, 2000])
    .option('--session-timeout-ms <ms>', 'zookeeper.session.timeout.ms of the brokers (ZooKeeper clamps to 4000..40000 at tickTime 2000)', positiveInt, 6000)
    .option('--isr-wait-ms <ms>', 'how long a restarted broker gets to rejoin every ISR before the next scenario uses a fresh cluster', positiveInt, 5000)
    .option('--scenarios <list>', 'which scenarios to run', scenarioList, ['a', 'b', 'c'])
    .option('--keep-data', 'keep the temp cluster folders (logs) and print where they are', false)
    .exitOverride((err) => exit(err.exitCode));
  program.parse(argv);
  return program.opts<FailoverOptions>();
}

export function commandLine(o: FailoverOptions): string {
  return (
    `npm run bench:failover -- --partitions ${o.partitions.join(',')} --session-timeout-ms ${o.sessionTimeoutMs}` +
    ` --isr-wait-ms ${o.isrWaitMs} --scenarios ${o.scenarios.join(',')}${o.keepData ? ' --keep-data' : ''}`
  );
}

interface RunReport {
  partitions: number;
  results: ScenarioResult[];
  notes: string[];
}

function fmtMs(p: Phase): string {
  if (p.ms === undefined) return 'n/a';
  return p.info ? `(${p.ms})` : String(p.ms);
}

export function formatReport(r: RunReport, o: FailoverOptions): string {
  const rows: string[][] = [];
  for (const s of r.results) {
    s.phases.forEach((p, i) => rows.push([i === 0 ? `(${s.id}) ${s.title}` : '', p.name, fmtMs(p)]));
    if (!s.ok) rows.push(['', 'INCOMPLETE (see notes)', '']);
  }
  const head = ['scenario', 'phase', 'ms'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (c: string[]): string => `${c[0].padEnd(w[0])}  ${c[1].padEnd(w[1])}  ${c[2].padStart(w[2])}`.trimEnd();
  const out = [
    `== ${r.partitions} partitions, replication factor 3, 3 brokers, 1 ZooKeeper node, zookeeper.session.timeout.ms=${o.sessionTimeoutMs} ==`,
    line(head),
    line(w.map((n) => '-'.repeat(n))),
    ...rows.map(line),
    '(ms in brackets: secondary figures, not phases of the total)',
  ];
  const notes = [...r.notes, ...r.results.flatMap((s) => s.notes.map((n) => `(${s.id}) ${n}`))];
  if (notes.length) out.push('notes:', ...notes.map((n) => `  - ${n}`));
  return out.join('\n');
}

const DEFINITIONS = [
  'How it is measured: t0 = the moment this process sends the signal; controller events come from',
  "each broker's $LOG_DIR/controller-events.jsonl (ISO timestamps, ms), log lines from controller.log/server.log",
  '(log4j timestamps, ms), Metadata v5 is sent straight to each live broker every 20 ms (its own MetadataCache).',
  '"new leader" = the first partition_state event of a partition, after t0, whose leader is >= 0 and not the',
  "signalled broker, for every partition that broker led before t0 (per the controller's Metadata).",
  '(c) phases come from the new controller: election_won event, its controller.log line "Sending update metadata',
  'request" (context read from ZooKeeper), the partition_state events (election + leader writes), its first',
  '"Sending LeaderAndIsr request to broker" line in state-change.log (there is no event for it), then the',
  'Metadata poll. (b) and the bracketed figures use server.log/controller.log lines and the process exit.',
  'Detection depends on ZooKeeper: it expires a session in tickTime (2000 ms) buckets counted from the last',
  'ping (every timeout/3), so it varies between roughly timeout - 2 s and timeout + 2 s from run to run.',
];

class Runner {
  private current: BenchCluster | null = null;

  constructor(private readonly o: FailoverOptions) {}

  private log(line: string): void {
    console.log(line);
  }

  private async freshCluster(n: number, topic: string, notes: string[]): Promise<{ bc: BenchCluster; events: ControllerEvents }> {
    const t0 = Date.now();
    const bc = await BenchCluster.start({ sessionTimeoutMs: this.o.sessionTimeoutMs, keepData: this.o.keepData, log: (l) => this.log(`  [cluster] ${l}`) });
    this.current = bc;
    const t1 = Date.now();
    await bc.createTopic(topic, n);
    await bc.waitAllBack(topic, n, 60_000);
    const full = await bc.waitFullIsr(topic, bc.brokerIds[0], 30_000);
    const t2 = Date.now();
    notes.push(
      `cluster started in ${t1 - t0} ms; topic ${topic} (${n} partitions, RF 3) created with kafkajs admin and led on every broker in ${t2 - t1} ms${full.full ? '' : ` (${full.shrunk} partitions without a full ISR!)`}${this.o.keepData ? `; data and logs: ${bc.layout.dataDir}` : ''}`,
    );
    this.log(`  cluster up (${bc.cluster.bootstrapServers}), topic ${topic} ready`);
    return { bc, events: new ControllerEvents(bc.brokerIds.map((id) => path.join(bc.brokerLogDir(id), 'controller-events.jsonl'))) };
  }

  async stopCurrent(): Promise<void> {
    const bc = this.current;
    this.current = null;
    if (bc) await bc.stop();
  }

  async runPartitions(n: number): Promise<RunReport> {
    const topic = `failover-${n}`;
    const report: RunReport = { partitions: n, results: [], notes: [] };
    // Set-up notes (fresh cluster, ISR state) go with the scenario they precede.
    let setup: string[] = [];
    let env: { bc: BenchCluster; events: ControllerEvents } | null = null;
    try {
      for (let i = 0; i < this.o.scenarios.length; i++) {
        const id = this.o.scenarios[i];
        if (env) {
          const ctl = await env.bc.controllerId();
          const via = ctl >= 0 ? ctl : env.bc.aliveIds()[0];
          const isr = await env.bc.waitFullIsr(topic, via, this.o.isrWaitMs);
          if (!isr.full) {
            setup.push(
              `${isr.shrunk} of ${n} partitions still had an incomplete ISR ${this.o.isrWaitMs} ms after all brokers were back ` +
                '(the restarted broker did not rejoin them: no follower fetching / AlterPartition ISR expansion?), so this scenario runs on a fresh cluster',
            );
            await this.stopCurrent();
            env = null;
          }
        }
        if (!env) {
          this.log(`  starting a cluster for (${id})`);
          env = await this.freshCluster(n, topic, setup);
        }
        this.log(`  running (${id})`);
        const ctx: ScenarioContext = { cluster: env.bc, events: env.events, topic, partitions: n, sessionTimeoutMs: this.o.sessionTimeoutMs };
        const res = await SCENARIOS[id](ctx);
        res.notes.unshift(...setup);
        setup = [];
        report.results.push(res);
        this.log(
          `  (${id}) ${res.title}: ${res.phases
            .filter((p) => !p.info)
            .map((p) => `${p.name.split(':')[0]} ${p.ms ?? 'n/a'}`)
            .join(', ')}`,
        );
        if (i === this.o.scenarios.length - 1) break;
        try {
          res.notes.push(await this.restart(env.bc, res.victim, topic, n));
        } catch (e) {
          res.notes.push(`restart of broker ${res.victim} failed: ${(e as Error).message}; next scenario on a fresh cluster`);
          await this.stopCurrent();
          env = null;
        }
      }
    } catch (e) {
      report.notes.push(...setup, `ABORTED: ${(e as Error).stack ?? String(e)}`);
    } finally {
      await this.stopCurrent();
    }
    return report;
  }

  /** Waits until ZooKeeper dropped the old registration, starts the broker, waits for all 3. */
  private async restart(bc: BenchCluster, id: number, topic: string, n: number): Promise<string> {
    const t0 = Date.now();
    const proc = bc.proc(id);
    if (proc?.alive) throw new Error(`broker ${id} is still running`);
    await bc.waitRegistrationGone(id, this.o.sessionTimeoutMs + 30_000);
    const t1 = Date.now();
    bc.restartBroker(id);
    await bc.waitAllBack(topic, n, 60_000);
    return `restart: waited ${t1 - t0} ms for /brokers/ids/${id} to go, then broker ${id} was back (registered, all 3 brokers in every broker's Metadata) in ${Date.now() - t1} ms`;
  }
}

export async function main(argv: string[]): Promise<void> {
  const o = parseFailoverArgs(argv);
  const runner = new Runner(o);
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${sig}: stopping the benchmark cluster`);
    void runner.stopCurrent().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = Date.now();
  const reports: RunReport[] = [];
  for (const n of o.partitions) {
    console.log(`Failover benchmark: ${n} partitions`);
    const r = await runner.runPartitions(n);
    reports.push(r);
    console.log('');
    console.log(formatReport(r, o));
    console.log('');
  }
  console.log(DEFINITIONS.join('\n'));
  console.log(`\nCommand: ${commandLine(o)}`);
  console.log(`         (= node dist/bench/failover.js ${argv.slice(2).join(' ')}; whole run ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const failed = reports.some((r) => r.results.length < o.scenarios.length || r.results.some((s) => !s.ok));
  // Every child is stopped by now; exit explicitly because a LocalCluster whose start was aborted can leave
  // a ZooKeeper client of its start-up wait polling a stopped server (it never calls back).
  process.exit(failed ? 1 : 0);
}

if (require.main === module) {
  main(process.argv).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
