/**
 * ElectLeaders (key 43), as Kafka 3.7 describes it on the wire: ElectLeadersRequest.json and ElectLeadersResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const ElectLeadersRequest: MessageSpec = {
  apiKey: 43,
  type: 'request',
  name: 'ElectLeadersRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ElectionType', type: 'int8', versions: '1+' },
    {
      name: 'TopicPartitions',
      type: '[]TopicPartitions',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        { name: 'Topic', type: 'string', versions: '0+' },
        { name: 'Partitions', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'TimeoutMs', type: 'int32', versions: '0+', default: '60000' },
  ],
};

export const ElectLeadersResponse: MessageSpec = {
  apiKey: 43,
  type: 'response',
  name: 'ElectLeadersResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '1+' },
    {
      name: 'ReplicaElectionResults',
      type: '[]ReplicaElectionResult',
      versions: '0+',
      fields: [
        { name: 'Topic', type: 'string', versions: '0+' },
        {
          name: 'PartitionResult',
          type: '[]PartitionResult',
          versions: '0+',
          fields: [
            { name: 'PartitionId', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
};
