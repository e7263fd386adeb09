/**
 * ListTransactions (key 66), as Kafka 3.7 describes it on the wire: ListTransactionsRequest.json and ListTransactionsResponse.json
 * (apache/kafka clients/src/main/resources/common/message at 3.7.0), field for field. Kafka's prose is left out;
 * the codecs are derived from these descriptions by ./MessageCodec.ts.
 */
import { MessageSpec } from './MessageSpec';

export const ListTransactionsRequest: MessageSpec = {
  apiKey: 66,
  type: 'request',
  name: 'ListTransactionsRequest',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'StateFilters', type: '[]string', versions: '0+' },
    { name: 'ProducerIdFilters', type: '[]int64', versions: '0+' },
  ],
};

export const ListTransactionsResponse: MessageSpec = {
  apiKey: 66,
  type: 'response',
  name: 'ListTransactionsResponse',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'UnknownStateFilters', type: '[]string', versions: '0+' },
    {
      name: 'TransactionStates',
      type: '[]TransactionState',
      versions: '0+',
      fields: [
        { name: 'TransactionalId', type: 'string', versions: '0+' },
        { name: 'ProducerId', type: 'int64', versions: '0+' },
        { name: 'TransactionState', type: 'string', versions: '0+' },
      ],
    },
  ],
};
