/**
 * The KRaft metadata records about ACLs, SCRAM credentials and delegation tokens, as Kafka 3.7 describes them
 * (apache/kafka metadata/src/main/resources/common/metadata/*.json at 3.7.0), field for field.
 */
import { MessageSpec } from '../../protocol/messages/MessageSpec';

export const DelegationTokenRecord: MessageSpec = {
  apiKey: 10,
  type: 'metadata',
  name: 'DelegationTokenRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Owner', type: 'string', versions: '0+' },
    { name: 'Requester', type: 'string', versions: '0+' },
    { name: 'Renewers', type: '[]string', versions: '0+' },
    { name: 'IssueTimestamp', type: 'int64', versions: '0+' },
    { name: 'MaxTimestamp', type: 'int64', versions: '0+' },
    { name: 'ExpirationTimestamp', type: 'int64', versions: '0+' },
    { name: 'TokenId', type: 'string', versions: '0+' },
  ],
};

export const UserScramCredentialRecord: MessageSpec = {
  apiKey: 11,
  type: 'metadata',
  name: 'UserScramCredentialRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Name', type: 'string', versions: '0+' },
    { name: 'Mechanism', type: 'int8', versions: '0+' },
    { name: 'Salt', type: 'bytes', versions: '0+' },
    { name: 'StoredKey', type: 'bytes', versions: '0+' },
    { name: 'ServerKey', type: 'bytes', versions: '0+' },
    { name: 'Iterations', type: 'int32', versions: '0+' },
  ],
};

export const AccessControlEntryRecord: MessageSpec = {
  apiKey: 18,
  type: 'metadata',
  name: 'AccessControlEntryRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Id', type: 'uuid', versions: '0+' },
    { name: 'ResourceType', type: 'int8', versions: '0+' },
    { name: 'ResourceName', type: 'string', versions: '0+' },
    { name: 'PatternType', type: 'int8', versions: '0+' },
    { name: 'Principal', type: 'string', versions: '0+' },
    { name: 'Host', type: 'string', versions: '0+' },
    { name: 'Operation', type: 'int8', versions: '0+' },
    { name: 'PermissionType', type: 'int8', versions: '0+' },
  ],
};

export const RemoveAccessControlEntryRecord: MessageSpec = {
  apiKey: 19,
  type: 'metadata',
  name: 'RemoveAccessControlEntryRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'Id', type: 'uuid', versions: '0+' }],
};

export const RemoveUserScramCredentialRecord: MessageSpec = {
  apiKey: 22,
  type: 'metadata',
  name: 'RemoveUserScramCredentialRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Name', type: 'string', versions: '0+' },
    { name: 'Mechanism', type: 'int8', versions: '0+' },
  ],
};

export const RemoveDelegationTokenRecord: MessageSpec = {
  apiKey: 26,
  type: 'metadata',
  name: 'RemoveDelegationTokenRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'TokenId', type: 'string', versions: '0+' }],
};
