/** The leader's BatchAccumulator (Kafka 3.7): linger, batch size limits, atomic appends, required base offsets. */
import { expect } from 'chai';
import { BatchAccumulator, NotLeaderError, RecordBatchTooLargeError, UnexpectedBaseOffsetError } from '../../../src/raft/BatchAccumulator';
import { StringSerde } from '../../../src/raft/RecordSerde';
import { RaftSimulation } from './RaftSimulation';

describe('BatchAccumulator', () => {
  it('gathers appends for append.linger.ms into one batch and returns each last offset', () => {
    const acc = new BatchAccumulator(3, 10, 25, StringSerde);
    expect(acc.timeUntilDrain(0)).to.equal(Infinity);
    expect(acc.append(3, ['a', 'b'], undefined, false, 1000)).to.equal(11);
    expect(acc.append(3, ['c'], undefined, false, 1010)).to.equal(12);
    expect(acc.timeUntilDrain(1010)).to.equal(15);
    expect(acc.timeUntilDrain(1025)).to.equal(0);
    expect(acc.drain().map((b) => b.map((v) => v.toString()))).to.deep.equal([['a', 'b', 'c']]);
    expect(acc.isEmpty()).to.equal(true);
  });

  it('starts a new batch at the size limit; an atomic append stays whole; too large is refused', () => {
    const acc = new BatchAccumulator(1, 0, 25, StringSerde, 220);
    const x = 'x'.repeat(50);
    acc.append(1, [x, x], undefined, false, 0);
    acc.append(1, [x, x], undefined, true, 0);
    const batches = acc.drain();
    expect(batches.map((b) => b.length)).to.deep.equal([2, 2]);
    expect(() => acc.append(1, [x, x, x, x], undefined, true, 0)).to.throw(RecordBatchTooLargeError, 'exceeds the maximum allowed batch size of 220');
    expect(acc.timeUntilDrain(0), 'a second batch waiting drains at once').to.equal(Infinity);
  });

  it('refuses a stale epoch, a future epoch and a base offset that is not the next one', () => {
    const acc = new BatchAccumulator(4, 7, 25, StringSerde);
    expect(() => acc.append(3, ['a'], undefined, false, 0)).to.throw(NotLeaderError, 'is stale');
    expect(() => acc.append(5, ['a'], undefined, false, 0)).to.throw('larger than the current epoch');
    expect(() => acc.append(4, ['a'], 6, true, 0)).to.throw(UnexpectedBaseOffsetError, 'Wanted base offset 6, but the next offset was 7');
    expect(acc.append(4, ['a'], 7, true, 0)).to.equal(7);
  });

  it('through the client: an atomic append commits as one batch at the required offset', () => {
    const sim = new RaftSimulation({ voters: [1, 2, 3], seed: 31 });
    sim.startAll();
    expect(sim.runUntil(() => sim.stableLeader() !== undefined, 15_000)).to.equal(true);
    const leader = sim.node(sim.stableLeader()!);
    const next = leader.log.endOffset();
    expect(leader.client.scheduleAtomicAppend(leader.client.quorum.epoch, next, ['r1', 'r2', 'r3'])).to.equal(next + 2);
    expect(() => leader.client.scheduleAtomicAppend(leader.client.quorum.epoch, next, ['late'])).to.throw(UnexpectedBaseOffsetError);
    expect(sim.runUntil(() => sim.aliveNodes().every((n) => n.listener.records().length === 3), 5000)).to.equal(true);
    for (const n of sim.aliveNodes()) {
      const data = n.listener.batches.filter((b) => !b.isControl);
      expect(data.map((b) => [b.baseOffset, b.records])).to.deep.equal([[next, ['r1', 'r2', 'r3']]]);
    }
  });
});
