import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EARLIEST_TIMESTAMP, Log } from '../../../src/log/Log';
import { LogConfig, defaultLogConfig } from '../../../src/log/LogConfig';
import { LogRetention, RetentionConfig } from '../../../src/log/LogRetention';
import { ErrorCode, KafkaError } from '../../../src/protocol/errors';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';

const T0 = 1700000000000;
const HOUR = 3600000;

function batch(n: number, ts: number, valueSize = 100): Buffer {
  const records = [];
  for (let i = 0; i < n; i++) records.push({ key: null, value: Buffer.alloc(valueSize, i), timestamp: ts });
  return buildRecordBatch({ records, compression: 0 });
}

function smallConfig(over: Partial<LogConfig> = {}): LogConfig {
  return { ...defaultLogConfig(), segmentBytes: 1000, indexIntervalBytes: 300, maxIndexSize: 4096, ...over };
}

describe('log: LogRetention (fake clock)', () => {
  let root: string;
  let now: number;
  let scheduled: Array<{ fn: () => void; ms: number }>;
  let retention: RetentionConfig;
  let hw: number | null;
  let log: Log;

  const make = (logs: () => Log[]) =>
    new LogRetention({
      logs,
      configFor: () => retention,
      highWatermark: (l) => (hw === null ? null : Math.min(hw, l.logEndOffset)),
      time: () => now,
      schedule: (fn, ms) => scheduled.push({ fn, ms }),
    });

  /** Appends `segments` full segments (3 batches of ~4 records each) with timestamps 1h apart per segment. */
  function fill(segments: number): void {
    for (let s = 0; s < segments; s++) {
      for (let b = 0; b < 3; b++) log.appendAsLeader(batch(2, T0 + s * HOUR), 0);
    }
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'retention-'));
    now = T0;
    scheduled = [];
    retention = { retentionMs: -1, retentionBytes: -1, fileDeleteDelayMs: 60000, cleanupPolicy: ['delete'] };
    hw = Number.MAX_SAFE_INTEGER;
    log = Log.open(path.join(root, 't-0'), 't', 0, smallConfig({ segmentBytes: 800 }), { time: () => now });
  });
  afterEach(() => {
    log.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('rolls: each segment holds the batches of one hour here', () => {
    fill(4);
    expect(log.logSegments.length).to.be.greaterThan(3);
  });

  it('deletes closed segments older than retention.ms, renames them .deleted, removes them after file.delete.delay.ms', () => {
    fill(4);
    const segs = log.logSegments.length;
    const firstBase = log.logSegments[0].baseOffset;
    now = T0 + 3 * HOUR + 10;
    retention.retentionMs = 2 * HOUR; // segments of hours 0 (and part of 1) are older than 2h
    const r = make(() => [log]);
    const n = r.cleanupLogs();
    expect(n).to.be.greaterThan(0);
    expect(log.logSegments.length).to.equal(segs - n);
    expect(log.logStartOffset).to.equal(log.logSegments[0].baseOffset);
    expect(log.logStartOffset).to.be.greaterThan(firstBase);
    const files = fs.readdirSync(log.dir);
    const deleted = files.filter((f) => f.endsWith('.deleted'));
    expect(deleted.length).to.equal(3 * n);
    expect(deleted).to.include('00000000000000000000.log.deleted');
    expect(scheduled.every((s) => s.ms === 60000)).to.equal(true);
    for (const s of scheduled) s.fn();
    expect(fs.readdirSync(log.dir).filter((f) => f.endsWith('.deleted'))).to.deep.equal([]);
    // Reads below the new start are out of range; ListOffsets earliest answers the new start.
    expect(log.fetchOffsetByTimestamp(EARLIEST_TIMESTAMP)!.offset).to.equal(log.logStartOffset);
    try {
      log.read(0, 1000, log.logEndOffset, true);
      expect.fail('read below the log start offset');
    } catch (e) {
      expect((e as KafkaError).code).to.equal(ErrorCode.OFFSET_OUT_OF_RANGE);
    }
    expect(log.read(log.logStartOffset, 100000, log.logEndOffset, true).sizeInBytes).to.be.greaterThan(0);
  });

  it('never deletes the active segment, even when everything is expired', () => {
    fill(3);
    now = T0 + 100 * HOUR;
    retention.retentionMs = HOUR;
    make(() => [log]).cleanupLogs();
    expect(log.logSegments.length).to.equal(1);
    expect(log.logStartOffset).to.equal(log.activeSegment.baseOffset);
    expect(log.logEndOffset).to.equal(18);
  });

  it('keeps segments whose records are above the high watermark', () => {
    fill(4);
    now = T0 + 100 * HOUR;
    retention.retentionMs = HOUR;
    hw = 0;
    expect(make(() => [log]).cleanupLogs()).to.equal(0);
    hw = log.logSegments[1].baseOffset; // only the first segment is fully below the HW
    expect(make(() => [log]).cleanupLogs()).to.equal(1);
    hw = null; // not hosted as a partition: skipped
    expect(make(() => [log]).cleanupLogs()).to.equal(0);
  });

  it('deletes the oldest segments while the log exceeds retention.bytes', () => {
    fill(5);
    const total = log.size;
    retention.retentionBytes = Math.floor(total / 2);
    make(() => [log]).cleanupLogs();
    expect(log.size).to.be.at.most(total);
    expect(log.size).to.be.greaterThan(retention.retentionBytes - log.logSegments[0].size);
    // What remains minus its oldest segment would be below retention.bytes: nothing more goes.
    expect(log.size - log.logSegments[0].size).to.be.lessThan(retention.retentionBytes);
  });

  it('with cleanup.policy=compact only the log start offset breach deletes', () => {
    fill(4);
    now = T0 + 100 * HOUR;
    retention = { ...retention, retentionMs: HOUR, retentionBytes: 1, cleanupPolicy: ['compact'] };
    expect(make(() => [log]).cleanupLogs()).to.equal(0);
    const target = log.logSegments[2].baseOffset + 1;
    expect(log.maybeIncrementLogStartOffset(target, 'test')).to.equal(true);
    expect(make(() => [log]).cleanupLogs()).to.equal(2);
    expect(log.logStartOffset).to.equal(target); // mid-segment start offset is kept
  });

  it('maybeIncrementLogStartOffset only moves forward and not past the log end; the epoch cache follows', () => {
    log.appendAsLeader(batch(2, T0), 0);
    log.appendAsLeader(batch(2, T0), 3);
    expect(log.maybeIncrementLogStartOffset(1, 'test')).to.equal(true);
    expect(log.maybeIncrementLogStartOffset(0, 'test')).to.equal(false);
    expect(log.logStartOffset).to.equal(1);
    expect(log.maybeIncrementLogStartOffset(3, 'test')).to.equal(true);
    expect(log.leaderEpochCache.latestEpoch).to.equal(3);
    expect(log.maybeIncrementLogStartOffset(100, 'test')).to.equal(true);
    expect(log.logStartOffset).to.equal(4);
  });

  it('a reopened log drops leftover .deleted files', () => {
    fill(3);
    now = T0 + 100 * HOUR;
    retention.retentionMs = HOUR;
    make(() => [log]).cleanupLogs();
    expect(fs.readdirSync(log.dir).some((f) => f.endsWith('.deleted'))).to.equal(true);
    log.close();
    log = Log.open(path.join(root, 't-0'), 't', 0, smallConfig(), { time: () => now, hadCleanShutdown: true });
    expect(fs.readdirSync(log.dir).some((f) => f.endsWith('.deleted'))).to.equal(false);
  });
});
