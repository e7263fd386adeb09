/**
 * The KRaft metadata records about brokers and controllers, as Kafka 3.7 describes them
 * (apache/kafka metadata/src/main/resources/common/metadata/*.json at 3.7.0), field for field. Kafka's prose,
 * `entityType` and `mapKey` annotations are left out (they drive Kafka's code generator, not the encoding).
 */
import { MessageSpec } from '../../protocol/messages/MessageSpec';

export const RegisterBrokerRecord: MessageSpec = {
  apiKey: 0,
  type: 'metadata',
  name: 'RegisterBrokerRecord',
  validVersions: '0-3',
  flexibleVersions: '0+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+' },
    { name: 'IsMigratingZkBroker', type: 'bool', versions: '2+', default: 'false' },
    { name: 'IncarnationId', type: 'uuid', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+' },
    {
      name: 'EndPoints',
      type: '[]BrokerEndpoint',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Host', type: 'string', versions: '0+' },
        { name: 'Port', type: 'uint16', versions: '0+' },
        { name: 'SecurityProtocol', type: 'int16', versions: '0+' },
      ],
    },
    {
      name: 'Features',
      type: '[]BrokerFeature',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'MinSupportedVersion', type: 'int16', versions: '0+' },
        { name: 'MaxSupportedVersion', type: 'int16', versions: '0+' },
      ],
    },
    { name: 'Rack', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'Fenced', type: 'bool', versions: '0+', default: 'true' },
    { name: 'InControlledShutdown', type: 'bool', versions: '1+', default: 'false' },
    { name: 'LogDirs', type: '[]uuid', versions: '3+', taggedVersions: '3+', tag: 0 },
  ],
};

export const UnregisterBrokerRecord: MessageSpec = {
  apiKey: 1,
  type: 'metadata',
  name: 'UnregisterBrokerRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+' },
  ],
};

export const FenceBrokerRecord: MessageSpec = {
  apiKey: 7,
  type: 'metadata',
  name: 'FenceBrokerRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Id', type: 'int32', versions: '0+' },
    { name: 'Epoch', type: 'int64', versions: '0+' },
  ],
};

export const UnfenceBrokerRecord: MessageSpec = {
  apiKey: 8,
  type: 'metadata',
  name: 'UnfenceBrokerRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Id', type: 'int32', versions: '0+' },
    { name: 'Epoch', type: 'int64', versions: '0+' },
  ],
};

export const BrokerRegistrationChangeRecord: MessageSpec = {
  apiKey: 17,
  type: 'metadata',
  name: 'BrokerRegistrationChangeRecord',
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+' },
    { name: 'Fenced', type: 'int8', versions: '0+', taggedVersions: '0+', tag: 0 },
    { name: 'InControlledShutdown', type: 'int8', versions: '1+', taggedVersions: '1+', tag: 1 },
    { name: 'LogDirs', type: '[]uuid', versions: '2+', taggedVersions: '2+', tag: 2 },
  ],
};

export const RegisterControllerRecord: MessageSpec = {
  apiKey: 27,
  type: 'metadata',
  name: 'RegisterControllerRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ControllerId', type: 'int32', versions: '0+' },
    { name: 'IncarnationId', type: 'uuid', versions: '0+' },
    { name: 'ZkMigrationReady', type: 'bool', versions: '0+' },
    {
      name: 'EndPoints',
      type: '[]ControllerEndpoint',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Host', type: 'string', versions: '0+' },
        { name: 'Port', type: 'uint16', versions: '0+' },
        { name: 'SecurityProtocol', type: 'int16', versions: '0+' },
      ],
    },
    {
      name: 'Features',
      type: '[]ControllerFeature',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'MinSupportedVersion', type: 'int16', versions: '0+' },
        { name: 'MaxSupportedVersion', type: 'int16', versions: '0+' },
      ],
    },
  ],
};
