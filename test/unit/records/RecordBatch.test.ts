import { expect } from 'chai';
import { ErrorCode, KafkaError } from '../../../src/protocol/errors';
import { crc32c, crc32cFallback } from '../../../src/protocol/records/crc32c';
import { CompressionType, compress, decompress } from '../../../src/protocol/records/compression';
import { buildRecordBatch, SimpleRecord } from '../../../src/protocol/records/MemoryRecordsBuilder';
import {
  ATTRIBUTES,
  CRC,
  HEADER_SIZE,
  LAST_OFFSET_DELTA,
  MAGIC,
  RECORDS_COUNT,
  countBatches,
  iterateRecords,
  setLogAppendTime,
  validateBatches,
} from '../../../src/protocol/records/RecordBatch';

// kafkajs's own encoders (JavaScript, no types): the reference for the batch layout.
type KafkajsEncoder = { buffer: Buffer };
/* eslint-disable @typescript-eslint/no-require-imports */
const { RecordBatch: KafkajsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (o: Record<string, unknown>) => Promise<KafkajsEncoder>;
};
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: Record<string, unknown>) => KafkajsEncoder;
const KafkajsLong = require('kafkajs/src/utils/long') as { fromValue(v: number): unknown };
/* eslint-enable @typescript-eslint/no-require-imports */

function expectKafkaError(fn: () => unknown, code: number): KafkaError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(KafkaError);
    expect((e as KafkaError).code, (e as Error).message).to.equal(code);
    return e as KafkaError;
  }
  throw new Error(`expected KafkaError ${code}`);
}

const T0 = 1700000000000;
const sample: SimpleRecord[] = [
  { key: Buffer.from('k1'), value: Buffer.from('hello'), timestamp: T0, headers: [{ key: 'h', value: Buffer.from('v') }] },
  { key: null, value: Buffer.from('world'), timestamp: T0 + 5 },
  { key: Buffer.from('k3'), value: null, timestamp: T0 + 9, headers: [{ key: 'n', value: null }] },
];

// kafkajs cannot encode a null header value (Buffer.byteLength(null)); its samples use a non-null one.
const sampleKj: SimpleRecord[] = [sample[0], sample[1], { ...sample[2], headers: [{ key: 'n', value: Buffer.from('x') }] }];

async function kafkajsBatch(compression: number, records: SimpleRecord[]): Promise<Buffer> {
  const encoded = records.map((r, i) =>
    KafkajsRecord({
      offsetDelta: i,
      timestampDelta: r.timestamp - records[0].timestamp,
      key: r.key,
      value: r.value,
      headers: Object.fromEntries((r.headers ?? []).map((h) => [h.key, h.value])),
    }),
  );
  const batch = await KafkajsRecordBatch({
    compression,
    records: encoded,
    firstTimestamp: records[0].timestamp,
    maxTimestamp: records[records.length - 1].timestamp,
    lastOffsetDelta: records.length - 1,
    producerId: KafkajsLong.fromValue(-1),
    producerEpoch: 0,
    firstSequence: 0,
    partitionLeaderEpoch: 0,
  });
  return batch.buffer;
}

