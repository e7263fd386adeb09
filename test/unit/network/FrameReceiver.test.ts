import { expect } from 'chai';
import { FrameReceiver, OnReadOpts, sharedReadOpts } from '../../../src/network/SharedReadBuffer';
import { FrameDecoder, FrameTooLargeError, InvalidFrameSizeError } from '../../../src/protocol/FrameDecoder';
import { newFrameBufferPool, BufferPool } from '../../../src/common/BufferPool';

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

/**
 * Feeds `stream` as net.Socket with `onread` would: each read fills at most `readLen()` bytes of the buffer that
 * buffer() gives, then calls callback. After a read into the shared buffer, the buffer is scribbled over (as the next
 * read of any other connection would): frames must have been copied out. Returns the buffers read into.
 */
/** The process-wide shared read buffer (what buffer() gives when no frame is being assembled). */
const shared = sharedReadOpts(() => null).buffer();

function feed(opts: OnReadOpts, stream: Buffer, readLen: () => number): Buffer[] {
  const targets: Buffer[] = [];
  let pos = 0;
  while (pos < stream.length) {
    const target = opts.buffer();
    expect(target.length).to.be.greaterThan(0);
    targets.push(target);
    const n = Math.min(target.length, readLen(), stream.length - pos);
    stream.copy(target, 0, pos, pos + n);
    pos += n;
    expect(opts.callback(n, target)).to.equal(true);
    if (target.buffer === shared.buffer && target.byteOffset === shared.byteOffset) target.fill(0xee, 0, n);
  }
  return targets;
}

function receiver(pool: BufferPool | null, max = Number.MAX_SAFE_INTEGER): { opts: OnReadOpts; got: Buffer[]; errors: Error[] } {
  const got: Buffer[] = [];
  const errors: Error[] = [];
  const r = new FrameReceiver(
    new FrameDecoder(max, pool, true),
    (fs) => got.push(...fs),
    (e) => errors.push(e),
  );
  return { opts: sharedReadOpts(() => r), got, errors };
}

/** A small deterministic generator (tests never depend on Math.random). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff);
}

describe('FrameReceiver + sharedReadOpts: frames read from a socket with onread (NetworkClient and the broker read alike)', () => {
  const sizes = [0, 1, 3, 100, 16 * 1024 - 4, 16 * 1024, 40_000, 5, 200_000, 7, 70_000, 2, 300_000, 4];

  for (const [label, readLen, frameSizes] of [
    ['one byte per read', () => 1, sizes.filter((n) => n <= 16 * 1024)],
    ['reads of up to 64 KB', () => 65536, sizes],
    ['reads of up to 1 MB', () => 1 << 20, sizes],
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
      const { opts, got, errors } = receiver(newFrameBufferPool());
      feed(opts, stream, readLen);
      expect(errors).to.deep.equal([]);
      expect(got.map((f) => f.length)).to.deep.equal(frameSizes);
      got.forEach((f, i) => expect(f.equals(payloads[i]), `frame ${i}`).to.equal(true));
    });
  }

  it('gives identical frames when the stream is split into two reads at every byte position', () => {
    const { stream, payloads } = frames([5, 0, 40, 3]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const { opts, got } = receiver(null);
      let first = true;
      feed(opts, stream, () => {
        const n = first ? cut || stream.length : stream.length;
        first = false;
        return n;
      });
      expect(got.length, `cut ${cut}`).to.equal(payloads.length);
      got.forEach((f, i) => expect(f.equals(payloads[i]), `cut ${cut} frame ${i}`).to.equal(true));
    }
  });

  it('reads the rest of a large frame into its own (pooled) buffer, never past it into the next frame', () => {
    const { stream, payloads } = frames([300_000, 10]);
    const pool = newFrameBufferPool();
    const { opts, got } = receiver(pool);
    const targets = feed(opts, stream, () => 100_000);
    expect(got[0].equals(payloads[0])).to.equal(true);
    expect(got[1].equals(payloads[1])).to.equal(true);
    // After the first (shared buffer) read, the socket read into the frame's own memory.
    expect(targets.slice(1, 3).every((t) => t.buffer === got[0].buffer)).to.equal(true);
    // The frame came from the pool: it can be given back and reused.
    pool.release(got[0]);
    expect(pool.idle).to.be.greaterThan(0);
  });

  it('a frame above 16 MB is gathered as its bytes arrive (not allocated on the size field) and ends whole', () => {
    const size = 16 * 1024 * 1024 + 5;
    const { stream } = frames([size, 3]);
    stream.fill(0x5a, 4, 4 + size);
    const { opts, got } = receiver(null);
    feed(opts, stream.subarray(0, 100), () => 1 << 20);
    // Only the bytes that arrived are held, not the 16 MB announced.
    expect(opts.buffer().buffer).to.equal(shared.buffer);
    feed(opts, stream.subarray(100), () => 1 << 20);
    expect(got.map((f) => f.length)).to.deep.equal([size, 3]);
    expect(got[0].every((b) => b === 0x5a)).to.equal(true);
  });

  it('a smaller read size caps reads into the shared buffer; frames are identical', () => {
    const { stream, payloads } = frames([3, 100_000, 20_000, 1]);
    const got: Buffer[] = [];
    const r = new FrameReceiver(
      new FrameDecoder(Number.MAX_SAFE_INTEGER, null, true),
      (fs) => got.push(...fs),
      (e) => expect.fail(e.message),
    );
    const opts = sharedReadOpts(() => r, 16 * 1024);
    const targets = feed(opts, stream, () => 1 << 20);
    // Reads into the shared buffer take at most 16 KB; the rest of the 100 KB frame is read into it in place.
    expect(targets.every((t) => t.buffer !== shared.buffer || t.length === 16 * 1024)).to.equal(true);
    expect(targets.some((t) => t.buffer === got[1].buffer)).to.equal(true);
    got.forEach((f, i) => expect(f.equals(payloads[i]), `frame ${i}`).to.equal(true));
  });

  it('a negative size field reports InvalidFrameSizeError once; later reads are ignored', () => {
    const { opts, got, errors } = receiver(null);
    const bad = Buffer.alloc(8);
    bad.writeInt32BE(-2, 0);
    feed(opts, bad, () => 100);
    feed(opts, frames([3]).stream, () => 100);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.be.instanceOf(InvalidFrameSizeError);
    expect(got).to.deep.equal([]);
  });

  it('a size above the limit reports FrameTooLargeError before the payload arrives', () => {
    const { opts, errors } = receiver(null, 1000);
    const h = Buffer.alloc(4);
    h.writeInt32BE(1001, 0);
    feed(opts, h, () => 1);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.be.instanceOf(FrameTooLargeError);
  });
});
