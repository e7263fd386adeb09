import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dumpFile } from '../../../src/cli/DumpLogSegments';
import { snapshotLine } from '../../../src/cli/DumpTxnFiles';
import { txnRecordKey, txnRecordValue } from '../../../src/coordinator/transaction/TransactionLog';
import { Log } from '../../../src/log/Log';
import { defaultLogConfig } from '../../../src/log/LogConfig';
import { ControlRecordType, controlRecordKey } from '../../../src/protocol/messages/ControlRecords';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { crc32c } from '../../../src/protocol/records/crc32c';

const T0 = 1700000000000;

/** EndTransactionMarker value: int16 version 0, int32 coordinator epoch. */
function markerValue(coordinatorEpoch: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeInt16BE(0, 0);
  b.writeInt32BE(coordinatorEpoch, 2);
  return b;
}

/** A `.txnindex` file: 34-byte AbortedTxn entries. */
function txnIndex(entries: Array<[number, number, number, number]>): Buffer {
  const b = Buffer.alloc(entries.length * 34);
  entries.forEach(([pid, first, last, lso], i) => {
    const p = i * 34;
    b.writeInt16BE(0, p);
    b.writeBigInt64BE(BigInt(pid), p + 2);
    b.writeBigInt64BE(BigInt(first), p + 10);
    b.writeBigInt64BE(BigInt(last), p + 18);
    b.writeBigInt64BE(BigInt(lso), p + 26);
  });
  return b;
}

/** A v1 producer snapshot: version, crc32c of the rest, entries (ProducerStateManager.writeSnapshot). */
function snapshot(entries: Array<{ pid: number; epoch: number; seq: number; offset: number; delta: number; ts: number; coord: number; txn: number }>): Buffer {
  const body = Buffer.alloc(4 + entries.length * 46);
  body.writeInt32BE(entries.length, 0);
  entries.forEach((e, i) => {
    const p = 4 + i * 46;
    body.writeBigInt64BE(BigInt(e.pid), p);
    body.writeInt16BE(e.epoch, p + 8);
    body.writeInt32BE(e.seq, p + 10);
    body.writeBigInt64BE(BigInt(e.offset), p + 14);
    body.writeInt32BE(e.delta, p + 22);
    body.writeBigInt64BE(BigInt(e.ts), p + 26);
    body.writeInt32BE(e.coord, p + 34);
    body.writeBigInt64BE(BigInt(e.txn), p + 38);
  });
  const head = Buffer.alloc(6);
  head.writeInt16BE(1, 0);
  head.writeUInt32BE(crc32c(body, 0, body.length), 2);
  return Buffer.concat([head, body]);
}