describe('records: crc32c', () => {
  it('matches the CRC-32C check value and the table fallback', () => {
    const v = Buffer.from('123456789');
    expect(crc32c(v)).to.equal(0xe3069283);
    expect(crc32cFallback(v)).to.equal(0xe3069283);
    const big = Buffer.alloc(100000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    expect(crc32c(big, 21, 9999)).to.equal(crc32cFallback(big.subarray(21, 9999)));
  });
});

describe('records: MemoryRecordsBuilder and validateBatches', () => {
  it('builds exactly the bytes kafkajs produces', async () => {
    const ours = buildRecordBatch({ records: sampleKj, producerEpoch: 0, baseSequence: 0, partitionLeaderEpoch: 0 });
    const theirs = await kafkajsBatch(0, sampleKj);
    expect(ours.toString('hex')).to.equal(theirs.toString('hex'));
  });

  it('returns batch info without decoding records', () => {
    const b1 = buildRecordBatch({ records: sample, baseOffset: 10, partitionLeaderEpoch: 3 });
    const b2 = buildRecordBatch({ records: [sample[0]], producerId: 77, producerEpoch: 1, baseSequence: 5 });
    const infos = validateBatches(Buffer.concat([b1, b2]));
    expect(infos).to.have.length(2);
    expect(infos[0]).to.include({
      position: 0,
      size: b1.length,
      baseOffset: 10,
      lastOffset: 12,
      lastOffsetDelta: 2,
      recordCount: 3,
      baseTimestamp: T0,
      maxTimestamp: T0 + 9,
      compression: 0,
      producerId: -1,
      partitionLeaderEpoch: 3,
      isControl: false,
      isTransactional: false,
    });
    expect(infos[1]).to.include({ position: b1.length, producerId: 77, producerEpoch: 1, baseSequence: 5, recordCount: 1 });
    expect(countBatches(Buffer.concat([b1, b2]))).to.equal(2);
    expect(countBatches(Buffer.concat([b1, b2.subarray(0, 30)]))).to.equal(1);
  });

  it('accepts batches made by kafkajs, plain and gzip', async () => {
    for (const codec of [0, 1]) {
      const infos = validateBatches(await kafkajsBatch(codec, sampleKj));
      expect(infos[0].compression).to.equal(codec);
      expect(infos[0].recordCount).to.equal(3);
    }
  });

  it('flipped CRC byte or record byte -> CORRUPT_MESSAGE', () => {
    const b = buildRecordBatch({ records: sample });
    const c1 = Buffer.from(b);
    c1[CRC + 2] ^= 0xff;
    expectKafkaError(() => validateBatches(c1), ErrorCode.CORRUPT_MESSAGE);
    const c2 = Buffer.from(b);
    c2[c2.length - 3] ^= 0x01;
    expectKafkaError(() => validateBatches(c2), ErrorCode.CORRUPT_MESSAGE);
  });

  it('truncated or undersized batch -> CORRUPT_MESSAGE', () => {
    const b = buildRecordBatch({ records: sample });
    expectKafkaError(() => validateBatches(b.subarray(0, b.length - 1)), ErrorCode.CORRUPT_MESSAGE);
    expectKafkaError(() => validateBatches(b.subarray(0, 10)), ErrorCode.CORRUPT_MESSAGE);
    expectKafkaError(() => validateBatches(Buffer.concat([b, b.subarray(0, 40)])), ErrorCode.CORRUPT_MESSAGE);
    const small = Buffer.from(b);
    small.writeInt32BE(20, 8);
    expectKafkaError(() => validateBatches(small), ErrorCode.CORRUPT_MESSAGE);
  });

  it('magic 1 or no batch -> INVALID_RECORD', () => {
    const b = Buffer.from(buildRecordBatch({ records: sample }));
    b[MAGIC] = 1;
    expectKafkaError(() => validateBatches(b), ErrorCode.INVALID_RECORD);
    expectKafkaError(() => validateBatches(Buffer.alloc(0)), ErrorCode.INVALID_RECORD);
  });

  it('batch over maxBatchSize -> MESSAGE_TOO_LARGE', () => {
    const b = buildRecordBatch({ records: [{ key: null, value: Buffer.alloc(2000), timestamp: T0 }] });
    expectKafkaError(() => validateBatches(b, { maxBatchSize: 1000 }), ErrorCode.MESSAGE_TOO_LARGE);
    expect(validateBatches(b, { maxBatchSize: b.length })).to.have.length(1);
  });

  it('client checks (Kafka LogValidator): count vs lastOffsetDelta, control batches -> INVALID_RECORD', () => {
    const b = Buffer.from(buildRecordBatch({ records: sample }));
    b.writeInt32BE(5, LAST_OFFSET_DELTA); // inside the CRC: recompute so only the count check fires
    b.writeUInt32BE(crc32c(b, ATTRIBUTES), CRC);
    expectKafkaError(() => validateBatches(b), ErrorCode.INVALID_RECORD);
    expect(validateBatches(b, { client: false })[0].lastOffset).to.equal(5);
    const z = Buffer.from(buildRecordBatch({ records: sample }));
    z.writeInt32BE(0, RECORDS_COUNT);
    z.writeUInt32BE(crc32c(z, ATTRIBUTES), CRC);
    expectKafkaError(() => validateBatches(z), ErrorCode.INVALID_RECORD);
    const control = buildRecordBatch({ records: [sample[0]], isControl: true });
    expectKafkaError(() => validateBatches(control), ErrorCode.INVALID_RECORD);
    const noSeq = buildRecordBatch({ records: [sample[0]], producerId: 5, producerEpoch: 0, baseSequence: -1 });
    expectKafkaError(() => validateBatches(noSeq), ErrorCode.INVALID_RECORD);
  });
});

describe('records: iterateRecords and compression', () => {
  function check(batch: Buffer, baseOffset: number, lastHeader: Buffer | null = null): void {
    const recs = [...iterateRecords(batch)];
    expect(recs).to.have.length(3);
    expect(recs.map((r) => r.offset)).to.deep.equal([baseOffset, baseOffset + 1, baseOffset + 2]);
    expect(recs.map((r) => r.timestamp)).to.deep.equal([T0, T0 + 5, T0 + 9]);
    expect(recs[0].key?.toString()).to.equal('k1');
    expect(recs[0].value?.toString()).to.equal('hello');
    expect(recs[0].headers).to.deep.equal([{ key: 'h', value: Buffer.from('v') }]);
    expect(recs[1].key).to.equal(null);
    expect(recs[2].value).to.equal(null);
    expect(recs[2].headers).to.deep.equal([{ key: 'n', value: lastHeader }]);
  }

  it('iterates plain and gzip batches built by us', () => {
    check(buildRecordBatch({ records: sample, baseOffset: 40 }), 40);
    const gz = buildRecordBatch({ records: sample, baseOffset: 7, compression: CompressionType.GZIP });
    expect(validateBatches(gz)[0].compression).to.equal(1);
    check(gz, 7);
  });

  it('iterates a gzip batch built by kafkajs', async () => {
    check(await kafkajsBatch(1, sampleKj), 0, Buffer.from('x'));
  });

  it('LogAppendTime batches give every record the batch max timestamp', () => {
    const b = buildRecordBatch({ records: sample, logAppendTime: T0 + 1000 });
    expect([...iterateRecords(b)].map((r) => r.timestamp)).to.deep.equal([T0 + 1000, T0 + 1000, T0 + 1000]);
  });

  it('gzip round trip; unknown codecs -> UNSUPPORTED_COMPRESSION_TYPE (snappy/lz4/zstd: compression.test.ts)', () => {
    const data = Buffer.from('x'.repeat(1000));
    expect(decompress(1, compress(1, data)).equals(data)).to.equal(true);
    for (const codec of [5, 6, 7]) {
      expectKafkaError(() => decompress(codec, data), ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
      expectKafkaError(() => buildRecordBatch({ records: sample, compression: codec }), ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    }
    expectKafkaError(() => decompress(1, Buffer.from('not gzip')), ErrorCode.CORRUPT_MESSAGE);
    expect(HEADER_SIZE).to.equal(61);
  });

  it('setLogAppendTime gives the bytes of a batch built as LogAppendTime (type bit, max timestamp, CRC), in place', () => {
    const records = [
      { key: Buffer.from('k'), value: Buffer.from('v1'), timestamp: 1700000000000 },
      { key: null, value: Buffer.from('v2'), timestamp: 1700000000005 },
    ];
    for (const compression of [CompressionType.NONE, CompressionType.GZIP]) {
      const batch = buildRecordBatch({ records, compression, producerId: 3, producerEpoch: 1, baseSequence: 7 });
      const expected = buildRecordBatch({ records, compression, producerId: 3, producerEpoch: 1, baseSequence: 7, logAppendTime: 1800000000000 });
      const copy = Buffer.from(batch);
      setLogAppendTime(copy, 0, copy.length, 1800000000000);
      expect(copy.equals(expected)).to.equal(true);
      expect(validateBatches(copy)[0].maxTimestamp).to.equal(1800000000000);
      expect([...iterateRecords(copy)].map((r) => r.timestamp)).to.deep.equal([1800000000000, 1800000000000]);
      // Stamping again with the same time changes nothing.
      const again = Buffer.from(copy);
      setLogAppendTime(again, 0, again.length, 1800000000000);
      expect(again.equals(copy)).to.equal(true);
    }
  });
});
