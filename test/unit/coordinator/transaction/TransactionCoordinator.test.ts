import { expect } from 'chai';
import { ErrorCode } from '../../../../src/protocol/errors';
import { electAll, FakeMarkerTransport, FakeTxnTopic, Harness, makeTxnCoordinator, settle } from './fakes';

const tp = (topic: string, partition: number) => ({ topic, partition });
const javaHash = (str: string) => [...str].reduce((h, c) => (Math.imul(31, h) + c.charCodeAt(0)) | 0, 0);

async function initTxn(h: Harness, id: string, timeoutMs = 60000) {
  const r = await h.coordinator.handleInitProducerId(id, timeoutMs, null);
  expect(r.error).to.equal(ErrorCode.NONE);
  return r;
}

function stateOf(h: Harness, id: string) {
  const st = h.coordinator.transactionState(id);
  if (!st.ok || st.value === null) throw new Error(`no state for ${id}`);
  return st.value.transactionMetadata;
}

/** The states written to __transaction_state for this id, in order. */
function writtenStates(h: Harness, id: string): string[] {
  const p = h.coordinator.partitionFor(id);
  return h.topic
    .records(p)
    .filter(([k]) => k === id)
    .map(([, v]) => (v === null ? 'tombstone' : v.state));
}

describe('TransactionCoordinator (fake log, fake marker sender, fake clock)', () => {
  it('answers NOT_COORDINATOR for partitions it does not lead and COORDINATOR_LOAD_IN_PROGRESS while loading', async () => {
    const h = makeTxnCoordinator();
    expect((await h.coordinator.handleInitProducerId('tx', 60000, null)).error).to.equal(ErrorCode.NOT_COORDINATOR);
    const loading = h.coordinator.onElection(h.coordinator.partitionFor('tx'), 0);
    expect((await h.coordinator.handleInitProducerId('tx', 60000, null)).error).to.equal(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    await loading;
    expect((await h.coordinator.handleInitProducerId('tx', 60000, null)).error).to.equal(ErrorCode.NONE);
    h.coordinator.onResignation(h.coordinator.partitionFor('tx'), 0);
    expect(await h.coordinator.handleEndTransaction('tx', 1000, 0, true)).to.equal(ErrorCode.NOT_COORDINATOR);
  });

  it('InitProducerId: without an id a fresh idempotent producer id; bad ids and timeouts are refused', async () => {
    const h = makeTxnCoordinator();
    await electAll(h);
    expect(await h.coordinator.handleInitProducerId(null, 60000, null)).to.deep.equal({ producerId: 1000, producerEpoch: 0, error: 0 });
    expect((await h.coordinator.handleInitProducerId('', 60000, null)).error).to.equal(ErrorCode.INVALID_REQUEST);
    expect((await h.coordinator.handleInitProducerId('tx', 900001, null)).error).to.equal(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await h.coordinator.handleInitProducerId('tx', 0, null)).error).to.equal(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  });

  it('InitProducerId: a new transactional id gets a producer id at epoch 0, each re-init bumps the epoch', async () => {
    const h = makeTxnCoordinator();
    await electAll(h);
    expect(await h.coordinator.handleInitProducerId('tx', 60000, null)).to.deep.equal({ producerId: 1000, producerEpoch: 0, error: 0 });
    expect(await h.coordinator.handleInitProducerId('tx', 60000, null)).to.deep.equal({ producerId: 1000, producerEpoch: 1, error: 0 });
    expect(writtenStates(h, 'tx')).to.deep.equal(['Empty', 'Empty']);
    const v = h.topic.records(h.coordinator.partitionFor('tx')).at(-1)![1]!;
    expect(v).to.include({ producerId: 1000, producerEpoch: 1, transactionTimeoutMs: 60000, transactionStartTimestampMs: -1 });
  });

  it('commit: AddPartitions -> Ongoing, EndTxn -> PrepareCommit, markers to the leaders, then CompleteCommit', async () => {
    const h = makeTxnCoordinator();
    await electAll(h);
    const { producerId, producerEpoch } = await initTxn(h, 'tx');
    h.transport.leaders.set('t-1', { id: 2, host: 'b2', port: 9093 });
    expect(await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, producerEpoch, [tp('t', 0), tp('t', 1)])).to.equal(0);
    // Already-added partitions are answered without a write.
    const appends = h.topic.appends;
    expect(await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, producerEpoch, [tp('t', 0)])).to.equal(0);
    expect(h.topic.appends).to.equal(appends);
    expect(await h.coordinator.handleEndTransaction('tx', producerId, producerEpoch, true)).to.equal(0);
    await settle();
    expect(h.transport.sent.map((s) => s.node.id).sort()).to.deep.equal([1, 2]);
    for (const s of h.transport.sent) expect(s.markers[0]).to.include({ producerId, producerEpoch, commit: true, coordinatorEpoch: 0 });
    expect(stateOf(h, 'tx').state).to.equal('CompleteCommit');
    expect(writtenStates(h, 'tx')).to.deep.equal(['Empty', 'Ongoing', 'PrepareCommit', 'CompleteCommit']);
    const ongoing = h.topic.records(h.coordinator.partitionFor('tx'))[1][1]!;
    expect(ongoing.partitions).to.deep.equal([{ topic: 't', partitionIds: [0, 1] }]);
    // A retried commit is answered NONE; an abort now is INVALID_TXN_STATE.
    expect(await h.coordinator.handleEndTransaction('tx', producerId, producerEpoch, true)).to.equal(0);
    expect(await h.coordinator.handleEndTransaction('tx', producerId, producerEpoch, false)).to.equal(ErrorCode.INVALID_TXN_STATE);
  });

  it('EndTxn errors: unknown id, wrong producer id, stale epoch, no transaction, end while markers are out', async () => {
    const h = makeTxnCoordinator();
    await electAll(h);
    expect(await h.coordinator.handleEndTransaction('nope', 1, 0, true)).to.equal(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const { producerId } = await initTxn(h, 'tx');
    await initTxn(h, 'tx'); // epoch 1
    expect(await h.coordinator.handleEndTransaction('tx', producerId + 1, 1, true)).to.equal(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await h.coordinator.handleEndTransaction('tx', producerId, 0, true)).to.equal(ErrorCode.PRODUCER_FENCED);
    expect(await h.coordinator.handleEndTransaction('tx', producerId, 1, true)).to.equal(ErrorCode.INVALID_TXN_STATE);
    expect(await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, 0, [tp('t', 0)])).to.equal(ErrorCode.PRODUCER_FENCED);
    expect(await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, 1, [tp('t', 0)])).to.equal(0);
    // Markers that never get an answer keep the transaction in PrepareAbort.
    h.transport.send = () => new Promise(() => undefined);
    expect(await h.coordinator.handleEndTransaction('tx', producerId, 1, false)).to.equal(0);
    expect(stateOf(h, 'tx').state).to.equal('PrepareAbort');
    expect(await h.coordinator.handleEndTransaction('tx', producerId, 1, false)).to.equal(ErrorCode.CONCURRENT_TRANSACTIONS);
    // The pending CompleteAbort makes any other end a retriable CONCURRENT_TRANSACTIONS (Kafka checks the pending state first).
    expect(await h.coordinator.handleEndTransaction('tx', producerId, 1, true)).to.equal(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, 1, [tp('t', 0)])).to.equal(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect((await h.coordinator.handleInitProducerId('tx', 60000, null)).error).to.equal(ErrorCode.CONCURRENT_TRANSACTIONS);
  });

  it('a second InitProducerId during an open transaction fences it: abort with a bumped epoch, CONCURRENT_TRANSACTIONS, then the next epoch', async () => {
    const h = makeTxnCoordinator();
    await electAll(h);
    const first = await initTxn(h, 'tx');
    expect(await h.coordinator.handleAddPartitionsToTransaction('tx', first.producerId, 0, [tp('t', 0)])).to.equal(0);
    const second = await h.coordinator.handleInitProducerId('tx', 60000, null);
    expect(second.error).to.equal(ErrorCode.CONCURRENT_TRANSACTIONS);
    await settle();
    expect(h.transport.sent[0].markers[0]).to.include({ commit: false, producerEpoch: 1 });
    expect(stateOf(h, 'tx')).to.include({ state: 'CompleteAbort', producerEpoch: 1 });
    expect(await h.coordinator.handleInitProducerId('tx', 60000, null)).to.deep.equal({ producerId: first.producerId, producerEpoch: 2, error: 0 });
    // The zombie cannot commit.
    expect(await h.coordinator.handleEndTransaction('tx', first.producerId, 0, true)).to.equal(ErrorCode.PRODUCER_FENCED);
    expect(writtenStates(h, 'tx')).to.deep.equal(['Empty', 'Ongoing', 'PrepareAbort', 'CompleteAbort', 'Empty']);
  });

  it('KIP-360: InitProducerId with the current id and epoch bumps; a retry with the previous epoch is answered again; others are fenced', async () => {
    const h = makeTxnCoordinator();
    await electAll(h);
    const { producerId } = await initTxn(h, 'tx');
    expect(await h.coordinator.handleInitProducerId('tx', 60000, { producerId, producerEpoch: 0 })).to.deep.equal({ producerId, producerEpoch: 1, error: 0 });
    expect(await h.coordinator.handleInitProducerId('tx', 60000, { producerId, producerEpoch: 0 })).to.deep.equal({ producerId, producerEpoch: 1, error: 0 });
    expect((await h.coordinator.handleInitProducerId('tx', 60000, { producerId: 4242, producerEpoch: 0 })).error).to.equal(ErrorCode.PRODUCER_FENCED);
    expect((await h.coordinator.handleInitProducerId('tx', 60000, { producerId, producerEpoch: 7 })).error).to.equal(ErrorCode.PRODUCER_FENCED);
  });

  it('an exhausted epoch rotates to a new producer id at epoch 0', async () => {
    const h = makeTxnCoordinator();
    await electAll(h);
    const { producerId } = await initTxn(h, 'tx');
    stateOf(h, 'tx').producerEpoch = 32766;
    const r = await h.coordinator.handleInitProducerId('tx', 60000, null);
    expect(r.error).to.equal(0);
    expect(r.producerId).to.not.equal(producerId);
    expect(r.producerEpoch).to.equal(0);
  });

  it('AddPartitionsToTxn v4 verifyOnly answers per partition without writing', async () => {
    const h = makeTxnCoordinator();
    await electAll(h);
    const { producerId } = await initTxn(h, 'tx');
    await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, 0, [tp('t', 0)]);
    const appends = h.topic.appends;
    const r = h.coordinator.handleVerifyPartitionsInTransaction('tx', producerId, 0, [tp('t', 0), tp('t', 1)]);
    expect([...r]).to.deep.equal([
      ['t-0', 0],
      ['t-1', ErrorCode.INVALID_TXN_STATE],
    ]);
    expect([...h.coordinator.handleVerifyPartitionsInTransaction('tx', producerId, 3, [tp('t', 0)]).values()]).to.deep.equal([ErrorCode.PRODUCER_FENCED]);
    expect([...h.coordinator.handleVerifyPartitionsInTransaction('zz', producerId, 0, [tp('t', 0)]).values()]).to.deep.equal([
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    ]);
    expect(h.topic.appends).to.equal(appends);
  });

  it('timed-out transactions are aborted by the coordinator with the producer epoch bumped', async () => {
    const h = makeTxnCoordinator();
    await electAll(h);
    const { producerId } = await initTxn(h, 'tx', 5000);
    await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, 0, [tp('t', 0)]);
    h.time.advance(5000);
    await settle();
    expect(stateOf(h, 'tx').state).to.equal('Ongoing');
    h.time.advance(10000); // the abort task runs every 10 s
    await settle();
    expect(stateOf(h, 'tx')).to.include({ state: 'CompleteAbort', producerEpoch: 1 });
    expect(await h.coordinator.handleEndTransaction('tx', producerId, 0, true)).to.equal(ErrorCode.PRODUCER_FENCED);
    expect(await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, 0, [tp('t', 0)])).to.equal(ErrorCode.PRODUCER_FENCED);
  });

  it('a failed append maps to a coordinator error and leaves no pending state', async () => {
    const h = makeTxnCoordinator();
    await electAll(h);
    const { producerId } = await initTxn(h, 'tx');
    h.topic.appendError = ErrorCode.NOT_ENOUGH_REPLICAS;
    expect(await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, 0, [tp('t', 0)])).to.equal(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    h.topic.appendError = ErrorCode.NOT_LEADER_OR_FOLLOWER;
    expect(await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, 0, [tp('t', 0)])).to.equal(ErrorCode.NOT_COORDINATOR);
    expect(stateOf(h, 'tx')).to.include({ state: 'Empty', pendingState: null });
    h.topic.appendError = 0;
    expect(await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, 0, [tp('t', 0)])).to.equal(0);
  });

  it('markers: retriable errors and lost connections are retried, deleted partitions dropped, a newer epoch cancels', async () => {
    const h = makeTxnCoordinator();
    await electAll(h);
    const { producerId } = await initTxn(h, 'tx');
    await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, 0, [tp('t', 0), tp('gone', 0)]);
    h.transport.leaders.set('gone-0', null);
    let failures = 2;
    h.transport.errorFor = () => (failures-- > 0 ? ErrorCode.NOT_LEADER_OR_FOLLOWER : 0);
    expect(await h.coordinator.handleEndTransaction('tx', producerId, 0, true)).to.equal(0);
    await settle();
    expect(stateOf(h, 'tx').state).to.equal('PrepareCommit');
    h.time.advance(100);
    await settle();
    h.time.advance(100);
    await settle();
    expect(stateOf(h, 'tx').state).to.equal('CompleteCommit');
    expect(h.transport.sent.every((s) => s.markers.every((m) => m.partitions.every((p) => p.topic === 't')))).to.equal(true);

    // Disconnected: re-sent after the backoff.
    await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, 0, [tp('t', 0)]);
    h.transport.disconnect = true;
    const before = h.transport.sent.length;
    expect(await h.coordinator.handleEndTransaction('tx', producerId, 0, false)).to.equal(0);
    await settle();
    h.transport.disconnect = false;
    h.time.advance(100);
    await settle();
    expect(h.transport.sent.length).to.equal(before + 2);
    expect(stateOf(h, 'tx').state).to.equal('CompleteAbort');

    // INVALID_PRODUCER_EPOCH: a newer epoch owns the partition; no Complete is written by this attempt.
    await h.coordinator.handleAddPartitionsToTransaction('tx', producerId, 0, [tp('t', 0)]);
    h.transport.errorFor = () => ErrorCode.INVALID_PRODUCER_EPOCH;
    expect(await h.coordinator.handleEndTransaction('tx', producerId, 0, true)).to.equal(0);
    await settle();
    expect(stateOf(h, 'tx').state).to.equal('PrepareCommit');
    expect(h.markers.numTxnsWithPendingMarkers).to.equal(0);
  });

  it('a new coordinator loads the log: ids, epochs and partitions come back; a PrepareCommit is finished', async () => {
    const topic = new FakeTxnTopic();
    const transport = new FakeMarkerTransport();
    transport.send = () => new Promise(() => undefined); // the old coordinator dies before its markers land
    const h1 = makeTxnCoordinator({ topic, transport });
    await electAll(h1);
    const a = await initTxn(h1, 'a');
    await h1.coordinator.handleAddPartitionsToTransaction('a', a.producerId, 0, [tp('t', 0), tp('u', 3)]);
    const b = await initTxn(h1, 'b');
    await h1.coordinator.handleAddPartitionsToTransaction('b', b.producerId, 0, [tp('t', 1)]);
    expect(await h1.coordinator.handleEndTransaction('b', b.producerId, 0, true)).to.equal(0);
    h1.coordinator.shutdown();

    const h2 = makeTxnCoordinator({ topic });
    await electAll(h2, 1);
    await settle();
    expect(stateOf(h2, 'a')).to.include({ state: 'Ongoing', producerId: a.producerId, producerEpoch: 0, txnTimeoutMs: 60000 });
    expect([...stateOf(h2, 'a').topicPartitions.keys()].sort()).to.deep.equal(['t-0', 'u-3']);
    expect(h2.transport.sent[0].markers[0]).to.include({ producerId: b.producerId, commit: true, coordinatorEpoch: 1 });
    expect(stateOf(h2, 'b').state).to.equal('CompleteCommit');
    expect(writtenStates(h2, 'b')).to.deep.equal(['Empty', 'Ongoing', 'PrepareCommit', 'CompleteCommit']);
    // The loaded producer carries on.
    expect(await h2.coordinator.handleEndTransaction('a', a.producerId, 0, false)).to.equal(0);
  });

  it('transactional ids idle longer than transactional.id.expiration.ms get a tombstone and are forgotten', async () => {
    const h = makeTxnCoordinator({ expirationMs: 1000 });
    await electAll(h);
    const { producerId } = await initTxn(h, 'idle');
    const busy = await initTxn(h, 'busy');
    await h.coordinator.handleAddPartitionsToTransaction('busy', busy.producerId, 0, [tp('t', 0)]);
    const removed = h.manager.removeExpiredTransactionalIds();
    expect(await removed).to.equal(0);
    h.time.advance(2000);
    expect(await h.manager.removeExpiredTransactionalIds()).to.equal(1);
    expect(writtenStates(h, 'idle').at(-1)).to.equal('tombstone');
    expect(h.coordinator.transactionState('idle')).to.deep.equal({ ok: true, value: null });
    expect(stateOf(h, 'busy').state).to.equal('Ongoing');
    expect(await h.coordinator.handleEndTransaction('idle', producerId, 0, true)).to.equal(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    // After a reload the tombstone still hides it.
    const h2 = makeTxnCoordinator({ topic: h.topic });
    await electAll(h2, 1);
    expect(h2.coordinator.transactionState('idle')).to.deep.equal({ ok: true, value: null });
  });

  it("a broker started before it knew the topic's partition count adopts it on the first load (KRaft), but not later", async () => {
    const topic = new FakeTxnTopic(50);
    const h = makeTxnCoordinator({ topic });
    topic.partitions = 3;
    await h.coordinator.onElection(0, 0);
    expect(h.coordinator.partitionFor('tx')).to.equal(Math.abs(javaHash('tx')) % 3);
    topic.partitions = 4;
    await h.coordinator.onElection(1, 0);
    // A changed count after that is Kafka's KafkaException: the partition stays loading.
    expect(h.coordinator.partitionFor('tx')).to.equal(Math.abs(javaHash('tx')) % 3);
  });

  it('DescribeTransactions and ListTransactions (filters, unknown states)', async () => {
    const h = makeTxnCoordinator();
    await electAll(h);
    const a = await initTxn(h, 'a');
    await h.coordinator.handleAddPartitionsToTransaction('a', a.producerId, 0, [tp('t', 0), tp('t', 2)]);
    await initTxn(h, 'b');
    expect(h.coordinator.handleDescribeTransactions('a')).to.deep.include({
      errorCode: 0,
      transactionState: 'Ongoing',
      producerId: a.producerId,
      producerEpoch: 0,
      transactionTimeoutMs: 60000,
      // Scala HashSet order: TopicPartition("t", 2) hashes to bucket 3, ("t", 0) to bucket 5.
      topics: [{ topic: 't', partitions: [2, 0] }],
    });
    expect(h.coordinator.handleDescribeTransactions('zz').errorCode).to.equal(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    expect(h.coordinator.handleDescribeTransactions('').errorCode).to.equal(ErrorCode.INVALID_REQUEST);
    const all = h.coordinator.handleListTransactions([], []);
    expect(all.transactionStates.map((s) => s.transactionalId).sort()).to.deep.equal(['a', 'b']);
    const ongoing = h.coordinator.handleListTransactions([], ['Ongoing', 'Bogus']);
    expect(ongoing).to.deep.equal({
      errorCode: 0,
      unknownStateFilters: ['Bogus'],
      transactionStates: [{ transactionalId: 'a', producerId: a.producerId, transactionState: 'Ongoing' }],
    });
    expect(h.coordinator.handleListTransactions([a.producerId + 1], []).transactionStates.map((s) => s.transactionalId)).to.deep.equal(['b']);
    h.coordinator.shutdown();
    expect(h.coordinator.handleListTransactions([], []).errorCode).to.equal(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });
});
