/**
 * batching-and-compression: a producer sends record batches, not records. linger.ms is how long a partial batch
 * may wait for more records, batch.size caps a batch's bytes, and compression.type compresses each batch as a
 * whole. The broker stores the batches as they came (topic compression.type=producer, Kafka's default), so
 * kafka-dump-log shows the producer's batches, their record counts and codec, and the segment's size is the bytes
 * on disk.
 *  - linger.ms only matters when records arrive with gaps between them: a Python producer (confluent_kafka, i.e.
 *    librdkafka) sends one record about every millisecond, with linger.ms=0 (each record leaves at once, alone in
 *    its batch) and with linger.ms=50 (a batch waits up to 50 ms and collects the records that arrive meanwhile).
 *  - batch.size and compression: kcat (librdkafka too, whose linger.ms/batch.size/compression.codec behave as the
 *    Java producer's) sends 5,000 records as fast as it can under different settings, each to its own topic.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findRepoRoot } from '../../launcher/ClusterLayout';
import { Lesson, LessonContext } from '../Lesson';
import { runCommand } from '../Shell';
import { DumpedBatch, parseBatches } from './support/DumpLog';
import { findPython, parseTrickleReport, writeProducePy } from './support/TrickleProducer';

const RECORDS = 5000;
/** The trickle: this many records, one every GAP_MS (about a second of sending per setting). */
const TRICKLE_RECORDS = 1000;
const GAP_MS = 1;
const LINGERS = [0, 50];

interface Variant {
  name: string;
  settings: string;
  explain: string;
  codec: string;
}

const VARIANTS: Variant[] = [
  {
    name: 'batched',
    settings: '-X linger.ms=20 -X batch.size=16384',
    explain: 'batch.size=16384 (the Java default) and linger.ms=20: records wait up to 20 ms for their batch to fill.',
    codec: 'none',
  },
  { name: 'small-batches', settings: '-X linger.ms=20 -X batch.size=1024', explain: 'batch.size=1024: batches close at 1 KiB.', codec: 'none' },
  { name: 'lz4', settings: '-X linger.ms=20 -X batch.size=16384 -X compression.codec=lz4', explain: 'The same batches, compressed with lz4.', codec: 'lz4' },
  {
    name: 'zstd',
    settings: '-X linger.ms=20 -X batch.size=16384 -X compression.codec=zstd',
    explain: 'The same batches, compressed with zstd.',
    codec: 'zstd',
  },
  {
    name: 'gzip',
    settings: '-X linger.ms=20 -X batch.size=16384 -X compression.codec=gzip',
    explain: 'The same batches, compressed with gzip.',
    codec: 'gzip',
  },
];

/** One row of the side-by-side table. */
interface Row {
  name: string;
  records: number;
  batches: DumpedBatch[];
  bytes: number;
  recordsPerSecond: number;
  /** The trickle producer's average delivery latency (ms); kcat does not report one. */
  latencyMs?: number;
}

export const lesson: Lesson = {
  name: 'batching-and-compression',
  description: 'linger.ms, batch.size and compression.type against records per batch, throughput and bytes on disk',
  cluster: { brokers: 3 },
  run,
};

function perBatch(r: Row): number {
  return r.records / r.batches.length;
}

/** Shows the head of the topic's first segment, then counts its batches from the whole dump and checks them. */
async function dumpBatches(
  ctx: LessonContext,
  topic: string,
  broker: number,
  records: number,
  codec: string,
): Promise<{ batches: DumpedBatch[]; bytes: number }> {
  const segment = path.join(ctx.brokerDataDir(broker), `${topic}-0`, '00000000000000000000.log');
  await ctx.sh(`bin/kafka-dump-log --files ${segment} | head -4`);
  // The whole dump, for counting: thousands of lines a learner would pipe to grep -c, not read.
  const dump = await runCommand(`bin/kafka-dump-log --files ${segment}`, { cwd: findRepoRoot(__dirname), timeoutMs: 60_000 });
  ctx.check(dump.code === 0, `kafka-dump-log failed on ${segment}: ${dump.stderr.trim()}`);
  const batches = parseBatches(dump.stdout);
  const stored = batches.reduce((n, b) => n + b.count, 0);
  ctx.check(stored === records, `${topic}: the segment holds ${stored} records, expected ${records}`);
  ctx.check(
    batches.every((b) => b.compresscodec === codec),
    `${topic}: expected every batch with compresscodec ${codec}, found ${[...new Set(batches.map((b) => b.compresscodec))]}`,
  );
  return { batches, bytes: fs.statSync(segment).size };
}

