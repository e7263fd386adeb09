import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Log } from '../../../src/log/Log';
import { LogConfig, defaultLogConfig } from '../../../src/log/LogConfig';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { BatchInfo, validateBatches } from '../../../src/protocol/records/RecordBatch';

const T0 = 1700000000000;

/** A batch of `n` records of `valueSize` bytes (values tagged with `tag` so rewritten batches differ). */
function batch(n: number, valueSize = 40, tag = 0): Buffer {
  const records = [];
  for (let i = 0; i < n; i++) records.push({ key: null, value: Buffer.alloc(valueSize, tag + i), timestamp: T0 + i });
  return buildRecordBatch({ records, compression: 0 });
}

function smallConfig(over: Partial<LogConfig> = {}): LogConfig {
  return { ...defaultLogConfig(), segmentBytes: 1500, indexIntervalBytes: 300, maxIndexSize: 4096, ...over };
}

function batchesOf(bufs: Buffer[]): BatchInfo[] {
  return bufs.length === 0 ? [] : validateBatches(Buffer.concat(bufs), { client: false });
}

/** An alloc hook counting the bytes the read takes from the file. */
function counting(): { alloc: (n: number) => Buffer; bytes: number; calls: number } {
  const c = {
    bytes: 0,
    calls: 0,
    alloc: (n: number): Buffer => {
      c.bytes += n;
      c.calls++;
      return Buffer.allocUnsafe(n);
    },
  };
  return c;
}

