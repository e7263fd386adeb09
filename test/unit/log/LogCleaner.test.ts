import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CleanerLogConfig } from '../../../src/log/Cleaner';
import { completeSwapFiles } from '../../../src/log/CleanerSwap';
import { Log } from '../../../src/log/Log';
import { LogConfig, defaultLogConfig } from '../../../src/log/LogConfig';
import { CLEANER_OFFSET_CHECKPOINT_FILE, LogCleaner, cleanerConfigFrom } from '../../../src/log/LogCleaner';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { DELETE_HORIZON_FLAG_MASK, Record, iterateRecords, validateBatches } from '../../../src/protocol/records/RecordBatch';

const T0 = 1700000000000;
const DAY = 86400000;

function logConfig(): LogConfig {
  return { ...defaultLogConfig(), segmentBytes: 4096, indexIntervalBytes: 512, maxIndexSize: 4096 };
}

function cleanerConfig(over: Partial<CleanerLogConfig> = {}): CleanerLogConfig {
  return {
    compact: true,
    deleteRetentionMs: DAY,
    minCleanableRatio: 0.5,
    minCompactionLagMs: 0,
    maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
    segmentBytes: 4096,
    ...over,
  };
}

/** Every record of the log, in offset order. */
function allRecords(log: Log): Record[] {
  const out: Record[] = [];
  const data = log.read(log.logStartOffset, 1 << 30, log.logEndOffset, true);
  const buf = Buffer.concat(data.records);
  for (const b of buf.length ? validateBatches(buf, { client: false }) : []) {
    for (const r of iterateRecords(buf.subarray(b.position, b.position + b.size))) out.push(r);
  }
  return out;
}

function put(log: Log, key: string | null, value: string | null, ts: number, compression = 0): void {
  log.appendAsLeader(
    buildRecordBatch({
      records: [{ key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp: ts }],
      compression,
    }),
    0,
  );
}

