/**
 * Kafka's DefaultRecordBatch.writeEmptyHeader, as MemoryRecords.filterTo writes it for a RETAIN_EMPTY batch whose
 * records all went: the header alone (no records, count 0), same base and last offset, producer id, epoch, base
 * sequence and leader epoch, codec none, the batch's max timestamp as both timestamps, the transactional and control
 * flags kept and no delete horizon. Such a batch keeps a producer's last sequence and epoch in the log.
 */
import {
  ATTRIBUTES,
  BASE_OFFSET,
  BASE_SEQUENCE,
  BASE_TIMESTAMP,
  BatchInfo,
  CRC,
  HEADER_SIZE,
  LAST_OFFSET_DELTA,
  LENGTH,
  LOG_OVERHEAD,
  MAGIC,
  MAGIC_V2,
  MAX_TIMESTAMP,
  PARTITION_LEADER_EPOCH,
  PRODUCER_EPOCH,
  PRODUCER_ID,
  RECORDS_COUNT,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  CONTROL_FLAG_MASK,
  writeInt64,
} from '../protocol/records/RecordBatch';
import { crc32c } from '../protocol/records/crc32c';

export function emptyBatchHeader(info: BatchInfo): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE);
  const attributes = info.attributes & (TIMESTAMP_TYPE_MASK | TRANSACTIONAL_FLAG_MASK | CONTROL_FLAG_MASK);
  writeInt64(buf, BASE_OFFSET, info.baseOffset);
  buf.writeInt32BE(HEADER_SIZE - LOG_OVERHEAD, LENGTH);
  buf.writeInt32BE(info.partitionLeaderEpoch, PARTITION_LEADER_EPOCH);
  buf.writeInt8(MAGIC_V2, MAGIC);
  buf.writeInt16BE(attributes, ATTRIBUTES);
  buf.writeInt32BE(info.lastOffset - info.baseOffset, LAST_OFFSET_DELTA);
  writeInt64(buf, BASE_TIMESTAMP, info.maxTimestamp);
  writeInt64(buf, MAX_TIMESTAMP, info.maxTimestamp);
  writeInt64(buf, PRODUCER_ID, info.producerId);
  buf.writeInt16BE(info.producerEpoch, PRODUCER_EPOCH);
  buf.writeInt32BE(info.baseSequence, BASE_SEQUENCE);
  buf.writeInt32BE(0, RECORDS_COUNT);
  buf.writeUInt32BE(crc32c(buf, ATTRIBUTES, HEADER_SIZE), CRC);
  return buf;
}
