/**
 * The KRaft metadata transaction records (KIP-868: a controller writes a run of records atomically between
 * BeginTransactionRecord and EndTransactionRecord, or abandons them with AbortTransactionRecord), as Kafka 3.7
 * describes them (apache/kafka metadata/src/main/resources/common/metadata/*.json at 3.7.0).
 */
import { MessageSpec } from '../../protocol/messages/MessageSpec';

export const BeginTransactionRecord: MessageSpec = {
  apiKey: 23,
  type: 'metadata',
  name: 'BeginTransactionRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'Name', type: 'string', default: 'null', versions: '0+', nullableVersions: '0+', taggedVersions: '0+', tag: 0 }],
};

export const EndTransactionRecord: MessageSpec = {
  apiKey: 24,
  type: 'metadata',
  name: 'EndTransactionRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [],
};

export const AbortTransactionRecord: MessageSpec = {
  apiKey: 25,
  type: 'metadata',
  name: 'AbortTransactionRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'Reason', type: 'string', default: 'null', versions: '0+', nullableVersions: '0+', taggedVersions: '0+', tag: 0 }],
};
