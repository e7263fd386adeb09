import { expect } from 'chai';
import {
  encodePropertiesJson,
  groupPartitionFor,
  javaPropertiesOrder,
  javaStringHashCode,
  jsonString,
  scalaGrownHashMapOrder,
  scalaHashMapInitialTableSize,
  scalaHashMapTableSize,
  scalaMutableHashMapOrder,
} from '../../../src/zk/ZkData';

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const order = (n: number): number[] => scalaGrownHashMapOrder(range(0, n - 1).map(String)).map(Number);

describe('zk json: Scala 2.13 mutable.HashMap order (zk-mode.md §0.3a)', () => {
  it('keeps 0..n-1 for 1 to 11 partitions', () => {
    for (let n = 1; n <= 11; n++) expect(order(n)).to.deep.equal(range(0, n - 1));
  });
  it('12 partitions: 11,0..10', () => expect(order(12)).to.deep.equal([11, ...range(0, 10)]));
  it('16 partitions: 11..15,0..10', () => expect(order(16)).to.deep.equal([...range(11, 15), ...range(0, 10)]));
  it('24 partitions', () => expect(order(24)).to.deep.equal([22, 23, ...range(10, 19), ...range(0, 9), 20, 21]));
  it('32 partitions', () => expect(order(32)).to.deep.equal([...range(22, 31), ...range(10, 19), ...range(0, 9), 20, 21]));
  it('50 partitions (__consumer_offsets)', () => expect(order(50)).to.deep.equal([...range(44, 49), ...range(10, 19), ...range(0, 9), ...range(20, 43)]));
  it('100 partitions', () => expect(order(100)).to.deep.equal([...range(88, 97), 10, 98, 11, 99, ...range(12, 19), ...range(0, 9), ...range(20, 87)]));
  it('grows the table at 12, 24, 48, 96 keys', () => {
    expect([11, 12, 23, 24, 47, 48, 95, 96].map((n) => scalaHashMapTableSize(16, n))).to.deep.equal([16, 32, 32, 64, 64, 128, 128, 256]);
  });
  it('reproduces the top-level key orders of Kafka encoders (cross-check of the emulation)', () => {
    const broker = ['version', 'host', 'port', 'endpoints', 'jmx_port', 'timestamp'];
    const size = scalaHashMapInitialTableSize(broker.length);
    expect(scalaMutableHashMapOrder([...broker, 'listener_security_protocol_map', 'features'], size)).to.deep.equal([
      'features',
      'listener_security_protocol_map',
      'endpoints',
      'jmx_port',
      'port',
      'host',
      'version',
      'timestamp',
    ]);
    expect(scalaMutableHashMapOrder([...broker, 'rack', 'listener_security_protocol_map', 'features'], size)).to.deep.equal([
      'features',
      'listener_security_protocol_map',
      'endpoints',
      'rack',
      'jmx_port',
      'port',
      'host',
      'version',
      'timestamp',
    ]);
    const topic = ['version', 'partitions', 'adding_replicas', 'removing_replicas'];
    const tsize = scalaHashMapInitialTableSize(topic.length);
    expect(tsize).to.equal(8);
    expect(scalaMutableHashMapOrder([...topic, 'topic_id'], tsize)).to.deep.equal([
      'partitions',
      'topic_id',
      'adding_replicas',
      'removing_replicas',
      'version',
    ]);
    expect(scalaMutableHashMapOrder(topic, tsize)).to.deep.equal(['partitions', 'adding_replicas', 'removing_replicas', 'version']);
  });
});

describe('zk json: Java 9+ Properties order (zk-mode.md §0.3c)', () => {
  it('orders the __consumer_offsets configs as a ConcurrentHashMap does', () => {
    expect(javaPropertiesOrder(['cleanup.policy', 'segment.bytes', 'compression.type'])).to.deep.equal(['compression.type', 'cleanup.policy', 'segment.bytes']);
    expect(encodePropertiesJson({ 'cleanup.policy': 'compact', 'segment.bytes': '104857600', 'compression.type': 'producer' })).to.equal(
      '{"compression.type":"producer","cleanup.policy":"compact","segment.bytes":"104857600"}',
    );
  });
  it('is the same whatever the insertion order when bins differ, and handles a resize', () => {
    expect(javaPropertiesOrder(['compression.type', 'segment.bytes', 'cleanup.policy'])).to.deep.equal(['compression.type', 'cleanup.policy', 'segment.bytes']);
    const keys = range(0, 19).map((i) => `k${i}.ms`);
    const out = javaPropertiesOrder(keys);
    expect([...out].sort()).to.deep.equal([...keys].sort());
  });
  it('writes {} for no overrides', () => expect(encodePropertiesJson({})).to.equal('{}'));
});

describe('zk json: hashing and strings', () => {
  it('javaStringHashCode and the group → partition vectors (§6.6)', () => {
    expect(javaStringHashCode('')).to.equal(0);
    expect(javaStringHashCode('my-group')).to.equal(-1906497762);
    expect(javaStringHashCode('polygenelubricants')).to.equal(-2147483648);
    const vectors: Array<[string, number]> = [
      ['', 0],
      ['my-group', 12],
      ['test-group', 12],
      ['group1', 40],
      ['connect-cluster', 13],
      ['polygenelubricants', 0],
    ];
    for (const [g, p] of vectors) expect(groupPartitionFor(g, 50), g).to.equal(p);
  });
  it('escapes like Jackson (no "/" escape, upper-case \\u hex, raw UTF-8)', () => {
    expect(jsonString('a/b')).to.equal('"a/b"');
    expect(jsonString('x\u001fy\n"\\')).to.equal('"x\\u001Fy\\n\\"\\\\"');
    expect(jsonString('é')).to.equal('"é"');
  });
});
