/**
 * TxnOffsetCommit (key 28), as Kafka 3.7 describes it on the wire: TxnOffsetCommitRequest.json and TxnOffsetCommitResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const TxnOffsetCommitRequest: MessageSpec = {
  apiKey: 28,
  type: 'request',
  name: 'TxnOffsetCommitRequest',
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'TransactionalId', type: 'string', versions: '0+' },
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '0+' },
    { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
    { name: 'GenerationId', type: 'int32', versions: '3+', default: '-1' },
    { name: 'MemberId', type: 'string', versions: '3+', default: '' },
    { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
    {
      name: 'Topics',
      type: '[]TxnOffsetCommitRequestTopic',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]TxnOffsetCommitRequestPartition',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'CommittedOffset', type: 'int64', versions: '0+' },
            { name: 'CommittedLeaderEpoch', type: 'int32', versions: '2+', default: '-1', ignorable: true },
            { name: 'CommittedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const TxnOffsetCommitResponse: MessageSpec = {
  apiKey: 28,
  type: 'response',
  name: 'TxnOffsetCommitResponse',
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Topics',
      type: '[]TxnOffsetCommitResponseTopic',
      versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions',
          type: '[]TxnOffsetCommitResponsePartition',
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
