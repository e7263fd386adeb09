/**
 * AddPartitionsToTxn (key 24), as Kafka 3.7 describes it on the wire: AddPartitionsToTxnRequest.json and AddPartitionsToTxnResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const AddPartitionsToTxnRequest: MessageSpec = {
  apiKey: 24,
  type: 'request',
  name: 'AddPartitionsToTxnRequest',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    {
      name: 'Transactions',
      type: '[]AddPartitionsToTxnTransaction',
      versions: '4+',
      fields: [
        { name: 'TransactionalId', type: 'string', versions: '4+' },
        { name: 'ProducerId', type: 'int64', versions: '4+' },
        { name: 'ProducerEpoch', type: 'int16', versions: '4+' },
        { name: 'VerifyOnly', type: 'bool', versions: '4+', default: 'false' },
        {
          name: 'Topics',
          type: '[]AddPartitionsToTxnTopic',
          versions: '4+',
          fields: [
            { name: 'Name', type: 'string', versions: '0+' },
            { name: 'Partitions', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
    { name: 'V3AndBelowTransactionalId', type: 'string', versions: '0-3' },
    { name: 'V3AndBelowProducerId', type: 'int64', versions: '0-3' },
    { name: 'V3AndBelowProducerEpoch', type: 'int16', versions: '0-3' },
    {
      name: 'V3AndBelowTopics',
      type: '[]AddPartitionsToTxnTopic',
      versions: '0-3',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Partitions', type: '[]int32', versions: '0+' },
      ],
    },
  ],
};

export const AddPartitionsToTxnResponse: MessageSpec = {
  apiKey: 24,
  type: 'response',
  name: 'AddPartitionsToTxnResponse',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '4+', ignorable: true },
    {
      name: 'ResultsByTransaction',
      type: '[]AddPartitionsToTxnResult',
      versions: '4+',
      fields: [
        { name: 'TransactionalId', type: 'string', versions: '4+' },
        {
          name: 'TopicResults',
          type: '[]AddPartitionsToTxnTopicResult',
          versions: '4+',
          fields: [
            { name: 'Name', type: 'string', versions: '0+' },
            {
              name: 'ResultsByPartition',
              type: '[]AddPartitionsToTxnPartitionResult',
              versions: '0+',
              fields: [
                { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                { name: 'PartitionErrorCode', type: 'int16', versions: '0+' },
              ],
            },
          ],
        },
      ],
    },
    {
      name: 'ResultsByTopicV3AndBelow',
      type: '[]AddPartitionsToTxnTopicResult',
      versions: '0-3',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'ResultsByPartition',
          type: '[]AddPartitionsToTxnPartitionResult',
          versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'PartitionErrorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
