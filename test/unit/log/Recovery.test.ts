import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Log } from '../../../src/log/Log';
import { LogConfig, defaultLogConfig } from '../../../src/log/LogConfig';
import { LogSegment } from '../../../src/log/LogSegment';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { CRC, validateBatches } from '../../../src/protocol/records/RecordBatch';

const T0 = 1700000000000;
const BATCHES = 40; // 3 records each

function batch(n: number, ts: number): Buffer {
  const records = [];
  for (let i = 0; i < n; i++) records.push({ key: Buffer.from(`k${i}`), value: Buffer.alloc(40, i), timestamp: ts + i });
  return buildRecordBatch({ records });
}

const config: LogConfig = { ...defaultLogConfig(), segmentBytes: 1500, indexIntervalBytes: 300, maxIndexSize: 4096 };

function fill(log: Log): number {
  let batchSize = 0;
  for (let i = 0; i < BATCHES; i++) {
    const b = batch(3, T0 + i * 10);
    batchSize = b.length;
    log.appendAsLeader(b, 1);
  }
  return batchSize;
}

/** Every offset reads back as the batch containing it. */
function checkLookups(log: Log): void {
  for (let o = log.logStartOffset; o < log.logEndOffset; o++) {
    const r = log.read(o, 1, log.logEndOffset, true);
    const infos = validateBatches(Buffer.concat(r.records), { client: false });
    expect(infos.length).to.equal(1);
    expect(infos[0].baseOffset, `offset ${o}`).to.equal(Math.floor(o / 3) * 3);
  }
}

function indexEntries(seg: LogSegment): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < seg.offsetIndex.entries; i++) {
    const e = seg.offsetIndex.entry(i);
    out.push([e.offset, e.position]);
  }
  return out;
}

describe('log: recovery', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-recovery-'));
    dir = path.join(root, 'events-2');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('truncates a torn tail (cut mid-batch + garbage) and rebuilds the indexes', () => {
    const log = Log.open(dir, 'events', 2, config);
    const batchSize = fill(log);
    const active = log.activeSegment;
    const activeBase = active.baseOffset;
    const expectedIndex = indexEntries(active);
    const file = active.logFile;
    const leo = log.logEndOffset;
    log.close();

    // cut the last batch in half, then append garbage
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - Math.floor(batchSize / 2));
    fs.appendFileSync(file, Buffer.from('this is not a record batch at all, just garbage bytes'));

    const reopened = Log.open(dir, 'events', 2, config);
    expect(reopened.logEndOffset).to.equal(leo - 3);
    expect(fs.statSync(file).size).to.equal(size - batchSize);
    expect(reopened.activeSegment.baseOffset).to.equal(activeBase);
    expect(indexEntries(reopened.activeSegment)).to.deep.equal(expectedIndex.filter(([o]) => o < leo - 3));
    checkLookups(reopened);
    expect(reopened.fetchOffsetByTimestamp(T0 + 10 * (BATCHES - 2) + 1)).to.deep.equal({ offset: leo - 5, timestamp: T0 + 10 * (BATCHES - 2) + 1 });
    expect(reopened.fetchOffsetByTimestamp(T0 + 10 * (BATCHES - 1))).to.equal(null);
    // appends continue at the recovered end
    expect(reopened.appendAsLeader(batch(1, T0 + 9999), 2).firstOffset).to.equal(leo - 3);
    reopened.close();
  });

  it('truncates at a batch with a bad CRC in the middle of the active segment', () => {
    const log = Log.open(dir, 'events', 2, config);
    const batchSize = fill(log);
    const active = log.activeSegment;
    const file = active.logFile;
    const nBatches = active.size / batchSize;
    const activeBase = active.baseOffset;
    log.close();
    expect(nBatches).to.be.greaterThan(2);
    const fd = fs.openSync(file, 'r+');
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, batchSize + CRC);
    b[0] ^= 0xff;
    fs.writeSync(fd, b, 0, 1, batchSize + CRC);
    fs.closeSync(fd);

    const reopened = Log.open(dir, 'events', 2, config);
    expect(reopened.logEndOffset).to.equal(activeBase + 3);
    expect(fs.statSync(file).size).to.equal(batchSize);
    checkLookups(reopened);
    reopened.close();
  });

  it('recovers after a crash that left the active indexes preallocated (no close)', () => {
    const crashed = Log.open(dir, 'events', 2, config);
    fill(crashed);
    const leo = crashed.logEndOffset;
    const active = crashed.activeSegment;
    expect(fs.statSync(active.offsetIndex.file).size).to.equal(4096); // still preallocated: not closed
    const reopened = Log.open(dir, 'events', 2, config);
    expect(reopened.logEndOffset).to.equal(leo);
    expect(reopened.activeSegment.offsetIndex.entries).to.equal(active.offsetIndex.entries);
    checkLookups(reopened);
    reopened.close();
  });

  it('rebuilds a deleted .index (and .timeindex) of a closed segment even after a clean shutdown', () => {
    const log = Log.open(dir, 'events', 2, config);
    fill(log);
    const seg = log.logSegments[1];
    const expected = indexEntries(seg);
    const expectedMax = seg.maxTimestampSoFar;
    log.close();
    expect(expected.length).to.be.greaterThan(0);
    fs.rmSync(seg.offsetIndex.file);
    fs.rmSync(seg.timeIndex.file);

    const reopened = Log.open(dir, 'events', 2, config, { hadCleanShutdown: true });
    const rebuilt = reopened.logSegments[1];
    expect(fs.existsSync(rebuilt.offsetIndex.file)).to.equal(true);
    expect(indexEntries(rebuilt)).to.deep.equal(expected);
    expect(rebuilt.maxTimestampSoFar).to.equal(expectedMax);
    checkLookups(reopened);
    expect(reopened.fetchOffsetByTimestamp(rebuilt.maxTimestampSoFar)).to.deep.equal({
      offset: rebuilt.offsetOfMaxTimestampSoFar,
      timestamp: expectedMax,
    });
    reopened.close();
  });

  it('removes orphaned index files and stale .deleted files on load', () => {
    const log = Log.open(dir, 'events', 2, config);
    log.appendAsLeader(batch(2, T0), 0);
    log.close();
    fs.writeFileSync(path.join(dir, '00000000000000000777.index'), Buffer.alloc(16));
    fs.writeFileSync(path.join(dir, '00000000000000000005.log.deleted'), 'x');
    const reopened = Log.open(dir, 'events', 2, config);
    expect(fs.readdirSync(dir).sort()).to.deep.equal([
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
      '00000000000000000002.snapshot', // the producer snapshot a clean close takes at the log end (UnifiedLog.close)
      'leader-epoch-checkpoint', // every partition folder has one, as in Kafka
    ]);
    expect(reopened.logEndOffset).to.equal(2);
    reopened.close();
  });
});
