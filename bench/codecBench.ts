/**
 * Compression and log cleaner benchmark (part of `npm run bench`, skipped with --no-codecs):
 * - produce/consume throughput of the librdkafka harness with each compression.codec (none, gzip, snappy,
 *   lz4, zstd) on a 1-broker cluster of its own, with the bytes the broker stored per codec (it stores batches
 *   as produced, so that is the client's compression ratio);
 * - log cleaner throughput: a real log on disk (uncompressed and lz4 batches, many updates to few keys)
 *   compacted by Cleaner.cleanLog, in MB of dirty log cleaned per second, as Kafka's cleaner reports it.
 *   The harness payload repeats 'a'..'z', so compression ratios here are optimistic.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findRepoRoot, tempClusterLayout } from '../src/launcher/ClusterLayout';
import { LocalCluster } from '../src/launcher/LocalCluster';
import { cleanLog, cleanableSection, OFFSET_MAP_BYTES_PER_ENTRY } from '../src/log/Cleaner';
import { Log } from '../src/log/Log';
import { defaultLogConfig } from '../src/log/LogConfig';
import { CompressionType } from '../src/protocol/records/compression';
import { buildRecordBatch, SimpleRecord } from '../src/protocol/records/MemoryRecordsBuilder';
import { createTopics, kafkaClient } from './kafkajsBench';
import { buildHarness, runHarness, shellQuote } from './rdkafkaHarness';

export interface CodecBenchOptions {
  records: number;
  recordSize: number;
  partitions: number;
  timeout: number;
  /** Records written to the log the cleaner compacts. */
  cleanerRecords: number;
  cleanerKeys: number;
}

export const defaultCodecBenchOptions: CodecBenchOptions = {
  records: 1_000_000,
  recordSize: 100,
  partitions: 1,
  timeout: 120,
  cleanerRecords: 1_000_000,
  cleanerKeys: 10_000,
};

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Total size of the `.log` files of a topic's partition folders under `root`. */
function storedBytes(root: string, topic: string): number {
  let total = 0;
  const walk = (dir: string, depth: number): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const p = path.join(dir, e.name);
      if (e.name.startsWith(`${topic}-`) && /-\d+$/.test(e.name)) {
        for (const f of fs.readdirSync(p)) if (f.endsWith('.log')) total += fs.statSync(path.join(p, f)).size;
      } else if (depth < 3) {
        walk(p, depth + 1);
      }
    }
  };
  walk(root, 0);
  return total;
}

