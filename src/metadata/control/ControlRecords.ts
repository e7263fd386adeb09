/**
 * The KRaft control records (record batches with the control flag): their key (ControlRecordType.recordKey:
 * int16 version 0, int16 type) and the value schemas Kafka 3.7 writes with them (LeaderChangeMessage.json,
 * SnapshotHeaderRecord.json, SnapshotFooterRecord.json in clients/src/main/resources/common/message at 3.7.0,
 * "type": "data", so no apiKey). The value is the message alone in its version, without a frame
 * (MemoryRecordsBuilder.appendControlRecord with MessageUtil.toByteBuffer). The schemas are the protocol's
 * (src/protocol/messages/ControlRecords.ts, shared with the Raft client); this module adds their keys and codecs,
 * so that kafka-storage and kafka-dump-log need nothing of src/raft.
 */
import { LeaderChangeMessage, SnapshotFooterRecord, SnapshotHeaderRecord } from '../../protocol/messages/ControlRecords';
import { MessageCodec } from '../../protocol/messages/MessageCodec';

export { LeaderChangeMessage, SnapshotFooterRecord, SnapshotHeaderRecord };

/** org.apache.kafka.common.record.ControlRecordType. */
export const ControlRecordType = {
  ABORT: 0,
  COMMIT: 1,
  LEADER_CHANGE: 2,
  SNAPSHOT_HEADER: 3,
  SNAPSHOT_FOOTER: 4,
  UNKNOWN: -1,
} as const;

/** ControlRecordType.toString (the enum constant) for a type id; ids Kafka does not know are UNKNOWN. */
export function controlRecordTypeName(id: number): string {
  const e = Object.entries(ControlRecordType).find(([, v]) => v === id);
  return e ? e[0] : 'UNKNOWN';
}

/** ControlRecordUtils' *_CURRENT_VERSION: the version of each message Kafka 3.7 writes. */
export const LEADER_CHANGE_CURRENT_VERSION = 0;
export const SNAPSHOT_HEADER_CURRENT_VERSION = 0;
export const SNAPSHOT_FOOTER_CURRENT_VERSION = 0;

export const leaderChangeCodec = new MessageCodec<{ version: number; leaderId: number; voters: { voterId: number }[]; grantingVoters: { voterId: number }[] }>(
  LeaderChangeMessage,
);
export const snapshotHeaderCodec = new MessageCodec<{ version: number; lastContainedLogTimestamp: number }>(SnapshotHeaderRecord);
export const snapshotFooterCodec = new MessageCodec<{ version: number }>(SnapshotFooterRecord);

/** ControlRecordType.recordKey: version 0, then the type. */
export function controlRecordKey(type: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt16BE(0, 0);
  b.writeInt16BE(type, 2);
  return b;
}

/** ControlRecordType.parseTypeId, with its messages; a newer key version is parsed as version 0, as Kafka does. */
export function parseControlRecordTypeId(key: Buffer | null): number {
  const size = key === null ? 0 : key.length;
  if (key === null || size < 4) {
    throw new Error(`Invalid value size found for end control record key. Must have at least 4 bytes, but found only ${size}`);
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new Error(`Invalid version found for control record: ${version}. May indicate data corruption`);
  return key.readInt16BE(2);
}
