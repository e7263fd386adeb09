import { expect } from 'chai';
import * as zlib from 'zlib';
import { ErrorCode, KafkaError } from '../../../src/protocol/errors';
import { CompressionType, compress, compressionTypeForConfig, decompress } from '../../../src/protocol/records/compression';
import { convertProducedBatch } from '../../../src/protocol/records/compressionConvert';
import { isXerialFramed, snappyCompressRaw } from '../../../src/protocol/records/compressionSnappy';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { iterateRecords, readBatchInfo, validateBatches } from '../../../src/protocol/records/RecordBatch';

/* eslint-disable @typescript-eslint/no-require-imports */
// Independent implementations, as clients use them: snappyjs (kafkajs-snappy) and the lz4 package (kafkajs-lz4).
const snappyjs = require('snappyjs') as { compress(b: Buffer): Buffer; uncompress(b: Buffer): Buffer };
/* eslint-enable @typescript-eslint/no-require-imports */

const T0 = 1700000000000;
const text = Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(3000));

function expectCode(fn: () => unknown, code: number): void {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(KafkaError);
    expect((e as KafkaError).code, (e as Error).message).to.equal(code);
    return;
  }
  throw new Error(`expected KafkaError ${code}`);
}

/** Xerial framing as kafka-python / snappy-java write it, built by hand over snappyjs blocks. */
function xerial(data: Buffer, blockSize: number): Buffer {
  const parts = [Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])];
  for (let off = 0; off < data.length; off += blockSize) {
    const block = snappyjs.compress(data.subarray(off, off + blockSize));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

describe('records: compression codecs', () => {
  for (const [name, codec] of Object.entries(CompressionType)) {
    it(`${name} round-trips (empty, small, large)`, () => {
      for (const data of [Buffer.alloc(0), Buffer.from('hello'), text]) {
        expect(decompress(codec, compress(codec, data)).equals(data)).to.equal(true);
      }
    });
  }

  it('snappy: reads raw blocks (librdkafka, kafkajs-snappy) and xerial frames (kafka-python, Java)', () => {
    expect(decompress(CompressionType.SNAPPY, snappyjs.compress(text)).equals(text)).to.equal(true);
    expect(decompress(CompressionType.SNAPPY, snappyCompressRaw(text)).equals(text)).to.equal(true);
    const framed = xerial(text, 32 * 1024);
    expect(isXerialFramed(framed)).to.equal(true);
    expect(decompress(CompressionType.SNAPPY, framed).equals(text)).to.equal(true);
    // Our output is xerial-framed in 32 KiB blocks, which snappyjs cannot read whole but each block can.
    const ours = compress(CompressionType.SNAPPY, text);
    expect(isXerialFramed(ours)).to.equal(true);
    const firstLen = ours.readInt32BE(16);
    expect(snappyjs.uncompress(ours.subarray(20, 20 + firstLen)).equals(text.subarray(0, 32 * 1024))).to.equal(true);
  });

  it('lz4: reads a hand-made frame with LINKED blocks (python-lz4 style) and header checksum', () => {
    // FLG 0x40 (version 1, linked blocks), BD 0x40 (64 KiB), HC; block 1 stored "abcdefgh"; block 2 a match
    // 8 bytes back into block 1 (12 bytes) then literals "XYZWV"; end mark.
    const frame = Buffer.from('04224d184040c0080000806162636465666768090000000808005058595a575600000000', 'hex');
    expect(decompress(CompressionType.LZ4, frame).toString()).to.equal('abcdefghabcdefghabcdXYZWV');
  });

  it('lz4: reads frames of the lz4 package (kafkajs-lz4) with content checksum', function () {
    let lz4: { encode(b: Buffer, o?: Record<string, unknown>): Buffer } | null = null;
    try {
      lz4 = require('lz4') as { encode(b: Buffer, o?: Record<string, unknown>): Buffer }; // eslint-disable-line @typescript-eslint/no-require-imports
    } catch {
      this.skip();
    }
    const f = lz4!.encode(text, { blockIndependent: false, streamChecksum: true });
    expect(decompress(CompressionType.LZ4, f).equals(text)).to.equal(true);
  });

  it('zstd: our frames carry the content size (kafka-python needs it)', () => {
    const f = compress(CompressionType.ZSTD, text);
    expect(f.readUInt32LE(0)).to.equal(0xfd2fb528);
    const fhd = f[4];
    expect(fhd >> 6, 'Frame_Content_Size_flag').to.be.greaterThan(0);
  });

  it('gzip: reads what zlib writes at any level', () => {
    expect(decompress(CompressionType.GZIP, zlib.gzipSync(text, { level: 9 })).equals(text)).to.equal(true);
  });

  it('bad data -> CORRUPT_MESSAGE, unknown codec -> UNSUPPORTED_COMPRESSION_TYPE', () => {
    for (const codec of [1, 2, 3, 4]) expectCode(() => decompress(codec, Buffer.from('definitely not compressed')), ErrorCode.CORRUPT_MESSAGE);
    expectCode(() => decompress(5, text), ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });

  it('compression.type values map to codecs (producer -> null)', () => {
    expect(compressionTypeForConfig('producer')).to.equal(null);
    expect(compressionTypeForConfig(undefined)).to.equal(null);
    expect(compressionTypeForConfig('uncompressed')).to.equal(0);
    expect(compressionTypeForConfig('zstd')).to.equal(4);
  });

  describe('convertProducedBatch (LogValidator)', () => {
    const records = [
      { key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: T0, headers: [{ key: 'h', value: Buffer.from('x') }] },
      { key: Buffer.from('k2'), value: null, timestamp: T0 + 5 },
    ];
    it('passes batches through when nothing changes (same buffer)', () => {
      const b = buildRecordBatch({ records, compression: 1 });
      expect(convertProducedBatch(b, { targetCodec: null, compacted: false, topicPartition: 't-0' })).to.equal(b);
      expect(convertProducedBatch(b, { targetCodec: 1, compacted: false, topicPartition: 't-0' })).to.equal(b);
    });
    it('recompresses into the topic codec, keeping producer fields and records', () => {
      const b = buildRecordBatch({ records, compression: 1, producerId: 7, producerEpoch: 2, baseSequence: 10 });
      for (const target of [0, 2, 3, 4]) {
        const out = convertProducedBatch(b, { targetCodec: target, compacted: false, topicPartition: 't-0' });
        const [info] = validateBatches(out);
        expect(info.compression).to.equal(target);
        expect([info.producerId, info.producerEpoch, info.baseSequence, info.recordCount]).to.deep.equal([7, 2, 10, 2]);
        const got = [...iterateRecords(out)];
        expect(got.map((r) => [r.key?.toString(), r.value?.toString() ?? null, r.timestamp])).to.deep.equal([
          ['k1', 'v1', T0],
          ['k2', null, T0 + 5],
        ]);
        expect(got[0].headers[0].key).to.equal('h');
        expect(readBatchInfo(out, 0).maxTimestamp).to.equal(T0 + 5);
      }
    });
    it('a compacted topic refuses keyless records with INVALID_RECORD', () => {
      const b = buildRecordBatch({ records: [{ key: null, value: Buffer.from('v'), timestamp: T0 }], compression: 2 });
      expectCode(() => convertProducedBatch(b, { targetCodec: null, compacted: true, topicPartition: 't-0' }), ErrorCode.INVALID_RECORD);
      const ok = buildRecordBatch({ records, compression: 2 });
      expect(convertProducedBatch(ok, { targetCodec: null, compacted: true, topicPartition: 't-0' })).to.equal(ok);
    });
    it('never re-encodes a batch with a bad CRC', () => {
      const b = buildRecordBatch({ records, compression: 1 });
      b[b.length - 1] ^= 0xff;
      expectCode(() => convertProducedBatch(b, { targetCodec: 4, compacted: false, topicPartition: 't-0' }), ErrorCode.CORRUPT_MESSAGE);
    });
  });
});
