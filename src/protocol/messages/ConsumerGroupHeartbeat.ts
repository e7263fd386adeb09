/**
 * ConsumerGroupHeartbeat (key 68), as Kafka 3.7 describes it on the wire: ConsumerGroupHeartbeatRequest.json and ConsumerGroupHeartbeatResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const ConsumerGroupHeartbeatRequest: MessageSpec = {
  apiKey: 68,
  type: 'request',
  name: 'ConsumerGroupHeartbeatRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'MemberId', type: 'string', versions: '0+' },
    { name: 'MemberEpoch', type: 'int32', versions: '0+' },
    { name: 'InstanceId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    { name: 'RackId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    { name: 'RebalanceTimeoutMs', type: 'int32', versions: '0+', default: '-1' },
    { name: 'SubscribedTopicNames', type: '[]string', versions: '0+', nullableVersions: '0+', default: 'null' },
    { name: 'ServerAssignor', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    {
      name: 'TopicPartitions',
      type: '[]TopicPartitions',
      versions: '0+',
      nullableVersions: '0+',
      default: 'null',
      fields: [
        { name: 'TopicId', type: 'uuid', versions: '0+' },
        { name: 'Partitions', type: '[]int32', versions: '0+' },
      ],
    },
  ],
};

export const ConsumerGroupHeartbeatResponse: MessageSpec = {
  apiKey: 68,
  type: 'response',
  name: 'ConsumerGroupHeartbeatResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    { name: 'MemberId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    { name: 'MemberEpoch', type: 'int32', versions: '0+' },
    { name: 'HeartbeatIntervalMs', type: 'int32', versions: '0+' },
    {
      name: 'Assignment',
      type: 'Assignment',
      versions: '0+',
      nullableVersions: '0+',
      default: 'null',
      fields: [
        {
          name: 'TopicPartitions',
          type: '[]TopicPartitions',
          versions: '0+',
          fields: [
            { name: 'TopicId', type: 'uuid', versions: '0+' },
            { name: 'Partitions', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
