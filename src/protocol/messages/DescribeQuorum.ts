/**
 * DescribeQuorum (key 55, KIP-595/KIP-836): the leader's view of the quorum, asked by kafka-metadata-quorum:
 * DescribeQuorumRequest.json and DescribeQuorumResponse.json (Kafka 3.7), field for field. Kafka's common struct
 * ReplicaState is written out in both fields that use it. Listeners: broker and controller.
 */
import { FieldSpec, MessageSpec } from './MessageSpec';

const REPLICA_STATE: readonly FieldSpec[] = [
  { name: 'ReplicaId', type: 'int32', versions: '0+' },
  { name: 'LogEndOffset', type: 'int64', versions: '0+' },
  { name: 'LastFetchTimestamp', type: 'int64', versions: '1+', ignorable: true, default: '-1' },
  { name: 'LastCaughtUpTimestamp', type: 'int64', versions: '1+', ignorable: true, default: '-1' },
];

export const DescribeQuorumRequest: MessageSpec = {
  apiKey: 55,
  type: 'request',
  name: 'DescribeQuorumRequest',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
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
          fields: [{ name: 'PartitionIndex', type: 'int32', versions: '0+' }],
        },
      ],
    },
  ],
};

export const DescribeQuorumResponse: MessageSpec = {
  apiKey: 55,
  type: 'response',
  name: 'DescribeQuorumResponse',
  validVersions: '0-1',
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
            { name: 'HighWatermark', type: 'int64', versions: '0+' },
            { name: 'CurrentVoters', type: '[]ReplicaState', versions: '0+', fields: REPLICA_STATE },
            { name: 'Observers', type: '[]ReplicaState', versions: '0+', fields: REPLICA_STATE },
          ],
        },
      ],
    },
  ],
};
