/**
 * Fetch v0-3 (KafkaApis.handleFetchRequest -> maybeConvertFetchedData): the log holds record batch v2 only, so
 * for Fetch v0-1 every partition's records go out as message format v0 and for v2-3 as v1
 * (LazyDownConversionRecords -> RecordsUtil.downConvert; see protocol/records/LegacyRecords.downConvert).
 * A topic with compression.type=zstd answers UNSUPPORTED_COMPRESSION_TYPE below Fetch v10, as Kafka does; a zstd
 * batch under compression.type=producer cannot be written as v0/v1 either and answers the same. A topic with
 * message.downconversion.enable=false answers UNSUPPORTED_VERSION to consumers (not to followers), as Kafka does.
 */
import { ErrorCode } from '../../protocol/errors';
import { CompressionType } from '../../protocol/records/compression';
import { MAGIC_V0, MAGIC_V1, downConvert } from '../../protocol/records/LegacyRecords';
import { COMPRESSION_CODEC_MASK, HEADER_SIZE, LOG_OVERHEAD } from '../../protocol/records/RecordBatch';
import type { Partition } from '../../cluster/Partition';
import type { FetchPartitionRequest, FetchPartitionResult } from '../ReplicaManager';

/** Where the topic's compression.type comes from. */
interface Partitions {
  getPartition(topic: string, partition: number): Partition | undefined;
}

function hasZstdBatch(chunks: Buffer[]): boolean {
  for (const c of chunks) {
    let pos = 0;
    while (pos + HEADER_SIZE <= c.length) {
      if ((c.readInt16BE(pos + 21) & COMPRESSION_CODEC_MASK) === CompressionType.ZSTD) return true;
      pos += c.readInt32BE(pos + 8) + LOG_OVERHEAD;
    }
  }
  return false;
}

/** Rewrites each result's records in the message format of Fetch `version` (< 4). Results are changed in place. */
export function downConvertFetchResults(
  version: number,
  results: FetchPartitionResult[],
  requests: FetchPartitionRequest[],
  partitions: Partitions,
  replicaId: number,
): void {
  const toMagic = version <= 1 ? MAGIC_V0 : MAGIC_V1;
  const fetchOffsets = new Map(requests.map((p) => [`${p.topic}-${p.partition}`, p.fetchOffset]));
  for (const res of results) {
    if (res.errorCode !== ErrorCode.NONE) continue;
    const chunks = res.records ?? [];
    const config = partitions.getPartition(res.topic, res.partition)?.config;
    const refuse = (errorCode: number) => {
      res.errorCode = errorCode;
      res.records = null;
      res.sizeInBytes = 0;
    };
    if (config?.targetCodec === CompressionType.ZSTD || hasZstdBatch(chunks)) {
      refuse(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
      continue;
    }
    if (replicaId < 0 && config?.messageDownConversionEnable === false) {
      refuse(ErrorCode.UNSUPPORTED_VERSION);
      continue;
    }
    if (chunks.length === 0) continue;
    const original = chunks.reduce((n, c) => n + c.length, 0);
    const converted = downConvert(chunks, toMagic, fetchOffsets.get(`${res.topic}-${res.partition}`) ?? 0, original);
    res.records = [converted];
    res.sizeInBytes = converted.length;
  }
}
