import { expect } from 'chai';
import { javaHashMapJson, javaHashMapOrder, javaStringHash, javaTopicPartitionHash } from '../../../src/cli/JavaHashMapOrder';

describe('cli: JavaHashMapOrder (what LogDirsCommand prints through Jackson and HashMaps)', () => {
  it("computes Java's String and TopicPartition hash codes", () => {
    expect(javaStringHash('')).to.equal(0);
    expect(javaStringHash('hello')).to.equal(99162322);
    expect(javaStringHash('__consumer_offsets')).to.equal(-970371369); // wraps around int32
    expect(javaTopicPartitionHash('t', 0)).to.equal(31 * 31 + 116);
  });

  it('orders keys as a HashMap iterates them: LogDirsCommand JSON key order', () => {
    expect(
      javaHashMapJson([
        ['version', '1'],
        ['brokers', '[]'],
      ]),
    ).to.equal('{"brokers":[],"version":1}');
    expect(
      javaHashMapJson([
        ['logDir', '"/d"'],
        ['error', 'null'],
        ['partitions', '[]'],
      ]),
    ).to.equal('{"partitions":[],"error":null,"logDir":"/d"}');
    expect(
      javaHashMapJson([
        ['broker', '1'],
        ['logDirs', '[]'],
      ]),
    ).to.equal('{"broker":1,"logDirs":[]}');
    expect(
      javaHashMapJson([
        ['partition', '"t-0"'],
        ['size', '0'],
        ['offsetLag', '0'],
        ['isFuture', 'false'],
      ]),
    ).to.equal('{"partition":"t-0","size":0,"offsetLag":0,"isFuture":false}');
  });

  it('integer keys iterate by bucket, the table growing past 0.75 of its capacity; same-bucket keys keep insertion order', () => {
    expect(javaHashMapOrder([3, 1, 2], (x) => x)).to.deep.equal([1, 2, 3]);
    expect(javaHashMapOrder([17, 1], (x) => x)).to.deep.equal([17, 1]); // both in bucket 1 of 16
    expect(javaHashMapOrder([17, 1], (x) => x, 2)).to.deep.equal([17, 1]); // capacity 2 -> 4 on the second put: bucket 1 both
    expect(javaHashMapOrder([5, 2], (x) => x)).to.deep.equal([2, 5]); // capacity 16: buckets 5 and 2
    expect(javaHashMapOrder([5, 2], (x) => x, 2)).to.deep.equal([5, 2]); // capacity 2 grown to 4: buckets 1 and 2
  });
});
