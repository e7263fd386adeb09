import { expect } from 'chai';
import { FrameDecoder } from '../../../src/protocol/FrameDecoder';
import { BufferPool } from '../../../src/common/BufferPool';

const framePool = (): BufferPool => new BufferPool({ minSize: 1024, maxSize: 16 << 20, maxIdleBytes: 32 << 20 });

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

describe('FrameDecoder with a BufferPool', () => {
  const payloads = [Buffer.alloc(300_000, 1), Buffer.from('small'), Buffer.alloc(100_000, 2), Buffer.alloc(70_000, 3)];
  const stream = Buffer.concat(payloads.map(frame));

  it('assembles frames that span chunks in pooled buffers, identical to the stream, for any chunk size', () => {
    for (const size of [997, 4096, 65536, 99_999, stream.length]) {
      const dec = new FrameDecoder(1 << 20, framePool());
      const frames: Buffer[] = [];
      for (const c of chunked(stream, size)) frames.push(...dec.push(c));
      expect(frames.length, `chunks of ${size}`).to.equal(payloads.length);
      frames.forEach((f, i) => expect(f.equals(payloads[i]), `chunks of ${size}, frame ${i}`).to.equal(true));
      expect(dec.buffered).to.equal(0);
    }
  });

  it('reuses a released frame buffer for the next large frame and keeps frames held by the caller intact', () => {
    const pool = framePool();
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
    const dec = new FrameDecoder(32 * 1024 * 1024, framePool());
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