function sayRow(ctx: LessonContext, r: Row): void {
  ctx.say(
    `${r.batches.length} batches, ${perBatch(r).toFixed(1)} records per batch, ${r.bytes.toLocaleString('en-US')} bytes on disk, ` +
      `${r.recordsPerSecond.toLocaleString('en-US')} records/s${r.latencyMs !== undefined ? `, ${r.latencyMs.toFixed(1)} ms average delivery latency` : ''}`,
  );
}

async function lingerRows(ctx: LessonContext, broker: number): Promise<Row[]> {
  await ctx.step('linger.ms: records that trickle in, one about every millisecond');
  ctx.say(
    'linger.ms is how long the producer keeps a batch open for more records. When records come faster than batches can leave, ' +
      'batches fill up anyway; it shows when records arrive with gaps, as from a web server handling requests. This producer ' +
      `(Python, confluent_kafka: librdkafka 2.0.2, the client inside kcat) sends ${TRICKLE_RECORDS} records, sleeping ${GAP_MS} ms after each.`,
  );
  const repo = findRepoRoot(__dirname);
  const python = await findPython(repo);
  const script = writeProducePy(ctx.tmpDir);
  await ctx.sh(`cat ${script}`);
  const rows: Row[] = [];
  for (const linger of LINGERS) {
    const topic = `batching-linger-${linger}-${ctx.runId}`;
    await ctx.step(`linger.ms=${linger}: ${linger === 0 ? 'every record leaves at once' : `a batch waits up to ${linger} ms`}`);
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --create --topic ${topic} --replica-assignment ${broker}`);
    const out = await ctx.sh(`${python} ${script} ${ctx.bootstrap} ${topic} ${linger} ${TRICKLE_RECORDS} ${GAP_MS}`, { timeoutMs: 120_000 });
    const report = parseTrickleReport(out.stdout);
    ctx.check(!!report, `produce.py printed no throughput and latency: ${out.stdout.trim()}`);
    const { batches, bytes } = await dumpBatches(ctx, topic, broker, TRICKLE_RECORDS, 'none');
    const row: Row = {
      name: `linger-${linger}`,
      records: TRICKLE_RECORDS,
      batches,
      bytes,
      recordsPerSecond: report!.recordsPerSecond,
      latencyMs: report!.avgLatencyMs,
    };
    sayRow(ctx, row);
    rows.push(row);
  }
  return rows;
}

async function kcatRows(ctx: LessonContext, broker: number): Promise<Row[]> {
  const orders = path.join(ctx.tmpDir, 'orders.json');
  fs.writeFileSync(
    orders,
    Array.from(
      { length: RECORDS },
      (_, i) => JSON.stringify({ order: i + 1, customer: `customer-${i % 50}`, item: 'widget', quantity: 1 + (i % 5), status: 'NEW' }) + '\n',
    ).join(''),
  );
  await ctx.step(`batch.size and compression: ${RECORDS.toLocaleString('en-US')} records sent as fast as kcat can, one JSON order per line`);
  await ctx.sh(`head -2 ${orders}`);
  const rows: Row[] = [];
  for (const variant of VARIANTS) {
    const topic = `batching-${variant.name}-${ctx.runId}`;
    await ctx.step(`${variant.name}: ${variant.settings}`);
    ctx.say(variant.explain);
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --create --topic ${topic} --replica-assignment ${broker}`);
    const started = process.hrtime.bigint();
    await ctx.sh(`kcat -b ${ctx.bootstrap} -P -t ${topic} ${variant.settings} < ${orders}`);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const { batches, bytes } = await dumpBatches(ctx, topic, broker, RECORDS, variant.codec);
    // kcat prints no figures of its own: its rate is measured around the command, start-up included.
    const row: Row = { name: variant.name, records: RECORDS, batches, bytes, recordsPerSecond: Math.round((RECORDS * 1000) / ms) };
    sayRow(ctx, row);
    rows.push(row);
  }
  return rows;
}