describe('log: fetch reads bounded by the high watermark (one read, exact bytes)', () => {
  let root: string;
  let log: Log;
  /** [baseOffset, lastOffset, size] of every batch appended, in order. */
  let appended: Array<[number, number, number]>;

  const append = (records: number, valueSize = 40, tag = 0): void => {
    const b = batch(records, valueSize, tag);
    const info = log.appendAsLeader(b, 5);
    appended.push([info.firstOffset, info.lastOffset, b.length]);
  };
  /** The batches a read from `start` bounded by `hw` and `maxBytes` must return (whole batches, KIP-74 aside). */
  const expected = (start: number, hw: number, maxBytes: number): Array<[number, number, number]> => {
    const out: Array<[number, number, number]> = [];
    let bytes = 0;
    for (const b of appended) {
      if (b[1] < start) continue;
      if (b[1] >= hw || bytes + b[2] > maxBytes) break;
      out.push(b);
      bytes += b[2];
    }
    return out;
  };
  const baseOffsets = (bufs: Buffer[]): number[] => batchesOf(bufs).map((b) => b.baseOffset);

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-fetchread-'));
    log = Log.open(path.join(root, 'orders-0'), 'orders', 0, smallConfig());
    appended = [];
    for (let i = 0; i < 30; i++) append(1 + (i % 4), 20 + ((i * 7) % 50)); // varied sizes, several segments
  });
  afterEach(() => {
    log.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('never returns a batch at or above the high watermark, from any start, for any high watermark', () => {
    expect(log.logSegments.length).to.be.greaterThan(2);
    const leo = log.logEndOffset;
    for (let hw = 0; hw <= leo; hw++) {
      for (let start = 0; start < Math.min(hw, leo); start++) {
        const got = log.read(start, 1 << 20, hw, false);
        // A read stops at a segment end only when it ran out of budget; with 1 MiB it takes everything below the HW.
        const want = expected(start, hw, 1 << 20);
        expect(baseOffsets(got.records), `start ${start} hw ${hw}`).to.deep.equal(want.map((b) => b[0]));
        expect(got.sizeInBytes).to.equal(want.reduce((n, b) => n + b[2], 0));
      }
    }
  });

  it('a consumer continuing where its last read ended gets the batches below the high watermark, the HW trailing the log end', () => {
    // The HW trails the log end by a few batches, as with followers catching up; the consumer follows it.
    let next = 0;
    let hwIdx = 3;
    let read = 0;
    for (let round = 0; round < 40; round++) {
      const hw = appended[Math.min(hwIdx, appended.length - 1)][1] + 1;
      // The follower's read that moved the HW here ended at hw: reads learn that boundary.
      log.read(appended[Math.max(0, hwIdx - 1)][0], 1 << 20, log.logEndOffset, false);
      const c = counting();
      const maxBytes = 150 + (round % 3) * 100;
      const got = log.read(next, maxBytes, hw, true, c.alloc);
      const want = expected(next, hw, maxBytes);
      if (want.length === 0 && next < hw) {
        // KIP-74: the first batch is returned whole even when larger than maxBytes.
        expect(baseOffsets(got.records)).to.deep.equal([appended.find((b) => b[1] >= next)![0]]);
      } else {
        expect(baseOffsets(got.records), `round ${round}`).to.deep.equal(want.map((b) => b[0]));
      }
      for (const b of batchesOf(got.records)) expect(b.lastOffset).to.be.lessThan(hw);
      read += got.sizeInBytes;
      if (got.sizeInBytes > 0) next = batchesOf(got.records).pop()!.lastOffset + 1;
      if (round % 2 === 0) append(2, 30);
      hwIdx++;
    }
    expect(read).to.be.greaterThan(0);
    expect(next).to.be.greaterThan(appended[10][0]);
  });

  it('reads from a batch boundary learned earlier take one read of exactly the returned bytes when the HW bounds them', () => {
    const leo = log.logEndOffset;
    const first = log.read(0, 300, leo, false); // learns where this read ended
    expect(first.sizeInBytes).to.be.greaterThan(0);
    const next = batchesOf(first.records).pop()!.lastOffset + 1;
    const after = appended.filter((b) => b[0] >= next);
    const hw = after[2][1] + 1; // three batches on
    log.read(next, 1 << 20, hw, false); // a follower's read ending at the HW
    const c = counting();
    const got = log.read(next, 1 << 20, hw, false, c.alloc);
    expect(baseOffsets(got.records)).to.deep.equal(after.slice(0, 3).map((b) => b[0]));
    expect(c.calls).to.equal(1);
    expect(c.bytes).to.equal(got.sizeInBytes);
    // Bounded by maxBytes instead: exactly maxBytes are read, the whole batches within them returned.
    const c2 = counting();
    const maxBytes = after[0][2] + Math.floor(after[1][2] / 2);
    const part = log.read(next, maxBytes, leo, false, c2.alloc);
    expect(baseOffsets(part.records)).to.deep.equal([after[0][0]]);
    expect(c2.calls).to.equal(1);
    expect(c2.bytes).to.equal(maxBytes);
  });

  it('a fetch with no bytes left (max_bytes used up) reads nothing', () => {
    const c = counting();
    const got = log.read(5, 0, log.logEndOffset, false, c.alloc);
    expect(got.sizeInBytes).to.equal(0);
    expect(c.calls).to.equal(0);
    // minOneMessage still returns the first batch whole (KIP-74).
    expect(log.read(5, 0, log.logEndOffset, true).sizeInBytes).to.be.greaterThan(0);
  });

  it('after a truncation the remembered batch boundaries are forgotten: reads return the new batches', () => {
    const leo = log.logEndOffset;
    // Learn boundaries all along the log, then truncate into the active segment and append other batches.
    for (let o = 0; o < leo; o += 3) log.read(o, 200, leo, true);
    const cut = appended[appended.length - 4][0];
    log.truncateTo(cut);
    appended = appended.filter((b) => b[0] < cut);
    for (let i = 0; i < 6; i++) append(3, 11 + i * 13, 100 + i);
    const newLeo = log.logEndOffset;
    for (let start = Math.max(0, cut - 4); start < newLeo; start++) {
      const got = log.read(start, 1 << 20, newLeo, false);
      expect(baseOffsets(got.records), `start ${start}`).to.deep.equal(expected(start, newLeo, 1 << 20).map((b) => b[0]));
      const bytes = Buffer.concat(got.records);
      expect(bytes.length).to.equal(got.sizeInBytes);
    }
    // The rewritten batches carry the new values.
    const last = batchesOf(log.read(cut, 1 << 20, newLeo, false).records);
    expect(last[0].baseOffset).to.equal(cut);
    expect(last.length).to.equal(6);
  });

  it('positionDiff: the bytes from a known fetch position to the log end in its segment, null across segments or unknown', () => {
    const leo = log.logEndOffset;
    const active = log.activeSegment;
    expect(log.positionDiff(active.baseOffset + 1, leo)).to.equal(null); // no read met that position yet
    const got = log.read(active.baseOffset, 1, leo, true); // one batch: learns where the next begins
    const next = batchesOf(got.records).pop()!.lastOffset + 1;
    const rest = appended.filter((b) => b[0] >= next).reduce((n, b) => n + b[2], 0);
    expect(log.positionDiff(next, leo)).to.equal(rest);
    const older = log.logSegments[0];
    const first = log.read(older.baseOffset, 1, leo, true);
    expect(log.positionDiff(batchesOf(first.records).pop()!.lastOffset + 1, leo)).to.equal(null); // another segment
  });

  it('reads across segment boundaries return whole batches of every segment in order, within maxBytes', () => {
    const leo = log.logEndOffset;
    const all = baseOffsets(log.read(0, 1 << 20, leo, false).records);
    expect(all).to.deep.equal(appended.map((b) => b[0]));
    for (const seg of log.logSegments.slice(1)) {
      const start = seg.baseOffset - 1; // the last offset of the segment before
      for (const maxBytes of [1, 60, 200, 400, 1 << 20]) {
        const got = log.read(start, maxBytes, leo, true);
        const want = expected(start, leo, maxBytes);
        const wantOffsets = want.length > 0 ? want.map((b) => b[0]) : [appended.find((b) => b[1] >= start)![0]];
        expect(baseOffsets(got.records), `start ${start} max ${maxBytes}`).to.deep.equal(wantOffsets);
      }
    }
  });
});
