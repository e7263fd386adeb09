/**
 * BrokerRegistration (key 62), as Kafka 3.7 describes it on the wire: BrokerRegistrationRequest.json and BrokerRegistrationResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const BrokerRegistrationRequest: MessageSpec = {
  apiKey: 62,
  type: 'request',
  name: 'BrokerRegistrationRequest',
  validVersions: '0-3',
  flexibleVersions: '0+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+' },
    { name: 'ClusterId', type: 'string', versions: '0+' },
    { name: 'IncarnationId', type: 'uuid', versions: '0+' },
    {
      name: 'Listeners',
      type: '[]Listener',
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
      type: '[]Feature',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'MinSupportedVersion', type: 'int16', versions: '0+' },
        { name: 'MaxSupportedVersion', type: 'int16', versions: '0+' },
      ],
    },
    { name: 'Rack', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'IsMigratingZkBroker', type: 'bool', versions: '1+', default: 'false' },
    { name: 'LogDirs', type: '[]uuid', versions: '2+', ignorable: true },
    { name: 'PreviousBrokerEpoch', type: 'int64', versions: '3+', default: '-1', ignorable: true },
  ],
};

export const BrokerRegistrationResponse: MessageSpec = {
  apiKey: 62,
  type: 'response',
  name: 'BrokerRegistrationResponse',
  validVersions: '0-3',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', default: '-1' },
  ],
};
