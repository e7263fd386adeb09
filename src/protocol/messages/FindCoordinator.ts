/**
 * FindCoordinator (key 10), as Kafka 3.7 describes it on the wire: FindCoordinatorRequest.json and FindCoordinatorResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const FindCoordinatorRequest: MessageSpec = {
  apiKey: 10,
  type: 'request',
  name: 'FindCoordinatorRequest',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'Key', type: 'string', versions: '0-3' },
    { name: 'KeyType', type: 'int8', versions: '1+', default: '0' },
    { name: 'CoordinatorKeys', type: '[]string', versions: '4+' },
  ],
};

export const FindCoordinatorResponse: MessageSpec = {
  apiKey: 10,
  type: 'response',
  name: 'FindCoordinatorResponse',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'ErrorCode', type: 'int16', versions: '0-3' },
    { name: 'ErrorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3', ignorable: true },
    { name: 'NodeId', type: 'int32', versions: '0-3' },
    { name: 'Host', type: 'string', versions: '0-3' },
    { name: 'Port', type: 'int32', versions: '0-3' },
    {
      name: 'Coordinators',
      type: '[]Coordinator',
      versions: '4+',
      fields: [
        { name: 'Key', type: 'string', versions: '4+' },
        { name: 'NodeId', type: 'int32', versions: '4+' },
        { name: 'Host', type: 'string', versions: '4+' },
        { name: 'Port', type: 'int32', versions: '4+' },
        { name: 'ErrorCode', type: 'int16', versions: '4+' },
        { name: 'ErrorMessage', type: 'string', versions: '4+', nullableVersions: '4+', ignorable: true },
      ],
    },
  ],
};
