import { expect } from 'chai';
import { Election, NO_LEADER, NO_LEADER_CHANGE, PartitionChangeBuilder } from '../../../../src/controller/quorum/PartitionChangeBuilder';
import { StripedReplicaPlacer } from '../../../../src/controller/quorum/StripedReplicaPlacer';
import { ErrorCode, KafkaError } from '../../../../src/protocol/errors';
import { PartitionRegistration } from '../../../../src/metadata/image/MetadataImage';
import { seededRandom } from './ControllerTestEnv';

const DIR = Buffer.alloc(16, 1);

function partition(p: Partial<PartitionRegistration>): PartitionRegistration {
  const replicas = p.replicas ?? [1, 2, 3];
  return {
    replicas,
    directories: replicas.map(() => DIR),
    isr: replicas,
    removingReplicas: [],
    addingReplicas: [],
    leader: replicas[0],
    leaderRecoveryState: 0,
    leaderEpoch: 0,
    partitionEpoch: 0,
    elr: null,
    lastKnownElr: null,
    ...p,
  };
}

function builder(p: PartitionRegistration, active: number[], mv = 19) {
  return new PartitionChangeBuilder(
    p,
    Buffer.alloc(16, 9),
    0,
    (r) => active.includes(r),
    mv,
    () => Buffer.alloc(16, 5),
  );
}

describe('StripedReplicaPlacer', () => {
  it('stripes leaders and replicas over the brokers, never twice on one broker, leaders only on unfenced brokers', () => {
    const placer = new StripedReplicaPlacer(seededRandom(1));
    const brokers = [1, 2, 3, 4].map((id) => ({ id, rack: null, fenced: id === 4 }));
    const placed = placer.place(8, 3, brokers);
    const leaders = new Map<number, number>();
    for (const replicas of placed) {
      expect(new Set(replicas).size).to.equal(3);
      expect(replicas[0]).to.not.equal(4);
      leaders.set(replicas[0], (leaders.get(replicas[0]) ?? 0) + 1);
    }
    expect([...leaders.keys()].sort()).to.deep.equal([1, 2, 3]);
    for (const n of leaders.values()) expect(n).to.be.within(2, 3);
  });

  it('spreads each partition over the racks first', () => {
    const placer = new StripedReplicaPlacer(seededRandom(3));
    const brokers = [
      { id: 1, rack: 'a', fenced: false },
      { id: 2, rack: 'a', fenced: false },
      { id: 3, rack: 'b', fenced: false },
      { id: 4, rack: 'b', fenced: false },
    ];
    const rackOf = (id: number) => brokers.find((b) => b.id === id)!.rack;
    for (const replicas of placer.place(6, 2, brokers)) expect(new Set(replicas.map(rackOf)).size).to.equal(2);
  });

  it("throws INVALID_REPLICATION_FACTOR with Kafka's messages", () => {
    const placer = new StripedReplicaPlacer(seededRandom());
    const fail = (rf: number, brokers: Array<{ id: number; rack: null; fenced: boolean }>) => {
      try {
        placer.place(1, rf, brokers);
      } catch (e) {
        expect((e as KafkaError).code).to.equal(ErrorCode.INVALID_REPLICATION_FACTOR);
        return (e as Error).message;
      }
      return 'placed';
    };
    expect(fail(0, [{ id: 1, rack: null, fenced: false }])).to.equal('Invalid replication factor 0: the replication factor must be positive.');
    expect(fail(1, [{ id: 1, rack: null, fenced: true }])).to.equal('All brokers are currently fenced.');
    expect(fail(2, [{ id: 1, rack: null, fenced: false }])).to.equal(
      'The target replication factor of 2 cannot be reached because only 1 broker(s) are registered.',
    );
  });
});

describe('PartitionChangeBuilder', () => {
  it('writes nothing when nothing changes', () => {
    expect(builder(partition({}), [1, 2, 3]).build()).to.equal(null);
  });

  it('a leader leaving the ISR elects the next ISR member in replica order', () => {
    const rec = builder(partition({}), [2, 3]).setTargetIsr([2, 3]).build()!;
    expect(rec.data).to.deep.include({ leader: 2, isr: [2, 3], replicas: null });
  });

  it('an ISR shrink bumps the leader epoch only before 3.6-IV0', () => {
    expect(builder(partition({}), [1, 2, 3], 19).setTargetIsr([1, 2]).build()!.data.leader).to.equal(NO_LEADER_CHANGE);
    expect(builder(partition({}), [1, 2, 3], 11).setTargetIsr([1, 2]).build()!.data.leader).to.equal(1);
  });

  it('no acceptable leader: leader -1 and the ISR untouched when the target would be empty', () => {
    const rec = builder(partition({ isr: [1] }), [])
      .setTargetIsr([])
      .build()!;
    expect(rec.data).to.deep.include({ leader: NO_LEADER, isr: null });
  });

  it('an unclean election picks a live replica outside the ISR and marks it RECOVERING', () => {
    const p = partition({ isr: [1], leader: NO_LEADER });
    expect(builder(p, [3]).build()).to.equal(null);
    const rec = builder(p, [3]).setElection(Election.UNCLEAN).build()!;
    expect(rec.data).to.deep.include({ leader: 3, isr: [3], leaderRecoveryState: 1 });
  });

  it('a preferred election moves the leadership back to the first replica when it is in the ISR', () => {
    const rec = builder(partition({ leader: 2 }), [1, 2, 3])
      .setElection(Election.PREFERRED)
      .build()!;
    expect(rec.data.leader).to.equal(1);
  });

  it('new replicas get the default directory, remaining ones keep theirs', () => {
    const rec = builder(partition({}), [1, 2, 3, 4]).setTargetReplicas([1, 2, 4]).setTargetIsr([1, 2]).build()!;
    expect(rec.data.replicas).to.deep.equal([1, 2, 4]);
    expect(rec.data.directories).to.deep.equal([DIR, DIR, Buffer.alloc(16, 5)]);
    // A removed replica bumps the leader epoch (same leader).
    expect(rec.data.leader).to.equal(1);
  });
});
