/**
 * The KRaft metadata records about cluster-wide state (configs, quotas, features, producer ids, no-ops, the ZooKeeper
 * migration state), as Kafka 3.7 describes them (apache/kafka metadata/src/main/resources/common/metadata/*.json
 * at 3.7.0), field for field. Kafka's prose and `entityType` annotations are left out.
 */
import { MessageSpec } from '../../protocol/messages/MessageSpec';

export const ConfigRecord: MessageSpec = {
  apiKey: 4,
  type: 'metadata',
  name: 'ConfigRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ResourceType', type: 'int8', versions: '0+' },
    { name: 'ResourceName', type: 'string', versions: '0+' },
    { name: 'Name', type: 'string', versions: '0+' },
    { name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+' },
  ],
};

export const FeatureLevelRecord: MessageSpec = {
  apiKey: 12,
  type: 'metadata',
  name: 'FeatureLevelRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Name', type: 'string', versions: '0+' },
    { name: 'FeatureLevel', type: 'int16', versions: '0+' },
  ],
};

export const ClientQuotaRecord: MessageSpec = {
  apiKey: 14,
  type: 'metadata',
  name: 'ClientQuotaRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'Entity',
      type: '[]EntityData',
      versions: '0+',
      fields: [
        { name: 'EntityType', type: 'string', versions: '0+' },
        { name: 'EntityName', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
    { name: 'Key', type: 'string', versions: '0+' },
    { name: 'Value', type: 'float64', versions: '0+' },
    { name: 'Remove', type: 'bool', versions: '0+' },
  ],
};

export const ProducerIdsRecord: MessageSpec = {
  apiKey: 15,
  type: 'metadata',
  name: 'ProducerIdsRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', default: '-1' },
    { name: 'NextProducerId', type: 'int64', versions: '0+' },
  ],
};

export const NoOpRecord: MessageSpec = {
  apiKey: 20,
  type: 'metadata',
  name: 'NoOpRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [],
};

/** ZkMigrationRecord.json; Kafka names the message ZkMigrationStateRecord (record type ZK_MIGRATION_STATE_RECORD). */
export const ZkMigrationStateRecord: MessageSpec = {
  apiKey: 21,
  type: 'metadata',
  name: 'ZkMigrationStateRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'ZkMigrationState', type: 'int8', versions: '0+' }],
};
