/**
 * AlterPartition (key 56), as Kafka 3.7 describes it on the wire: AlterPartitionRequest.json and AlterPartitionResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const AlterPartitionRequest: MessageSpec = {
  apiKey: 56,
  type: 'request',
  name: 'AlterPartitionRequest',
  validVersions: '0-3',
  flexibleVersions: '0+',
  fields: [
    { name: 'BrokerId', type: 'int32', versions: '0+' },
    { name: 'BrokerEpoch', type: 'int64', versions: '0+', default: '-1' },
    {
      name: 'Topics',
      type: '[]TopicData',
      versions: '0+',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0-1', ignorable: true },
        { name: 'TopicId', type: 'uuid', versions: '2+', ignorable: true },
        {
          name: 'Partitions',
          type: '[]PartitionData',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
            { name: 'NewIsr', type: '[]int32', versions: '0-2' },
            {
              name: 'NewIsrWithEpochs',
              type: '[]BrokerState',
              versions: '3+',
              fields: [
                { name: 'BrokerId', type: 'int32', versions: '3+' },
                { name: 'BrokerEpoch', type: 'int64', versions: '3+', default: '-1' },
              ],
            },
            { name: 'LeaderRecoveryState', type: 'int8', versions: '1+', default: '0' },
            { name: 'PartitionEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const AlterPartitionResponse: MessageSpec = {
  apiKey: 56,
  type: 'response',
  name: 'AlterPartitionResponse',
  validVersions: '0-3',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    {
      name: 'Topics',
      type: '[]TopicData',
      versions: '0+',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0-1', ignorable: true },
        { name: 'TopicId', type: 'uuid', versions: '2+', ignorable: true },
        {
          name: 'Partitions',
          type: '[]PartitionData',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'LeaderId', type: 'int32', versions: '0+' },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
            { name: 'Isr', type: '[]int32', versions: '0+' },
            { name: 'LeaderRecoveryState', type: 'int8', versions: '1+', default: '0', ignorable: true },
            { name: 'PartitionEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
