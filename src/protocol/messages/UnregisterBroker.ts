/**
 * UnregisterBroker (key 64), as Kafka 3.7 describes it on the wire: UnregisterBrokerRequest.json and UnregisterBrokerResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const UnregisterBrokerRequest: MessageSpec = {
  apiKey: 64,
  type: 'request',
  name: 'UnregisterBrokerRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'BrokerId', type: 'int32', versions: '0+' }],
};

export const UnregisterBrokerResponse: MessageSpec = {
  apiKey: 64,
  type: 'response',
  name: 'UnregisterBrokerResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
  ],
};
