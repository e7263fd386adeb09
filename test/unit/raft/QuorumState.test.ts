/**
 * QuorumState (Kafka 3.7): the state a node starts in from quorum-state and its log, and the guards of every
 * transition (the epoch only grows, one vote per epoch, observers never vote or stand).
 */
import { expect } from 'chai';
import { withElectedLeader, withUnknownLeader, withVotedCandidate } from '../../../src/raft/ElectionState';
import { QuorumState } from '../../../src/raft/QuorumState';
import { MemoryStateStore } from '../../../src/raft/QuorumStateStore';
import { SeededRandom } from '../../../src/raft/Time';
import { MockTime } from './RaftSimulation';

const VOTERS = new Set([1, 2, 3]);

function quorum(localId: number | undefined, store = new MemoryStateStore(), voters: ReadonlySet<number> = VOTERS) {
  return new QuorumState(localId, voters, 1000, 2000, store, new MockTime(), new SeededRandom(1));
}

function stored(...states: Parameters<MemoryStateStore['writeElectionState']>[0][]): MemoryStateStore {
  const s = new MemoryStateStore();
  for (const e of states) s.writeElectionState(e);
  return s;
}

describe('QuorumState.initialize', () => {
  it('starts Unattached in epoch 0 without a file, and writes it', () => {
    const store = new MemoryStateStore();
    const q = quorum(1, store);
    q.initialize({ offset: 0, epoch: 0 });
    expect(q.current.name).to.equal('Unattached');
    expect(q.epoch).to.equal(0);
    expect(store.readElectionState()).to.deep.equal(withUnknownLeader(0, VOTERS));
  });

  it('resumes Follower, Voted, Candidate (own vote) or Resigned (was leader) in the stored epoch', () => {
    const cases: Array<[ReturnType<typeof withUnknownLeader>, string]> = [
      [withElectedLeader(5, 2, VOTERS), 'Follower'],
      [withVotedCandidate(5, 2, VOTERS), 'Voted'],
      [withVotedCandidate(5, 1, VOTERS), 'Candidate'],
      [withElectedLeader(5, 1, VOTERS), 'Resigned'],
      [withUnknownLeader(5, VOTERS), 'Unattached'],
    ];
    for (const [e, name] of cases) {
      const q = quorum(1, stored(e));
      q.initialize({ offset: 10, epoch: 4 });
      expect([q.current.name, q.epoch], JSON.stringify({ ...e, voters: [...e.voters] })).to.deep.equal([name, 5]);
    }
  });

  it('starts Unattached in the log epoch when the file is older than the log', () => {
    const q = quorum(1, stored(withElectedLeader(3, 2, VOTERS)));
    q.initialize({ offset: 10, epoch: 7 });
    expect([q.current.name, q.epoch]).to.deep.equal(['Unattached', 7]);
  });

  it('refuses a voter set different from the stored one, and a vote stored by a node that is no longer a voter', () => {
    expect(() => quorum(1, stored(withUnknownLeader(1, new Set([1, 2, 4])))).initialize({ offset: 0, epoch: 0 })).to.throw(
      'Configured voter set: [1, 2, 3] is different from the voter set read from the state file: [1, 2, 4]. Check if the quorum configuration is up to date, or wipe out the local state file if necessary',
    );
    expect(() => quorum(9, stored(withVotedCandidate(1, 2, VOTERS))).initialize({ offset: 0, epoch: 0 })).to.throw(/with a voted candidate.*9 is not a voter/);
  });
});

describe('QuorumState transitions', () => {
  function started(localId: number | undefined = 1) {
    const store = new MemoryStateStore();
    const q = quorum(localId, store);
    q.initialize({ offset: 0, epoch: 0 });
    return { q, store };
  }

  it('a voter votes once per epoch: Voted only from Unattached of that epoch, never for itself or a non-voter', () => {
    const { q } = started();
    q.transitionToVoted(1, 2);
    expect(() => q.transitionToVoted(1, 3)).to.throw('from the current state Voted');
    expect(() => q.transitionToVoted(0, 3)).to.throw('since the current epoch 1 is larger');
    expect(() => q.transitionToVoted(2, 1)).to.throw('since it matches the local broker.id');
    expect(() => q.transitionToVoted(2, 9)).to.throw('since it is not one of the voters [1, 2, 3]');
    q.transitionToVoted(2, 3);
    expect(q.epoch).to.equal(2);
  });

  it('the epoch only grows', () => {
    const { q } = started();
    q.transitionToFollower(4, 2);
    expect(() => q.transitionToUnattached(4)).to.throw('Cannot transition to Unattached with epoch= 4');
    expect(() => q.transitionToFollower(3, 3)).to.throw('since the current epoch 4 is larger');
    expect(() => q.transitionToFollower(4, 3)).to.throw('from state Follower');
  });

  it('a candidate stands in epoch + 1 with its own vote, and leads only with a majority', () => {
    const { q, store } = started();
    q.transitionToCandidate();
    expect(q.epoch).to.equal(1);
    expect(store.readElectionState()).to.deep.include({ epoch: 1, votedId: 1 });
    expect(() => q.transitionToLeader(0)).to.throw('Cannot become leader without majority votes granted');
    const c = q.current as unknown as { recordGrantedVote(id: number): void; retries: number };
    c.recordGrantedVote(2);
    const leader = q.transitionToLeader(0);
    expect(leader.epoch).to.equal(1);
    expect(store.readElectionState()).to.deep.include({ epoch: 1, leaderId: 1, votedId: -1 });
    expect(() => q.transitionToCandidate()).to.throw('already a Leader');
    // Resigned is not persisted: a restarted leader comes back Resigned anyway.
    const writes = store.writes.length;
    q.transitionToResigned([2, 3]);
    expect(store.writes.length).to.equal(writes);
  });

  it('candidate retries count up across elections', () => {
    const { q } = started();
    q.transitionToCandidate();
    q.transitionToCandidate();
    expect((q.current as unknown as { retries: number }).retries).to.equal(2);
    expect(q.epoch).to.equal(2);
  });

  it('an observer never stands, votes or leads', () => {
    const { q } = started(7);
    expect(q.isObserver()).to.equal(true);
    expect(() => q.transitionToCandidate()).to.throw('is not one of the voters');
    expect(() => q.transitionToVoted(1, 2)).to.throw('is not a voter');
    q.transitionToFollower(1, 2);
    expect(q.leaderId()).to.equal(2);
  });
});
