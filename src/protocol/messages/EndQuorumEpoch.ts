/**
 * EndQuorumEpoch (key 54, KIP-595), a resigning leader asks the voters to elect another: EndQuorumEpochRequest.json and
 * EndQuorumEpochResponse.json (Kafka 3.7), field for field. Not flexible in 3.7. Listeners: controller only.
 */
import { MessageSpec } from './MessageSpec';

export const EndQuorumEpochRequest: MessageSpec = {
  apiKey: 54,
  type: 'request',
  name: 'EndQuorumEpochRequest',
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
            { name: 'PreferredSuccessors', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const EndQuorumEpochResponse: MessageSpec = {
  apiKey: 54,
  type: 'response',
  name: 'EndQuorumEpochResponse',
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
