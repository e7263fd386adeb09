/**
 * FetchSnapshot (key 59, KIP-630): a follower whose fetch offset lies before the leader's log start copies the
 * leader's latest snapshot in chunks: FetchSnapshotRequest.json and FetchSnapshotResponse.json (Kafka 3.7), field
 * for field. Listeners: controller only.
 */
import { FieldSpec, MessageSpec } from './MessageSpec';

const SNAPSHOT_ID: readonly FieldSpec[] = [
  { name: 'EndOffset', type: 'int64', versions: '0+' },
  { name: 'Epoch', type: 'int32', versions: '0+' },
];

export const FetchSnapshotRequest: MessageSpec = {
  apiKey: 59,
  type: 'request',
  name: 'FetchSnapshotRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ClusterId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null', taggedVersions: '0+', tag: 0 },
    { name: 'ReplicaId', type: 'int32', versions: '0+', default: '-1' },
    { name: 'MaxBytes', type: 'int32', versions: '0+', default: '0x7fffffff' },
    {
      name: 'Topics',
      type: '[]TopicSnapshot',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]PartitionSnapshot',
          versions: '0+',
          fields: [
            { name: 'Partition', type: 'int32', versions: '0+' },
            { name: 'CurrentLeaderEpoch', type: 'int32', versions: '0+' },
            { name: 'SnapshotId', type: 'SnapshotId', versions: '0+', fields: SNAPSHOT_ID },
            { name: 'Position', type: 'int64', versions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const FetchSnapshotResponse: MessageSpec = {
  apiKey: 59,
  type: 'response',
  name: 'FetchSnapshotResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+', ignorable: true },
    { name: 'ErrorCode', type: 'int16', versions: '0+', ignorable: false },
    {
      name: 'Topics',
      type: '[]TopicSnapshot',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]PartitionSnapshot',
          versions: '0+',
          fields: [
            { name: 'Index', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'SnapshotId', type: 'SnapshotId', versions: '0+', fields: SNAPSHOT_ID },
            {
              name: 'CurrentLeader',
              type: 'LeaderIdAndEpoch',
              versions: '0+',
              taggedVersions: '0+',
              tag: 0,
              fields: [
                { name: 'LeaderId', type: 'int32', versions: '0+' },
                { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
              ],
            },
            { name: 'Size', type: 'int64', versions: '0+' },
            { name: 'Position', type: 'int64', versions: '0+' },
            { name: 'UnalignedRecords', type: 'records', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
