import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CleanerLogConfig, cleanLog, cleanableSection } from '../../../src/log/Cleaner';
import { buildEndTxnMarkerBatch } from '../../../src/log/EndTransactionMarker';
import { Log } from '../../../src/log/Log';
import { LogConfig, defaultLogConfig } from '../../../src/log/LogConfig';
import { ControlRecordType } from '../../../src/protocol/messages/ControlRecords';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { BatchInfo, DELETE_HORIZON_FLAG_MASK, Record, iterateRecords, validateBatches } from '../../../src/protocol/records/RecordBatch';

const T0 = 1700000000000;
const DAY = 86400000;

function logConfig(): LogConfig {
  return { ...defaultLogConfig(), segmentBytes: 1 << 20, indexIntervalBytes: 512, maxIndexSize: 4096 };
}

function cleanerConfig(): CleanerLogConfig {
  return {
    compact: true,
    deleteRetentionMs: DAY,
    minCleanableRatio: 0,
    minCompactionLagMs: 0,
    maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
    segmentBytes: 1 << 20,
  };
}

interface Batch {
  info: BatchInfo;
  records: Record[];
}

/** Every batch of the log with its records, in offset order. */
function batches(log: Log): Batch[] {
  const data = log.read(log.logStartOffset, 1 << 30, log.logEndOffset, true);
  const buf = Buffer.concat(data.records);
  return (buf.length ? validateBatches(buf, { client: false }) : []).map((b) => ({
    info: b,
    records: [...iterateRecords(buf.subarray(b.position, b.position + b.size))],
  }));
}

/** key=value of the data records, in offset order. */
function dataRecords(log: Log): string[] {
  return batches(log)
    .filter((b) => !b.info.isControl)
    .flatMap((b) => b.records.map((r) => `${r.key?.toString()}=${r.value?.toString() ?? 'null'}@${r.offset}`));
}

function markers(log: Log): Array<{ offset: number; producerId: number; type: string; horizon: boolean }> {
  return batches(log)
    .filter((b) => b.info.isControl)
    .map((b) => ({
      offset: b.info.baseOffset,
      producerId: b.info.producerId,
      type: b.records.length === 0 ? 'empty' : b.records[0].key!.readInt16BE(2) === ControlRecordType.COMMIT ? 'COMMIT' : 'ABORT',
      horizon: (b.info.attributes & DELETE_HORIZON_FLAG_MASK) !== 0,
    }));
}

