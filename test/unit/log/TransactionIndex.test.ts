import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TransactionIndex, readTransactionIndex } from '../../../src/log/TransactionIndex';
import {
  CorruptSnapshotError,
  ProducerSnapshotEntry,
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  listSnapshotOffsets,
  producerSnapshotFile,
  readProducerSnapshot,
  writeProducerSnapshot,
} from '../../../src/log/ProducerStateSnapshot';

describe('log: TransactionIndex (.txnindex) and producer snapshot files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'txnidx-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const t = (producerId: number, firstOffset: number, lastOffset: number, lastStableOffset: number) => ({
    producerId,
    firstOffset,
    lastOffset,
    lastStableOffset,
  });

  it('round trip: 34-byte entries, version 0, big-endian; reopened from the file', () => {
    const file = path.join(dir, '00000000000000000000.txnindex');
    const idx = new TransactionIndex(0, file);
    expect(fs.existsSync(file)).to.equal(false);
    idx.append(t(7, 0, 10, 0));
    idx.append(t(8, 5, 20, 11));
    idx.close();
    const bytes = fs.readFileSync(file);
    expect(bytes.length).to.equal(68);
    expect(bytes.readInt16BE(0)).to.equal(0);
    expect(bytes.readBigInt64BE(2)).to.equal(7n);
    expect(bytes.readBigInt64BE(34 + 18)).to.equal(20n);
    expect(readTransactionIndex(file)).to.deep.equal([t(7, 0, 10, 0), t(8, 5, 20, 11)]);
    expect(new TransactionIndex(0, file).allAbortedTxns()).to.deep.equal([t(7, 0, 10, 0), t(8, 5, 20, 11)]);
    expect(readTransactionIndex(path.join(dir, 'absent.txnindex'))).to.deep.equal([]);
  });

  it('last offsets must increase (TransactionIndex.append)', () => {
    const idx = new TransactionIndex(0, path.join(dir, 'x.txnindex'));
    idx.append(t(1, 0, 10, 0));
    expect(() => idx.append(t(2, 3, 10, 0))).to.throw(/must increase sequentially/);
    idx.close();
  });

  it('collectAbortedTxns: overlap with [fetchOffset, upperBound), complete once an LSO reaches the bound', () => {
    const idx = new TransactionIndex(0, path.join(dir, 'c.txnindex'));
    idx.append(t(1, 0, 4, 0));
    idx.append(t(2, 2, 8, 5));
    idx.append(t(3, 9, 12, 13));
    expect(idx.collectAbortedTxns(5, 10)).to.deep.equal({ abortedTransactions: [t(2, 2, 8, 5), t(3, 9, 12, 13)], isComplete: true });
    expect(idx.collectAbortedTxns(0, 2)).to.deep.equal({ abortedTransactions: [t(1, 0, 4, 0)], isComplete: true });
    expect(idx.collectAbortedTxns(13, 20)).to.deep.equal({ abortedTransactions: [], isComplete: false });
    idx.close();
  });

  it('truncateTo drops entries from the first whose last offset is >= the offset; reset empties it', () => {
    const file = path.join(dir, 't.txnindex');
    const idx = new TransactionIndex(0, file);
    idx.append(t(1, 0, 4, 0));
    idx.append(t(2, 2, 8, 5));
    idx.truncateTo(8);
    expect(readTransactionIndex(file)).to.deep.equal([t(1, 0, 4, 0)]);
    idx.append(t(3, 6, 7, 8)); // appending goes on after the cut
    expect(readTransactionIndex(file)).to.deep.equal([t(1, 0, 4, 0), t(3, 6, 7, 8)]);
    idx.reset();
    expect(fs.statSync(file).size).to.equal(0);
    idx.deleteIfExists();
    expect(fs.existsSync(file)).to.equal(false);
  });

  const entries: ProducerSnapshotEntry[] = [
    {
      producerId: 1000,
      producerEpoch: 2,
      lastSequence: 41,
      lastOffset: 99,
      offsetDelta: 4,
      timestamp: 1700000000000,
      coordinatorEpoch: 3,
      currentTxnFirstOffset: 90,
    },
    { producerId: 2 ** 40, producerEpoch: 0, lastSequence: -1, lastOffset: -1, offsetDelta: 0, timestamp: -1, coordinatorEpoch: -1, currentTxnFirstOffset: -1 },
  ];

  it('producer snapshot: Kafka v1 layout (version, crc32c of the rest, count, 46-byte entries) round trips', () => {
    const buf = encodeProducerSnapshot(entries);
    expect(buf.length).to.equal(2 + 4 + 4 + 2 * 46);
    expect(buf.readInt16BE(0)).to.equal(1);
    expect(buf.readInt32BE(6)).to.equal(2);
    expect(buf.readBigInt64BE(10)).to.equal(1000n);
    expect(buf.readInt16BE(18)).to.equal(2);
    expect(decodeProducerSnapshot(buf)).to.deep.equal(entries);
    writeProducerSnapshot(producerSnapshotFile(dir, 100), entries);
    writeProducerSnapshot(producerSnapshotFile(dir, 7), []);
    expect(path.basename(producerSnapshotFile(dir, 100))).to.equal('00000000000000000100.snapshot');
    expect(listSnapshotOffsets(dir)).to.deep.equal([7, 100]);
    expect(readProducerSnapshot(producerSnapshotFile(dir, 100))).to.deep.equal(entries);
    expect(readProducerSnapshot(producerSnapshotFile(dir, 7))).to.deep.equal([]);
  });

  it('producer snapshot: a bad crc, version or length is CorruptSnapshotError', () => {
    const good = encodeProducerSnapshot(entries);
    const flipped = Buffer.from(good);
    flipped[20] ^= 1;
    expect(() => decodeProducerSnapshot(flipped)).to.throw(CorruptSnapshotError, /CRC/);
    const version = Buffer.from(good);
    version.writeInt16BE(2, 0);
    expect(() => decodeProducerSnapshot(version)).to.throw(CorruptSnapshotError, /version/);
    expect(() => decodeProducerSnapshot(good.subarray(0, 5))).to.throw(CorruptSnapshotError);
  });
});
