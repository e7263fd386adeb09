/**
 * Record batch compression codecs (attributes bits 0-2, Kafka's `CompressionType`).
 * Only used where the broker must look inside a batch (ListOffsets by timestamp, compaction, internal
 * topics, dump-log, recompression for a topic compression.type): produced batches are stored exactly as the
 * client compressed them. Codecs are native (protocol.md §6.3): zlib for gzip, `snappy` (napi-rs) with our own
 * xerial framing, `lz4-napi` (lz4_flex; LZ4 frames with linked or independent blocks, optional content size
 * and checksums) and `zstd-napi` (libzstd; frames carry their content size, which kafka-python needs).
 */
import * as zlib from 'zlib';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi';
import { ErrorCode, KafkaError } from '../errors';
import { snappyCompress, snappyDecompress } from './compressionSnappy';

export const CompressionType = Object.freeze({
  NONE: 0,
  GZIP: 1,
  SNAPPY: 2,
  LZ4: 3,
  ZSTD: 4,
});

const NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export function compressionName(codec: number): string {
  return NAMES[codec] ?? `unknown(${codec})`;
}

/**
 * Codec id for a topic/broker `compression.type` value; null for `producer` (keep what the client sent).
 * 'uncompressed' is Kafka's name for none (BrokerCompressionType).
 */
export function compressionTypeForConfig(value: string | undefined): number | null {
  switch ((value ?? 'producer').trim().toLowerCase()) {
    case 'uncompressed':
    case 'none':
      return CompressionType.NONE;
    case 'gzip':
      return CompressionType.GZIP;
    case 'snappy':
      return CompressionType.SNAPPY;
    case 'lz4':
      return CompressionType.LZ4;
    case 'zstd':
      return CompressionType.ZSTD;
    default:
      return null;
  }
}

function unsupported(codec: number): KafkaError {
  return new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `Unknown compression codec ${codec}`);
}

/** Decompresses the records region (bytes 61..end) of a batch; bad data -> CORRUPT_MESSAGE. */
export function decompress(codec: number, data: Buffer): Buffer {
  if (codec === CompressionType.NONE) return data;
  if (codec > CompressionType.ZSTD || codec < 0) throw unsupported(codec);
  try {
    switch (codec) {
      case CompressionType.GZIP:
        return zlib.gunzipSync(data);
      case CompressionType.SNAPPY:
        return snappyDecompress(data);
      case CompressionType.LZ4:
        return decompressFrameSync(data);
      default:
        return zstdDecompress(data);
    }
  } catch (e) {
    throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Invalid ${compressionName(codec)} data in record batch: ${(e as Error).message}`);
  }
}

/**
 * Compresses a records region as Kafka's own producer would: gzip (default level), xerial-framed snappy,
 * an LZ4 frame with independent blocks, a zstd frame with its content size (level 3, Kafka's default).
 */
export function compress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case CompressionType.NONE:
      return data;
    case CompressionType.GZIP:
      return zlib.gzipSync(data);
    case CompressionType.SNAPPY:
      return snappyCompress(data);
    case CompressionType.LZ4:
      return compressFrameSync(data);
    case CompressionType.ZSTD:
      return zstdCompress(data);
    default:
      throw unsupported(codec);
  }
}