describe('log: LogCleaner (compaction)', () => {
  let root: string;
  let dir: string;
  let now: number;
  let log: Log;
  let cfg: CleanerLogConfig;
  let cleaner: LogCleaner;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cleaner-'));
    dir = path.join(root, 'compacted-0');
    now = T0;
    cfg = cleanerConfig();
    log = Log.open(dir, 'compacted', 0, logConfig(), { time: () => now });
    cleaner = new LogCleaner({ logDirs: [root], logs: () => [log], configFor: () => cfg, time: () => now });
  });
  afterEach(() => {
    log.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('keeps the latest record per key, with its offset, across segments and codecs', async () => {
    const latest = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const key = `key-${i % 5}`;
      latest.set(key, log.logEndOffset);
      put(log, key, `value-${i}`, T0 + i, i % 5);
    }
    log.roll();
    put(log, 'key-0', 'in-active-segment', T0 + 1000); // the active segment is never cleaned
    const before = log.size;
    expect(log.logSegments.length).to.be.greaterThan(3);
    expect(await cleaner.cleanFilthiestLog()).to.equal(true);
    const recs = allRecords(log);
    expect(log.size).to.be.lessThan(before / 10);
    expect(recs.map((r) => r.offset)).to.deep.equal([...[...latest.values()].sort((a, b) => a - b), 300]);
    for (const r of recs.slice(0, -1)) expect(latest.get(r.key!.toString())).to.equal(r.offset);
    expect(log.logEndOffset).to.equal(301);
    // cleaner-offset-checkpoint: Kafka's format, the dirty section now starts at the active segment.
    expect(fs.readFileSync(path.join(root, CLEANER_OFFSET_CHECKPOINT_FILE), 'utf8')).to.equal('0\n1\ncompacted 0 300\n');
    // Nothing dirty left: the next round has nothing to do.
    expect(await cleaner.cleanFilthiestLog()).to.equal(false);
    // The cleaned log reopens (indexes rebuilt) with the same content.
    log.close();
    log = Log.open(dir, 'compacted', 0, logConfig(), { time: () => now });
    expect(allRecords(log).map((r) => r.offset)).to.deep.equal(recs.map((r) => r.offset));
    expect(log.read(200, 100000, 301, true).records.length).to.be.greaterThan(0);
  });

  it('honours min.cleanable.dirty.ratio and the checkpoint', async () => {
    for (let i = 0; i < 40; i++) put(log, `k${i % 2}`, `v${i}`, T0 + i);
    log.roll();
    cfg = cleanerConfig({ minCleanableRatio: 0.99 });
    expect(await cleaner.cleanFilthiestLog()).to.equal(true); // all dirty: ratio 1 > 0.99
    for (let i = 0; i < 4; i++) put(log, `k${i % 2}`, `w${i}`, T0 + 100 + i);
    log.roll();
    expect(await cleaner.cleanFilthiestLog(), 'small dirty section').to.equal(false);
    cfg = cleanerConfig({ minCleanableRatio: 0.1 });
    expect(await cleaner.cleanFilthiestLog()).to.equal(true);
    expect(allRecords(log).map((r) => r.value!.toString())).to.deep.equal(['w2', 'w3']);
  });

  it('min.compaction.lag.ms keeps young segments dirty; max.compaction.lag.ms forces a cleaning', async () => {
    for (let i = 0; i < 20; i++) put(log, 'k', `v${i}`, T0 + i);
    log.roll();
    now = T0 + 1000;
    cfg = cleanerConfig({ minCompactionLagMs: 60000 });
    expect(await cleaner.cleanFilthiestLog()).to.equal(false);
    now = T0 + 61000;
    expect(await cleaner.cleanFilthiestLog()).to.equal(true);
    expect(allRecords(log).length).to.equal(1);
    // A tiny dirty section below the ratio is cleaned once max.compaction.lag.ms passed.
    for (let i = 0; i < 2; i++) put(log, 'k', `w${i}`, now + i);
    log.roll();
    cfg = cleanerConfig({ minCleanableRatio: 0.9, maxCompactionLagMs: 3600000 });
    expect(await cleaner.cleanFilthiestLog()).to.equal(false);
    now += 3600001 + 10;
    expect(await cleaner.cleanFilthiestLog()).to.equal(true);
    expect(allRecords(log).map((r) => r.value!.toString())).to.deep.equal(['w1']);
  });

  it('tombstones get a delete horizon, then vanish after delete.retention.ms; keyless records go', async () => {
    put(log, 'a', '1', T0);
    put(log, 'b', '1', T0 + 1);
    put(log, null, 'no key', T0 + 2);
    put(log, 'a', null, T0 + 3, 1); // tombstone (gzip batch)
    log.roll();
    expect(await cleaner.cleanFilthiestLog()).to.equal(true);
    let recs = allRecords(log);
    expect(recs.map((r) => [r.key!.toString(), r.value?.toString() ?? null])).to.deep.equal([
      ['b', '1'],
      ['a', null],
    ]);
    const data = Buffer.concat(log.read(0, 1 << 20, 10, true).records);
    const infos = validateBatches(data, { client: false });
    const tomb = infos.find((b) => b.baseOffset === 3)!;
    expect(tomb.attributes & DELETE_HORIZON_FLAG_MASK).to.not.equal(0);
    expect(tomb.baseTimestamp).to.equal(T0 + DAY);
    expect(tomb.compression).to.equal(1);
    expect(recs[1].timestamp, 'record timestamps survive the new base timestamp').to.equal(T0 + 3);
    now = T0 + DAY - 1;
    expect(await cleaner.cleanFilthiestLog()).to.equal(false);
    now = T0 + DAY;
    expect(await cleaner.cleanFilthiestLog()).to.equal(true);
    recs = allRecords(log);
    expect(recs.map((r) => r.key!.toString())).to.deep.equal(['b']);
    expect(log.logEndOffset).to.equal(4);
  });

  it('keeps base offset and last offset delta of partly cleaned batches', async () => {
    log.appendAsLeader(
      buildRecordBatch({
        records: ['x', 'y', 'x', 'z'].map((k, i) => ({ key: Buffer.from(k), value: Buffer.from(`${i}`), timestamp: T0 + i })),
        compression: 4,
        producerId: 9,
        producerEpoch: 1,
        baseSequence: 0,
      }),
      3,
    );
    put(log, 'z', 'new', T0 + 10);
    log.roll();
    await cleaner.cleanFilthiestLog();
    const data = Buffer.concat(log.read(0, 1 << 20, 10, true).records);
    const [b] = validateBatches(data, { client: false });
    expect([b.baseOffset, b.lastOffset, b.recordCount, b.producerId, b.baseSequence, b.partitionLeaderEpoch, b.compression]).to.deep.equal([
      0, 3, 2, 9, 0, 3, 4,
    ]);
    expect(allRecords(log).map((r) => `${r.offset}:${r.key}`)).to.deep.equal(['1:y', '2:x', '4:z']);
  });

  it('finishes a swap interrupted by a crash (the .swap file replaces the old segments)', () => {
    for (let i = 0; i < 200; i++) put(log, `k${i % 3}`, `v${i}`, T0 + i);
    log.roll();
    const segs = log.logSegments.slice(0, -1);
    expect(segs.length).to.be.greaterThan(2);
    // A "cleaned" copy of the first segment, left as .swap as if the broker died before the rename.
    const first = segs[0];
    fs.copyFileSync(first.logFile, first.logFile + '.swap');
    fs.writeFileSync(path.join(dir, '00000000000000000000.log.cleaned'), 'partial');
    log.close();
    const done = completeSwapFiles(dir);
    expect(done).to.deep.equal([0]);
    log = Log.open(dir, 'compacted', 0, logConfig(), { time: () => now });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.swap') || f.endsWith('.cleaned'))).to.deep.equal([]);
    expect(allRecords(log).map((r) => r.offset)).to.deep.equal([...Array(200).keys()]);
  });

  it('cleanerConfigFrom: topic overrides over broker defaults', () => {
    const broker = {
      logCleanupPolicy: ['delete'],
      logCleanerDeleteRetentionMs: DAY,
      logCleanerMinCleanRatio: 0.5,
      logCleanerMinCompactionLagMs: 0,
      logCleanerMaxCompactionLagMs: Number.MAX_SAFE_INTEGER,
      logSegmentBytes: 1 << 30,
    };
    expect(cleanerConfigFrom(() => undefined, broker).compact).to.equal(false);
    const o: { [k: string]: string } = { 'cleanup.policy': 'compact,delete', 'delete.retention.ms': '100', 'min.cleanable.dirty.ratio': '0.01' };
    const c = cleanerConfigFrom((k) => o[k], broker);
    expect([c.compact, c.deleteRetentionMs, c.minCleanableRatio]).to.deep.equal([true, 100, 0.01]);
  });
});
