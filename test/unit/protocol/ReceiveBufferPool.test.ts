import { expect } from 'chai';
import { FrameDecoder } from '../../../src/protocol/FrameDecoder';
import { ReceiveBufferPool } from '../../../src/protocol/ReceiveBufferPool';

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

function chunked(stream: Buffer, chunk: number): Buffer[] {
  const out: Buffer[] = [];
  for (let p = 0; p < stream.length; p += chunk) out.push(Buffer.from(stream.subarray(p, p + chunk)));
  return out;
}

describe('ReceiveBufferPool', () => {
  it('lends a buffer of the exact size and lends it again once released', () => {
    const pool = new ReceiveBufferPool(1024);
    const a = pool.acquire(5000);
    expect(a.length).to.equal(5000);
    pool.release(a);
    const b = pool.acquire(4000);
    expect(b.length).to.equal(4000);
    expect(b.buffer).to.equal(a.buffer);
  });

  it('does not lend a buffer still in use, nor one much larger than asked', () => {
    const pool = new ReceiveBufferPool(1024);
    const a = pool.acquire(200_000);
    expect(pool.acquire(200_000).buffer).to.not.equal(a.buffer);
    pool.release(a);
    expect(pool.acquire(2000).buffer).to.not.equal(a.buffer); // 2,000 bytes would pin 256 KB
    expect(pool.acquire(150_000).buffer).to.equal(a.buffer);
  });

  it('ignores buffers it did not lend, a second release, and sizes outside its range', () => {
    const pool = new ReceiveBufferPool(1024, 1 << 20);
    pool.release(Buffer.alloc(4096));
    expect(pool.pooledBytes).to.equal(0);
    const a = pool.acquire(4096);
    pool.release(a);
    pool.release(a);
    expect(pool.pooledBytes).to.equal(65536);
    expect(pool.acquire(100).buffer).to.not.equal(a.buffer);
    const big = pool.acquire(2 << 20);
    pool.release(big);
    expect(pool.pooledBytes).to.equal(65536);
  });

  it('keeps at most maxFreeBytes in its free list', () => {
    const pool = new ReceiveBufferPool(1024, 1 << 20, 128 * 1024);
    const bufs = [pool.acquire(65536), pool.acquire(65536), pool.acquire(65536)];
    for (const b of bufs) pool.release(b);
    expect(pool.pooledBytes).to.equal(128 * 1024);
  });
});

describe('FrameDecoder with a ReceiveBufferPool', () => {
  const payloads = [Buffer.alloc(300_000, 1), Buffer.from('small'), Buffer.alloc(100_000, 2), Buffer.alloc(70_000, 3)];
  const stream = Buffer.concat(payloads.map(frame));

  it('assembles frames that span chunks in pooled buffers, identical to the stream, for any chunk size', () => {
    for (const size of [997, 4096, 65536, 99_999, stream.length]) {
      const dec = new FrameDecoder(1 << 20, new ReceiveBufferPool(1024));
      const frames: Buffer[] = [];
      for (const c of chunked(stream, size)) frames.push(...dec.push(c));
      expect(frames.length, `chunks of ${size}`).to.equal(payloads.length);
      frames.forEach((f, i) => expect(f.equals(payloads[i]), `chunks of ${size}, frame ${i}`).to.equal(true));
      expect(dec.buffered).to.equal(0);
    }
  });

  it('reuses a released frame buffer for the next large frame and keeps frames held by the caller intact', () => {
    const pool = new ReceiveBufferPool(1024);
    const dec = new FrameDecoder(1 << 20, pool);
    const f1 = dec.push(frame(Buffer.alloc(200_000, 7)).subarray(0, 100_000));
    expect(f1).to.deep.equal([]);
    const [first] = dec.push(frame(Buffer.alloc(200_000, 7)).subarray(100_000));
    expect(first.length).to.equal(200_000);
    // Not released: the next frame gets another buffer and `first` keeps its bytes.
    const two = frame(Buffer.alloc(200_000, 8));
    dec.push(two.subarray(0, 10));
    const [second] = dec.push(two.subarray(10));
    expect(second.buffer).to.not.equal(first.buffer);
    expect(first.every((b) => b === 7)).to.equal(true);
    dec.release(second);
    const three = frame(Buffer.alloc(190_000, 9));
    dec.push(three.subarray(0, 10));
    const [third] = dec.push(three.subarray(10));
    expect(third.buffer).to.equal(second.buffer);
    expect(third.length).to.equal(190_000);
    expect(third.every((b) => b === 9)).to.equal(true);
  });

  it('gathers a frame above 16 MB as it arrives instead of allocating it on the size field alone', () => {
    const size = 17 * 1024 * 1024;
    const dec = new FrameDecoder(32 * 1024 * 1024, new ReceiveBufferPool());
    const header = Buffer.alloc(4);
    header.writeInt32BE(size);
    expect(dec.push(Buffer.concat([header, Buffer.alloc(10, 1)]))).to.deep.equal([]);
    expect(dec.buffered).to.equal(14);
    const before = process.memoryUsage().arrayBuffers;
    expect(dec.push(Buffer.alloc(1000, 1))).to.deep.equal([]);
    expect(process.memoryUsage().arrayBuffers - before).to.be.below(size / 2);
    const [f] = dec.push(Buffer.alloc(size - 1010, 1));
    expect(f.length).to.equal(size);
    expect(dec.buffered).to.equal(0);
  });
});
