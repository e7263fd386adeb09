import { expect } from 'chai';
import { Uuid } from '../../../src/common/Uuid';

describe('Uuid (org.apache.kafka.common.Uuid)', () => {
  it('random ids: 22 URL-safe base64 chars, version 4, never reserved or starting with "-"', () => {
    for (let i = 0; i < 2000; i++) {
      const u = Uuid.randomTopicId();
      const s = u.toString();
      expect(s).to.match(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(u.isReserved()).to.equal(false);
      const b = u.toBytes();
      expect(b[6] >> 4).to.equal(4);
      expect(b[8] >> 6).to.equal(2);
    }
  });
  it('reserved values', () => {
    expect(Uuid.ZERO_UUID.toString()).to.equal('AAAAAAAAAAAAAAAAAAAAAA');
    expect(Uuid.ONE_UUID.toString()).to.equal('AAAAAAAAAAAAAAAAAAAAAQ');
    expect(Uuid.METADATA_TOPIC_ID.equals(Uuid.ONE_UUID)).to.equal(true);
    expect(Uuid.ZERO_UUID.toBytes()).to.deep.equal(Buffer.alloc(16));
  });
  it('fromString / toString / toBytes round trip (Kafka example id)', () => {
    const u = Uuid.fromString('MjvcfWspRZC3_a8qSU9kCg');
    expect(u.toString()).to.equal('MjvcfWspRZC3_a8qSU9kCg');
    expect(u.toBytes()).to.have.length(16);
    expect(Uuid.fromBytes(u.toBytes()).equals(u)).to.equal(true);
    expect(u.mostSignificantBits()).to.equal(u.toBytes().readBigInt64BE(0));
  });
  it('fromString errors with Kafka messages', () => {
    expect(() => Uuid.fromString('A'.repeat(25))).to.throw(`Input string with prefix \`${'A'.repeat(24)}\` is too long to be decoded as a base64 UUID`);
    expect(() => Uuid.fromString('AAAA')).to.throw(
      'Input string `AAAA` decoded as 3 bytes, which is not equal to the expected 16 bytes of a base64-encoded UUID',
    );
  });
  it('compareTo orders as unsigned 128-bit values', () => {
    expect(Uuid.ZERO_UUID.compareTo(Uuid.ONE_UUID)).to.be.lessThan(0);
    const high = new Uuid(Buffer.from('ff000000000000000000000000000000', 'hex'));
    expect(high.compareTo(Uuid.ONE_UUID)).to.be.greaterThan(0);
  });
});
