/**
 * BeginQuorumEpoch (key 53, KIP-595), a new leader tells the voters it was elected: BeginQuorumEpochRequest.json and
 * BeginQuorumEpochResponse.json (Kafka 3.7), field for field. Not flexible in 3.7. Listeners: controller only.
 */
import { MessageSpec } from './MessageSpec';

export const BeginQuorumEpochRequest: MessageSpec = {
  apiKey: 53,
  type: 'request',
  name: 'BeginQuorumEpochRequest',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'ClusterId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    {
      name: 'Topics',
      type: '[]TopicData',
      versions: '0+',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]PartitionData',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'LeaderId', type: 'int32', versions: '0+' },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const BeginQuorumEpochResponse: MessageSpec = {
  apiKey: 53,
  type: 'response',
  name: 'BeginQuorumEpochResponse',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    {
      name: 'Topics',
      type: '[]TopicData',
      versions: '0+',
      fields: [
        { name: 'TopicName', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]PartitionData',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'LeaderId', type: 'int32', versions: '0+' },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
