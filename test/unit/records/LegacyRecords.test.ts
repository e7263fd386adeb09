import { expect } from 'chai';
import { spawnSync } from 'child_process';
import { ErrorCode, KafkaError } from '../../../src/protocol/errors';
import { CompressionType } from '../../../src/protocol/records/compression';
import {
  MAGIC_V0,
  MAGIC_V1,
  buildLegacyMessageSet,
  convertLegacyToV2,
  downConvert,
  readLegacyMessages,
  shallowEntries,
  writeLegacyMessage,
} from '../../../src/protocol/records/LegacyRecords';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { iterateRecords, readBatchInfo, validateBatches } from '../../../src/protocol/records/RecordBatch';
import { RecordValidationError } from '../../../src/protocol/records/RecordValidationError';
import { xxhash32 } from '../../../src/protocol/records/xxhash32';

const T0 = 1700000000000;
const PYTHON = '/usr/bin/python3';
const hasKafkaPython = spawnSync(PYTHON, ['-c', 'import kafka'], { stdio: 'ignore' }).status === 0;

const policy = { maxMessageSize: 1048588, timestampType: 'CreateTime' as const, compacted: false, topicPartition: 't-0' };

function expectCode(fn: () => unknown, code: number, message?: RegExp): KafkaError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(KafkaError);
    expect((e as KafkaError).code, (e as Error).message).to.equal(code);
    if (message) expect((e as Error).message).to.match(message);
    return e as KafkaError;
  }
  throw new Error(`expected KafkaError ${code}`);
}

function recordsOf(batch: Buffer) {
  return [...iterateRecords(batch)].map((r) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key?.toString() ?? null,
    value: r.value?.toString() ?? null,
  }));
}

function input(n: number, base = 0) {
  return Array.from({ length: n }, (_, i) => ({
    offset: base + i,
    timestamp: T0 + i,
    key: i === 1 ? null : Buffer.from(`k${i}`),
    value: Buffer.from(`value-${i}-`.repeat(20)),
  }));
}

