import { expect } from 'chai';
import { BufferPool, fetchReadBuffers, newFrameBufferPool } from '../../../src/common/BufferPool';

const pool = (maxIdleBytes = 32 << 20): BufferPool => new BufferPool({ minSize: 64 << 10, maxSize: 8 << 20, maxIdleBytes });

describe('common: BufferPool (fetch read buffers and frames spanning chunks)', () => {
  it('lends exact sizes and lends a buffer again once it is given back', () => {
    const p = pool();
    const a = p.alloc(100_000);
    expect(a.length).to.equal(100_000);
    expect(p.isOutstanding(a)).to.equal(true);
    expect(p.isOutstanding(a.subarray(10, 20))).to.equal(true);
    p.release(a.subarray(5)); // any view gives the whole buffer back
    expect(p.isOutstanding(a)).to.equal(false);
    expect(p.idle).to.equal(1 << 17);
    const b = p.alloc(120_000);
    expect(b.length).to.equal(120_000);
    expect(b.buffer).to.equal(a.buffer);
    expect(p.idle).to.equal(0);
  });

  it('never lends a buffer still out, nor one of another size class', () => {
    const p = pool();
    const a = p.alloc(200_000);
    expect(p.alloc(200_000).buffer).to.not.equal(a.buffer);
    p.release(a);
    expect(p.alloc(70_000).buffer).to.not.equal(a.buffer); // 70,000 bytes would pin 256 KiB
    expect(p.alloc(150_000).buffer).to.equal(a.buffer);
  });

  it('rejects a double release and buffers it did not lend', () => {
    const p = pool();
    const foreign = Buffer.allocUnsafe(200_000);
    expect(p.isOutstanding(foreign)).to.equal(false);
    p.release(foreign);
    expect(p.idle).to.equal(0);
    const a = p.alloc(100_000);
    p.release(a);
    p.release(a);
    expect(p.idle).to.equal(1 << 17);
    // Released twice but held once: two alloc() calls must not both get it.
    const x = p.alloc(100_000);
    const y = p.alloc(100_000);
    expect(x.buffer).to.equal(a.buffer);
    expect(y.buffer).to.not.equal(a.buffer);
  });

  it('small and huge sizes are plain allocations; idle memory stays under its cap', () => {
    const p = pool(1 << 18);
    expect(p.isOutstanding(p.alloc(1000))).to.equal(false);
    expect(p.isOutstanding(p.alloc(9 << 20))).to.equal(false);
    const bufs = [p.alloc(1 << 17), p.alloc(1 << 17), p.alloc(1 << 17)];
    for (const b of bufs) p.release(b);
    expect(p.idle).to.equal(1 << 18);
  });

  it('trim() drops the buffers that stayed unused through the last interval, and keeps the working set', () => {
    const p = pool();
    const bufs = [p.alloc(1 << 20), p.alloc(1 << 20), p.alloc(1 << 20), p.alloc(100_000)];
    for (const b of bufs) p.release(b);
    expect(p.idle).to.equal((3 << 20) + (1 << 17));
    p.trim(); // all were in use during this interval: all kept
    expect(p.idle).to.equal((3 << 20) + (1 << 17));
    // The next interval needs two 1 MiB buffers at once, and none of 128 KiB.
    const [a, b] = [p.alloc(1 << 20), p.alloc(1 << 20)];
    p.release(a);
    p.release(b);
    p.trim();
    expect(p.idle).to.equal(2 << 20);
    const c = p.alloc(1 << 20);
    p.release(c);
    p.trim(); // one was enough
    expect(p.idle).to.equal(1 << 20);
    p.trim(); // an idle interval: nothing kept
    expect(p.idle).to.equal(0);
    // Emptied classes lend fresh buffers again.
    const d = p.alloc(1 << 20);
    expect(d.length).to.equal(1 << 20);
    expect(p.isOutstanding(d)).to.equal(true);
  });

  it('a buffer out across a trim can still be given back once', () => {
    const p = pool();
    const a = p.alloc(300_000);
    p.trim();
    p.trim();
    p.release(a);
    expect(p.idle).to.equal(1 << 19);
    p.release(a);
    expect(p.idle).to.equal(1 << 19);
  });

  it('the process-wide pools: fetch reads from 64 KiB, frames from 32 KiB', () => {
    const r = fetchReadBuffers.alloc(64 << 10);
    expect(fetchReadBuffers.isOutstanding(r)).to.equal(true);
    fetchReadBuffers.release(r);
    const f = newFrameBufferPool();
    expect(f.isOutstanding(f.alloc(40_000))).to.equal(true);
    expect(f.isOutstanding(f.alloc(20_000))).to.equal(false);
    expect(f.isOutstanding(f.alloc(17 << 20))).to.equal(false);
  });
});
