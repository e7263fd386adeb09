/**
 * OffsetDelete (key 47), as Kafka 3.7 describes it on the wire: OffsetDeleteRequest.json and OffsetDeleteResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const OffsetDeleteRequest: MessageSpec = {
  apiKey: 47,
  type: 'request',
  name: 'OffsetDeleteRequest',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    {
      name: 'Topics',
      type: '[]OffsetDeleteRequestTopic',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Partitions', type: '[]OffsetDeleteRequestPartition', versions: '0+', fields: [{ name: 'PartitionIndex', type: 'int32', versions: '0+' }] },
      ],
    },
  ],
};

export const OffsetDeleteResponse: MessageSpec = {
  apiKey: 47,
  type: 'response',
  name: 'OffsetDeleteResponse',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+', ignorable: true },
    {
      name: 'Topics',
      type: '[]OffsetDeleteResponseTopic',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]OffsetDeleteResponsePartition',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