async function run(ctx: LessonContext): Promise<void> {
  const broker = ctx.brokerIds[0];
  const [linger0, linger50] = await lingerRows(ctx, broker);
  const [batched, small, ...compressed] = await kcatRows(ctx, broker);
  const rows = [linger0, linger50, batched, small, ...compressed];

  await ctx.step('Side by side');
  const n = (v: number, digits = 0): string =>
    v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: digits === 0 });
  ctx.say(
    `${'settings'.padEnd(14)} ${'records'.padStart(8)} ${'batches'.padStart(8)} ${'records/batch'.padStart(14)} ${'bytes on disk'.padStart(14)} ` +
      `${'records/s'.padStart(10)} ${'latency ms'.padStart(10)}`,
  );
  for (const r of rows) {
    ctx.say(
      `${r.name.padEnd(14)} ${String(r.records).padStart(8)} ${String(r.batches.length).padStart(8)} ${perBatch(r).toFixed(1).padStart(14)} ` +
        `${n(r.bytes).padStart(14)} ${n(r.recordsPerSecond).padStart(10)} ${(r.latencyMs === undefined ? '-' : r.latencyMs.toFixed(1)).padStart(10)}`,
    );
  }
  ctx.say(`(linger rows: ${TRICKLE_RECORDS} records trickled in by produce.py, records/s and latency as it measured them; the others: kcat, all at once.)`);

  // Ratios, never times: on a busy machine a sleep of 1 ms can last several, which changes how many records one
  // lingering batch collects, but a batch that waits 50 ms always collects many more than one that does not wait.
  ctx.check(
    perBatch(linger50) >= 5 * perBatch(linger0),
    `linger.ms=50 should put at least 5x more records in a batch than linger.ms=0: ${perBatch(linger50).toFixed(1)} vs ${perBatch(linger0).toFixed(1)}`,
  );
  ctx.check(
    linger0.bytes > linger50.bytes,
    `linger.ms=0's many small batches should take more disk (a 61-byte header per batch): ${linger0.bytes} vs ${linger50.bytes}`,
  );
  ctx.check(perBatch(batched) >= 50, `batch.size=16384 should put dozens of records in a batch, it put ${perBatch(batched).toFixed(1)}`);
  const maxBatched = Math.max(...batched.batches.map((b) => b.size));
  const maxSmall = Math.max(...small.batches.map((b) => b.size));
  ctx.check(maxSmall <= 1024 + 128, `with batch.size=1024 the largest batch holds ${maxSmall} bytes`);
  ctx.check(
    perBatch(small) * 4 < perBatch(batched),
    `batch.size=1024 should make much smaller batches: ${perBatch(small).toFixed(1)} vs ${perBatch(batched).toFixed(1)}`,
  );
  for (const c of compressed) {
    ctx.check(c.bytes * 3 < batched.bytes, `${c.name} should shrink these repetitive records at least 3x: ${c.bytes} vs ${batched.bytes} bytes`);
  }
  ctx.say(
    `linger.ms=0 sent ${perBatch(linger0).toFixed(1)} records per batch, linger.ms=50 ${perBatch(linger50).toFixed(1)}: the same records in ` +
      `${linger0.batches.length} requests instead of ${linger50.batches.length}, ${(linger0.bytes / linger50.bytes).toFixed(1)}x the disk ` +
      '(each batch carries a 61-byte header), for a few tens of milliseconds of extra latency per record. The throughput is the same: ' +
      'the producer, not the batching, sets the pace of a trickle.',
  );
  ctx.say(
    `batch.size caps a batch (largest here ${maxSmall} bytes against ${maxBatched}). Compression works on whole batches, so the bigger ` +
      "the batch, the more repetition it finds; the broker keeps the producer's compressed batches as they are.",
  );
}
