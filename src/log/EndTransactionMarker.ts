/**
 * Kafka's EndTransactionMarker and MemoryRecords.withEndTransactionMarker: the COMMIT/ABORT control batch the
 * transaction coordinator has each partition leader write (WriteTxnMarkers). The batch carries the producer id and
 * epoch with the transactional and control attributes; its one record has the key ControlRecordType.recordKey
 * (int16 version 0, int16 type) and the value (int16 version 0, int32 coordinatorEpoch).
 */
import { ControlRecordType, controlRecordKey, parseControlRecordTypeId } from '../protocol/messages/ControlRecords';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { buildRecordBatch } from '../protocol/records/MemoryRecordsBuilder';
import { iterateRecords } from '../protocol/records/RecordBatch';

/** EndTransactionMarker.CURRENT_END_TXN_MARKER_VERSION. */
const END_TXN_MARKER_VERSION = 0;
/** EndTransactionMarker.CURRENT_END_TXN_SCHEMA_RECORD_SIZE: int16 version + int32 coordinator epoch. */
const END_TXN_MARKER_VALUE_SIZE = 6;

export interface EndTxnMarker {
  /** ControlRecordType.ABORT or COMMIT. */
  type: number;
  coordinatorEpoch: number;
}

/** MemoryRecords.withEndTransactionMarker (base offset 0, the leader assigns it; timestamp now). */
export function buildEndTxnMarkerBatch(producerId: number, producerEpoch: number, marker: EndTxnMarker, timestamp = Date.now()): Buffer {
  const value = Buffer.alloc(END_TXN_MARKER_VALUE_SIZE);
  value.writeInt16BE(END_TXN_MARKER_VERSION, 0);
  value.writeInt32BE(marker.coordinatorEpoch, 2);
  return buildRecordBatch({
    records: [{ key: controlRecordKey(marker.type), value, timestamp }],
    producerId,
    producerEpoch,
    baseSequence: -1,
    isTransactional: true,
    isControl: true,
  });
}

/**
 * EndTransactionMarker.deserialize of a control batch's first record (the batch starts at byte 0 of `batch`).
 * Null for an empty control batch (Kafka: the cleaner removed the whole transaction) or a control record that is
 * not a transaction marker (Raft's LEADER_CHANGE...). Throws CORRUPT_MESSAGE for an unreadable marker.
 */
export function readEndTxnMarker(batch: Buffer): EndTxnMarker | null {
  for (const r of iterateRecords(batch)) {
    let type: number;
    try {
      type = parseControlRecordTypeId(r.key);
    } catch (e) {
      throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, (e as Error).message);
    }
    if (type !== ControlRecordType.ABORT && type !== ControlRecordType.COMMIT) return null;
    const v = r.value;
    if (v === null || v.length < END_TXN_MARKER_VALUE_SIZE) {
      throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Invalid end transaction marker value of ${v === null ? 0 : v.length} bytes`);
    }
    // Kafka logs a newer version and reads it as version 0 (EndTransactionMarker.deserializeValue).
    if (v.readInt16BE(0) < 0) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Invalid version found for end transaction marker: ${v.readInt16BE(0)}`);
    return { type, coordinatorEpoch: v.readInt32BE(2) };
  }
  return null;
}
