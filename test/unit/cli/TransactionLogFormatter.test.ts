import { expect } from 'chai';
import { createFormatter } from '../../../src/cli/MessageFormatters';
import { txnRecordKey, txnRecordValue } from '../../../src/coordinator/transaction/TransactionLog';

describe('cli: console consumer TransactionLogMessageFormatter (__transaction_state)', () => {
  const record = (key: Buffer | null, value: Buffer | null) => ({ topic: '__transaction_state', partition: 0, offset: '0', timestamp: '0', key, value });

  it('prints transactionalId::TransactionMetadata(...), NULL for a tombstone, nothing for a keyless record', () => {
    for (const name of [
      'kafka.coordinator.transaction.TransactionLog$TransactionLogMessageFormatter',
      'org.apache.kafka.tools.consumer.TransactionLogMessageFormatter',
    ]) {
      const f = createFormatter(name, new Map());
      const value = txnRecordValue({
        producerId: 5,
        producerEpoch: 1,
        transactionTimeoutMs: 60000,
        state: 'Ongoing',
        partitions: [{ topic: 't', partitionIds: [0] }],
        transactionLastUpdateTimestampMs: 1700000000001,
        transactionStartTimestampMs: 1700000000000,
      });
      expect(f.format(record(txnRecordKey('tx'), value))).to.equal(
        'tx::TransactionMetadata(transactionalId=tx, producerId=5, producerEpoch=1, txnTimeoutMs=60000, state=Ongoing, pendingState=None, ' +
          'topicPartitions=HashSet(t-0), txnStartTimestamp=1700000000000, txnLastUpdateTimestamp=1700000000001)\n',
      );
      expect(f.format(record(txnRecordKey('tx'), null))).to.equal('tx::NULL\n');
      expect(f.format(record(null, value))).to.equal('');
    }
  });
});
