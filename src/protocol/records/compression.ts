/**
 * Record batch compression codecs (attributes bits 0-2, Kafka's `CompressionType`).
 * Only used where the broker must look inside a batch (ListOffsets by timestamp, compaction, internal
 * topics, tests): produced batches are stored exactly as the client compressed them.
 */
import * as zlib from 'zlib';
import { ErrorCode, KafkaError } from '../errors';

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

function unsupported(codec: number): KafkaError {
  return new KafkaError(
    ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    `Compression codec ${compressionName(codec)} (${codec}) is not supported by this broker yet`,
  );
}

/** Decompresses the records region (bytes 61..end) of a batch. */
export function decompress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case CompressionType.NONE:
      return data;
    case CompressionType.GZIP:
      try {
        return zlib.gunzipSync(data);
      } catch (e) {
        throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Invalid gzip data in record batch: ${(e as Error).message}`);
      }
    default:
      throw unsupported(codec);
  }
}

/** Compresses a records region; gzip only for now (Kafka's GzipOutputStream, default level). */
export function compress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case CompressionType.NONE:
      return data;
    case CompressionType.GZIP:
      return zlib.gzipSync(data);
    default:
      throw unsupported(codec);
  }
}
