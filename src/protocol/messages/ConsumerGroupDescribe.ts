/**
 * ConsumerGroupDescribe (key 69), as Kafka 3.7 describes it on the wire: ConsumerGroupDescribeRequest.json and ConsumerGroupDescribeResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const ConsumerGroupDescribeRequest: MessageSpec = {
  apiKey: 69,
  type: 'request',
  name: 'ConsumerGroupDescribeRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  latestVersionUnstable: true,
  fields: [
    { name: 'GroupIds', type: '[]string', versions: '0+' },
    { name: 'IncludeAuthorizedOperations', type: 'bool', versions: '0+' },
  ],
};

export const ConsumerGroupDescribeResponse: MessageSpec = {
  apiKey: 69,
  type: 'response',
  name: 'ConsumerGroupDescribeResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Groups',
      type: '[]DescribedGroup',
      versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
        { name: 'GroupId', type: 'string', versions: '0+' },
        { name: 'GroupState', type: 'string', versions: '0+' },
        { name: 'GroupEpoch', type: 'int32', versions: '0+' },
        { name: 'AssignmentEpoch', type: 'int32', versions: '0+' },
        { name: 'AssignorName', type: 'string', versions: '0+' },
        {
          name: 'Members',
          type: '[]Member',
          versions: '0+',
          fields: [
            { name: 'MemberId', type: 'string', versions: '0+' },
            { name: 'InstanceId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
            { name: 'RackId', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
            { name: 'MemberEpoch', type: 'int32', versions: '0+' },
            { name: 'ClientId', type: 'string', versions: '0+' },
            { name: 'ClientHost', type: 'string', versions: '0+' },
            { name: 'SubscribedTopicNames', type: '[]string', versions: '0+' },
            { name: 'SubscribedTopicRegex', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
            {
              name: 'Assignment',
              type: 'Assignment',
              versions: '0+',
              fields: [
                {
                  name: 'TopicPartitions',
                  type: '[]TopicPartitions',
                  versions: '0+',
                  fields: [
                    { name: 'TopicId', type: 'uuid', versions: '0+' },
                    { name: 'TopicName', type: 'string', versions: '0+' },
                    { name: 'Partitions', type: '[]int32', versions: '0+' },
                  ],
                },
                { name: 'Error', type: 'int8', versions: '0+' },
                { name: 'MetadataVersion', type: 'int32', versions: '0+' },
                { name: 'MetadataBytes', type: 'bytes', versions: '0+' },
              ],
            },
            {
              name: 'TargetAssignment',
              type: 'Assignment',
              versions: '0+',
              fields: [
                {
                  name: 'TopicPartitions',
                  type: '[]TopicPartitions',
                  versions: '0+',
                  fields: [
                    { name: 'TopicId', type: 'uuid', versions: '0+' },
                    { name: 'TopicName', type: 'string', versions: '0+' },
                    { name: 'Partitions', type: '[]int32', versions: '0+' },
                  ],
                },
                { name: 'Error', type: 'int8', versions: '0+' },
                { name: 'MetadataVersion', type: 'int32', versions: '0+' },
                { name: 'MetadataBytes', type: 'bytes', versions: '0+' },
              ],
            },
          ],
        },
        { name: 'AuthorizedOperations', type: 'int32', versions: '0+', default: '-2147483648' },
      ],
    },
  ],
};
