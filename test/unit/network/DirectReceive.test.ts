import { expect } from 'chai';
import { DirectReceive } from '../../../src/network/DirectReceive';
import { newFrameBufferPool } from '../../../src/common/BufferPool';

/** A stream of frames (int32 size + payload), each payload filled with its index. */
function frames(sizes: number[]): { stream: Buffer; payloads: Buffer[] } {
  const payloads = sizes.map((n, i) => Buffer.alloc(n, i & 0xff));
  const stream = Buffer.concat(
    payloads.flatMap((p) => {
      const h = Buffer.alloc(4);
      h.writeInt32BE(p.length, 0);
      return [h, p];
    }),
  );
  return { stream, payloads };
}

/** Feeds `stream` as a socket with onread would: each read fills at most `readLen()` bytes of the buffer it is given. */
function feed(r: DirectReceive, stream: Buffer, readLen: () => number): void {
  let pos = 0;
  while (pos < stream.length) {
    const target = r.nextBuffer();
    expect(target.length).to.be.greaterThan(0);
    const n = Math.min(target.length, readLen(), stream.length - pos);
    stream.copy(target, 0, pos, pos + n);
    pos += n;
    r.onRead(n);
  }
}

/** A small deterministic generator (tests never depend on Math.random). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff);
}

describe('DirectReceive: frames read in place from a socket (onread)', () => {
  const sizes = [0, 1, 3, 100, 16 * 1024 - 4, 16 * 1024, 40_000, 5, 200_000, 7, 70_000, 2];

  for (const [label, readLen, frameSizes] of [
    ['one byte per read', () => 1, sizes.filter((n) => n <= 16 * 1024)],
    ['reads of up to 64 KB', () => 65536, sizes],
    [
      'reads of random lengths',
      (() => {
        const r = lcg(17);
        return () => 1 + (r() % 30000);
      })(),
      sizes,
    ],
  ] as Array<[string, () => number, number[]]>) {
    it(`gives every frame whole and in order, ${label}`, () => {
      const { stream, payloads } = frames(frameSizes);
      const got: Buffer[] = [];
      const r = new DirectReceive(newFrameBufferPool(), (f) => got.push(Buffer.from(f)));
      feed(r, stream, readLen);
      expect(got.map((f) => f.length)).to.deep.equal(frameSizes);
      got.forEach((f, i) => expect(f.equals(payloads[i]), `frame ${i}`).to.equal(true));
    });
  }

  it('reads a large frame into its own (pooled) buffer, never past it into the next frame', () => {
    const { stream, payloads } = frames([300_000, 10]);
    const pool = newFrameBufferPool();
    const got: Buffer[] = [];
    const r = new DirectReceive(pool, (f) => got.push(f));
    let pos = 0;
    const targets: Buffer[] = [];
    while (pos < stream.length) {
      const t = r.nextBuffer();
      targets.push(t);
      const n = Math.min(t.length, 100_000, stream.length - pos);
      stream.copy(t, 0, pos, pos + n);
      pos += n;
      r.onRead(n);
    }
    expect(got[0].equals(payloads[0])).to.equal(true);
    expect(got[1].equals(payloads[1])).to.equal(true);
    // After the first (scratch) read, the socket read into the frame's own memory.
    expect(targets.slice(1, 3).every((t) => t.buffer === got[0].buffer)).to.equal(true);
    // The frame came from the pool: it can be given back and reused.
    pool.release(got[0]);
    expect(pool.idle).to.be.greaterThan(0);
  });

  it('small frames are copied out of the scratch buffer, so later reads do not change them', () => {
    const { stream } = frames([50, 60]);
    const got: Buffer[] = [];
    const r = new DirectReceive(null, (f) => got.push(f));
    feed(r, stream, () => 1000);
    const before = Buffer.from(got[0]);
    feed(r, frames([50]).stream.fill(0xee, 4), () => 1000);
    expect(got[0].equals(before)).to.equal(true);
    expect(got[2].every((b) => b === 0xee)).to.equal(true);
  });

  it('a frame above 16 MB grows as its bytes arrive and ends whole', () => {
    const size = 16 * 1024 * 1024 + 5;
    const { stream } = frames([size]);
    stream.fill(0x5a, 4);
    const got: Buffer[] = [];
    const r = new DirectReceive(null, (f) => got.push(f));
    feed(r, stream, () => 1 << 20);
    expect(got).to.have.length(1);
    expect(got[0].length).to.equal(size);
    expect(got[0][0]).to.equal(0x5a);
    expect(got[0][size - 1]).to.equal(0x5a);
  });

  it('a negative size field throws (the connection is closed)', () => {
    const r = new DirectReceive(null, () => undefined);
    const t = r.nextBuffer();
    t.writeInt32BE(-2, 0);
    expect(() => r.onRead(4)).to.throw(/negative frame size/);
  });
});
