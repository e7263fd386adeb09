/**
 * AllocateProducerIds (key 67), as Kafka 3.7 describes it on the wire: AllocateProducerIdsRequest.json and AllocateProducerIdsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const AllocateProducerIdsRequest: MessageSpec = {
  apiKey: 67,
  type: 'request',
  name: 'AllocateProducerIdsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', default: '-1' },
  ],
};

export const AllocateProducerIdsResponse: MessageSpec = {
  apiKey: 67,
  type: 'response',
  name: 'AllocateProducerIdsResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ProducerIdStart', type: 'int64', versions: '0+' },
    { name: 'ProducerIdLen', type: 'int32', versions: '0+' },
  ],
};
