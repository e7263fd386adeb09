/**
 * The KRaft metadata records about topics and partitions, as Kafka 3.7 describes them
 * (apache/kafka metadata/src/main/resources/common/metadata/*.json at 3.7.0), field for field. Kafka's prose,
 * `entityType` and `mapKey` annotations are left out.
 */
import { MessageSpec } from '../../protocol/messages/MessageSpec';

export const TopicRecord: MessageSpec = {
  apiKey: 2,
  type: 'metadata',
  name: 'TopicRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'Name', type: 'string', versions: '0+' },
    { name: 'TopicId', type: 'uuid', versions: '0+' },
  ],
};

export const PartitionRecord: MessageSpec = {
  apiKey: 3,
  type: 'metadata',
  name: 'PartitionRecord',
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'PartitionId', type: 'int32', versions: '0+', default: '-1' },
    { name: 'TopicId', type: 'uuid', versions: '0+' },
    { name: 'Replicas', type: '[]int32', versions: '0+' },
    { name: 'Isr', type: '[]int32', versions: '0+' },
    { name: 'RemovingReplicas', type: '[]int32', versions: '0+' },
    { name: 'AddingReplicas', type: '[]int32', versions: '0+' },
    { name: 'Leader', type: 'int32', versions: '0+', default: '-1' },
    { name: 'LeaderRecoveryState', type: 'int8', default: '0', versions: '0+', taggedVersions: '0+', tag: 0 },
    { name: 'LeaderEpoch', type: 'int32', versions: '0+', default: '-1' },
    { name: 'PartitionEpoch', type: 'int32', versions: '0+', default: '-1' },
    { name: 'Directories', type: '[]uuid', versions: '1+' },
    { name: 'EligibleLeaderReplicas', type: '[]int32', default: 'null', versions: '2+', nullableVersions: '2+', taggedVersions: '2+', tag: 1 },
    { name: 'LastKnownELR', type: '[]int32', default: 'null', versions: '2+', nullableVersions: '2+', taggedVersions: '2+', tag: 2 },
  ],
};

export const PartitionChangeRecord: MessageSpec = {
  apiKey: 5,
  type: 'metadata',
  name: 'PartitionChangeRecord',
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'PartitionId', type: 'int32', versions: '0+', default: '-1' },
    { name: 'TopicId', type: 'uuid', versions: '0+' },
    { name: 'Isr', type: '[]int32', default: 'null', versions: '0+', nullableVersions: '0+', taggedVersions: '0+', tag: 0 },
    { name: 'Leader', type: 'int32', default: '-2', versions: '0+', taggedVersions: '0+', tag: 1 },
    { name: 'Replicas', type: '[]int32', default: 'null', versions: '0+', nullableVersions: '0+', taggedVersions: '0+', tag: 2 },
    { name: 'RemovingReplicas', type: '[]int32', default: 'null', versions: '0+', nullableVersions: '0+', taggedVersions: '0+', tag: 3 },
    { name: 'AddingReplicas', type: '[]int32', default: 'null', versions: '0+', nullableVersions: '0+', taggedVersions: '0+', tag: 4 },
    { name: 'LeaderRecoveryState', type: 'int8', default: '-1', versions: '0+', taggedVersions: '0+', tag: 5 },
    { name: 'Directories', type: '[]uuid', default: 'null', versions: '1+', nullableVersions: '1+', taggedVersions: '1+', tag: 8 },
    { name: 'EligibleLeaderReplicas', type: '[]int32', default: 'null', versions: '2+', nullableVersions: '2+', taggedVersions: '2+', tag: 6 },
    { name: 'LastKnownELR', type: '[]int32', default: 'null', versions: '2+', nullableVersions: '2+', taggedVersions: '2+', tag: 7 },
  ],
};

export const RemoveTopicRecord: MessageSpec = {
  apiKey: 9,
  type: 'metadata',
  name: 'RemoveTopicRecord',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'TopicId', type: 'uuid', versions: '0+' }],
};
