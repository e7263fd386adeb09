/**
 * DeleteTopics (key 20), as Kafka 3.7 describes it on the wire: DeleteTopicsRequest.json and DeleteTopicsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const DeleteTopicsRequest: MessageSpec = {
  apiKey: 20,
  type: 'request',
  name: 'DeleteTopicsRequest',
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'Topics',
      type: '[]DeleteTopicState',
      versions: '6+',
      fields: [
        { name: 'Name', type: 'string', versions: '6+', nullableVersions: '6+', default: 'null' },
        { name: 'TopicId', type: 'uuid', versions: '6+' },
      ],
    },
    { name: 'TopicNames', type: '[]string', versions: '0-5', ignorable: true },
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
  ],
};

export const DeleteTopicsResponse: MessageSpec = {
  apiKey: 20,
  type: 'response',
  name: 'DeleteTopicsResponse',
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    {
      name: 'Responses',
      type: '[]DeletableTopicResult',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', nullableVersions: '6+' },
        { name: 'TopicId', type: 'uuid', versions: '6+', ignorable: true },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true },
      ],
    },
  ],
};
