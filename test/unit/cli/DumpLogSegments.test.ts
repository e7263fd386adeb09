import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dumpFile } from '../../../src/cli/DumpLogSegments';
import { offsetCommitKey, offsetCommitValue } from '../../../src/coordinator/group/ConsumerOffsetsFormats';
import { Log } from '../../../src/log/Log';
import { defaultLogConfig } from '../../../src/log/LogConfig';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';

const T0 = 1700000000000;

describe('cli: kafka-dump-log (DumpLogSegments)', () => {
  let root: string;
  let log: Log;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dumplog-'));
    log = Log.open(path.join(root, 't-0'), 't', 0, { ...defaultLogConfig(), indexIntervalBytes: 1 });
  });
  afterEach(() => {
    log.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function dump(file: string, opts = {}): string[] {
    const lines: string[] = [];
    dumpFile(file, opts, (l) => lines.push(l));
    return lines;
  }

  it('prints batches as Kafka does, records with --print-data-log, index entries', () => {
    log.appendAsLeader(buildRecordBatch({ records: [{ key: Buffer.from('a'), value: Buffer.from('abc'), timestamp: T0 }] }), 5);
    log.appendAsLeader(
      buildRecordBatch({
        records: [
          { key: null, value: Buffer.from('x'), timestamp: T0 + 1, headers: [{ key: 'h1', value: null }] },
          { key: Buffer.from('k'), value: null, timestamp: T0 + 2 },
        ],
        compression: 3,
        producerId: 12,
        producerEpoch: 0,
        baseSequence: 4,
      }),
      5,
    );
    log.flush();
    const seg = log.logSegments[0].logFile;
    const shallow = dump(seg);
    expect(shallow[0]).to.equal(`Dumping ${seg}`);
    expect(shallow[1]).to.equal('Log starting offset: 0');
    expect(shallow[2]).to.match(
      new RegExp(
        '^baseOffset: 0 lastOffset: 0 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 ' +
          'partitionLeaderEpoch: 5 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 ' +
          `CreateTime: ${T0} size: \\d+ magic: 2 compresscodec: none crc: \\d+ isvalid: true$`,
      ),
    );
    expect(shallow[3]).to.match(
      /^baseOffset: 1 lastOffset: 2 count: 2 baseSequence: 4 lastSequence: 5 producerId: 12 producerEpoch: 0 .* compresscodec: lz4 crc: \d+ isvalid: true$/,
    );
    expect(shallow.length).to.equal(4);
    const deep = dump(seg, { printDataLog: true });
    expect(deep[3]).to.equal(`| offset: 0 CreateTime: ${T0} keySize: 1 valueSize: 3 sequence: -1 headerKeys: [] key: a payload: abc`);
    expect(deep[5]).to.equal(`| offset: 1 CreateTime: ${T0 + 1} keySize: -1 valueSize: 1 sequence: 4 headerKeys: [h1] payload: x`);
    expect(deep[6]).to.equal(`| offset: 2 CreateTime: ${T0 + 2} keySize: 1 valueSize: -1 sequence: 5 headerKeys: [] key: k`);
    const idx = dump(seg.replace(/\.log$/, '.index'));
    const firstBatchSize = Number(/ size: (\d+)/.exec(shallow[2])![1]);
    expect(idx.slice(1)).to.deep.equal([`offset: 2 position: ${firstBatchSize}`]);
  });

  it('--offsets-decoder prints __consumer_offsets records; the bin script runs', () => {
    log.appendAsLeader(
      buildRecordBatch({
        records: [
          {
            key: offsetCommitKey('g1', 'orders', 3),
            value: offsetCommitValue({ offset: 42, leaderEpoch: 0, metadata: '', commitTimestamp: T0, expireTimestamp: -1 }),
            timestamp: T0,
          },
          { key: offsetCommitKey('g1', 'orders', 4), value: null, timestamp: T0 },
        ],
      }),
      0,
    );
    log.flush();
    const seg = log.logSegments[0].logFile;
    const lines = dump(seg, { offsetsDecoder: true });
    expect(lines[3]).to.match(/ key: offset_commit::group=g1,partition=orders-3 payload: offset=42$/);
    expect(lines[4]).to.match(/ key: offset_commit::group=g1,partition=orders-4 payload: <DELETE>$/);
    const bin = path.resolve(__dirname, '../../../../bin/kafka-dump-log');
    const out = execFileSync(bin, ['--files', seg, '--offsets-decoder'], { encoding: 'utf8' });
    expect(out.split('\n').slice(0, 5)).to.deep.equal(lines);
  });
});
