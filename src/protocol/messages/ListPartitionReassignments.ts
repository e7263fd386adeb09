/**
 * ListPartitionReassignments (key 46), as Kafka 3.7 describes it on the wire: ListPartitionReassignmentsRequest.json and ListPartitionReassignmentsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const ListPartitionReassignmentsRequest: MessageSpec = {
  apiKey: 46,
  type: 'request',
  name: 'ListPartitionReassignmentsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'TimeoutMs', type: 'int32', versions: '0+', default: '60000' },
    {
      name: 'Topics',
      type: '[]ListPartitionReassignmentsTopics',
      versions: '0+',
      nullableVersions: '0+',
      default: 'null',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'PartitionIndexes', type: '[]int32', versions: '0+' },
      ],
    },
  ],
};

export const ListPartitionReassignmentsResponse: MessageSpec = {
  apiKey: 46,
  type: 'response',
  name: 'ListPartitionReassignmentsResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'Topics',
      type: '[]OngoingTopicReassignment',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]OngoingPartitionReassignment',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'Replicas', type: '[]int32', versions: '0+' },
            { name: 'AddingReplicas', type: '[]int32', versions: '0+' },
            { name: 'RemovingReplicas', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
