/**
 * The KRaft control records (record batches with the control flag): their key (ControlRecordType.recordKey:
 * int16 version 0, int16 type) and the value schemas Kafka 3.7 writes with them (LeaderChangeMessage.json,
 * SnapshotHeaderRecord.json, SnapshotFooterRecord.json in clients/src/main/resources/common/message at 3.7.0,
 * "type": "data", so no apiKey). The value is the message alone in its version, without a frame
 * (MemoryRecordsBuilder.appendControlRecord with MessageUtil.toByteBuffer). The schemas are the protocol's
 * (src/protocol/messages/ControlRecords.ts, with the ControlRecordType key, shared with the Raft client); this
 * module adds their codecs and current versions.
 */
import {
  ControlRecordType,
  controlRecordKey,
  controlRecordTypeName,
  LeaderChangeMessage,
  parseControlRecordTypeId,
  SnapshotFooterRecord,
  SnapshotHeaderRecord,
} from '../../protocol/messages/ControlRecords';
import { MessageCodec } from '../../protocol/messages/MessageCodec';

export {
  ControlRecordType,
  controlRecordKey,
  controlRecordTypeName,
  LeaderChangeMessage,
  parseControlRecordTypeId,
  SnapshotFooterRecord,
  SnapshotHeaderRecord,
};

/** ControlRecordUtils' *_CURRENT_VERSION: the version of each message Kafka 3.7 writes. */
export const LEADER_CHANGE_CURRENT_VERSION = 0;
export const SNAPSHOT_HEADER_CURRENT_VERSION = 0;
export const SNAPSHOT_FOOTER_CURRENT_VERSION = 0;

export const leaderChangeCodec = new MessageCodec<{ version: number; leaderId: number; voters: { voterId: number }[]; grantingVoters: { voterId: number }[] }>(
  LeaderChangeMessage,
);
export const snapshotHeaderCodec = new MessageCodec<{ version: number; lastContainedLogTimestamp: number }>(SnapshotHeaderRecord);
export const snapshotFooterCodec = new MessageCodec<{ version: number }>(SnapshotFooterRecord);
