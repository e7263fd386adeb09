/**
 * Vote (key 52, KIP-595), a candidate asks a voter for its vote: VoteRequest.json and VoteResponse.json (apache/kafka
 * clients/src/main/resources/common/message at 3.7.0), field for field. Listeners: controller only.
 */
import { MessageSpec } from './MessageSpec';

export const VoteRequest: MessageSpec = {
  apiKey: 52,
  type: 'request',
  name: 'VoteRequest',
  validVersions: '0',
  flexibleVersions: '0+',
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
            { name: 'CandidateEpoch', type: 'int32', versions: '0+' },
            { name: 'CandidateId', type: 'int32', versions: '0+' },
            { name: 'LastOffsetEpoch', type: 'int32', versions: '0+' },
            { name: 'LastOffset', type: 'int64', versions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const VoteResponse: MessageSpec = {
  apiKey: 52,
  type: 'response',
  name: 'VoteResponse',
  validVersions: '0',
  flexibleVersions: '0+',
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
            { name: 'VoteGranted', type: 'bool', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
