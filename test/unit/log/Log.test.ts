import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Log } from '../../../src/log/Log';
import { LogConfig, defaultLogConfig } from '../../../src/log/LogConfig';
import { ErrorCode, KafkaError } from '../../../src/protocol/errors';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { CRC, BatchInfo, TIMESTAMP_TYPE_MASK, iterateRecords, readBatchInfo, validateBatches } from '../../../src/protocol/records/RecordBatch';

const T0 = 1700000000000;

/** A batch of `n` records with values of `valueSize` bytes and timestamps ts, ts+1, ... */
function batch(n: number, ts: number, valueSize = 40, compression = 0): Buffer {
  const records = [];
  for (let i = 0; i < n; i++) records.push({ key: null, value: Buffer.alloc(valueSize, i), timestamp: ts + i });
  return buildRecordBatch({ records, compression });
}

function smallConfig(over: Partial<LogConfig> = {}): LogConfig {
  return { ...defaultLogConfig(), segmentBytes: 1500, indexIntervalBytes: 300, maxIndexSize: 4096, ...over };
}

function batchesOf(bufs: Buffer[]): BatchInfo[] {
  return bufs.length === 0 ? [] : validateBatches(Buffer.concat(bufs), { client: false });
}

function expectKafkaError(fn: () => unknown, code: number): void {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(KafkaError);
    expect((e as KafkaError).code, (e as Error).message).to.equal(code);
    return;
  }
  throw new Error(`expected KafkaError ${code}`);
}

