/**
 * The "Issue 17 aims" section of `npm run bench`: every figure issue 17 names, measured with librdkafka (the C
 * harness bench/rdkafka_perf.c) on 100-byte records, printed in one table with its aim and met / NOT met.
 *
 * Clusters: one ZooKeeper + 1 broker for rows 1-4 (produce on 1, 6 and 1,000 partitions, consume on 1); one
 * ZooKeeper + 3 brokers for rows 5-7 (group consumption with 3 members; RF 3 acks=all against row 2's
 * RF 1 acks=1 figure on the same partition count; end-to-end latency); rows 8 and 9 (partition scale and
 * failover at scale) are bench/partitionScale.ts's, each on its own cluster. Broker CPU (utime+stime of the
 * broker processes, /proc/<pid>/stat) is noted per run: it does not depend on what else the machine runs.
 */
import { findRepoRoot } from '../src/launcher/ClusterLayout';
import { AimRow, fmtInt, fmtMs, fmtRate, formatAimsReport, medianOfRuns, ratio } from './aimsReport';
import { Runner, cpuNote, createTopics, librdkafkaVersion, withCluster } from './aimsRunner';
import { runFailoverAim, runPartitionScaleBench } from './partitionScale';
import { HarnessResult, buildHarness } from './rdkafkaHarness';

export interface AimsOptions {
  /** Base record count: rows 1, 2 and 4 use it, row 3 half of it (3* a tenth), row 5 1.5 x, row 6 0.75 x (each >= 2 s at its aim by default). */
  records: number;
  recordSize: number;
  /** Seconds of the latency run at latencyRate records/s (after the harness's 1 s warm-up). */
  latencySeconds: number;
  latencyRate: number;
  scalePartitions: number;
  idleSeconds: number;
  failoverPartitions: number;
  /** Limit of each single run, seconds. */
  timeout: number;
  /** Runs of rows 1, 2 and 4 each: the median is the figure, every run and the spread are printed. */
  repeat: number;
  /** Which rows to run (1-9); all by default. */
  rows: number[];
}

export const defaultAimsOptions: AimsOptions = {
  records: 4_000_000,
  recordSize: 100,
  latencySeconds: 30,
  latencyRate: 1000,
  scalePartitions: 1000,
  idleSeconds: 30,
  failoverPartitions: 10_000,
  timeout: 120,
  repeat: 3,
  rows: [1, 2, 3, 4, 5, 6, 7, 8, 9],
};

function failed(row: AimRow, e: unknown, log: (line: string) => void): void {
  row.error = e instanceof Error ? e.message : String(e);
  log(`  FAILED: ${row.error}`);
}

/** A figure partitionScale.ts did not give: 'not measured' while that bench is not built yet, else a failure. */
export function missing(r: { ok: boolean; lines: string[] }): Pick<AimRow, 'error' | 'notMeasured'> {
  const why = r.lines[0] ?? 'no figure';
  return { error: why, notMeasured: /not built yet/.test(why) };
}

