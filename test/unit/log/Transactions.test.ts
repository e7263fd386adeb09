import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Log } from '../../../src/log/Log';
import { LogConfig, defaultLogConfig } from '../../../src/log/LogConfig';
import { buildEndTxnMarkerBatch, readEndTxnMarker } from '../../../src/log/EndTransactionMarker';
import { readTransactionIndex } from '../../../src/log/TransactionIndex';
import { listSnapshotOffsets, producerSnapshotFile, readProducerSnapshot } from '../../../src/log/ProducerStateSnapshot';
import { ErrorCode, KafkaError } from '../../../src/protocol/errors';
import { ControlRecordType } from '../../../src/protocol/messages/ControlRecords';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';

const T0 = 1700000000000;

function txnBatch(pid: number, epoch: number, seq: number, n = 2, transactional = true): Buffer {
  const records = Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`p${pid}-${seq + i}`), timestamp: T0 + seq + i }));
  return buildRecordBatch({ records, producerId: pid, producerEpoch: epoch, baseSequence: seq, isTransactional: transactional });
}

function marker(pid: number, epoch: number, commit: boolean, coordinatorEpoch = 0): Buffer {
  return buildEndTxnMarkerBatch(pid, epoch, { type: commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch }, T0 + 1000);
}

function expectError(fn: () => unknown, code: number): void {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(KafkaError);
    expect((e as KafkaError).code, (e as Error).message).to.equal(code);
    return;
  }
  throw new Error(`expected error ${code}`);
}

