import { expect } from 'chai';
import { FrameDecoder, FrameTooLargeError, InvalidFrameSizeError } from '../../../src/protocol/FrameDecoder';

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

function payloads(): Buffer[] {
  return [
    Buffer.from('first frame'),
    Buffer.alloc(0), // an empty frame is legal at this layer
    Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]),
    Buffer.from('x'.repeat(300)),
    Buffer.from([0]),
  ];
}

function feed(dec: FrameDecoder, chunks: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const c of chunks) out.push(...dec.push(c));
  return out;
}

describe('FrameDecoder', () => {
  const expected = payloads();
  const stream = Buffer.concat(expected.map(frame));

  it('with chunksReused, copies every frame out of the chunk: overwriting the chunk after push changes no frame', () => {
    for (let cut = 0; cut <= stream.length; cut += 7) {
      const dec = new FrameDecoder(1024, null, true);
      const chunks = [Buffer.from(stream.subarray(0, cut)), Buffer.from(stream.subarray(cut))];
      const frames: Buffer[] = [];
      for (const c of chunks) {
        frames.push(...dec.push(c));
        c.fill(0xee); // the socket's shared buffer takes the next read
      }
      expect(frames, `cut at ${cut}`).to.deep.equal(expected);
    }
  });

  it('with chunksReused, a frame above the large-frame threshold gathered from reused chunks is intact', () => {
    const big = Buffer.alloc(17 * 1024 * 1024, 7);
    big.writeUInt32BE(0xdeadbeef, big.length - 4);
    const whole = frame(big);
    const dec = new FrameDecoder(32 * 1024 * 1024, null, true);
    const shared = Buffer.alloc(256 * 1024);
    const frames: Buffer[] = [];
    for (let pos = 0; pos < whole.length; pos += shared.length) {
      const n = whole.copy(shared, 0, pos, Math.min(whole.length, pos + shared.length));
      frames.push(...dec.push(shared.subarray(0, n)));
      shared.fill(0);
    }
    expect(frames).to.have.length(1);
    expect(frames[0].equals(big)).to.equal(true);
  });

  it('returns every frame of one chunk, as slices of that chunk', () => {
    const frames = new FrameDecoder(1024).push(stream);
    expect(frames).to.deep.equal(expected);
    for (const f of frames) expect(f.buffer).to.equal(stream.buffer);
  });

  it('gives identical frames when the stream is split at every byte position', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const dec = new FrameDecoder(1024);
      const frames = feed(dec, [stream.subarray(0, cut), stream.subarray(cut)]);
      expect(frames, `cut at ${cut}`).to.deep.equal(expected);
      expect(dec.buffered).to.equal(0);
    }
  });

  it('gives identical frames when split at every pair of positions (three chunks)', () => {
    for (let a = 0; a <= stream.length; a += 3) {
      for (let b = a; b <= stream.length; b += 5) {
        const frames = feed(new FrameDecoder(1024), [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]);
        expect(frames, `cuts at ${a},${b}`).to.deep.equal(expected);
      }
    }
  });

  it('gives identical frames when fed one byte at a time', () => {
    const dec = new FrameDecoder(1024);
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) chunks.push(stream.subarray(i, i + 1));
    expect(feed(dec, chunks)).to.deep.equal(expected);
    expect(dec.buffered).to.equal(0);
  });

  it('handles frame boundaries inside chunks and keeps the partial tail', () => {
    const dec = new FrameDecoder(1024);
    const f1 = frame(Buffer.from('aa'));
    const f2 = frame(Buffer.from('bbbb'));
    const f3 = frame(Buffer.from('c'));
    const all = Buffer.concat([f1, f2, f3]);
    // Chunk 1 ends in the middle of f2's size field; chunk 2 holds the rest of f2 and part of f3.
    const cut1 = f1.length + 2;
    const cut2 = f1.length + f2.length + 3;
    expect(dec.push(all.subarray(0, cut1)).map(String)).to.deep.equal(['aa']);
    expect(dec.buffered).to.equal(2);
    expect(dec.push(all.subarray(cut1, cut2)).map(String)).to.deep.equal(['bbbb']);
    expect(dec.buffered).to.equal(3);
    expect(dec.push(all.subarray(cut2)).map(String)).to.deep.equal(['c']);
    expect(dec.buffered).to.equal(0);
  });

  it('does not keep a reference to a large input chunk for a small tail', () => {
    const dec = new FrameDecoder(1024);
    const chunk = Buffer.concat([frame(Buffer.alloc(500, 1)), Buffer.from([0, 0])]);
    expect(dec.push(chunk)).to.have.length(1);
    const rest = dec.push(Buffer.from([0, 1, 7]));
    expect(rest.map((b) => [...b])).to.deep.equal([[7]]);
  });

  it('accepts a frame of exactly the maximum size', () => {
    const f = frame(Buffer.alloc(64, 9));
    expect(new FrameDecoder(64).push(f)).to.have.length(1);
  });

  it('throws FrameTooLargeError for a size above the maximum, even before the payload arrives', () => {
    const dec = new FrameDecoder(64);
    const header = Buffer.alloc(4);
    header.writeInt32BE(65);
    expect(() => dec.push(header)).to.throw(FrameTooLargeError);
  });

  it('throws FrameTooLargeError when the oversized size field arrives split', () => {
    const dec = new FrameDecoder(64);
    const header = Buffer.alloc(4);
    header.writeInt32BE(1 << 20);
    expect(dec.push(header.subarray(0, 1))).to.deep.equal([]);
    expect(dec.push(header.subarray(1, 3))).to.deep.equal([]);
    expect(() => dec.push(header.subarray(3))).to.throw(FrameTooLargeError);
  });

  it('throws InvalidFrameSizeError for a negative size', () => {
    const header = Buffer.alloc(4);
    header.writeInt32BE(-1);
    expect(() => new FrameDecoder(64).push(header)).to.throw(InvalidFrameSizeError);
    const dec = new FrameDecoder(64);
    dec.push(header.subarray(0, 2));
    expect(() => dec.push(header.subarray(2))).to.throw(InvalidFrameSizeError);
  });

  it('reports a bad size that follows valid frames in the same chunk', () => {
    const bad = Buffer.alloc(4);
    bad.writeInt32BE(-5);
    const dec = new FrameDecoder(64);
    expect(() => dec.push(Buffer.concat([frame(Buffer.from('ok')), bad]))).to.throw(InvalidFrameSizeError);
  });
});
