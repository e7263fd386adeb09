import { expect } from 'chai';
import { ProtocolError, Reader } from '../../../src/protocol/Reader';

const r = (...bytes: number[]): Reader => new Reader(Buffer.from(bytes));

describe('Reader', () => {
  it('reads big-endian fixed-width integers, signed and unsigned', () => {
    const rd = r(0xff, 0x80, 0x00, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x01, 0x02, 0xff, 0xfe);
    expect(rd.int8()).to.equal(-1);
    expect(rd.uint8()).to.equal(0x80);
    expect(rd.int16()).to.equal(255);
    expect(rd.int16()).to.equal(-384);
    expect(rd.int32()).to.equal(0x0102);
    expect(rd.uint16()).to.equal(0xfffe);
    expect(rd.remaining()).to.equal(0);
  });

  it('reads int32 extremes and uint32', () => {
    const rd = r(0x7f, 0xff, 0xff, 0xff, 0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff);
    expect(rd.int32()).to.equal(2147483647);
    expect(rd.int32()).to.equal(-2147483648);
    expect(rd.uint32()).to.equal(4294967295);
  });

  it('reads int64 values including negatives as exact numbers', () => {
    const b = Buffer.alloc(8 * 6);
    const values = [0n, -1n, -2n, 1700000000000n, -1700000000000n, 2n ** 53n - 1n];
    values.forEach((v, i) => b.writeBigInt64BE(v, i * 8));
    const rd = new Reader(b);
    for (const v of values) expect(rd.int64()).to.equal(Number(v));
    const neg = Buffer.alloc(8);
    neg.writeBigInt64BE(-(2n ** 53n) + 1n);
    expect(new Reader(neg).int64()).to.equal(-(2 ** 53) + 1);
  });

  it('reads bool as any non-zero byte', () => {
    const rd = r(0, 1, 2);
    expect([rd.bool(), rd.bool(), rd.bool()]).to.deep.equal([false, true, true]);
  });

  describe('varints', () => {
    it('uvarint: LEB128 edge values', () => {
      expect(r(0).uvarint()).to.equal(0);
      expect(r(0x7f).uvarint()).to.equal(127);
      expect(r(0x80, 0x01).uvarint()).to.equal(128);
      expect(r(0xff, 0xff, 0xff, 0xff, 0x0f).uvarint()).to.equal(4294967295);
    });

    it('uvarint longer than 5 bytes is malformed', () => {
      expect(() => r(0x80, 0x80, 0x80, 0x80, 0x80, 0x01).uvarint()).to.throw(ProtocolError);
    });

    it('varint: zigzag edge values', () => {
      expect(r(0).varint()).to.equal(0);
      expect(r(1).varint()).to.equal(-1);
      expect(r(2).varint()).to.equal(1);
      expect(r(0xfe, 0xff, 0xff, 0xff, 0x0f).varint()).to.equal(2147483647);
      expect(r(0xff, 0xff, 0xff, 0xff, 0x0f).varint()).to.equal(-2147483648);
    });

    it('varlong: large values up to 2^53', () => {
      // zigzag(2^53 - 1) = 2^54 - 2: 0xfe then 0xff x6 then 0x3f... computed generically below.
      const enc = (z: bigint): number[] => {
        const out: number[] = [];
        while (z >= 0x80n) {
          out.push(Number(z & 0x7fn) | 0x80);
          z >>= 7n;
        }
        out.push(Number(z));
        return out;
      };
      const zig = (v: bigint): bigint => (v >= 0n ? v * 2n : -v * 2n - 1n);
      for (const v of [0n, -1n, 1n, 2n ** 31n, -(2n ** 31n) - 1n, 2n ** 40n, -(2n ** 52n), 2n ** 53n - 1n, -(2n ** 52n) + 1n]) {
        expect(new Reader(Buffer.from(enc(zig(v)))).varlong(), `varlong ${v}`).to.equal(Number(v));
      }
    });

    it('varlong longer than 10 bytes is malformed', () => {
      expect(() => new Reader(Buffer.alloc(11, 0x80)).varlong()).to.throw(ProtocolError);
    });

    it('a varint cut short is an underflow', () => {
      expect(() => r(0x80).uvarint()).to.throw(ProtocolError, 'underflow');
      expect(() => r(0x80, 0x80).varlong()).to.throw(ProtocolError, 'underflow');
    });
  });

  describe('strings and bytes', () => {
    it('nullable string with int16 length', () => {
      const rd = r(0xff, 0xff, 0, 0, 0, 3, 0xc3, 0xa9, 0x41);
      expect(rd.nullableString()).to.equal(null);
      expect(rd.nullableString()).to.equal('');
      expect(rd.nullableString()).to.equal('éA');
      expect(() => r(0xff, 0xff).string()).to.throw(ProtocolError);
    });

    it('compact strings: 0 = null, N+1 = length', () => {
      const rd = r(0, 1, 3, 0x68, 0x69);
      expect(rd.compactNullableString()).to.equal(null);
      expect(rd.compactNullableString()).to.equal('');
      expect(rd.compactString()).to.equal('hi');
      expect(() => r(0).compactString()).to.throw(ProtocolError);
    });

    it('bytes are slices of the input, not copies', () => {
      const buf = Buffer.from([0, 0, 0, 2, 7, 8, 0xff, 0xff, 0xff, 0xff]);
      const rd = new Reader(buf);
      const b = rd.nullableBytes() as Buffer;
      expect([...b]).to.deep.equal([7, 8]);
      buf[4] = 9;
      expect(b[0]).to.equal(9);
      expect(rd.nullableBytes()).to.equal(null);
    });

    it('compact bytes with null', () => {
      const rd = r(0, 1, 3, 1, 2);
      expect(rd.compactNullableBytes()).to.equal(null);
      expect(rd.compactNullableBytes()?.length).to.equal(0);
      expect([...rd.compactBytes()]).to.deep.equal([1, 2]);
      expect(() => r(0).compactBytes()).to.throw(ProtocolError);
    });

    it('a length past the end is an underflow', () => {
      expect(() => r(0, 5, 0x61).string()).to.throw(ProtocolError, 'underflow');
      expect(() => r(0, 0, 0, 9, 1).bytes()).to.throw(ProtocolError, 'underflow');
      expect(() => r(5, 0x61).compactString()).to.throw(ProtocolError, 'underflow');
    });

    it('negative raw length is rejected', () => {
      expect(() => r(1, 2).raw(-1)).to.throw(ProtocolError);
    });
  });

  describe('arrays', () => {
    const int16 = (x: Reader): number => x.int16();

    it('int32-count arrays with null', () => {
      const rd = r(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2, 0, 1, 0, 2);
      expect(rd.nullableArray(int16)).to.equal(null);
      expect(rd.array(int16)).to.deep.equal([1, 2]);
      expect(() => r(0xff, 0xff, 0xff, 0xff).array(int16)).to.throw(ProtocolError);
    });

    it('compact arrays with null', () => {
      const rd = r(0, 1, 3, 0, 5, 0, 6);
      expect(rd.compactNullableArray(int16)).to.equal(null);
      expect(rd.compactNullableArray(int16)).to.deep.equal([]);
      expect(rd.compactArray(int16)).to.deep.equal([5, 6]);
      expect(() => r(0).compactArray(int16)).to.throw(ProtocolError);
    });

    it('a count larger than the remaining bytes is rejected before allocating', () => {
      expect(() => r(0x7f, 0xff, 0xff, 0xff).array(int16)).to.throw(ProtocolError, 'exceeds');
      expect(() => r(0xff, 0xff, 0xff, 0xff, 0x0f).compactArray(int16)).to.throw(ProtocolError, 'exceeds');
    });
  });

  it('skips tagged fields it does not know', () => {
    const rd = r(2, 0, 1, 0xaa, 5, 3, 1, 2, 3, 0x42);
    rd.taggedFields();
    expect(rd.int8()).to.equal(0x42);
  });

  it('underflow on every fixed-width read throws ProtocolError', () => {
    expect(() => r().int8()).to.throw(ProtocolError);
    expect(() => r(1).int16()).to.throw(ProtocolError);
    expect(() => r(1, 2, 3).int32()).to.throw(ProtocolError);
    expect(() => r(1, 2, 3, 4, 5, 6, 7).int64()).to.throw(ProtocolError);
    expect(() => r(1, 2).uuid()).to.throw(ProtocolError);
  });

  it('respects an end bound inside a larger buffer', () => {
    const rd = new Reader(Buffer.from([1, 2, 3, 4, 5, 6]), 1, 3);
    expect(rd.remaining()).to.equal(2);
    expect(rd.int16()).to.equal(0x0203);
    expect(() => rd.int8()).to.throw(ProtocolError);
  });
});
