/**
 * AlterPartitionReassignments (key 45), as Kafka 3.7 describes it on the wire: AlterPartitionReassignmentsRequest.json and AlterPartitionReassignmentsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const AlterPartitionReassignmentsRequest: MessageSpec = {
  apiKey: 45,
  type: 'request',
  name: 'AlterPartitionReassignmentsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'TimeoutMs', type: 'int32', versions: '0+', default: '60000' },
    {
      name: 'Topics',
      type: '[]ReassignableTopic',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]ReassignablePartition',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'Replicas', type: '[]int32', versions: '0+', nullableVersions: '0+', default: 'null' },
          ],
        },
      ],
    },
  ],
};

export const AlterPartitionReassignmentsResponse: MessageSpec = {
  apiKey: 45,
  type: 'response',
  name: 'AlterPartitionReassignmentsResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'Responses',
      type: '[]ReassignableTopicResponse',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]ReassignablePartitionResponse',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
};
