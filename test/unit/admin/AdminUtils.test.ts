import { expect } from 'chai';
import {
  assignReplicasToBrokers,
  getRackAlternatedBrokerList,
  InvalidPartitionsError,
  InvalidReplicaAssignmentError,
  InvalidReplicationFactorError,
  metadataCacheBrokerOrder,
} from '../../../src/admin/AdminUtils';
import { ErrorCode } from '../../../src/protocol/errors';

const brokers = (...ids: number[]) => ids.map((id) => ({ id }));
const asObject = (m: Map<number, number[]>) => Object.fromEntries(m);

/** A seeded generator so "random" runs are reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('AdminUtils.assignReplicasToBrokers', () => {
  it('rack-unaware, fixed start index 0 over 5 brokers (Kafka AdminUtilsTest vector)', () => {
    const a = assignReplicasToBrokers(brokers(0, 1, 2, 3, 4), 10, 3, 0);
    expect(asObject(a)).to.deep.equal({
      0: [0, 1, 2],
      1: [1, 2, 3],
      2: [2, 3, 4],
      3: [3, 4, 0],
      4: [4, 0, 1],
      5: [0, 2, 3],
      6: [1, 3, 4],
      7: [2, 4, 0],
      8: [3, 0, 1],
      9: [4, 1, 2],
    });
  });

  it('rack-unaware, fixed start index 1 over brokers [1,2,3] (computed by hand)', () => {
    // startIndex = shift = 1; p0 first=(0+1)%3 → broker 2, follower (1+1+(1%2))%3=0 → broker 1; p3 bumps the shift.
    expect(asObject(assignReplicasToBrokers(brokers(1, 2, 3), 4, 2, 1))).to.deep.equal({
      0: [2, 1],
      1: [3, 2],
      2: [1, 3],
      3: [2, 3],
    });
  });

  it('start partition id continues an existing topic (CreatePartitions)', () => {
    const a = assignReplicasToBrokers(brokers(0, 1, 2, 3, 4), 2, 3, 0, 5);
    expect([...a.keys()]).to.deep.equal([5, 6]);
    expect(asObject(a)).to.deep.equal({ 5: [0, 2, 3], 6: [1, 3, 4] });
  });

  it('uses the broker order given, not sorted ids', () => {
    expect(asObject(assignReplicasToBrokers(brokers(0, 2, 1), 3, 1, 0))).to.deep.equal({ 0: [0], 1: [2], 2: [1] });
  });

  it('random start: leaders spread evenly, replicas distinct, followers spread', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const a = assignReplicasToBrokers(brokers(0, 1, 2, 3, 4, 5), 60, 3, -1, -1, lcg(seed));
      expect(a.size).to.equal(60);
      const leaders = new Map<number, number>();
      const replicas = new Map<number, number>();
      for (const r of a.values()) {
        expect(new Set(r).size).to.equal(3);
        leaders.set(r[0], (leaders.get(r[0]) ?? 0) + 1);
        for (const b of r) replicas.set(b, (replicas.get(b) ?? 0) + 1);
      }
      expect([...leaders.values()]).to.deep.equal([10, 10, 10, 10, 10, 10]);
      for (const n of replicas.values()) expect(n).to.equal(30);
    }
  });

  it('rack-aware: the rack-alternated list and the Javadoc example', () => {
    const racks = new Map([
      [0, 'rack1'],
      [1, 'rack3'],
      [2, 'rack3'],
      [3, 'rack2'],
      [4, 'rack2'],
      [5, 'rack1'],
    ]);
    expect(getRackAlternatedBrokerList(racks)).to.deep.equal([0, 3, 1, 5, 4, 2]);
    const a = assignReplicasToBrokers(
      [...racks].map(([id, rack]) => ({ id, rack })),
      7,
      3,
      0,
    );
    expect(asObject(a)).to.deep.equal({
      0: [0, 3, 1],
      1: [3, 1, 5],
      2: [1, 5, 4],
      3: [5, 4, 2],
      4: [4, 2, 0],
      5: [2, 0, 3],
      6: [0, 4, 2],
    });
  });

  it('rack-aware: every partition spans all racks when RF = #racks', () => {
    const bs = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((id) => ({ id, rack: `r${id % 3}` }));
    const a = assignReplicasToBrokers(bs, 30, 3, -1, -1, lcg(7));
    for (const r of a.values()) {
      expect(new Set(r).size).to.equal(3);
      expect(new Set(r.map((id) => `r${id % 3}`)).size).to.equal(3);
    }
  });

  it('errors carry Kafka codes and messages', () => {
    const expectError = (f: () => unknown, type: new (m: string) => Error, code: number, message: string) => {
      try {
        f();
      } catch (e) {
        expect(e).to.be.instanceOf(type);
        expect((e as { code: number }).code).to.equal(code);
        expect((e as Error).message).to.equal(message);
        return;
      }
      throw new Error('expected an error');
    };
    expectError(
      () => assignReplicasToBrokers(brokers(1), 0, 1),
      InvalidPartitionsError,
      ErrorCode.INVALID_PARTITIONS,
      'Number of partitions must be larger than 0.',
    );
    expectError(
      () => assignReplicasToBrokers(brokers(1), 1, 0),
      InvalidReplicationFactorError,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      'Replication factor must be larger than 0.',
    );
    expectError(
      () => assignReplicasToBrokers(brokers(1), 1, 3),
      InvalidReplicationFactorError,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      'Replication factor: 3 larger than available brokers: 1.',
    );
    expectError(
      () => assignReplicasToBrokers([{ id: 1, rack: 'a' }, { id: 2 }], 1, 1),
      InvalidReplicaAssignmentError,
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      'Not all brokers have rack information for replica rack aware assignment.',
    );
  });
});

describe('AdminUtils.metadataCacheBrokerOrder (scala mutable.LongMap iteration)', () => {
  it('reproduces the zk-mode.md §6.4 vectors', () => {
    expect(metadataCacheBrokerOrder([0, 1, 2])).to.deep.equal([0, 2, 1]);
    expect(metadataCacheBrokerOrder([1, 2, 3])).to.deep.equal([2, 3, 1]);
    expect(metadataCacheBrokerOrder([0, 1, 2, 3, 4])).to.deep.equal([0, 1, 4, 2, 3]);
  });
  it('does not depend on the input order while the table has no collisions', () => {
    expect(metadataCacheBrokerOrder([2, 1, 0])).to.deep.equal([0, 2, 1]);
    expect(metadataCacheBrokerOrder([3, 1, 2])).to.deep.equal([2, 3, 1]);
  });
  it('is a permutation of the ids, 0 first when present', () => {
    const ids = Array.from({ length: 40 }, (_, i) => i * 7);
    const order = metadataCacheBrokerOrder(ids);
    expect(order[0]).to.equal(0);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(ids);
    expect(metadataCacheBrokerOrder([])).to.deep.equal([]);
  });
});
