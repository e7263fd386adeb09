/**
 * The Raft control records' values (KIP-595, KIP-630): LeaderChangeMessage.json, SnapshotHeaderRecord.json and
 * SnapshotFooterRecord.json (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field.
 * Kafka's common struct Voter is written out in both fields that use it.
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
