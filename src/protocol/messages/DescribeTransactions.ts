/**
 * DescribeTransactions (key 65), as Kafka 3.7 describes it on the wire: DescribeTransactionsRequest.json and DescribeTransactionsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const DescribeTransactionsRequest: MessageSpec = {
  apiKey: 65,
  type: 'request',
  name: 'DescribeTransactionsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'TransactionalIds', type: '[]string', versions: '0+' }],
};

export const DescribeTransactionsResponse: MessageSpec = {
  apiKey: 65,
  type: 'response',
  name: 'DescribeTransactionsResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'TransactionStates',
      type: '[]TransactionState',
      versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'TransactionalId', type: 'string', versions: '0+' },
        { name: 'TransactionState', type: 'string', versions: '0+' },
        { name: 'TransactionTimeoutMs', type: 'int32', versions: '0+' },
        { name: 'TransactionStartTimeMs', type: 'int64', versions: '0+' },
        { name: 'ProducerId', type: 'int64', versions: '0+' },
        { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
        {
          name: 'Topics',
          type: '[]TopicData',
          versions: '0+',
          fields: [
            { name: 'Topic', type: 'string', versions: '0+' },
            { name: 'Partitions', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};