describe('cli: kafka-dump-log transaction files (DumpLogSegments dumpTxnIndex, dumpProducerIdSnapshot, TransactionLogMessageParser)', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dumptxn-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function dump(file: string, opts = {}): { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    dumpFile(
      file,
      opts,
      (l) => out.push(l),
      (l) => err.push(l),
    );
    return { out, err };
  }

  it('prints transaction markers as endTxnMarker lines and transactional batches with their attributes', () => {
    const log = Log.open(path.join(root, 't-0'), 't', 0, defaultLogConfig());
    try {
      log.appendAsLeader(
        buildRecordBatch({
          records: [{ key: null, value: Buffer.from('v'), timestamp: T0 }],
          producerId: 7,
          producerEpoch: 1,
          baseSequence: 0,
          isTransactional: true,
        }),
        0,
      );
      log.appendAsLeader(
        buildRecordBatch({
          records: [{ key: controlRecordKey(ControlRecordType.COMMIT), value: markerValue(3), timestamp: T0 + 1 }],
          producerId: 7,
          producerEpoch: 1,
          isTransactional: true,
          isControl: true,
        }),
        0,
        'coordinator',
      );
      log.flush();
      const { out } = dump(log.logSegments[0].logFile, { printDataLog: true });
      expect(out[2]).to.match(
        /^baseOffset: 0 lastOffset: 0 count: 1 baseSequence: 0 lastSequence: 0 producerId: 7 producerEpoch: 1 partitionLeaderEpoch: 0 isTransactional: true isControl: false /,
      );
      expect(out[3]).to.equal(`| offset: 0 CreateTime: ${T0} keySize: -1 valueSize: 1 sequence: 0 headerKeys: [] payload: v`);
      expect(out[4]).to.match(
        /^baseOffset: 1 lastOffset: 1 count: 1 baseSequence: -1 lastSequence: -1 producerId: 7 producerEpoch: 1 partitionLeaderEpoch: 0 isTransactional: true isControl: true /,
      );
      // A control record's contents are never printed, its marker always is.
      expect(out[5]).to.equal(`| offset: 1 CreateTime: ${T0 + 1} keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] endTxnMarker: COMMIT coordinatorEpoch: 3`);
    } finally {
      log.close();
    }
  });

  it('--transaction-log-decoder prints __transaction_state records as TransactionLog.formatRecordKeyAndValue', () => {
    const log = Log.open(path.join(root, '__transaction_state-0'), '__transaction_state', 0, defaultLogConfig());
    try {
      const value = txnRecordValue({
        producerId: 4000,
        producerEpoch: 2,
        transactionTimeoutMs: 60000,
        state: 'Ongoing',
        partitions: [{ topic: 'orders', partitionIds: [1] }],
        transactionLastUpdateTimestampMs: T0 + 5,
        transactionStartTimestampMs: T0,
      });
      log.appendAsLeader(
        buildRecordBatch({
          records: [
            { key: txnRecordKey('tx-1'), value, timestamp: T0 },
            { key: txnRecordKey('tx-2'), value: null, timestamp: T0 },
          ],
        }),
        0,
      );
      log.flush();
      const seg = log.logSegments[0].logFile;
      const { out } = dump(seg, { transactionLogDecoder: true });
      expect(out[3]).to.match(
        / headerKeys: \[\] key: transaction_metadata::transactionalId=tx-1 payload: producerId:4000,producerEpoch:2,state=Ongoing,partitions=\[orders-1\],txnLastUpdateTimestamp=1700000000005,txnTimeoutMs=60000$/,
      );
      expect(out[4]).to.match(/ key: transaction_metadata::transactionalId=tx-2 payload: <DELETE>$/);
      const bin = path.resolve(__dirname, '../../../../bin/kafka-dump-log');
      const stdout = execFileSync(bin, ['--files', seg, '--transaction-log-decoder'], { encoding: 'utf8' });
      expect(stdout.split('\n').slice(0, 5)).to.deep.equal(out);
    } finally {
      log.close();
    }
  });

  it('prints a .txnindex one aborted transaction per line', () => {
    const file = path.join(root, '00000000000000000000.txnindex');
    fs.writeFileSync(
      file,
      txnIndex([
        [7, 0, 4, 0],
        [9, 5, 12, 5],
      ]),
    );
    expect(dump(file).out).to.deep.equal([
      `Dumping ${file}`,
      'version: 0 producerId: 7 firstOffset: 0 lastOffset: 4 lastStableOffset: 0',
      'version: 0 producerId: 9 firstOffset: 5 lastOffset: 12 lastStableOffset: 5',
    ]);
  });

  it('prints a producer snapshot as dumpProducerIdSnapshot, and a corrupt one as its CorruptSnapshotException on stderr', () => {
    const file = path.join(root, '00000000000000000042.snapshot');
    fs.writeFileSync(
      file,
      snapshot([
        { pid: 7, epoch: 1, seq: 9, offset: 40, delta: 4, ts: T0, coord: 3, txn: 36 },
        { pid: 8, epoch: 0, seq: 2, offset: 41, delta: 0, ts: T0 + 1, coord: -1, txn: -1 },
      ]),
    );
    expect(dump(file).out).to.deep.equal([
      `Dumping ${file}`,
      `producerId: 7 producerEpoch: 1 coordinatorEpoch: 3 currentTxnFirstOffset: OptionalLong[36] lastTimestamp: ${T0} firstSequence: 5 lastSequence: 9 lastOffset: 40 offsetDelta: 4 timestamp: ${T0}`,
      `producerId: 8 producerEpoch: 0 coordinatorEpoch: -1 currentTxnFirstOffset: OptionalLong.empty lastTimestamp: ${T0 + 1} firstSequence: 2 lastSequence: 2 lastOffset: 41 offsetDelta: 0 timestamp: ${T0 + 1}`,
    ]);
    // An entry without batch metadata (last offset -1) keeps the trailing space Kafka prints; sequences wrap.
    expect(
      snapshotLine({
        producerId: 1,
        producerEpoch: 0,
        lastSequence: -1,
        lastOffset: -1,
        offsetDelta: 0,
        timestamp: 5,
        coordinatorEpoch: 0,
        currentTxnFirstOffset: -1,
      }),
    ).to.equal('producerId: 1 producerEpoch: 0 coordinatorEpoch: 0 currentTxnFirstOffset: OptionalLong.empty lastTimestamp: 5 ');
    expect(
      snapshotLine({
        producerId: 1,
        producerEpoch: 0,
        lastSequence: 1,
        lastOffset: 9,
        offsetDelta: 3,
        timestamp: 5,
        coordinatorEpoch: 0,
        currentTxnFirstOffset: -1,
      }),
    ).to.contain('firstSequence: 2147483646 lastSequence: 1');
    const bytes = fs.readFileSync(file);
    bytes[20] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const corrupt = dump(file);
    expect(corrupt.out).to.deep.equal([`Dumping ${file}`]);
    expect(corrupt.err.length).to.equal(1);
    expect(corrupt.err[0]).to.match(/^Snapshot is corrupt \(CRC is no longer valid\)\. Stored crc: \d+\. Computed crc: \d+$/);
  });

  it('reports unknown files on stderr', () => {
    const file = path.join(root, 'leader-epoch-checkpoint');
    fs.writeFileSync(file, '0\n0\n');
    expect(dump(file)).to.deep.equal({ out: [`Dumping ${file}`], err: [`Ignoring unknown file ${file}`] });
  });
});
