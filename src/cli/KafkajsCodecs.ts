import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { compress, CompressionType, decompress } from '../protocol/records/compression';

interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

let registered = false;

/**
 * kafkajs implements only gzip; its other codecs are plugins. The tools register the broker's own codecs
 * (snappy with xerial framing as the Java client writes it, LZ4 frames, zstd frames with the content size), so
 * kafka-console-producer --compression-codec works for every codec and the consumers can read every batch.
 */
export function registerKafkajsCodecs(): void {
  if (registered) return;
  registered = true;
  const table = CompressionCodecs as unknown as Record<number, () => KafkajsCodec>;
  const codec = (id: number) => (): KafkajsCodec => ({
    compress: async (encoder) => compress(id, encoder.buffer),
    decompress: async (buffer) => decompress(id, buffer),
  });
  table[CompressionTypes.Snappy] = codec(CompressionType.SNAPPY);
  table[CompressionTypes.LZ4] = codec(CompressionType.LZ4);
  table[CompressionTypes.ZSTD] = codec(CompressionType.ZSTD);
}