describe('log: cleaner and transactions (LogCleaner with CleanedTransactionMetadata)', () => {
  let root: string;
  let log: Log;
  let now: number;
  const seq = new Map<number, number>();

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cleaner-txn-'));
    now = T0;
    seq.clear();
    log = Log.open(path.join(root, 'compacted-0'), 'compacted', 0, logConfig(), { time: () => now });
  });
  afterEach(() => {
    log.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function txnData(producerId: number, kvs: Array<[string, string | null]>): number {
    const s = seq.get(producerId) ?? 0;
    seq.set(producerId, s + kvs.length);
    const info = log.appendAsLeader(
      buildRecordBatch({
        records: kvs.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v), timestamp: now })),
        producerId,
        producerEpoch: 0,
        baseSequence: s,
        isTransactional: true,
      }),
      0,
    );
    return info.firstOffset;
  }
  function plain(k: string, v: string): void {
    log.appendAsLeader(buildRecordBatch({ records: [{ key: Buffer.from(k), value: Buffer.from(v), timestamp: now }] }), 0);
  }
  function marker(producerId: number, commit: boolean): void {
    log.appendAsLeader(
      buildEndTxnMarkerBatch(producerId, 0, { type: commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch: 0 }, now),
      0,
      'coordinator',
    );
  }
  /** The broker's view: everything replicated (HW = LEO), the active segment rolled so the rest is cleanable. */
  async function clean(): Promise<{ firstUncleanable: number; endOffset: number }> {
    log.updateHighWatermark(log.logEndOffset);
    if (log.activeSegment.size > 0) log.roll();
    log.updateHighWatermark(log.logEndOffset);
    const section = cleanableSection(log, undefined, cleanerConfig(), now, log.logEndOffset);
    const stats = await cleanLog(section, { now, deleteRetentionMs: DAY, segmentBytes: 1 << 20, offsetMapSlots: 10000, yieldFn: async () => undefined });
    expect(stats.completed).to.equal(true);
    return { firstUncleanable: section.firstUncleanableOffset, endOffset: stats.endOffset };
  }

  it('drops aborted records (which never hide committed ones), keeps markers whose transactions have data, and indexes the kept aborts', async () => {
    txnData(1, [
      ['k1', 'v1'],
      ['k2', 'v2'],
    ]); // 0-1
    marker(1, true); // 2
    txnData(2, [
      ['k1', 'aborted'],
      ['k3', 'a3'],
    ]); // 3-4
    marker(2, false); // 5
    plain('k2', 'v2b'); // 6
    await clean();
    // k1's aborted value did not enter the offset map: the committed v1 stays; k3 existed only in the aborted transaction.
    expect(dataRecords(log)).to.deep.equal(['k1=v1@0', 'k2=v2b@6']);
    expect(markers(log)).to.deep.equal([
      { offset: 2, producerId: 1, type: 'COMMIT', horizon: false },
      { offset: 5, producerId: 2, type: 'ABORT', horizon: false },
    ]);
    // Producer 2's last batch is kept as an empty header (RETAIN_EMPTY): its sequence and epoch survive.
    const emptied = batches(log).find((b) => b.info.producerId === 2 && !b.info.isControl)!;
    expect(emptied.info.baseOffset).to.equal(3);
    expect(emptied.info.lastOffset).to.equal(4);
    expect(emptied.info.recordCount).to.equal(0);
    expect(emptied.info.isTransactional).to.equal(true);
    expect(log.producerStateManager.lastEntry(2)?.producerEpoch).to.equal(0);
    // The cleaned segment's transaction index lists the abort whose marker it kept.
    expect(log.collectAbortedTransactions(0, log.logEndOffset).map((t) => [t.producerId, t.firstOffset, t.lastOffset])).to.deep.equal([[2, 3, 5]]);
    // The cleaned log (empty batch included) loads again as it was.
    const before = batches(log).map((b) => [b.info.baseOffset, b.info.lastOffset, b.records.length]);
    log.close();
    log = Log.open(path.join(root, 'compacted-0'), 'compacted', 0, logConfig(), { time: () => now });
    expect(batches(log).map((b) => [b.info.baseOffset, b.info.lastOffset, b.records.length])).to.deep.equal(before);
    expect(log.collectAbortedTransactions(0, log.logEndOffset).map((t) => t.producerId)).to.deep.equal([2]);
  });

  it('never cleans past an open transaction (the last stable offset bounds the dirty section)', async () => {
    plain('k', 'a'); // 0
    const open = txnData(7, [['k', 'open']]); // 1, no marker yet
    plain('k', 'b'); // 2
    plain('k', 'c'); // 3
    const r = await clean();
    expect(r.firstUncleanable).to.equal(open);
    expect(dataRecords(log)).to.deep.equal(['k=a@0', 'k=open@1', 'k=b@2', 'k=c@3']);
    marker(7, true);
    await clean();
    expect(dataRecords(log)).to.deep.equal(['k=c@3']);
  });

  it('removes markers in two steps once no data of their transaction remains: a delete horizon first, then the marker', async () => {
    txnData(1, [['k', 'committed']]); // 0
    marker(1, true); // 1
    txnData(2, [['a', 'aborted']]); // 2
    marker(2, false); // 3
    plain('k', 'newer'); // 4
    await clean();
    // Producers 1 and 2 are still active: their last data batches stay (empty), so the markers stay without a horizon.
    expect(markers(log).map((m) => [m.type, m.horizon])).to.deep.equal([
      ['COMMIT', false],
      ['ABORT', false],
    ]);
    // Once the producers expired, their empty batches go; the markers still saw them in this pass.
    expect(log.removeExpiredProducers(now + 1, 0)).to.be.greaterThan(0);
    await clean();
    expect(batches(log).filter((b) => !b.info.isControl && b.info.producerId >= 0)).to.deep.equal([]);
    expect(markers(log).map((m) => [m.type, m.horizon])).to.deep.equal([
      ['COMMIT', false],
      ['ABORT', false],
    ]);
    // Nothing of either transaction is left: the markers get their delete horizon; the abort leaves the index.
    await clean();
    expect(markers(log).map((m) => [m.type, m.horizon])).to.deep.equal([
      ['COMMIT', true],
      ['ABORT', true],
    ]);
    expect(log.collectAbortedTransactions(0, log.logEndOffset)).to.deep.equal([]);
    // Before the horizon they stay; after it they go.
    now += DAY - 1;
    await clean();
    expect(markers(log).length).to.equal(2);
    now += 2;
    await clean();
    expect(markers(log)).to.deep.equal([]);
    expect(dataRecords(log)).to.deep.equal(['k=newer@4']);
  });

  it("keeps an active producer's markers as empty batches when it has no data left, for epoch fencing", async () => {
    txnData(3, [['k', 'x']]); // 0
    marker(3, false); // 1
    plain('k', 'y'); // 2
    log.removeExpiredProducers(now + 1, 0);
    // The producer comes back with only a marker (an abort for a transaction with no data on this partition).
    marker(3, false); // 3
    expect(log.producerStateManager.activeProducers().map((p) => p.producerId)).to.deep.equal([3]);
    for (let i = 0; i < 3; i++) {
      await clean();
      now += DAY + 1;
    }
    // Kafka's isBatchLastRecordOfProducer: with no data offset, every control batch of the producer's current epoch is
    // its "last record": past their horizon the markers lose their record but their headers (epoch) stay.
    const left = batches(log).filter((b) => b.info.producerId === 3);
    expect(left.map((b) => [b.info.baseOffset, b.info.isControl, b.info.producerEpoch, b.records.length])).to.deep.equal([
      [1, true, 0, 0],
      [3, true, 0, 0],
    ]);
    expect(dataRecords(log)).to.deep.equal(['k=y@2']);
  });
});
