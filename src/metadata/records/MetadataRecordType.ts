/**
 * Kafka's generated org.apache.kafka.common.metadata.MetadataRecordType: every metadata record type of Kafka 3.7,
 * by id (the schema's apiKey), with the enum constant's name (what kafka-dump-log prints as "type") and the
 * versions this release reads and writes.
 */
import { MessageCodec } from '../../protocol/messages/MessageCodec';
import { MessageSpec, parseVersions } from '../../protocol/messages/MessageSpec';
import {
  BrokerRegistrationChangeRecord,
  FenceBrokerRecord,
  RegisterBrokerRecord,
  RegisterControllerRecord,
  UnfenceBrokerRecord,
  UnregisterBrokerRecord,
} from './BrokerRecords';
import { ClientQuotaRecord, ConfigRecord, FeatureLevelRecord, NoOpRecord, ProducerIdsRecord, ZkMigrationStateRecord } from './ClusterRecords';
import {
  AccessControlEntryRecord,
  DelegationTokenRecord,
  RemoveAccessControlEntryRecord,
  RemoveDelegationTokenRecord,
  RemoveUserScramCredentialRecord,
  UserScramCredentialRecord,
} from './SecurityRecords';
import { PartitionChangeRecord, PartitionRecord, RemoveTopicRecord, TopicRecord } from './TopicRecords';
import { AbortTransactionRecord, BeginTransactionRecord, EndTransactionRecord } from './TransactionRecords';

export interface MetadataRecordType {
  readonly id: number;
  /** The enum constant: MessageGenerator.toSnakeCase(name).toUpperCase(), e.g. TOPIC_RECORD. */
  readonly name: string;
  readonly spec: MessageSpec;
  readonly codec: MessageCodec<Record<string, unknown>>;
  readonly lowestSupportedVersion: number;
  readonly highestSupportedVersion: number;
}

/** The schemas in id order (Kafka 3.7 has no record type 6, 13 or 16). */
const SPECS: readonly MessageSpec[] = [
  RegisterBrokerRecord,
  UnregisterBrokerRecord,
  TopicRecord,
  PartitionRecord,
  ConfigRecord,
  PartitionChangeRecord,
  FenceBrokerRecord,
  UnfenceBrokerRecord,
  RemoveTopicRecord,
  DelegationTokenRecord,
  UserScramCredentialRecord,
  FeatureLevelRecord,
  ClientQuotaRecord,
  ProducerIdsRecord,
  BrokerRegistrationChangeRecord,
  AccessControlEntryRecord,
  RemoveAccessControlEntryRecord,
  NoOpRecord,
  ZkMigrationStateRecord,
  RemoveUserScramCredentialRecord,
  BeginTransactionRecord,
  EndTransactionRecord,
  AbortTransactionRecord,
  RemoveDelegationTokenRecord,
  RegisterControllerRecord,
];

/** MessageGenerator.toSnakeCase, upper-cased: a '_' before each capital letter that follows a lower-case one. */
export function toSnakeCaseUpper(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

const BY_ID = new Map<number, MetadataRecordType>();
const BY_NAME = new Map<string, MetadataRecordType>();
for (const spec of SPECS) {
  const range = parseVersions(spec.validVersions);
  const t: MetadataRecordType = {
    id: spec.apiKey,
    name: toSnakeCaseUpper(spec.name),
    spec,
    codec: new MessageCodec<Record<string, unknown>>(spec),
    lowestSupportedVersion: range.lowest,
    highestSupportedVersion: range.highest,
  };
  BY_ID.set(t.id, t);
  BY_NAME.set(spec.name, t);
}

/** Every record type, in id order. */
export const METADATA_RECORD_TYPES: readonly MetadataRecordType[] = [...BY_ID.values()].sort((a, b) => a.id - b.id);

/** MetadataRecordType.fromId; undefined for an id Kafka 3.7 does not know. */
export function metadataRecordTypeById(id: number): MetadataRecordType | undefined {
  return BY_ID.get(id);
}

/** The type of a schema name ('TopicRecord'). */
export function metadataRecordType(schemaName: string): MetadataRecordType {
  const t = BY_NAME.get(schemaName);
  if (!t) throw new Error(`Unknown metadata record ${schemaName}`);
  return t;
}

/** The record types' ids by Kafka's enum constant name (MetadataRecordType.REGISTER_BROKER_RECORD.id() etc.). */
export const MetadataRecordTypeId = {
  REGISTER_BROKER: 0,
  UNREGISTER_BROKER: 1,
  TOPIC: 2,
  PARTITION: 3,
  CONFIG: 4,
  PARTITION_CHANGE: 5,
  FENCE_BROKER: 7,
  UNFENCE_BROKER: 8,
  REMOVE_TOPIC: 9,
  DELEGATION_TOKEN: 10,
  USER_SCRAM_CREDENTIAL: 11,
  FEATURE_LEVEL: 12,
  CLIENT_QUOTA: 14,
  PRODUCER_IDS: 15,
  BROKER_REGISTRATION_CHANGE: 17,
  ACCESS_CONTROL_ENTRY: 18,
  REMOVE_ACCESS_CONTROL_ENTRY: 19,
  NO_OP: 20,
  ZK_MIGRATION_STATE: 21,
  REMOVE_USER_SCRAM_CREDENTIAL: 22,
  BEGIN_TRANSACTION: 23,
  END_TRANSACTION: 24,
  ABORT_TRANSACTION: 25,
  REMOVE_DELEGATION_TOKEN: 26,
  REGISTER_CONTROLLER: 27,
} as const;
