import { expect } from 'chai';
import { Reader } from '../../../src/protocol/Reader';
import { Writer } from '../../../src/protocol/Writer';

const bytes = (fn: (w: Writer) => void): number[] => {
  const w = new Writer(4);
  fn(w);
  return [...w.toBuffer()];
};

describe('Writer', () => {
  it('writes big-endian fixed-width integers', () => {
    expect(bytes((w) => w.int8(-1).uint8(0x80).int16(-384).uint16(0xfffe).int32(-2147483648).uint32(4294967295))).to.deep.equal([
      0xff, 0x80, 0xfe, 0x80, 0xff, 0xfe, 0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
    ]);
    expect(bytes((w) => w.bool(true).bool(false))).to.deep.equal([1, 0]);
  });

  it('writes int64 negatives and large values exactly', () => {
    for (const v of [0n, -1n, -2n, 1700000000000n, -1700000000000n, 2n ** 53n - 1n, -(2n ** 53n) + 1n]) {
      const expected = Buffer.alloc(8);
      expected.writeBigInt64BE(v);
      expect(
        bytes((w) => w.int64(Number(v))),
        `int64 ${v}`,
      ).to.deep.equal([...expected]);
    }
  });

  describe('varints (cross-checked with an independent BigInt encoder)', () => {
    const leb = (z: bigint): number[] => {
      const out: number[] = [];
      while (z >= 0x80n) {
        out.push(Number(z & 0x7fn) | 0x80);
        z >>= 7n;
      }
      out.push(Number(z));
      return out;
    };
    const zig = (v: bigint): bigint => (v >= 0n ? v * 2n : -v * 2n - 1n);

    it('uvarint edge values', () => {
      for (const v of [0n, 1n, 127n, 128n, 16383n, 16384n, 2n ** 31n - 1n, 2n ** 32n - 1n]) {
        expect(
          bytes((w) => w.uvarint(Number(v))),
          `uvarint ${v}`,
        ).to.deep.equal(leb(v));
      }
    });

    it('varint edge values: 0, -1, 1, 2^31-1, -2^31', () => {
      for (const v of [0n, -1n, 1n, 63n, -64n, 64n, 2n ** 31n - 1n, -(2n ** 31n)]) {
        const b = bytes((w) => w.varint(Number(v)));
        expect(b, `varint ${v}`).to.deep.equal(leb(zig(v)));
        expect(new Reader(Buffer.from(b)).varint()).to.equal(Number(v));
      }
      expect(bytes((w) => w.varint(-1))).to.deep.equal([1]);
      expect(bytes((w) => w.varint(2147483647))).to.deep.equal([0xfe, 0xff, 0xff, 0xff, 0x0f]);
      expect(bytes((w) => w.varint(-2147483648))).to.deep.equal([0xff, 0xff, 0xff, 0xff, 0x0f]);
    });

    it('varlong large values up to 2^53', () => {
      for (const v of [0n, -1n, 2n ** 32n, -(2n ** 32n), 1700000000000n, 2n ** 52n, -(2n ** 52n), 2n ** 53n - 1n, 2n ** 53n]) {
        const b = bytes((w) => w.varlong(Number(v)));
        expect(b, `varlong ${v}`).to.deep.equal(leb(zig(v)));
        expect(new Reader(Buffer.from(b)).varlong()).to.equal(Number(v));
      }
    });

    // zigzag(v) = -2v-1 for v < -2^52 is above 2^53, not a safe double: Writer/Reader take a BigInt path there.
    it('varlong negatives below -2^52 round-trip', () => {
      for (const v of [-(2n ** 53n) + 1n, -(2n ** 52n) - 1n, 2n ** 53n - 1n]) {
        const b = bytes((w) => w.varlong(Number(v)));
        expect(b, `varlong ${v}`).to.deep.equal(leb(zig(v)));
        expect(new Reader(Buffer.from(b)).varlong()).to.equal(Number(v));
      }
    });
  });

  it('strings: nullable int16 length and compact N+1 forms, UTF-8 byte lengths', () => {
    expect(bytes((w) => w.nullableString(null).string('').string('é'))).to.deep.equal([0xff, 0xff, 0, 0, 0, 2, 0xc3, 0xa9]);
    expect(bytes((w) => w.compactNullableString(null).compactString('').compactString('hi'))).to.deep.equal([0, 1, 3, 0x68, 0x69]);
  });

  it('bytes: nullable int32 length and compact forms', () => {
    expect(bytes((w) => w.nullableBytes(null).bytes(Buffer.from([7])))).to.deep.equal([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 7]);
    expect(bytes((w) => w.compactNullableBytes(null).compactBytes(Buffer.from([7, 8])))).to.deep.equal([0, 3, 7, 8]);
  });

  it('arrays: int32 count (-1 = null) and compact N+1 (0 = null)', () => {
    const i16 = (w: Writer, v: number): void => {
      w.int16(v);
    };
    expect(bytes((w) => w.nullableArray(null, i16).array([1], i16))).to.deep.equal([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0, 1]);
    expect(bytes((w) => w.compactNullableArray(null, i16).compactArray([], i16).compactArray([5], i16))).to.deep.equal([0, 1, 2, 0, 5]);
  });

  it('writes an empty tagged-field section as one zero byte', () => {
    expect(bytes((w) => w.emptyTaggedFields())).to.deep.equal([0]);
  });

  it('grows its scratch buffer past the initial size', () => {
    const w = new Writer(2);
    for (let i = 0; i < 1000; i++) w.int32(i);
    const r = new Reader(w.toBuffer());
    for (let i = 0; i < 1000; i++) expect(r.int32()).to.equal(i);
    expect(w.length).to.equal(4000);
  });

  describe('rawChunk / recordsChunks', () => {
    it('keeps large buffers by reference, in order, between scratch chunks', () => {
      const big = Buffer.alloc(4096, 0xab);
      const w = new Writer();
      w.int32(1).rawChunk(big).int16(2);
      const parts = w.toBuffers();
      expect(parts).to.have.length(3);
      expect(parts[1]).to.equal(big);
      expect(w.length).to.equal(4 + 4096 + 2);
      const all = w.toBuffer();
      expect(all.readInt32BE(0)).to.equal(1);
      expect(all.readInt16BE(4 + 4096)).to.equal(2);
    });

    it('copies small buffers into the scratch buffer', () => {
      const small = Buffer.from([1, 2, 3]);
      const w = new Writer();
      w.int8(9).rawChunk(small);
      const parts = w.toBuffers();
      expect(parts).to.have.length(1);
      expect([...parts[0]]).to.deep.equal([9, 1, 2, 3]);
    });

    it('bytes() of a large buffer is written by reference too', () => {
      const big = Buffer.alloc(1000, 1);
      const w = new Writer();
      w.bytes(big);
      expect(w.toBuffers().some((b) => b === big)).to.equal(true);
    });

    it('recordsChunks writes one total length then each chunk; null is -1 (or 0 compact)', () => {
      const a = Buffer.alloc(600, 1);
      const b = Buffer.alloc(700, 2);
      const w = new Writer();
      w.recordsChunks([a, b]);
      const parts = w.toBuffers();
      expect(parts[0].readInt32BE(0)).to.equal(1300);
      expect(parts.slice(1)).to.deep.equal([a, b]);
      expect(parts[1]).to.equal(a);
      expect(parts[2]).to.equal(b);
      expect(bytes((x) => x.recordsChunks(null))).to.deep.equal([0xff, 0xff, 0xff, 0xff]);
      expect(bytes((x) => x.recordsChunks(null, true))).to.deep.equal([0]);
      expect(bytes((x) => x.recordsChunks([Buffer.from([5])], true))).to.deep.equal([2, 5]);
    });
  });

  it('uuid must be 16 bytes', () => {
    expect(() => new Writer().uuid(Buffer.alloc(15))).to.throw();
    expect(bytes((w) => w.uuid(Buffer.alloc(16, 3)))).to.deep.equal(new Array(16).fill(3));
  });
});