async function runProduceByCodec(opts: CodecBenchOptions, log: (line: string) => void, lines: string[], commands: string[]): Promise<boolean> {
  const rootDir = findRepoRoot();
  const harness = buildHarness(rootDir, log);
  const layout = await tempClusterLayout({ zookeeperNodes: 1, brokers: 1, rootDir });
  const cluster = new LocalCluster({ layout, log: (l) => log(`[cluster] ${l}`), brokerStartTimeoutMs: 60_000, brokerStopTimeoutMs: 10_000 });
  let ok = true;
  lines.push(
    `Produce with each codec (librdkafka harness, 1 broker, ${opts.partitions} partition(s), ${opts.records} x ${opts.recordSize}-byte records, acks=1):`,
  );
  lines.push('  codec    produce records/s   MB/s   consume records/s   MB/s   stored bytes   ratio');
  try {
    await cluster.start();
    const bootstrap = cluster.bootstrapServers;
    const kafka = kafkaClient(bootstrap.split(','), 'kafka-ts-codec-bench');
    const id = Date.now().toString(36);
    const topics = CODECS.map((c) => `bench-codec-${c}-${id}`);
    await createTopics(
      kafka,
      topics.map((topic) => ({ topic, partitions: opts.partitions })),
    );
    for (let i = 0; i < CODECS.length; i++) {
      const codec = CODECS[i];
      const topic = topics[i];
      const produceArgs = [
        'produce',
        '-b',
        bootstrap,
        '-t',
        topic,
        '-n',
        String(opts.records),
        '-s',
        String(opts.recordSize),
        '-T',
        String(opts.timeout),
        '-X',
        `compression.codec=${codec}`,
      ];
      const consumeArgs = ['consume', '-b', bootstrap, '-t', topic, '-n', String(opts.records), '-T', String(opts.timeout)];
      commands.push([harness, ...produceArgs].map(shellQuote).join(' '), [harness, ...consumeArgs].map(shellQuote).join(' '));
      log(`Running: ${[harness, ...produceArgs].map(shellQuote).join(' ')}`);
      try {
        const p = await runHarness(harness, produceArgs, (opts.timeout + 30) * 1000);
        const c = await runHarness(harness, consumeArgs, (opts.timeout + 30) * 1000);
        const stored = storedBytes(layout.dataDir, topic);
        const raw = opts.records * opts.recordSize;
        lines.push(
          `  ${codec.padEnd(7)} ${fmt(p.records_per_sec).padStart(17)} ${p.mb_per_sec.toFixed(1).padStart(6)} ${fmt(c.records_per_sec).padStart(19)} ${c.mb_per_sec.toFixed(1).padStart(6)} ${fmt(stored).padStart(14)} ${(raw / Math.max(stored, 1)).toFixed(1).padStart(6)}x`,
        );
      } catch (e) {
        ok = false;
        lines.push(`  ${codec.padEnd(7)} FAILED ${(e as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    await cluster.stop();
  }
  return ok;
}

/** Writes a log of `records` updates over `keys` keys in `codec` batches of 500, then cleans it once. */
export async function runCleanerBench(
  records: number,
  keys: number,
  recordSize: number,
  codec: number,
): Promise<{ dirtyBytes: number; cleanedBytes: number; seconds: number; recordsRetained: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-ts-cleaner-bench-'));
  const log = Log.open(path.join(dir, 'bench-0'), 'bench', 0, { ...defaultLogConfig(), segmentBytes: 64 * 1048576 });
  try {
    const value = Buffer.alloc(recordSize);
    for (let i = 0; i < recordSize; i++) value[i] = 97 + ((i * 7) % 26);
    const now = Date.now();
    for (let off = 0; off < records; off += 500) {
      const batch: SimpleRecord[] = [];
      for (let i = off; i < Math.min(records, off + 500); i++) {
        batch.push({ key: Buffer.from(`key-${(i * 7919) % keys}`), value: Buffer.from(value), timestamp: now });
      }
      log.appendAsLeader(buildRecordBatch({ records: batch, compression: codec }), 0);
    }
    log.roll(); // everything is in closed segments: all of it is dirty
    log.flush();
    const cfg = {
      compact: true,
      deleteRetentionMs: 86400000,
      minCleanableRatio: 0.5,
      minCompactionLagMs: 0,
      maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
      segmentBytes: 1073741824,
    };
    const section = cleanableSection(log, undefined, cfg, Date.now(), log.logEndOffset);
    const started = process.hrtime.bigint();
    const stats = await cleanLog(section, {
      now: Date.now(),
      deleteRetentionMs: cfg.deleteRetentionMs,
      segmentBytes: cfg.segmentBytes,
      offsetMapSlots: Math.floor((134217728 * 0.9) / OFFSET_MAP_BYTES_PER_ENTRY),
      yieldFn: async () => undefined,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (!stats.completed) throw new Error('the cleaning round did not complete');
    return { dirtyBytes: section.cleanableBytes, cleanedBytes: stats.bytesWritten, seconds, recordsRetained: stats.recordsRetained };
  } finally {
    log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runCodecBench(opts: CodecBenchOptions, log: (line: string) => void, withHarness = true): Promise<{ lines: string[]; ok: boolean }> {
  const lines: string[] = [];
  const commands: string[] = [];
  let ok = true;
  if (withHarness) {
    try {
      ok = await runProduceByCodec(opts, log, lines, commands);
    } catch (e) {
      ok = false;
      lines.push(`Produce by codec FAILED: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  lines.push(
    `Log cleaner (Cleaner.cleanLog on a real log: ${opts.cleanerRecords} updates of ${opts.recordSize}-byte values to ${opts.cleanerKeys} keys, batches of 500):`,
  );
  for (const [name, codec] of [
    ['none', CompressionType.NONE],
    ['lz4', CompressionType.LZ4],
    ['zstd', CompressionType.ZSTD],
  ] as const) {
    try {
      log(`Cleaner bench: ${name} batches`);
      const r = await runCleanerBench(opts.cleanerRecords, opts.cleanerKeys, opts.recordSize, codec);
      const mb = r.dirtyBytes / 1048576;
      lines.push(
        `  ${name.padEnd(5)} batches: ${mb.toFixed(1)} MB dirty -> ${(r.cleanedBytes / 1048576).toFixed(1)} MB (${r.recordsRetained} records) in ${r.seconds.toFixed(2)} s = ${(mb / r.seconds).toFixed(1)} MB/s, ${fmt(opts.cleanerRecords / r.seconds)} records/s`,
      );
    } catch (e) {
      ok = false;
      lines.push(`  ${name} batches: FAILED ${(e as Error).message}`);
    }
  }
  if (commands.length > 0) lines.push('Commands:', ...commands.map((c) => `  ${c}`));
  return { lines, ok };
}

if (require.main === module) {
  const cleanerOnly = process.argv.includes('--cleaner-only');
  runCodecBench(defaultCodecBenchOptions, (l) => console.log(l), !cleanerOnly).then(
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
