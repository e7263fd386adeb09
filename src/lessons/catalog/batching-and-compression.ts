/**
 * batching-and-compression: a producer sends record batches, not records. batch.size caps a batch's bytes,
 * linger.ms is how long a partial batch may wait for more records, and compression.type compresses each batch as
 * a whole. The broker stores the batches as they came (topic compression.type=producer, Kafka's default), so
 * kafka-dump-log shows the producer's batches, their record counts and codec, and the segment's size is the bytes
 * on disk. The same 5,000 records are sent with kcat (librdkafka, whose linger.ms/batch.size/compression.codec
 * behave as the Java producer's) under different settings, each to its own topic.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findRepoRoot } from '../../launcher/ClusterLayout';
import { Lesson, LessonContext } from '../Lesson';
import { runCommand } from '../Shell';
import { DumpedBatch, parseBatches } from './support/DumpLog';

const RECORDS = 5000;

interface Variant {
  name: string;
  settings: string;
  explain: string;
  codec: string;
}

const VARIANTS: Variant[] = [
  {
    name: 'one-per-batch',
    settings: '-X linger.ms=0 -X batch.num.messages=1',
    explain: 'One record per batch: what linger.ms=0 gives when records arrive one at a time.',
    codec: 'none',
  },
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

interface Result {
  variant: Variant;
  ms: number;
  batches: DumpedBatch[];
  bytes: number;
}

export const lesson: Lesson = {
  name: 'batching-and-compression',
  description: 'linger.ms, batch.size and compression.type against records per batch, throughput and bytes on disk',
  cluster: { brokers: 3 },
  run,
};

function perBatch(r: Result): number {
  return RECORDS / r.batches.length;
}

async function run(ctx: LessonContext): Promise<void> {
  const broker = ctx.brokerIds[0];
  const orders = path.join(ctx.tmpDir, 'orders.json');
  fs.writeFileSync(
    orders,
    Array.from(
      { length: RECORDS },
      (_, i) => JSON.stringify({ order: i + 1, customer: `customer-${i % 50}`, item: 'widget', quantity: 1 + (i % 5), status: 'NEW' }) + '\n',
    ).join(''),
  );
  await ctx.step(`${RECORDS.toLocaleString('en-US')} records to send, one JSON order per line`);
  await ctx.sh(`head -2 ${orders}`);

  const results: Result[] = [];
  for (const variant of VARIANTS) {
    const topic = `batching-${variant.name}-${ctx.runId}`;
    await ctx.step(`${variant.name}: ${variant.settings}`);
    ctx.say(variant.explain);
    await ctx.sh(`bin/kafka-topics --bootstrap-server ${ctx.bootstrap} --create --topic ${topic} --replica-assignment ${broker}`);
    const started = process.hrtime.bigint();
    await ctx.sh(`kcat -b ${ctx.bootstrap} -P -t ${topic} ${variant.settings} < ${orders}`);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const segment = path.join(ctx.brokerDataDir(broker), `${topic}-0`, '00000000000000000000.log');
    await ctx.sh(`bin/kafka-dump-log --files ${segment} | head -4`);
    // The whole dump, for counting: thousands of lines a learner would pipe to grep -c, not read.
    const dump = await runCommand(`bin/kafka-dump-log --files ${segment}`, { cwd: findRepoRoot(__dirname), timeoutMs: 60_000 });
    ctx.check(dump.code === 0, `kafka-dump-log failed on ${segment}: ${dump.stderr.trim()}`);
    const batches = parseBatches(dump.stdout);
    const records = batches.reduce((n, b) => n + b.count, 0);
    ctx.check(records === RECORDS, `${topic}: the segment holds ${records} records, expected ${RECORDS}`);
    ctx.check(
      batches.every((b) => b.compresscodec === variant.codec),
      `${topic}: expected every batch with compresscodec ${variant.codec}, found ${[...new Set(batches.map((b) => b.compresscodec))]}`,
    );
    const r: Result = { variant, ms, batches, bytes: fs.statSync(segment).size };
    results.push(r);
    ctx.say(
      `${batches.length} batches, ${perBatch(r).toFixed(1)} records per batch, ${r.bytes.toLocaleString('en-US')} bytes on disk, ` +
        `${(ms / 1000).toFixed(2)} s (${Math.round((RECORDS * 1000) / ms).toLocaleString('en-US')} records/s including kcat's start-up)`,
    );
  }

  await ctx.step('Side by side');
  ctx.say(`${'settings'.padEnd(14)} ${'batches'.padStart(8)} ${'records/batch'.padStart(14)} ${'bytes on disk'.padStart(14)} ${'records/s'.padStart(10)}`);
  for (const r of results) {
    ctx.say(
      `${r.variant.name.padEnd(14)} ${String(r.batches.length).padStart(8)} ${perBatch(r).toFixed(1).padStart(14)} ` +
        `${r.bytes.toLocaleString('en-US').padStart(14)} ${Math.round((RECORDS * 1000) / r.ms)
          .toLocaleString('en-US')
          .padStart(10)}`,
    );
  }
  const [one, batched, small, ...compressed] = results;
  ctx.check(one.batches.length === RECORDS, `one record per batch should give ${RECORDS} batches, it gave ${one.batches.length}`);
  ctx.check(perBatch(batched) >= 50, `batch.size=16384 should put dozens of records in a batch, it put ${perBatch(batched).toFixed(1)}`);
  const maxBatched = Math.max(...batched.batches.map((b) => b.size));
  const maxSmall = Math.max(...small.batches.map((b) => b.size));
  ctx.check(maxSmall <= 1024 + 128, `with batch.size=1024 the largest batch holds ${maxSmall} bytes`);
  ctx.check(
    perBatch(small) * 4 < perBatch(batched),
    `batch.size=1024 should make much smaller batches: ${perBatch(small).toFixed(1)} vs ${perBatch(batched).toFixed(1)}`,
  );
  ctx.check(one.bytes > batched.bytes, `one record per batch should take more disk (a 61-byte header per batch): ${one.bytes} vs ${batched.bytes}`);
  for (const c of compressed) {
    ctx.check(c.bytes * 3 < batched.bytes, `${c.variant.codec} should shrink these repetitive records at least 3x: ${c.bytes} vs ${batched.bytes} bytes`);
  }
  ctx.say(
    `Every batch carries a header (61 bytes) and costs a request slot: ${RECORDS.toLocaleString('en-US')} one-record batches take ` +
      `${(one.bytes / batched.bytes).toFixed(1)}x the disk of full ones (largest batch ${maxBatched} bytes). Compression works on whole batches, ` +
      "so the bigger the batch, the more repetition it finds; the broker keeps the producer's compressed batches as they are.",
  );
}