/** Runs the selected rows; returns the report lines and whether every run completed (not whether aims were met). */
export async function runAims(opts: AimsOptions, log: (line: string) => void): Promise<{ lines: string[]; ok: boolean; rows: AimRow[] }> {
  const want = new Set(opts.rows);
  const harness = buildHarness(findRepoRoot(), log);
  const runner = new Runner(harness, opts, log);
  const id = Date.now().toString(36);
  const N = opts.records;
  const rows: AimRow[] = [];
  const add = (row: Omit<AimRow, 'commands' | 'figure' | 'checks'> & Partial<Pick<AimRow, 'checks'>>): AimRow => {
    const r: AimRow = { figure: '', commands: [], checks: [], ...row };
    rows.push(r);
    return r;
  };
  const rate = (label: string, row: AimRow, r: HarnessResult, target: number): void => {
    row.figure = fmtRate(r.records_per_sec);
    row.checks = [{ label, value: r.records_per_sec, kind: 'atLeast', target }];
  };
  let rf1p6: number | undefined; // row 2's figure, row 6's reference
  let rf3acks1: number | undefined; // row 6*'s figure

  // Rows 1-4: one broker.
  if ([1, 2, 3, 4, 6].some((n) => want.has(n))) {
    const r1 = want.has(1) || want.has(4) ? add({ id: '1', path: 'produce, 1 partition, acks=1, 1 broker', aim: '>= 2,000,000 records/s' }) : null;
    const r2 = want.has(2) || want.has(6) ? add({ id: '2', path: 'produce, 6 partitions, acks=1, 1 broker', aim: '>= 1,800,000 records/s' }) : null;
    const r3 = want.has(3) ? add({ id: '3', path: 'produce, 1,000 partitions, acks=1, 1 broker', aim: '>= 1,000,000 records/s' }) : null;
    const r3all = want.has(3) ? add({ id: '3*', path: '1,000 partitions, every partition written (sticky.partitioning.linger.ms=0)', aim: '(no aim)' }) : null;
    const r4 = want.has(4) ? add({ id: '4', path: 'consume, 1 partition, no group, 1 broker', aim: '>= 2,000,000 records/s' }) : null;
    try {
      await withCluster(1, {}, log, async (cluster) => {
        const b = cluster.bootstrapServers;
        const pids = [cluster.brokerPid(1)];
        const t = { p1: `aims-p1-${id}`, p6: `aims-p6-${id}`, p1000: `aims-p1000-${id}` };
        await createTopics(b, [
          ...(r1 ? [{ topic: t.p1, partitions: 1, rf: 1 }] : []),
          ...(r2 ? [{ topic: t.p6, partitions: 6, rf: 1 }] : []),
          ...(r3 ? [{ topic: t.p1000, partitions: 1000, rf: 1 }] : []),
        ]);
        const steps: Array<[AimRow | null, string[], number, (r: HarnessResult, row: AimRow) => void]> = [
          [r1, runner.produceArgs(b, t.p1, N), 2_000_000, () => undefined],
          [r2, runner.produceArgs(b, t.p6, N), 1_800_000, (r) => (rf1p6 = r.records_per_sec)],
          [
            r3,
            runner.produceArgs(b, t.p1000, Math.round(N / 2)),
            1_000_000,
            (r, row) =>
              (row.notes = [
                `records went to ${r.partitions >= 0 ? fmtInt(r.partitions) : '?'} of the 1,000 partitions (keyless: librdkafka's sticky partitioner` +
                  ' keeps one partition for sticky.partitioning.linger.ms, 10 ms by default, then picks another)',
                ...(row.notes ?? []),
              ]),
          ],
          // The issue's row 3 keeps the client's default partitioning, which writes to a few hundred partitions in
          // a 2 s run; this reference row has librdkafka pick a partition per record, so every request carries
          // hundreds of partitions.
          [
            r3all,
            runner.produceArgs(b, t.p1000, Math.round(N / 10), ['-X', 'sticky.partitioning.linger.ms=0']),
            0,
            (r, row) => (row.notes = [`records went to ${r.partitions >= 0 ? fmtInt(r.partitions) : '?'} of the 1,000 partitions`, ...(row.notes ?? [])]),
          ],
          // Row 4 reads what row 1 wrote.
          [r4, ['consume', '-b', b, '-t', t.p1, '-n', String(N), '-T', String(opts.timeout)], 2_000_000, () => undefined],
        ];
        for (const [row, args, target, after] of steps) {
          if (!row) continue;
          if (row === r4 && r1?.error) {
            row.error = 'row 1 (which writes what row 4 reads) failed';
            continue;
          }
          try {
            // Rows 1, 2 and 4 (one partition or six, 2 s each) move by +-10% between runs of the same code on
            // two shared cores: their figure is the median of opts.repeat runs (row 4 reads the topic's first N
            // records each time). Broker CPU is summed over the runs.
            const runs = row === r1 || row === r2 || row === r4 ? Math.max(1, opts.repeat) : 1;
            let r: HarnessResult | undefined;
            let cpuSum = 0;
            let recordsSum = 0;
            const rates: number[] = [];
            for (let i = 0; i < runs; i++) {
              const one = await runner.run(args, row.commands, pids);
              cpuSum += one.brokerCpuMs;
              recordsSum += one.r.records;
              rates.push(one.r.records_per_sec);
              r = one.r;
            }
            const m = medianOfRuns(rates);
            const summary: HarnessResult = { ...r!, records: recordsSum, records_per_sec: m.median };
            if (target > 0) rate('records/s', row, summary, target);
            else row.figure = fmtRate(summary.records_per_sec);
            row.notes = runs > 1 ? [m.note, cpuNote(summary, cpuSum, 1)] : [cpuNote(summary, cpuSum, 1)];
            after(summary, row);
          } catch (e) {
            failed(row, e, log);
          }
        }
      });
    } catch (e) {
      for (const r of [r1, r2, r3, r3all, r4]) if (r && !r.figure && !r.error) failed(r, e, log);
    }
  }

  // Rows 5-7: three brokers. Kafka's default group.initial.rebalance.delay.ms (3 s, the temp layout sets 0) lets
  // the three members join one generation, so no records are read twice across a rebalance.
  if ([5, 6, 7].some((n) => want.has(n))) {
    const r5 = want.has(5)
      ? add({ id: '5', path: 'group consume, 3 brokers, 6 partitions (RF 1), 3 members', aim: '>= 3,000,000 records/s (aggregate)' })
      : null;
    const r6ref = want.has(6) ? add({ id: '6*', path: 'produce acks=1, RF 3, 6 partitions, 3 brokers (reference)', aim: '(no aim)' }) : null;
    const r6 = want.has(6) ? add({ id: '6', path: 'produce acks=all, RF 3, min.insync.replicas=2, 6 partitions', aim: '>= 0.7 x row 2 (RF 1 acks=1)' }) : null;
    const r7 = want.has(7)
      ? add({ id: '7', path: `e2e latency acks=all, RF 3, ${fmtInt(opts.latencyRate)} records/s`, aim: 'p99 <= 5 ms, p99.9 <= 20 ms' })
      : null;
    try {
      await withCluster(3, { 'group.initial.rebalance.delay.ms': '3000' }, log, async (cluster) => {
        const b = cluster.bootstrapServers;
        const pids = [1, 2, 3].map((i) => cluster.brokerPid(i));
        const minIsr = { 'min.insync.replicas': '2' };
        const t = { group: `aims-group-${id}`, acks1: `aims-rf3-acks1-${id}`, acksAll: `aims-rf3-acksall-${id}`, lat: `aims-rf3-lat-${id}` };
        await createTopics(b, [
          ...(r5 ? [{ topic: t.group, partitions: 6, rf: 1 }] : []),
          ...(r6 ? [{ topic: t.acks1, partitions: 6, rf: 3, configs: minIsr }] : []),
          ...(r6 ? [{ topic: t.acksAll, partitions: 6, rf: 3, configs: minIsr }] : []),
          ...(r7 ? [{ topic: t.lat, partitions: 1, rf: 3, configs: minIsr }] : []),
        ]);
        if (r5) {
          const n = Math.round(N * 1.5);
          try {
            // The records are all written before the members start. Like rows 1, 2 and 4, the figure is the median
            // of opts.repeat group runs over them (each a new group.id, so each reads every record again).
            await runner.run(runner.produceArgs(b, t.group, n), r5.commands, pids);
            const rates: number[] = [];
            const perRun: string[] = [];
            let cpuSum = 0;
            let last: HarnessResult | undefined;
            for (let i = 0; i < Math.max(1, opts.repeat); i++) {
              const { r, brokerCpuMs } = await runner.run(
                ['group', '-b', b, '-t', t.group, '-n', String(n), '-m', '3', '-T', String(opts.timeout)],
                r5.commands,
                pids,
              );
              // Records read twice (after a rebalance) do not count: the rate is of distinct records.
              const distinct = Math.min(r.distinct_records ?? r.records, r.records);
              rates.push(r.records > 0 ? (r.records_per_sec * distinct) / r.records : 0);
              perRun.push(
                `records per member ${(r.member_records ?? []).map(fmtInt).join(', ')}; ${fmtInt(distinct)} distinct of ${fmtInt(r.records)} read` +
                  ` in ${r.seconds.toFixed(2)} s; start to first record ${r.join_ms ?? '-'} ms (not counted)`,
              );
              cpuSum += brokerCpuMs;
              last = r;
            }
            const m = medianOfRuns(rates);
            r5.figure = fmtRate(m.median);
            r5.checks = [{ label: 'records/s', value: m.median, kind: 'atLeast', target: 3_000_000 }];
            r5.notes = [...(rates.length > 1 ? [m.note] : []), ...perRun, cpuNote({ ...last!, records: n * rates.length }, cpuSum, 3)];
          } catch (e) {
            failed(r5, e, log);
          }
        }
        if (r6 && r6ref) {
          const n = Math.round(N * 0.75);
          // Both the median of opts.repeat runs, as rows 1, 2 and 4 (the ratio is of medians).
          const repeated = async (row: AimRow, acks: string): Promise<number> => {
            const rates: number[] = [];
            let cpuSum = 0;
            let last: HarnessResult | undefined;
            for (let i = 0; i < Math.max(1, opts.repeat); i++) {
              const { r, brokerCpuMs } = await runner.run(
                runner.produceArgs(b, acks === '1' ? t.acks1 : t.acksAll, n, ['-X', `acks=${acks}`]),
                row.commands,
                pids,
              );
              rates.push(r.records_per_sec);
              cpuSum += brokerCpuMs;
              last = r;
            }
            const m = medianOfRuns(rates);
            row.notes = [...(rates.length > 1 ? [m.note] : []), cpuNote({ ...last!, records: n * rates.length }, cpuSum, 3)];
            return m.median;
          };
          try {
            rf3acks1 = await repeated(r6ref, '1');
            r6ref.figure = fmtRate(rf3acks1);
          } catch (e) {
            failed(r6ref, e, log);
          }
          try {
            const perSec = await repeated(r6, 'all');
            const x = ratio(perSec, rf1p6);
            r6.figure = `${fmtRate(perSec)} = ${x === undefined ? '?' : x.toFixed(2)} x row 2`;
            r6.checks = [{ label: 'ratio', value: x, kind: 'atLeast', target: 0.7 }];
            if (x === undefined) r6.error = 'row 2 (the RF 1 acks=1 reference) has no figure';
            const sameCluster = ratio(perSec, rf3acks1);
            r6.notes = [
              ...(sameCluster === undefined ? [] : [`${sameCluster.toFixed(2)} x row 6* (RF 3 acks=1 on the same cluster, for reference)`]),
              ...(r6.notes ?? []),
            ];
          } catch (e) {
            failed(r6, e, log);
          }
        }
        if (r7) {
          const n = opts.latencyRate * opts.latencySeconds;
          const args = [
            'latency',
            '-b',
            b,
            '-t',
            t.lat,
            '-n',
            String(n),
            '-s',
            String(opts.recordSize),
            '-r',
            String(opts.latencyRate),
            '-T',
            String(opts.timeout),
            '-X',
            'acks=all',
          ];
          try {
            const { r, brokerCpuMs } = await runner.run(args, r7.commands, pids);
            r7.figure = `p50 ${fmtMs(r.p50_ms)}, p99 ${fmtMs(r.p99_ms)}, p99.9 ${fmtMs(r.p999_ms)}`;
            r7.checks = [
              { label: 'p99', value: r.p99_ms, kind: 'atMost', target: 5 },
              { label: 'p99.9', value: r.p999_ms, kind: 'atMost', target: 20 },
            ];
            r7.notes = [
              `${fmtInt(r.records)} records measured (after 1 s of warm-up), max ${fmtMs(r.max_ms)}; client settings: ${r.settings || 'defaults'}`,
              `broker CPU ${brokerCpuMs} ms in ${r.seconds.toFixed(1)} s (3 brokers) = ${(brokerCpuMs / 10 / Math.max(r.seconds, 0.001)).toFixed(0)}% of one core`,
            ];
          } catch (e) {
            failed(r7, e, log);
          }
        }
      });
    } catch (e) {
      for (const r of [r5, r6ref, r6, r7]) if (r && !r.figure && !r.error) failed(r, e, log);
    }
  }

  // Rows 8 and 9: bench/partitionScale.ts, on clusters of their own.
  if (want.has(8)) {
    const led = add({ id: '8a', path: `${fmtInt(opts.scalePartitions)} partitions, RF 3, 3 brokers: all led`, aim: '<= 2,000 ms after CreateTopics' });
    const rss = add({ id: '8b', path: `${fmtInt(opts.scalePartitions)} partitions: each broker's RSS`, aim: `<= 100 MB after ${opts.idleSeconds} s idle` });
    // partitionScale.ts takes its timeouts in ms (kafkajs' and the Metadata polling's unit).
    const scaleOpts = { partitions: opts.scalePartitions, idleSeconds: opts.idleSeconds, timeout: opts.timeout * 1000 };
    const command = `runPartitionScaleBench(${JSON.stringify(scaleOpts)}) (bench/partitionScale.ts; alone: node dist/bench/partitionScale.js)`;
    led.commands.push(command);
    rss.commands.push(command);
    try {
      const s = await runPartitionScaleBench(scaleOpts, log);
      if (s.ledMs === undefined) Object.assign(led, missing(s));
      else {
        led.figure = `${fmtInt(s.ledMs)} ms`;
        led.checks = [{ label: 'ms', value: s.ledMs, kind: 'atMost', target: 2000 }];
      }
      if (!s.rssMb || s.rssMb.length === 0) Object.assign(rss, missing(s));
      else {
        rss.figure = s.rssMb.map((m) => `${m.toFixed(0)}`).join(', ') + ' MB';
        rss.checks = [{ label: 'max MB', value: Math.max(...s.rssMb), kind: 'atMost', target: 100 }];
      }
      led.notes = s.lines.slice(0, 20);
    } catch (e) {
      failed(led, e, log);
      failed(rss, e, log);
    }
  }
  if (want.has(9)) {
    const row = add({ id: '9', path: `failover, ${fmtInt(opts.failoverPartitions)} partitions: election after SIGKILL`, aim: '< 1,000 ms' });
    const failoverOpts = { partitions: opts.failoverPartitions, timeout: Math.max(opts.timeout, 180) * 1000 };
    row.commands.push(`runFailoverAim(${JSON.stringify(failoverOpts)}) (bench/partitionScale.ts; alone: node dist/bench/partitionScale.js)`);
    try {
      const f = await runFailoverAim(failoverOpts, log);
      if (f.electionMs === undefined) Object.assign(row, missing(f));
      else {
        row.figure = `${fmtInt(f.electionMs)} ms`;
        row.checks = [{ label: 'ms', value: f.electionMs, kind: 'below', target: 1000 }];
      }
      // The bench's own lines list the phases; without them, the phases alone.
      const phases =
        f.phases && f.phases.length > 0 ? [`phases: ${f.phases.map((p) => `${p.name} ${p.ms === undefined ? '-' : `${fmtInt(p.ms)} ms`}`).join(', ')}`] : [];
      row.notes = f.lines.length > 1 ? f.lines.slice(0, 20) : [...phases, ...f.lines];
    } catch (e) {
      failed(row, e, log);
    }
  }

  const header = `Issue 17 aims (${opts.recordSize}-byte records, librdkafka ${librdkafkaVersion()}, no compression; the C harness bench/rdkafka_perf.c):`;
  const lines = formatAimsReport(rows, header);
  // Every run completed: a row counts as incomplete when it failed, not when its measurement is not built yet.
  const ok = rows.every((r) => !r.error || r.notMeasured);
  return { lines, ok, rows };
}