/** kafka-python 2.0.2's own legacy codec (kafka.record.legacy_records), an independent implementation. */
function python(script: string, stdin?: Buffer): Buffer {
  const r = spawnSync(PYTHON, ['-c', script], { input: stdin, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr.toString()}`);
  return r.stdout;
}

describe('Message format v0/v1 (LegacyRecords)', () => {
  it('xxhash32 matches the reference values', () => {
    expect(xxhash32(Buffer.alloc(0))).to.equal(0x02cc5d05);
    expect(xxhash32(Buffer.from('abc'))).to.equal(0x32d153ff);
    expect(xxhash32(Buffer.from('Nobody inspects the spammish repetition'))).to.equal(0xe2293b2f);
  });

  for (const magic of [MAGIC_V0, MAGIC_V1]) {
    for (const codec of [CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4]) {
      it(`magic ${magic}, codec ${codec}: written, read back and converted to one v2 batch`, () => {
        const set = buildLegacyMessageSet(magic, codec, input(3, 0), false);
        const read = readLegacyMessages(set);
        expect(read.map((m) => [m.offset, m.magic, m.timestamp, m.key?.toString() ?? null])).to.deep.equal([
          [0, magic, magic === MAGIC_V0 ? -1 : T0, 'k0'],
          [1, magic, magic === MAGIC_V0 ? -1 : T0 + 1, null],
          [2, magic, magic === MAGIC_V0 ? -1 : T0 + 2, 'k2'],
        ]);
        expect(read.every((m) => m.storedCrc === m.computedCrc)).to.equal(true);
        const batch = convertLegacyToV2(set, policy);
        const [info] = validateBatches(batch);
        expect([info.baseOffset, info.recordCount, info.compression, info.producerId]).to.deep.equal([0, 3, codec, -1]);
        expect(recordsOf(batch).map((r) => [r.offset, r.timestamp, r.key])).to.deep.equal([
          [0, magic === MAGIC_V0 ? -1 : T0, 'k0'],
          [1, magic === MAGIC_V0 ? -1 : T0 + 1, null],
          [2, magic === MAGIC_V0 ? -1 : T0 + 2, 'k2'],
        ]);
      });
    }
  }

  it('LZ4 wrappers: magic 0 uses the old Kafka header checksum (over the frame magic too), magic 1 the correct one', () => {
    for (const magic of [MAGIC_V0, MAGIC_V1]) {
      const set = buildLegacyMessageSet(magic, CompressionType.LZ4, input(2), false);
      const keyAt = magic === MAGIC_V0 ? 18 : 26;
      const valueAt = keyAt + 4; // null key
      const frame = set.subarray(valueAt + 4);
      const expected = (xxhash32(frame.subarray(magic === MAGIC_V0 ? 0 : 4, 6)) >>> 8) & 0xff;
      expect(frame[6]).to.equal(expected);
      // The other framing's checksum is refused, as KafkaLZ4BlockInputStream does ("Stream frame descriptor corrupted").
      const other = writeLegacyMessage(
        magic,
        1,
        T0,
        null,
        Buffer.concat([frame.subarray(0, 6), Buffer.from([(xxhash32(frame.subarray(magic === MAGIC_V0 ? 4 : 0, 6)) >>> 8) & 0xff]), frame.subarray(7)]),
        CompressionType.LZ4,
      );
      expectCode(() => convertLegacyToV2(other, policy), ErrorCode.CORRUPT_MESSAGE, /descriptor corrupted/);
    }
  });

  it('a v1 wrapper with LogAppendTime gives its timestamp to inner messages; the producer may not set it (INVALID_TIMESTAMP)', () => {
    const set = buildLegacyMessageSet(MAGIC_V1, CompressionType.GZIP, input(2), true);
    expect(readLegacyMessages(set).map((m) => m.timestamp)).to.deep.equal([T0 + 1, T0 + 1]);
    // A CreateTime topic takes the (valid) timestamps; a LogAppendTime topic refuses the producer's LogAppendTime.
    expect(recordsOf(convertLegacyToV2(set, policy)).map((r) => r.timestamp)).to.deep.equal([T0 + 1, T0 + 1]);
    const e = expectCode(() => convertLegacyToV2(set, { ...policy, timestampType: 'LogAppendTime' }), ErrorCode.INVALID_TIMESTAMP);
    expect((e as RecordValidationError).recordErrors.map((x) => x.batchIndex)).to.deep.equal([0, 1]);
    expect((e as RecordValidationError).recordErrors[0].message).to.match(/Producer should not set timestamp type to LogAppendTime/);
  });

  it('a bad CRC is CORRUPT_MESSAGE: shallow entries (UnifiedLog) and inner messages of a wrapper (LogValidator)', () => {
    const set = buildLegacyMessageSet(MAGIC_V1, CompressionType.NONE, input(2), false);
    set[set.length - 1] ^= 0x01;
    expectCode(() => convertLegacyToV2(set, policy), ErrorCode.CORRUPT_MESSAGE, /^Record is corrupt \(stored crc = \d+\) in topic partition t-0\.$/);
    const bad = writeLegacyMessage(MAGIC_V0, 0, -1, Buffer.from('k'), Buffer.from('v'), 0);
    bad[bad.length - 1] ^= 0x01;
    const inner = Buffer.concat([writeLegacyMessage(MAGIC_V0, 0, -1, Buffer.from('a'), Buffer.from('b'), 0), bad]);
    const { gzipSync } = require('zlib') as typeof import('zlib'); // eslint-disable-line @typescript-eslint/no-require-imports
    const wrapper = writeLegacyMessage(MAGIC_V0, 1, -1, null, gzipSync(inner), CompressionType.GZIP);
    expectCode(() => convertLegacyToV2(wrapper, policy), ErrorCode.CORRUPT_MESSAGE, /stored crc = \d+, computed crc = \d+\) in topic partition t-0$/);
  });

  it('refuses what LogValidator refuses: mixed magic, several compressed wrappers, nested compression, keyless records on compacted topics', () => {
    const v0 = buildLegacyMessageSet(MAGIC_V0, CompressionType.NONE, input(1), false);
    const v1 = buildLegacyMessageSet(MAGIC_V1, CompressionType.NONE, input(1), false);
    expectCode(
      () => convertLegacyToV2(Buffer.concat([v0, v1]), policy),
      ErrorCode.INVALID_RECORD,
      /Batch magic 1 is not the same as the first batch's magic byte 0/,
    );
    const gz = buildLegacyMessageSet(MAGIC_V1, CompressionType.GZIP, input(2), false);
    expectCode(() => convertLegacyToV2(Buffer.concat([gz, gz]), policy), ErrorCode.INVALID_RECORD, /Compressed outer record has more than one batch/);
    const { gzipSync } = require('zlib') as typeof import('zlib'); // eslint-disable-line @typescript-eslint/no-require-imports
    const nested = writeLegacyMessage(MAGIC_V1, 0, T0, null, gzipSync(gz), CompressionType.GZIP);
    expectCode(
      () => convertLegacyToV2(nested, policy),
      ErrorCode.INVALID_RECORD,
      /Compressed outer record should not have an inner record with a compression attribute set/,
    );
    // Every keyless record is reported with its index (KIP-467), the first three in the message.
    const e = expectCode(
      () => convertLegacyToV2(buildLegacyMessageSet(MAGIC_V1, CompressionType.SNAPPY, input(3), false), { ...policy, compacted: true }),
      ErrorCode.INVALID_RECORD,
    ) as RecordValidationError;
    expect(e.recordErrors).to.deep.equal([{ batchIndex: 1, message: 'Compacted topic cannot accept message without key in topic partition t-0' }]);
    expect(e.message).to.equal(
      "One or more records have been rejected due to 1 record errors in total, and only showing the first three errors at most: [RecordError(batchIndex=1, message='Compacted topic cannot accept message without key in topic partition t-0')]",
    );
    expectCode(() => convertLegacyToV2(v1, { ...policy, maxMessageSize: 50 }), ErrorCode.MESSAGE_TOO_LARGE);
    expectCode(() => convertLegacyToV2(Buffer.alloc(0), policy), ErrorCode.INVALID_RECORD);
    // A torn last entry is dropped, as ByteBufferLogInputStream does.
    expect(shallowEntries(Buffer.concat([v1, v1.subarray(0, 20)]))).to.have.length(1);
  });

  describe('down-conversion (Fetch v0-3)', () => {
    const headers = [{ key: 'h', value: Buffer.from('x') }];
    const stored = (baseOffset: number, compression: number, logAppendTime?: number) =>
      buildRecordBatch({
        baseOffset,
        compression,
        logAppendTime,
        partitionLeaderEpoch: 3,
        records: [0, 1, 2].map((i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers, timestamp: T0 + i })),
      });

    for (const magic of [MAGIC_V0, MAGIC_V1]) {
      for (const codec of [CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4]) {
        it(`magic ${magic}, codec ${codec}: offsets kept, headers dropped, same codec`, () => {
          const out = downConvert([stored(10, codec), stored(13, codec)], magic, 10);
          const entries = shallowEntries(out);
          // Uncompressed: one message per record; compressed: one wrapper per batch, at the batch's last offset.
          expect(entries).to.have.length(codec === CompressionType.NONE ? 6 : 2);
          if (codec !== CompressionType.NONE) expect(entries.map((e) => out.readInt32BE(e.position + 4))).to.deep.equal([12, 15]);
          const msgs = readLegacyMessages(out);
          expect(msgs.map((m) => [m.offset, m.magic, m.timestamp, m.key!.toString(), m.value!.toString()])).to.deep.equal(
            [10, 11, 12, 13, 14, 15].map((o) => [o, magic, magic === MAGIC_V0 ? -1 : T0 + ((o - 10) % 3), `k${(o - 10) % 3}`, `v${(o - 10) % 3}`]),
          );
          expect(msgs.every((m) => m.storedCrc === m.computedCrc)).to.equal(true);
        });
      }
    }

    it('skips records below the fetch offset in uncompressed batches only, and control batches', () => {
      const control = buildRecordBatch({
        baseOffset: 13,
        isControl: true,
        producerId: 1,
        records: [{ key: Buffer.from([0, 0, 0, 0]), value: null, timestamp: T0 }],
      });
      const plain = readLegacyMessages(downConvert([stored(10, CompressionType.NONE), control], MAGIC_V1, 11));
      expect(plain.map((m) => m.offset)).to.deep.equal([11, 12]);
      const gz = readLegacyMessages(downConvert([stored(10, CompressionType.GZIP)], MAGIC_V1, 11));
      expect(gz.map((m) => m.offset)).to.deep.equal([10, 11, 12]);
    });

    it('LogAppendTime batches are stamped with the conversion time (MemoryRecords.builder), whole messages up to maxBytes', () => {
      const out = downConvert([stored(0, CompressionType.NONE, T0 + 50)], MAGIC_V1, 0, Infinity, T0 + 99);
      expect(readLegacyMessages(out).map((m) => [m.timestamp, m.attributes & 0x08])).to.deep.equal([
        [T0 + 99, 8],
        [T0 + 99, 8],
        [T0 + 99, 8],
      ]);
      const two = [stored(0, CompressionType.GZIP), stored(3, CompressionType.GZIP)];
      const first = downConvert(two.slice(0, 1), MAGIC_V1, 0);
      expect(downConvert(two, MAGIC_V1, 0, first.length + 10)).to.deep.equal(first);
      // The first whole message goes out even when larger than maxBytes.
      expect(downConvert(two, MAGIC_V1, 0, 1)).to.deep.equal(first);
    });
  });

  (hasKafkaPython ? describe : describe.skip)('against kafka-python 2.0.2 (kafka.record.legacy_records)', () => {
    for (const magic of [MAGIC_V0, MAGIC_V1]) {
      for (const codec of [CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY]) {
        it(`magic ${magic}, codec ${codec}: kafka-python's message sets convert; ours decode in kafka-python`, () => {
          const theirs = python(`
import sys
from kafka.record.legacy_records import LegacyRecordBatchBuilder
b = LegacyRecordBatchBuilder(magic=${magic}, compression_type=${codec}, batch_size=1 << 20)
for i in range(3):
    b.append(i, timestamp=${T0} + i, key=None if i == 1 else b'k%d' % i, value=b'value-%d' % i)
sys.stdout.buffer.write(bytes(b.build()))
`);
          const batch = convertLegacyToV2(theirs, policy);
          expect(recordsOf(batch).map((r) => [r.offset, r.timestamp, r.key, r.value])).to.deep.equal([
            [0, magic === MAGIC_V0 ? -1 : T0, 'k0', 'value-0'],
            [1, magic === MAGIC_V0 ? -1 : T0 + 1, null, 'value-1'],
            [2, magic === MAGIC_V0 ? -1 : T0 + 2, 'k2', 'value-2'],
          ]);
          const ours = downConvert([buildRecordBatch({ baseOffset: 7, compression: codec, records: readBatchRecords(batch) })], magic, 7);
          const decoded = python(
            `
import sys
from kafka.record.memory_records import MemoryRecords
r = MemoryRecords(sys.stdin.buffer.read())
out = []
while True:
    b = r.next_batch()
    if b is None:
        break
    for m in b:
        out.append('%d %d %s %s' % (m.offset, m.timestamp if m.timestamp is not None else -1, m.key, m.value))
print('|'.join(out))
`,
            ours,
          )
            .toString()
            .trim();
          const ts = (i: number) => (magic === MAGIC_V0 ? -1 : T0 + i);
          expect(decoded).to.equal(`7 ${ts(0)} b'k0' b'value-0'|8 ${ts(1)} None b'value-1'|9 ${ts(2)} b'k2' b'value-2'`);
        });
      }
    }
  });
});

function readBatchRecords(batch: Buffer) {
  expect(readBatchInfo(batch, 0).recordCount).to.be.greaterThan(0);
  return [...iterateRecords(batch)].map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp }));
}