describe('log: Log append and read', () => {
  let root: string;
  let log: Log;
  const BATCHES = 40; // 3 records each, offsets 0..119

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-log-'));
    log = Log.open(path.join(root, 'orders-0'), 'orders', 0, smallConfig());
    for (let i = 0; i < BATCHES; i++) {
      const info = log.appendAsLeader(batch(3, T0 + i * 10), 5);
      expect(info.firstOffset).to.equal(i * 3);
      expect(info.lastOffset).to.equal(i * 3 + 2);
      expect(info.numRecords).to.equal(3);
      expect(info.maxTimestamp).to.equal(T0 + i * 10 + 2);
      expect(info.offsetOfMaxTimestamp).to.equal(i * 3 + 2);
    }
  });
  afterEach(() => {
    log.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('assigns offsets, stamps the leader epoch, keeps CRCs valid, rolls segments with Kafka file names', () => {
    expect(log.logEndOffset).to.equal(BATCHES * 3);
    expect(log.logStartOffset).to.equal(0);
    expect(log.logSegments.length).to.be.greaterThan(3);
    const all = log.read(0, 1 << 20, log.logEndOffset, false);
    const infos = batchesOf(all.records); // validates CRCs after patching
    expect(infos.length).to.equal(BATCHES);
    infos.forEach((b, i) => {
      expect(b.baseOffset).to.equal(i * 3);
      expect(b.partitionLeaderEpoch).to.equal(5);
    });
    expect(all.sizeInBytes).to.equal(log.size);
    const files = fs.readdirSync(log.dir).sort();
    for (const s of log.logSegments) {
      const prefix = String(s.baseOffset).padStart(20, '0');
      expect(files).to.include.members([`${prefix}.log`, `${prefix}.index`, `${prefix}.timeindex`]);
      expect(s.size).to.be.at.most(1500);
    }
    expect(files[0]).to.equal('00000000000000000000.index');
  });

  it('indexes are sparse, trimmed when rolled and preallocated while active', () => {
    const segs = log.logSegments;
    for (const s of segs.slice(0, -1)) {
      const idx = fs.statSync(s.offsetIndex.file).size;
      expect(idx % 8).to.equal(0);
      expect(idx / 8).to.equal(s.offsetIndex.entries);
      const batchSize = segs[0].size / (segs[1].baseOffset / 3); // all batches have the same size here
      const batchesInSeg = s.size / batchSize;
      expect(s.offsetIndex.entries).to.be.greaterThan(0);
      expect(s.offsetIndex.entries).to.be.lessThan(batchesInSeg);
      expect(fs.statSync(s.timeIndex.file).size % 12).to.equal(0);
      // the last time index entry holds the segment's max timestamp
      expect(s.timeIndex.lastEntry.timestamp).to.equal(s.maxTimestampSoFar);
    }
    const active = segs[segs.length - 1];
    expect(fs.statSync(active.offsetIndex.file).size).to.equal(4096);
    expect(fs.statSync(active.timeIndex.file).size).to.equal(4092);
  });

  it('read returns the batch that contains the offset, never a partial first batch', () => {
    for (let o = 0; o < log.logEndOffset; o++) {
      const r = log.read(o, 1, log.logEndOffset, true);
      const infos = batchesOf(r.records);
      expect(infos.length, `offset ${o}`).to.equal(1);
      expect(infos[0].baseOffset).to.equal(Math.floor(o / 3) * 3);
    }
  });

  it('respects maxBytes, minOneMessage and maxOffsetExclusive; spans segments', () => {
    const one = log.read(0, 1 << 20, 3, false);
    const size = one.sizeInBytes;
    expect(batchesOf(one.records).length).to.equal(1);
    expect(batchesOf(log.read(0, size * 2 + size / 2, log.logEndOffset, false).records).length).to.equal(2);
    expect(log.read(0, size - 1, log.logEndOffset, false).sizeInBytes).to.equal(0);
    expect(log.read(0, size - 1, log.logEndOffset, true).sizeInBytes).to.equal(size);
    // HW at 7: batches [0..2] [3..5]; batch [6..8] crosses it
    expect(batchesOf(log.read(0, 1 << 20, 7, false).records).map((b) => b.baseOffset)).to.deep.equal([0, 3]);
    expect(log.read(6, 1 << 20, 7, true).sizeInBytes).to.equal(0);
    expect(log.read(7, 1 << 20, 7, true).sizeInBytes).to.equal(0);
    // a read starting in one segment continues into the next ones
    const second = log.logSegments[1].baseOffset;
    const spanning = log.read(second - 3, size * 5, log.logEndOffset, false);
    expect(batchesOf(spanning.records).map((b) => b.baseOffset)).to.deep.equal([0, 1, 2, 3, 4].map((i) => second - 3 + i * 3));
    expect(spanning.records.length).to.equal(2);
  });

  it('out of range offsets throw OFFSET_OUT_OF_RANGE; LEO gives empty records', () => {
    expectKafkaError(() => log.read(-1, 100, log.logEndOffset, true), ErrorCode.OFFSET_OUT_OF_RANGE);
    expectKafkaError(() => log.read(log.logEndOffset + 1, 100, log.logEndOffset, true), ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(log.read(log.logEndOffset, 100, log.logEndOffset, true)).to.deep.equal({ records: [], sizeInBytes: 0 });
  });

  it('fetchOffsetByTimestamp finds the first record at or after a timestamp, inside batches', () => {
    // batch i holds offsets 3i..3i+2 with timestamps T0+10i .. T0+10i+2
    expect(log.fetchOffsetByTimestamp(T0 + 10 * 17 + 1)).to.deep.equal({ offset: 52, timestamp: T0 + 171 });
    expect(log.fetchOffsetByTimestamp(T0 + 10 * 17 + 5)).to.deep.equal({ offset: 54, timestamp: T0 + 180 });
    expect(log.fetchOffsetByTimestamp(0)).to.deep.equal({ offset: 0, timestamp: T0 });
    expect(log.fetchOffsetByTimestamp(T0 + 10 * BATCHES)).to.equal(null);
    expect(log.fetchOffsetByTimestamp(-2)).to.deep.equal({ offset: 0, timestamp: -1 });
    expect(log.fetchOffsetByTimestamp(-1)).to.deep.equal({ offset: BATCHES * 3, timestamp: -1 });
    expect(log.fetchOffsetByTimestamp(-3)).to.deep.equal({ offset: BATCHES * 3 - 1, timestamp: T0 + 10 * (BATCHES - 1) + 2 });
    for (let i = 0; i < BATCHES; i++) {
      expect(log.fetchOffsetByTimestamp(T0 + 10 * i)!.offset).to.equal(3 * i);
    }
  });

  it('a bad batch in an append writes nothing', () => {
    const before = { leo: log.logEndOffset, size: log.size };
    const bad = batch(2, T0);
    bad[CRC] ^= 1;
    expectKafkaError(() => log.appendAsLeader(Buffer.concat([batch(2, T0), bad]), 5), ErrorCode.CORRUPT_MESSAGE);
    expect({ leo: log.logEndOffset, size: log.size }).to.deep.equal(before);
  });

  it('truncateTo drops later segments and batches; appends continue from there', () => {
    const segCount = log.logSegments.length;
    log.truncateTo(30);
    expect(log.logEndOffset).to.equal(30);
    expect(log.logSegments.length).to.be.lessThan(segCount);
    const infos = batchesOf(log.read(0, 1 << 20, 30, false).records);
    expect(infos[infos.length - 1].lastOffset).to.equal(29);
    expect(log.appendAsLeader(batch(2, T0 + 5000), 6).firstOffset).to.equal(30);
    expect(batchesOf(log.read(30, 1000, log.logEndOffset, false).records)[0].partitionLeaderEpoch).to.equal(6);
    expect(log.fetchOffsetByTimestamp(T0 + 4000)).to.deep.equal({ offset: 30, timestamp: T0 + 5000 });
  });
});

describe('log: Log append rules', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-log-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('several batches in one append get contiguous offsets; gzip batches are stored as produced', () => {
    const log = Log.open(path.join(root, 't-0'), 't', 0, defaultLogConfig());
    const gz = batch(4, T0, 100, 1);
    const info = log.appendAsLeader(Buffer.concat([batch(2, T0), gz, batch(1, T0)]), 0);
    expect(info.batches.map((b) => [b.baseOffset, b.lastOffset])).to.deep.equal([
      [0, 1],
      [2, 5],
      [6, 6],
    ]);
    const read = Buffer.concat(log.read(2, 1, 7, true).records);
    expect(read.length).to.equal(gz.length);
    expect([...iterateRecords(read)].map((r) => r.offset)).to.deep.equal([2, 3, 4, 5]);
    expect(log.fetchOffsetByTimestamp(T0 + 3)).to.deep.equal({ offset: 5, timestamp: T0 + 3 });
    log.close();
  });

  it('rejects batches over message.max.bytes and record sets over segment.bytes', () => {
    const log = Log.open(path.join(root, 't-0'), 't', 0, smallConfig({ maxMessageBytes: 500 }));
    expectKafkaError(() => log.appendAsLeader(batch(1, T0, 600), 0), ErrorCode.MESSAGE_TOO_LARGE);
    const many = Buffer.concat(Array.from({ length: 12 }, () => batch(3, T0)));
    expectKafkaError(() => log.appendAsLeader(many, 0), ErrorCode.RECORD_LIST_TOO_LARGE);
    expect(log.logEndOffset).to.equal(0);
    log.close();
  });

  it('rolls on segment.ms by record timestamps (first batch of the segment)', () => {
    let now = T0;
    const log = Log.open(path.join(root, 't-0'), 't', 0, smallConfig({ segmentBytes: 1 << 20, segmentMs: 1000 }), { time: () => now });
    log.appendAsLeader(batch(1, T0), 0);
    log.appendAsLeader(batch(1, T0 + 900), 0);
    expect(log.logSegments.length).to.equal(1);
    now = T0 + 5000;
    log.appendAsLeader(batch(1, T0 + 1500), 0);
    expect(log.logSegments.map((s) => s.baseOffset)).to.deep.equal([0, 2]);
    log.close();
  });

  it('appendAsFollower keeps offsets and refuses offsets below the LEO', () => {
    const log = Log.open(path.join(root, 't-0'), 't', 0, defaultLogConfig());
    const b = buildRecordBatch({ baseOffset: 10, records: [{ key: null, value: Buffer.from('x'), timestamp: T0 }], partitionLeaderEpoch: 3 });
    const info = log.appendAsFollower(Buffer.from(b));
    expect(info.firstOffset).to.equal(10);
    expect(log.logEndOffset).to.equal(11);
    expect(Buffer.concat(log.read(10, 1000, 11, false).records).equals(b)).to.equal(true);
    expectKafkaError(() => log.appendAsFollower(Buffer.from(b)), ErrorCode.UNKNOWN_SERVER_ERROR);
    log.close();
  });

  it('reading at 1 MiB windows over a default-config log returns only whole batches', () => {
    const log = Log.open(path.join(root, 't-0'), 't', 0, defaultLogConfig());
    for (let i = 0; i < 300; i++) log.appendAsLeader(batch(50, T0 + i, 100), 0);
    let offset = 0;
    let count = 0;
    while (offset < log.logEndOffset) {
      const r = log.read(offset, 100000, log.logEndOffset, true);
      const infos = batchesOf(r.records);
      expect(infos[0].baseOffset).to.equal(offset);
      expect(r.sizeInBytes).to.be.at.most(100000);
      offset = infos[infos.length - 1].lastOffset + 1;
      count += infos.length;
    }
    expect(count).to.equal(300);
    log.close();
  });

  describe('message.timestamp.type=LogAppendTime (LogValidator)', () => {
    const NOW = T0 + 987654;

    it('stamps every appended batch with the broker time: type bit, max timestamp, valid CRC, per batch', () => {
      const log = Log.open(path.join(root, 'lat-0'), 'lat', 0, { ...defaultLogConfig(), timestampType: 'LogAppendTime' }, { time: () => NOW });
      const produced = Buffer.concat([batch(3, T0), batch(2, T0 + 100, 40, 1)]);
      const baseTimestamps = validateBatches(produced).map((b) => b.baseTimestamp);
      const info = log.appendAsLeader(produced, 4);
      expect(info.logAppendTime).to.equal(NOW);
      expect(info.maxTimestamp).to.equal(NOW);
      const stored = Buffer.concat(log.read(0, 1 << 20, log.logEndOffset, false).records);
      const infos = validateBatches(stored, { client: false }); // CRCs verified
      expect(infos.map((b) => [b.baseOffset, b.maxTimestamp, b.attributes & TIMESTAMP_TYPE_MASK, b.compression])).to.deep.equal([
        [0, NOW, TIMESTAMP_TYPE_MASK, 0],
        [3, NOW, TIMESTAMP_TYPE_MASK, 1],
      ]);
      expect(infos.map((b) => b.baseTimestamp)).to.deep.equal(baseTimestamps); // records untouched
      for (const b of infos) {
        for (const r of iterateRecords(stored.subarray(b.position, b.position + b.size))) expect(r.timestamp).to.equal(NOW);
      }
      // The time index and ListOffsets speak of the append time.
      expect(log.fetchOffsetByTimestamp(T0 + 50)).to.deep.equal({ offset: 0, timestamp: NOW });
      expect(log.fetchOffsetByTimestamp(NOW + 1)).to.equal(null);
      log.close();
    });

    it('CreateTime keeps the producer timestamps and answers logAppendTime -1; a config change applies to the next batch', () => {
      const log = Log.open(path.join(root, 'ct-0'), 'ct', 0, defaultLogConfig(), { time: () => NOW });
      const produced = batch(2, T0);
      const crc = produced.readUInt32BE(CRC);
      const info = log.appendAsLeader(produced, 0);
      expect(info.logAppendTime).to.equal(-1);
      expect(info.maxTimestamp).to.equal(T0 + 1);
      expect(produced.readUInt32BE(CRC)).to.equal(crc);
      log.config = { ...log.config, timestampType: 'LogAppendTime' };
      expect(log.appendAsLeader(batch(1, T0), 0).logAppendTime).to.equal(NOW);
      const stored = Buffer.concat(log.read(0, 1 << 20, log.logEndOffset, false).records);
      expect(validateBatches(stored, { client: false }).map((b) => b.maxTimestamp)).to.deep.equal([T0 + 1, NOW]);
      log.close();
    });

    it('a follower appends the stamped bytes as they are, whatever its own config', () => {
      const leader = Log.open(path.join(root, 'l-0'), 'l', 0, { ...defaultLogConfig(), timestampType: 'LogAppendTime' }, { time: () => NOW });
      leader.appendAsLeader(batch(3, T0), 2);
      const bytes = Buffer.concat(leader.read(0, 1 << 20, leader.logEndOffset, false).records);
      const follower = Log.open(path.join(root, 'f-0'), 'f', 0, defaultLogConfig(), { time: () => NOW + 5000 });
      follower.appendAsFollower(Buffer.from(bytes));
      expect(Buffer.concat(follower.read(0, 1 << 20, follower.logEndOffset, false).records).equals(bytes)).to.equal(true);
      expect(readBatchInfo(bytes, 0).maxTimestamp).to.equal(NOW);
      leader.close();
      follower.close();
    });

    it('a retried idempotent batch answers the original append time (-1 on a CreateTime topic)', () => {
      let now = NOW;
      const log = Log.open(path.join(root, 'i-0'), 'i', 0, { ...defaultLogConfig(), timestampType: 'LogAppendTime' }, { time: () => now });
      const idem = () =>
        buildRecordBatch({ records: [{ key: null, value: Buffer.from('v'), timestamp: T0 }], producerId: 9, producerEpoch: 0, baseSequence: 0 });
      expect(log.appendAsLeader(idem(), 0).logAppendTime).to.equal(NOW);
      now += 1000;
      const dup = log.appendAsLeader(idem(), 0);
      expect(dup.duplicate).to.equal(true);
      expect(dup.logAppendTime).to.equal(NOW);
      expect(log.logEndOffset).to.equal(1);
      // On a CreateTime topic a duplicate answers -1 like the original append, not the producer's timestamp.
      log.config = { ...log.config, timestampType: 'CreateTime' };
      const again = log.appendAsLeader(idem(), 0);
      expect([again.duplicate, again.logAppendTime]).to.deep.equal([true, -1]);
      log.close();
    });
  });
});
