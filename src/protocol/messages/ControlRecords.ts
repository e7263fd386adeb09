/**
 * The Raft control records' values (KIP-595, KIP-630): LeaderChangeMessage.json, SnapshotHeaderRecord.json and
 * SnapshotFooterRecord.json (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field.
 * Kafka's common struct Voter is written out in both fields that use it. A control record's key is
 * ControlRecordType.recordKey (int16 version 0, int16 type), below, shared by transaction markers and Raft.
 */
import { DataSpec, FieldSpec } from './MessageSpec';

const VOTER: readonly FieldSpec[] = [{ name: 'VoterId', type: 'int32', versions: '0+' }];

export const LeaderChangeMessage: DataSpec = {
  type: 'data',
  name: 'LeaderChangeMessage',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Version', type: 'int16', versions: '0+' },
    { name: 'LeaderId', type: 'int32', versions: '0+' },
    { name: 'Voters', type: '[]Voter', versions: '0+', fields: VOTER },
    { name: 'GrantingVoters', type: '[]Voter', versions: '0+', fields: VOTER },
  ],
};

export const SnapshotHeaderRecord: DataSpec = {
  type: 'data',
  name: 'SnapshotHeaderRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Version', type: 'int16', versions: '0+' },
    { name: 'LastContainedLogTimestamp', type: 'int64', versions: '0+' },
  ],
};

export const SnapshotFooterRecord: DataSpec = {
  type: 'data',
  name: 'SnapshotFooterRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'Version', type: 'int16', versions: '0+' }],
};

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
