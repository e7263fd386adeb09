/**
 * OffsetForLeaderEpoch (key 23), as Kafka 3.7 describes it on the wire: OffsetForLeaderEpochRequest.json and OffsetForLeaderEpochResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const OffsetForLeaderEpochRequest: MessageSpec = {
  apiKey: 23,
  type: 'request',
  name: 'OffsetForLeaderEpochRequest',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'ReplicaId', type: 'int32', versions: '3+', default: '-2', ignorable: true },
    {
      name: 'Topics',
      type: '[]OffsetForLeaderTopic',
      versions: '0+',
      fields: [
        { name: 'Topic', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]OffsetForLeaderPartition',
          versions: '0+',
          fields: [
            { name: 'Partition', type: 'int32', versions: '0+' },
            { name: 'CurrentLeaderEpoch', type: 'int32', versions: '2+', default: '-1', ignorable: true },
            { name: 'LeaderEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const OffsetForLeaderEpochResponse: MessageSpec = {
  apiKey: 23,
  type: 'response',
  name: 'OffsetForLeaderEpochResponse',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    {
      name: 'Topics',
      type: '[]OffsetForLeaderTopicResult',
      versions: '0+',
      fields: [
        { name: 'Topic', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]EpochEndOffset',
          versions: '0+',
          fields: [
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'Partition', type: 'int32', versions: '0+' },
            { name: 'LeaderEpoch', type: 'int32', versions: '1+', default: '-1', ignorable: true },
            { name: 'EndOffset', type: 'int64', versions: '0+', default: '-1' },
          ],
        },
      ],
    },
  ],
};
