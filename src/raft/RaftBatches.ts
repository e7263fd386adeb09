/**
 * The batches a Raft leader writes (Kafka's raft BatchBuilder and MemoryRecordsBuilder's control records) and
 * how listeners see them (Batch<T>, RecordsIterator): RecordBatch v2, uncompressed, no producer id, the leader epoch
 * in partitionLeaderEpoch. Each data record has a null key and the serde's bytes as value. A control record's key
 * is ControlRecordType's struct (int16 version 0, int16 type) and its value the control message
 * (ControlRecordUtils): LEADER_CHANGE 2, SNAPSHOT_HEADER 3, SNAPSHOT_FOOTER 4.
 */
import { ControlRecordType, controlRecordKey, LeaderChangeMessage as LeaderChangeSpec } from '../protocol/messages/ControlRecords';
import { MessageCodec } from '../protocol/messages/MessageCodec';
import { buildRecordBatch } from '../protocol/records/MemoryRecordsBuilder';
import { batchSizeAt, iterateRecords, readBatchInfo } from '../protocol/records/RecordBatch';
import { Reader } from '../protocol/Reader';
import { Writer } from '../protocol/Writer';
import { RecordSerde } from './RecordSerde';

export { ControlRecordType };

export interface LeaderChangeMessage {
  version: number;
  leaderId: number;
  voters: Array<{ voterId: number }>;
  grantingVoters: Array<{ voterId: number }>;
}

const leaderChangeCodec = new MessageCodec<LeaderChangeMessage>(LeaderChangeSpec);

/** A committed batch as listeners receive it (Kafka's Batch<T>); control batches come with no records. */
export interface Batch<T> {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly epoch: number;
  readonly appendTimestamp: number;
  readonly sizeInBytes: number;
  readonly isControl: boolean;
  readonly records: T[];
  /** For a control batch: its record's ControlRecordType (LEADER_CHANGE, SNAPSHOT_HEADER, SNAPSHOT_FOOTER...). */
  readonly controlType?: number;
  /** For a LEADER_CHANGE control batch, its message. */
  readonly leaderChange?: LeaderChangeMessage;
}

/** One data batch of `records` (offsets from 0: the log assigns them). */
export function buildDataBatch<T>(serde: RecordSerde<T>, records: readonly T[], epoch: number, timestamp: number): Buffer {
  return buildValuesBatch(
    records.map((r) => serde.write(r)),
    epoch,
    timestamp,
  );
}

/** One data batch of already serialized record values. */
export function buildValuesBatch(values: readonly Buffer[], epoch: number, timestamp: number): Buffer {
  return buildRecordBatch({ partitionLeaderEpoch: epoch, records: values.map((value) => ({ key: null, value, timestamp })) });
}

/** A control batch of one control record (MemoryRecords.withLeaderChangeMessage / withSnapshotHeaderRecord...). */
export function buildControlBatch<V>(type: number, codec: MessageCodec<V>, message: V, baseOffset: number, epoch: number, timestamp: number): Buffer {
  const w = new Writer(32);
  codec.write(w, 0, message);
  return buildRecordBatch({
    baseOffset,
    partitionLeaderEpoch: epoch,
    isControl: true,
    records: [{ key: controlRecordKey(type), value: w.toBuffer(), timestamp }],
  });
}

/** The LEADER_CHANGE control batch a new leader writes first (LeaderState.appendLeaderChangeMessage). */
export function buildLeaderChangeBatch(message: LeaderChangeMessage, epoch: number, timestamp: number): Buffer {
  return buildControlBatch(ControlRecordType.LEADER_CHANGE, leaderChangeCodec, message, 0, epoch, timestamp);
}

/** Decodes every whole batch of `records` (RecordsIterator); a trailing partial batch is ignored, as Kafka's is. */
export function readBatches<T>(records: Buffer, serde: RecordSerde<T>): Batch<T>[] {
  const out: Batch<T>[] = [];
  let pos = 0;
  while (pos + 61 <= records.length) {
    const size = batchSizeAt(records, pos);
    if (pos + size > records.length) break;
    const bytes = records.subarray(pos, pos + size);
    const info = readBatchInfo(records, pos);
    const common = {
      baseOffset: info.baseOffset,
      lastOffset: info.lastOffset,
      epoch: info.partitionLeaderEpoch,
      appendTimestamp: info.maxTimestamp,
      sizeInBytes: size,
    };
    if (info.isControl) {
      let leaderChange: LeaderChangeMessage | undefined;
      let controlType: number | undefined;
      for (const r of iterateRecords(bytes)) {
        if (!r.key || r.key.length < 4) throw new Error(`Control record at offset ${r.offset} has no ControlRecordType key`);
        controlType = r.key.readInt16BE(2);
        if (controlType === ControlRecordType.LEADER_CHANGE && r.value) leaderChange = leaderChangeCodec.read(new Reader(r.value), 0);
      }
      out.push({ ...common, isControl: true, records: [], controlType, leaderChange });
    } else {
      const recs: T[] = [];
      for (const r of iterateRecords(bytes)) {
        if (!r.value) throw new Error(`Raft record at offset ${r.offset} has a null value`);
        recs.push(serde.read(r.value));
      }
      out.push({ ...common, isControl: false, records: recs });
    }
    pos += size;
  }
  return out;
}