describe('log: transactions (producer state, LSO, txn index, snapshots)', () => {
  let root: string;
  let dir: string;
  let log: Log;
  const config: LogConfig = { ...defaultLogConfig(), segmentBytes: 1024 * 1024 };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'txn-'));
    dir = path.join(root, 't-0');
    log = Log.open(dir, 't', 0, config);
  });
  afterEach(() => {
    log.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** The leader appends and its ISR caught up at once: the high watermark is the log end. */
  function append(records: Buffer, origin: 'client' | 'coordinator' = 'client'): number {
    const info = log.appendAsLeader(records, 0, origin);
    log.updateHighWatermark(log.logEndOffset);
    return info.firstOffset;
  }

  it('builds and reads an end transaction marker (MemoryRecords.withEndTransactionMarker)', () => {
    const b = marker(5, 3, false, 7);
    expect(readEndTxnMarker(b)).to.deep.equal({ type: ControlRecordType.ABORT, coordinatorEpoch: 7 });
    expect(b.readInt16BE(21) & 0x30).to.equal(0x30); // transactional + control attributes
  });

  it('an open transaction holds the LSO at its first offset until its marker is below the high watermark', () => {
    append(txnBatch(99, 0, 0, 3, false)); // 0-2: idempotent, not transactional
    expect(log.lastStableOffset).to.equal(3);
    const first = append(txnBatch(1, 0, 0)); // 3-4
    append(txnBatch(1, 0, 2)); // 5-6
    expect(log.highWatermark).to.equal(7);
    expect(log.lastStableOffset).to.equal(first);
    expect(log.producerStateManager.ongoingTransactions()).to.deep.equal([{ producerId: 1, firstOffset: 3 }]);
    const m = log.appendAsLeader(marker(1, 0, true), 0, 'coordinator').firstOffset; // 7, not replicated yet
    expect(log.lastStableOffset).to.equal(first);
    log.updateHighWatermark(m);
    expect(log.lastStableOffset, 'marker at the HW is not replicated').to.equal(first);
    log.updateHighWatermark(m + 1);
    expect(log.lastStableOffset).to.equal(m + 1);
    expect(log.collectAbortedTransactions(0, log.logEndOffset)).to.deep.equal([]); // a commit leaves no index entry
    const [p] = log.producerStateManager.activeProducers().filter((x) => x.producerId === 1);
    expect(p).to.include({ producerEpoch: 0, coordinatorEpoch: 0, currentTxnStartOffset: -1, lastSequence: 3 });
  });

  it('an abort goes to the segment .txnindex with the LSO after it, and read_committed reads collect it', () => {
    append(txnBatch(1, 0, 0)); // 0-1 producer 1
    append(txnBatch(2, 0, 0)); // 2-3 producer 2, still open when 1 aborts
    append(marker(1, 0, false, 4), 'coordinator'); // 4
    expect(log.lastStableOffset).to.equal(2);
    const expected = { producerId: 1, firstOffset: 0, lastOffset: 4, lastStableOffset: 2 };
    expect(log.collectAbortedTransactions(0, 5)).to.deep.equal([expected]);
    expect(log.collectAbortedTransactions(5, 10)).to.deep.equal([]); // ended before the range
    expect(log.collectAbortedTransactions(0, 0)).to.deep.equal([]); // starts at the bound
    expect(readTransactionIndex(path.join(dir, '00000000000000000000.txnindex'))).to.deep.equal([expected]);
    expect(fs.statSync(path.join(dir, '00000000000000000000.txnindex')).size).to.equal(34);
    const [p1] = log.producerStateManager.activeProducers().filter((x) => x.producerId === 1);
    expect(p1.coordinatorEpoch).to.equal(4);
    const [p2] = log.producerStateManager.activeProducers().filter((x) => x.producerId === 2);
    expect(p2.currentTxnStartOffset).to.equal(2);
  });

  it('no .txnindex file until the first abort (lazily created, as Kafka)', () => {
    append(txnBatch(1, 0, 0));
    append(marker(1, 0, true), 'coordinator');
    expect(fs.existsSync(path.join(dir, '00000000000000000000.txnindex'))).to.equal(false);
  });

  it('refuses a stale producer epoch, a stale coordinator epoch, a non-transactional write inside a transaction and client markers; nothing written', () => {
    append(txnBatch(1, 2, 0));
    append(marker(1, 2, false, 5), 'coordinator');
    append(txnBatch(1, 2, 2));
    const leo = log.logEndOffset;
    expectError(() => log.appendAsLeader(marker(1, 1, true, 5), 0, 'coordinator'), ErrorCode.INVALID_PRODUCER_EPOCH);
    expectError(() => log.appendAsLeader(marker(1, 2, true, 4), 0, 'coordinator'), ErrorCode.TRANSACTION_COORDINATOR_FENCED);
    expectError(() => log.appendAsLeader(txnBatch(1, 2, 4, 1, false), 0), ErrorCode.INVALID_TXN_STATE);
    expectError(() => log.appendAsLeader(marker(1, 2, true, 5), 0, 'client'), ErrorCode.INVALID_RECORD);
    expect(log.logEndOffset).to.equal(leo);
    // The right epochs complete it.
    append(marker(1, 2, true, 5), 'coordinator');
    expect(log.lastStableOffset).to.equal(log.logEndOffset);
  });

  it('a follower builds the same transaction state from the batches it replicates', () => {
    append(txnBatch(1, 0, 0));
    append(txnBatch(2, 0, 0));
    append(marker(1, 0, false), 'coordinator');
    const fdir = path.join(root, 'follower', 't-0');
    const follower = Log.open(fdir, 't', 0, config);
    try {
      const data = log.read(0, 1 << 20, log.logEndOffset, true);
      follower.appendAsFollower(Buffer.concat(data.records));
      follower.updateHighWatermark(follower.logEndOffset);
      expect(follower.producerStateManager.ongoingTransactions()).to.deep.equal([{ producerId: 2, firstOffset: 2 }]);
      expect(follower.lastStableOffset).to.equal(2);
      expect(follower.collectAbortedTransactions(0, 10)).to.deep.equal(log.collectAbortedTransactions(0, 10));
    } finally {
      follower.close();
    }
  });

  it('truncation drops txn index entries and snapshots above the new end, and rebuilds the open transactions', () => {
    append(txnBatch(1, 0, 0)); // 0-1
    append(marker(1, 0, false), 'coordinator'); // 2
    log.roll(); // snapshot at 3
    append(txnBatch(2, 0, 0)); // 3-4
    append(marker(2, 0, false), 'coordinator'); // 5
    append(txnBatch(3, 0, 0)); // 6-7
    expect(listSnapshotOffsets(dir)).to.deep.equal([3]);
    expect(log.collectAbortedTransactions(0, 10).map((t) => t.producerId)).to.deep.equal([1, 2]);
    log.truncateTo(5); // the second abort marker goes, producer 2's transaction is open again
    expect(log.collectAbortedTransactions(0, 10).map((t) => t.producerId)).to.deep.equal([1]);
    expect(readTransactionIndex(path.join(dir, '00000000000000000003.txnindex'))).to.deep.equal([]);
    expect(log.producerStateManager.ongoingTransactions()).to.deep.equal([{ producerId: 2, firstOffset: 3 }]);
    log.updateHighWatermark(5);
    expect(log.lastStableOffset).to.equal(3);
    log.truncateTo(2);
    expect(listSnapshotOffsets(dir)).to.deep.equal([]);
    expect(log.producerStateManager.ongoingTransactions()).to.deep.equal([{ producerId: 1, firstOffset: 0 }]);
  });

  it('snapshots: taken on roll and close in Kafka v1 format, loaded on open; a corrupt one is deleted and the log rescanned', () => {
    append(txnBatch(1, 0, 0)); // 0-1
    log.roll(); // snapshot at 2
    append(txnBatch(2, 1, 0)); // 2-3
    append(marker(2, 1, true, 3), 'coordinator'); // 4
    log.close(); // snapshot at 5
    expect(listSnapshotOffsets(dir)).to.deep.equal([2, 5]);
    const entries = readProducerSnapshot(producerSnapshotFile(dir, 5)).sort((a, b) => a.producerId - b.producerId);
    expect(entries).to.deep.equal([
      { producerId: 1, producerEpoch: 0, lastSequence: 1, lastOffset: 1, offsetDelta: 1, timestamp: T0 + 1, coordinatorEpoch: -1, currentTxnFirstOffset: 0 },
      { producerId: 2, producerEpoch: 1, lastSequence: 1, lastOffset: 3, offsetDelta: 1, timestamp: T0 + 1000, coordinatorEpoch: 3, currentTxnFirstOffset: -1 },
    ]);
    const first = readProducerSnapshot(producerSnapshotFile(dir, 2));
    expect(first.map((e) => e.producerId)).to.deep.equal([1]);

    log = Log.open(dir, 't', 0, config, { hadCleanShutdown: true });
    log.updateHighWatermark(5);
    expect(log.producerStateManager.ongoingTransactions()).to.deep.equal([{ producerId: 1, firstOffset: 0 }]);
    expect(log.lastStableOffset).to.equal(0);
    // The snapshot keeps the last batch: a retry of it is still a duplicate after the restart.
    expect(log.appendAsLeader(txnBatch(2, 1, 0), 0).duplicate).to.equal(true);
    log.close();

    // Corrupt the newest snapshot: it is deleted, the older one plus the log after it give the same state.
    const f = producerSnapshotFile(dir, 5);
    const bytes = fs.readFileSync(f);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(f, bytes);
    log = Log.open(dir, 't', 0, config, { hadCleanShutdown: true });
    log.updateHighWatermark(5);
    expect(log.producerStateManager.ongoingTransactions()).to.deep.equal([{ producerId: 1, firstOffset: 0 }]);
    expect(fs.existsSync(f)).to.equal(false);
    const [p2] = log.producerStateManager.activeProducers().filter((x) => x.producerId === 2);
    expect(p2).to.include({ coordinatorEpoch: 3, currentTxnStartOffset: -1 });
  });

  it('recovery of an unflushed segment rebuilds its .txnindex', () => {
    append(txnBatch(1, 0, 0));
    append(txnBatch(2, 0, 0));
    append(marker(2, 0, false), 'coordinator');
    append(marker(1, 0, false), 'coordinator');
    const before = log.collectAbortedTransactions(0, 10);
    expect(before.map((t) => [t.producerId, t.lastStableOffset])).to.deep.equal([
      [2, 0],
      [1, 6],
    ]);
    log.close();
    const idx = path.join(dir, '00000000000000000000.txnindex');
    fs.rmSync(idx);
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.snapshot')) fs.rmSync(path.join(dir, f));
    log = Log.open(dir, 't', 0, config, { hadCleanShutdown: false, recoveryPoint: 0 });
    expect(readTransactionIndex(idx), 'rebuilt at load, before any use').to.deep.equal(before);
    expect(log.collectAbortedTransactions(0, 10)).to.deep.equal(before);
  });

  it('load removes stray snapshots: kept are those at segment bases and the newest above them (removeStraySnapshots)', () => {
    append(txnBatch(1, 0, 0, 2, false));
    log.roll(); // 2
    append(txnBatch(1, 0, 2, 2, false));
    log.close(); // 4
    for (const o of [1, 3, 9]) fs.copyFileSync(producerSnapshotFile(dir, 4), producerSnapshotFile(dir, o));
    fs.writeFileSync(producerSnapshotFile(dir, 11) + '.tmp', 'half');
    log = Log.open(dir, 't', 0, config, { hadCleanShutdown: true });
    expect(listSnapshotOffsets(dir)).to.deep.equal([2, 9]);
    expect(fs.existsSync(producerSnapshotFile(dir, 11) + '.tmp')).to.equal(false);
  });

  it('retention takes the snapshots below the new log start with the segments', () => {
    append(txnBatch(1, 0, 0, 2, false));
    log.roll(); // 2
    append(txnBatch(1, 0, 2, 2, false));
    log.roll(); // 4
    expect(listSnapshotOffsets(dir)).to.deep.equal([2, 4]);
    log.removeOldestSegments(1, 'test');
    expect(listSnapshotOffsets(dir)).to.deep.equal([2, 4]);
    log.removeOldestSegments(1, 'test');
    expect(listSnapshotOffsets(dir)).to.deep.equal([4]);
  });
});
