import { expect } from 'chai';
import { IllegalTxnStateError, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, TransactionMetadata } from '../../../../src/coordinator/transaction/TransactionMetadata';

const fresh = (epoch = NO_PRODUCER_EPOCH) => new TransactionMetadata('tx', 5, NO_PRODUCER_ID, epoch, NO_PRODUCER_EPOCH, 30000, 'Empty', [], -1, 100);
const tp = (topic: string, partition: number) => ({ topic, partition });

describe('TransactionMetadata state machine (Kafka TransactionMetadata)', () => {
  it('a new id bumps from epoch -1 to 0 and completes to Empty', () => {
    const md = fresh();
    const r = md.prepareIncrementProducerEpoch(60000, null, 200);
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.transit).to.include({ producerId: 5, producerEpoch: 0, lastProducerEpoch: -1, txnState: 'Empty', txnTimeoutMs: 60000, txnStartTimestamp: -1 });
    expect(md.pendingState).to.equal('Empty');
    md.completeTransitionTo(r.transit);
    expect(md).to.include({ producerEpoch: 0, txnTimeoutMs: 60000, pendingState: null, state: 'Empty', txnLastUpdateTimestamp: 200 });
  });

  it('a pending transition blocks another one', () => {
    const md = fresh(0);
    md.prepareAddPartitions([tp('t', 0)], 1);
    expect(() => md.prepareAbortOrCommit('PrepareCommit', 2)).to.throw(IllegalTxnStateError, /already a pending state Ongoing/);
  });

  it('add partitions -> Ongoing (start time set once), commit -> PrepareCommit -> CompleteCommit clears partitions', () => {
    const md = fresh(0);
    md.completeTransitionTo(md.prepareAddPartitions([tp('t', 0)], 1000));
    expect(md.state).to.equal('Ongoing');
    expect(md.txnStartTimestamp).to.equal(1000);
    md.completeTransitionTo(md.prepareAddPartitions([tp('t', 1)], 2000));
    expect(md.txnStartTimestamp).to.equal(1000);
    expect([...md.topicPartitions.keys()]).to.deep.equal(['t-0', 't-1']);
    const prep = md.prepareAbortOrCommit('PrepareCommit', 3000);
    expect(prep.topicPartitions).to.have.length(2);
    md.completeTransitionTo(prep);
    expect(md.state).to.equal('PrepareCommit');
    md.removePartition(tp('t', 0));
    const done = md.prepareComplete(4000);
    expect(done.txnState).to.equal('CompleteCommit');
    md.completeTransitionTo(done);
    expect(md.state).to.equal('CompleteCommit');
    expect(md.topicPartitions.size).to.equal(0);
    // A new transaction after a completed one restarts the clock.
    md.completeTransitionTo(md.prepareAddPartitions([tp('u', 0)], 5000));
    expect(md.txnStartTimestamp).to.equal(5000);
  });

  it('invalid transitions throw (Empty -> PrepareCommit, removePartition outside Prepare*)', () => {
    const md = fresh(0);
    expect(() => md.prepareAbortOrCommit('PrepareCommit', 1)).to.throw(IllegalTxnStateError, /not a valid previous state/);
    expect(md.pendingState).to.equal(null);
    expect(() => md.removePartition(tp('t', 0))).to.throw(IllegalTxnStateError);
  });

  it('KIP-360 epoch bumps: current epoch bumps, previous epoch is a retry, anything else is fenced', () => {
    const md = fresh(3);
    const r1 = md.prepareIncrementProducerEpoch(30000, 3, 1);
    expect(r1.ok && r1.transit).to.include({ producerEpoch: 4, lastProducerEpoch: 3 });
    if (r1.ok) md.completeTransitionTo(r1.transit);
    const retry = md.prepareIncrementProducerEpoch(30000, 3, 2);
    expect(retry.ok && retry.transit).to.include({ producerEpoch: 4, lastProducerEpoch: 3 });
    md.pendingState = null;
    expect(md.prepareIncrementProducerEpoch(30000, 1, 3)).to.deep.equal({ ok: false, error: 'PRODUCER_FENCED' });
    expect(md.pendingState).to.equal(null);
  });

  it('fencing bumps the epoch once; a failed fence reuses the epoch; Short.MaxValue cannot be fenced', () => {
    const md = fresh(0);
    md.completeTransitionTo(md.prepareAddPartitions([tp('t', 0)], 1));
    const f = md.prepareFenceProducerEpoch();
    expect(f).to.include({ txnState: 'PrepareEpochFence', producerEpoch: 1, lastProducerEpoch: -1 });
    md.pendingState = null;
    md.hasFailedEpochFence = true;
    expect(md.prepareFenceProducerEpoch().producerEpoch).to.equal(0);
    md.pendingState = null;
    md.producerEpoch = 32767;
    expect(() => md.prepareFenceProducerEpoch()).to.throw(/overflow/);
  });

  it('epoch exhaustion: 32766 is exhausted; rotation gives a new id at epoch 0, remembering the last epoch when asked', () => {
    const md = fresh(32766);
    expect(md.isProducerEpochExhausted).to.equal(true);
    expect(() => md.prepareIncrementProducerEpoch(1, null, 1)).to.throw(/Cannot allocate any more producer epochs/);
    const rot = md.prepareProducerIdRotation(99, 30000, 5, true);
    expect(rot).to.include({ producerId: 99, lastProducerId: 5, producerEpoch: 0, lastProducerEpoch: 32766 });
    md.completeTransitionTo(rot);
    expect(md).to.include({ producerId: 99, lastProducerId: 5, producerEpoch: 0 });
  });

  it('completing with metadata that does not match the pending transition is refused', () => {
    const md = fresh(0);
    const t = md.prepareAddPartitions([tp('t', 0)], 1);
    expect(() => md.completeTransitionTo({ ...t, producerEpoch: 7 })).to.throw(/failed transition/);
    expect(() => md.completeTransitionTo({ ...t, txnState: 'PrepareAbort' })).to.throw(/failed transition/);
  });

  it('Dead is only prepared from a finished state and is never completed', () => {
    const md = fresh(0);
    const d = md.prepareDead();
    expect(d.txnState).to.equal('Dead');
    expect(() => md.completeTransitionTo(d)).to.throw(/Dead/);
  });
});
