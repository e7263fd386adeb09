/**
 * DescribeLogDirs (key 35), as Kafka 3.7 describes it on the wire: DescribeLogDirsRequest.json and DescribeLogDirsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const DescribeLogDirsRequest: MessageSpec = {
  apiKey: 35,
  type: 'request',
  name: 'DescribeLogDirsRequest',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'Topics',
      type: '[]DescribableLogDirTopic',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        { name: 'Topic', type: 'string', versions: '0+' },
        { name: 'Partitions', type: '[]int32', versions: '0+' },
      ],
    },
  ],
};

export const DescribeLogDirsResponse: MessageSpec = {
  apiKey: 35,
  type: 'response',
  name: 'DescribeLogDirsResponse',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '3+', ignorable: true },
    {
      name: 'Results',
      type: '[]DescribeLogDirsResult',
      versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'LogDir', type: 'string', versions: '0+' },
        {
          name: 'Topics',
          type: '[]DescribeLogDirsTopic',
          versions: '0+',
          fields: [
            { name: 'Name', type: 'string', versions: '0+' },
            {
              name: 'Partitions',
              type: '[]DescribeLogDirsPartition',
              versions: '0+',
              fields: [
                { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                { name: 'PartitionSize', type: 'int64', versions: '0+' },
                { name: 'OffsetLag', type: 'int64', versions: '0+' },
                { name: 'IsFutureKey', type: 'bool', versions: '0+' },
              ],
            },
          ],
        },
        { name: 'TotalBytes', type: 'int64', versions: '4+', default: '-1', ignorable: true },
        { name: 'UsableBytes', type: 'int64', versions: '4+', default: '-1', ignorable: true },
      ],
    },
  ],
};
