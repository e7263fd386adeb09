import { expect } from 'chai';
import * as v8 from 'v8';
import { IdleHeapReducer, shouldCollect, startIdleHeapReducer, DEFAULT_IDLE_HEAP_REDUCER } from '../../../src/common/IdleHeapReducer';

const opts = { intervalMs: 0, maxUtilization: 0.1, minGrowthBytes: 1 << 20 };

describe('common: IdleHeapReducer (periodic GC while idle, as G1PeriodicGCInterval)', () => {
  it('collects only when the event loop was idle and the heap grew past the threshold', () => {
    expect(shouldCollect(0.02, 50 << 20, 40 << 20, opts)).to.equal(true);
    expect(shouldCollect(0.5, 50 << 20, 40 << 20, opts)).to.equal(false); // busy: left to V8
    expect(shouldCollect(0.02, (40 << 20) + 1000, 40 << 20, opts)).to.equal(false); // nothing to win
  });

  it('runs gc after an idle interval with garbage, never after a busy one, and waits for the heap to grow anew', () => {
    let calls = 0;
    let load = 0.01;
    const r = new IdleHeapReducer(
      { ...opts, minGrowthBytes: 0 },
      () => calls++,
      () => load,
    );
    expect(r.check()).to.equal(true);
    expect(calls).to.equal(1);
    load = 0.9;
    expect(r.check()).to.equal(false);
    expect(calls).to.equal(1);
    const strict = new IdleHeapReducer(
      { ...opts, minGrowthBytes: 1 << 30 },
      () => calls++,
      () => 0,
    );
    expect(strict.check()).to.equal(false); // the heap did not grow by 1 GiB
    expect(calls).to.equal(1);
  });

  it('the process reducer uses V8 gc(), which frees garbage; KAFKA_IDLE_GC_INTERVAL_MS=0 turns it off', () => {
    const off = startIdleHeapReducer({ KAFKA_IDLE_GC_INTERVAL_MS: '0' });
    expect(off.running).to.equal(false);
    const on = startIdleHeapReducer({});
    expect(on.running).to.equal(true);
    on.stop();
    const r = new IdleHeapReducer({ ...DEFAULT_IDLE_HEAP_REDUCER, minGrowthBytes: 0 }, undefined, () => 0);
    let garbage: unknown[] | null = Array.from({ length: 200_000 }, (_, i) => ({ i }));
    expect(garbage.length).to.equal(200_000);
    garbage = null;
    const before = v8.getHeapStatistics().used_heap_size;
    expect(r.check()).to.equal(true);
    expect(v8.getHeapStatistics().used_heap_size).to.be.below(before);
    expect(r.collections).to.equal(1);
  });
});
