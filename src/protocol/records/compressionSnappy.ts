/**
 * Snappy as Kafka clients produce it (protocol.md §6.3): librdkafka and kafkajs-snappy write one raw snappy
 * block; kafka-python and the Java client write xerial framing (Kafka's SnappyOutputStream from
 * snappy-java): magic `0x82 'SNAPPY' 0x00`, int32 version, int32 min compatible version, then
 * `[int32 BE length][raw block]` chunks. We read both and, like the Java producer, write xerial framing
 * (every client reads it). Raw blocks go through the native `snappy` package (napi-rs).
 */
import { compressSync, uncompressSync } from 'snappy';

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
/** snappy-java's SnappyOutputStream default block size (32 KiB). */
const XERIAL_BLOCK_SIZE = 32 * 1024;

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, 8).equals(XERIAL_MAGIC);
}

function rawBlock(data: Buffer): Buffer {
  return uncompressSync(data, { asBuffer: true }) as Buffer;
}

export function snappyDecompress(data: Buffer): Buffer {
  if (!isXerialFramed(data)) return rawBlock(data);
  const parts: Buffer[] = [];
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new Error(`truncated xerial chunk length at ${pos}`);
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new Error(`xerial chunk of ${len} bytes at ${pos} overruns the data`);
    parts.push(rawBlock(data.subarray(pos, pos + len)));
    pos += len;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** Xerial-framed output in 32 KiB blocks (what Kafka's own producer and recompression write). */
export function snappyCompress(data: Buffer): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  const parts: Buffer[] = [header];
  for (let off = 0; off < data.length || off === 0; off += XERIAL_BLOCK_SIZE) {
    const block = compressSync(data.subarray(off, Math.min(data.length, off + XERIAL_BLOCK_SIZE)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}

/** One raw snappy block (what librdkafka and kafkajs-snappy produce); for tests. */
export function snappyCompressRaw(data: Buffer): Buffer {
  return compressSync(data);
}
