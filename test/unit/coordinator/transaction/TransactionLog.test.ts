import { expect } from 'chai';
import {
  formatTxnRecord,
  formatTxnRecordKeyAndValue,
  readTxnRecordKey,
  readTxnRecordValue,
  scalaTopicPartitionSetOrder,
  txnRecordKey,
  txnRecordValue,
  TxnLogValue,
} from '../../../../src/coordinator/transaction/TransactionLog';
import { Writer } from '../../../../src/protocol/Writer';

const hex = (s: string) => s.replace(/\s+/g, '');

const ongoing: TxnLogValue = {
  producerId: 1000,
  producerEpoch: 2,
  transactionTimeoutMs: 60000,
  state: 'Ongoing',
  partitions: [{ topic: 't', partitionIds: [0, 1] }],
  transactionLastUpdateTimestampMs: 1700000000123,
  transactionStartTimestampMs: 1700000000000,
};

describe('__transaction_state record formats (TransactionLog)', () => {
  it('key v0: int16 version then the transactional id', () => {
    expect(txnRecordKey('tx').toString('hex')).to.equal(hex('0000 0002 7478'));
    expect(readTxnRecordKey(txnRecordKey('my-txn'))).to.deep.equal({ version: 0, transactionalId: 'my-txn' });
    expect(readTxnRecordKey(Buffer.from('0003', 'hex'))).to.deep.equal({ version: 3, transactionalId: '', unknown: true });
  });

  it('value v0: the exact bytes Kafka writes, and back', () => {
    const b = txnRecordValue(ongoing);
    expect(b.toString('hex')).to.equal(
      hex(
        '0000' + // version 0
          '00000000000003e8' + // producer id 1000
          '0002' + // epoch
          '0000ea60' + // timeout 60000
          '01' + // Ongoing
          '00000001' + // one topic
          '0001 74' + // "t"
          '00000002 00000000 00000001' + // partitions 0, 1
          (1700000000123).toString(16).padStart(16, '0') +
          (1700000000000).toString(16).padStart(16, '0'),
      ),
    );
    expect(readTxnRecordValue(b)).to.deep.equal(ongoing);
  });

  it('state Empty writes null partitions and refuses partitions', () => {
    const empty = { ...ongoing, state: 'Empty', partitions: [] };
    const b = txnRecordValue(empty);
    expect(b.subarray(17, 21).toString('hex')).to.equal('ffffffff');
    expect(readTxnRecordValue(b)).to.deep.equal(empty);
    expect(() => txnRecordValue({ ...ongoing, state: 'Empty' })).to.throw(/state is Empty/);
  });

  it('reads value v1 (flexible) and rejects unknown versions and states', () => {
    const w = new Writer(64).int16(1).int64(7).int16(0).int32(1000).int8(2);
    w.compactArray([{ topic: 'ab', ids: [3] }], (wp, p) => {
      wp.compactString(p.topic)
        .compactArray(p.ids, (wi, i) => wi.int32(i))
        .emptyTaggedFields();
    });
    w.int64(5).int64(4).emptyTaggedFields();
    expect(readTxnRecordValue(w.toBuffer())).to.deep.equal({
      producerId: 7,
      producerEpoch: 0,
      transactionTimeoutMs: 1000,
      state: 'PrepareCommit',
      partitions: [{ topic: 'ab', partitionIds: [3] }],
      transactionLastUpdateTimestampMs: 5,
      transactionStartTimestampMs: 4,
    });
    expect(() => readTxnRecordValue(Buffer.from('0002', 'hex'))).to.throw(/Unknown version 2/);
    const badState = txnRecordValue(ongoing);
    badState[16] = 9;
    expect(() => readTxnRecordValue(badState)).to.throw(/Unknown transaction state id 9/);
    expect(readTxnRecordValue(null)).to.equal(null);
  });

  it('partitions print in Scala mutable.HashSet order (bucket of the improved hash, then hash)', () => {
    // TopicPartition("t", p).hashCode = 31 * (31 + p) + 116: small positive values, so buckets are hash & 15.
    const order = scalaTopicPartitionSetOrder([{ topic: 't', partitionIds: [0, 1, 2, 3] }]);
    const hash = (p: number) => 31 * (31 + p) + 116;
    const expected = [0, 1, 2, 3].sort((a, b) => (hash(a) & 15) - (hash(b) & 15));
    expect(order.map((tp) => tp.partition)).to.deep.equal(expected);
    // 13 partitions grow the table to 32 buckets (sizeHint: tableSizeFor((13 + 1) / 0.75) = 32).
    const ids = Array.from({ length: 13 }, (_, i) => i);
    const big = scalaTopicPartitionSetOrder([{ topic: 't', partitionIds: ids }]);
    expect(big.map((tp) => tp.partition)).to.deep.equal([...ids].sort((a, b) => (hash(a) & 31) - (hash(b) & 31) || hash(a) - hash(b)));
  });

  it('formats like TransactionLogMessageFormatter and DumpLogSegments --transaction-log-decoder', () => {
    const key = txnRecordKey('tx1');
    const order = scalaTopicPartitionSetOrder(ongoing.partitions).map((tp) => `${tp.topic}-${tp.partition}`);
    expect(formatTxnRecord(key, txnRecordValue(ongoing))).to.equal(
      'tx1::TransactionMetadata(transactionalId=tx1, producerId=1000, producerEpoch=2, txnTimeoutMs=60000, state=Ongoing, ' +
        `pendingState=None, topicPartitions=HashSet(${order.join(', ')}), txnStartTimestamp=1700000000000, txnLastUpdateTimestamp=1700000000123)`,
    );
    expect(formatTxnRecord(key, null)).to.equal('tx1::NULL');
    expect(formatTxnRecord(Buffer.from('0001', 'hex'), null)).to.equal('unknown::version=1');
    expect(formatTxnRecordKeyAndValue(key, txnRecordValue(ongoing))).to.deep.equal({
      key: 'transaction_metadata::transactionalId=tx1',
      payload: `producerId:1000,producerEpoch:2,state=Ongoing,partitions=[${order.join(',')}],txnLastUpdateTimestamp=1700000000123,txnTimeoutMs=60000`,
    });
    expect(formatTxnRecordKeyAndValue(key, null)).to.deep.equal({ key: 'transaction_metadata::transactionalId=tx1', payload: '<DELETE>' });
    const empty = txnRecordValue({ ...ongoing, state: 'Empty', partitions: [] });
    expect(formatTxnRecord(key, empty)).to.contain('state=Empty, pendingState=None, topicPartitions=HashSet(), ');
  });
});
