/**
 * KafkaRaftClient on a simulated network and clock (./RaftSimulation.ts): elections, replication, the high
 * watermark, partitions, graceful resignation, restarts, observers. Deterministic: every run uses a fixed seed.
 */
import { expect } from 'chai';
import { DescribeQuorumResponse } from '../../../src/protocol/apis/55-describe-quorum';
import { ErrorCode } from '../../../src/protocol/errors';
import { KafkaRaftClient } from '../../../src/raft/KafkaRaftClient';
import { Completion, RaftApiKey } from '../../../src/raft/NetworkChannel';
import { MemoryStateStore } from '../../../src/raft/QuorumStateStore';
import { RaftSimulation } from './RaftSimulation';

/** DescribeQuorum as kafka-metadata-quorum sends it, answered synchronously by poll(). */
function describeQuorum(client: KafkaRaftClient<string>): DescribeQuorumResponse {
  const completion = new Completion<object>();
  let answer: DescribeQuorumResponse | undefined;
  completion.onComplete((v) => (answer = v as DescribeQuorumResponse));
  client.handle({
    sourceId: -1,
    apiKey: RaftApiKey.DescribeQuorum,
    data: { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] },
    completion,
  });
  client.poll();
  if (!answer) throw new Error('no DescribeQuorum answer');
  return answer;
}

function sim3(seed = 1, extra: Partial<ConstructorParameters<typeof RaftSimulation>[0]> = {}): RaftSimulation {
  const s = new RaftSimulation({ voters: [1, 2, 3], seed, ...extra });
  s.startAll();
  return s;
}

function electedLeader(sim: RaftSimulation, within = 15_000): number {
  expect(
    sim.runUntil(() => sim.stableLeader() !== undefined, within),
    'a stable leader',
  ).to.equal(true);
  return sim.stableLeader()!;
}

function allHave(sim: RaftSimulation, n: number): () => boolean {
  return () => sim.aliveNodes().every((node) => node.listener.records().length >= n);
}

describe('KafkaRaftClient: elections', () => {
  for (const voters of [
    [1, 2, 3],
    [1, 2, 3, 4, 5],
  ]) {
    it(`${voters.length} voters elect exactly one leader, which every voter follows in the same epoch`, () => {
      for (let seed = 1; seed <= 10; seed++) {
        const sim = new RaftSimulation({ voters, seed });
        sim.startAll();
        const leader = electedLeader(sim);
        const epoch = sim.node(leader).client.quorum.epoch;
        expect(epoch).to.be.greaterThan(0);
        expect(sim.leaders().map((n) => n.id)).to.deep.equal([leader]);
        for (const n of sim.aliveNodes()) if (n.id !== leader) expect(n.client.quorum.isFollower(), `node ${n.id}`).to.equal(true);
        // Every leader recorded by the invariant checker was alone in its epoch.
        expect(sim.leaderByEpoch.get(epoch)).to.equal(leader);
      }
    });
  }

  it('the new leader first writes a LeaderChangeMessage control batch in its epoch; listeners hear the leader change', () => {
    const sim = sim3(2);
    const leader = electedLeader(sim);
    const epoch = sim.node(leader).client.quorum.epoch;
    expect(sim.runUntil(() => sim.aliveNodes().every((n) => n.listener.batches.length >= 1), 5000)).to.equal(true);
    for (const n of sim.aliveNodes()) {
      const b = n.listener.batches[0];
      expect(b.isControl).to.equal(true);
      expect(b.baseOffset).to.equal(0);
      expect(b.epoch).to.equal(epoch);
      expect(b.leaderChange!.leaderId).to.equal(leader);
      expect(b.leaderChange!.voters.map((v) => v.voterId)).to.deep.equal([1, 2, 3]);
      expect(b.leaderChange!.grantingVoters.map((v) => v.voterId)).to.include(leader);
      expect(n.listener.leaderChanges[n.listener.leaderChanges.length - 1]).to.deep.equal({ leaderId: leader, epoch });
    }
  });

  it('a single voter elects itself at once', () => {
    const sim = new RaftSimulation({ voters: [7], seed: 3 });
    sim.startAll();
    expect(sim.node(7).client.quorum.isLeader()).to.equal(true);
    sim.append(['x']);
    expect(sim.runUntil(allHave(sim, 1), 1000)).to.equal(true);
  });
});

describe('KafkaRaftClient: replication and the high watermark', () => {
  it('commits appended records on every voter, in order, once a majority has them', () => {
    const sim = sim3(4);
    electedLeader(sim);
    const want: string[] = [];
    for (let i = 0; i < 20; i++) {
      const recs = [`r${i}a`, `r${i}b`];
      want.push(...recs);
      sim.append(recs);
      sim.run(7);
    }
    expect(sim.runUntil(allHave(sim, want.length), 10_000)).to.equal(true);
    for (const n of sim.aliveNodes()) expect(n.listener.records()).to.deep.equal(want);
    const leader = sim.leaders()[0];
    expect(leader.client.highWatermark()).to.equal(leader.log.endOffset());
  });

  it('a leader cut off from every follower cannot commit; the majority elects a higher epoch; after healing the old leader truncates its uncommitted records', () => {
    const sim = new RaftSimulation({ voters: [1, 2, 3, 4, 5], seed: 5 });
    sim.startAll();
    const old = electedLeader(sim);
    const oldEpoch = sim.node(old).client.quorum.epoch;
    sim.append(['committed']);
    expect(sim.runUntil(allHave(sim, 1), 5000)).to.equal(true);
    const others = [1, 2, 3, 4, 5].filter((id) => id !== old);
    // The old leader keeps one follower: a minority of 2 out of 5.
    const [buddy, ...majority] = others;
    sim.partition([old, buddy], majority);
    const hwBefore = sim.node(old).client.highWatermark()!;
    sim.node(old).client.scheduleAppend(oldEpoch, ['lost-1', 'lost-2']);
    expect(sim.runUntil(() => sim.stableLeader(majority.map((id) => sim.node(id))) !== undefined, 20_000)).to.equal(true);
    const newLeader = sim.stableLeader(majority.map((id) => sim.node(id)))!;
    expect(majority).to.include(newLeader);
    expect(sim.node(newLeader).client.quorum.epoch).to.be.greaterThan(oldEpoch);
    // Check quorum: within 1.5 x fetch timeout without fetches from a majority, the old leader resigned.
    expect(sim.runUntil(() => !sim.node(old).client.quorum.isLeader(), 5000)).to.equal(true);
    expect(sim.node(old).client.highWatermark() ?? hwBefore).to.equal(hwBefore);
    sim.append(['after-failover']);
    expect(sim.runUntil(() => majority.every((id) => sim.node(id).listener.records().includes('after-failover')), 5000)).to.equal(true);
    sim.heal();
    expect(sim.runUntil(() => sim.stableLeader() !== undefined && allHave(sim, 2)(), 20_000)).to.equal(true);
    for (const n of sim.aliveNodes()) {
      expect(n.listener.records(), `node ${n.id}`).to.deep.equal(['committed', 'after-failover']);
      expect(n.log.endOffset()).to.equal(sim.node(sim.stableLeader()!).log.endOffset());
    }
  });

  it('never loses a committed record when the leader is killed and the survivors elect another', () => {
    const sim = sim3(6);
    const first = electedLeader(sim);
    sim.append(['one', 'two']);
    expect(sim.runUntil(allHave(sim, 2), 5000)).to.equal(true);
    sim.kill(first);
    const second = electedLeader(sim);
    expect(second).to.not.equal(first);
    sim.append(['three']);
    expect(sim.runUntil(allHave(sim, 3), 5000)).to.equal(true);
    sim.start(first);
    expect(sim.runUntil(() => sim.stableLeader() !== undefined && allHave(sim, 3)(), 10_000)).to.equal(true);
    for (const n of sim.aliveNodes()) expect(n.listener.records()).to.deep.equal(['one', 'two', 'three']);
  });
});

describe('KafkaRaftClient: resignation and restarts', () => {
  /** Simulated ms from the leader's departure until the others have a stable leader. */
  function failoverMs(seed: number, graceful: boolean): number {
    const sim = sim3(seed);
    const leader = electedLeader(sim);
    sim.append(['x']);
    expect(sim.runUntil(allHave(sim, 1), 5000)).to.equal(true);
    sim.run(100);
    const start = sim.time.now;
    const rest = sim.aliveNodes().filter((n) => n.id !== leader);
    if (graceful) {
      const done = sim.node(leader).client.shutdown(5000);
      expect(
        sim.runUntil(() => done.isDone, 5000),
        'shutdown completes when another leader is known',
      ).to.equal(true);
      sim.kill(leader);
    } else sim.kill(leader);
    expect(sim.runUntil(() => sim.stableLeader(rest) !== undefined, 20_000)).to.equal(true);
    return sim.time.now - start;
  }

  it('a graceful shutdown (EndQuorumEpoch) elects the next leader faster than a fetch timeout after a crash', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const graceful = failoverMs(seed, true);
      const crash = failoverMs(seed, false);
      // After a crash nobody stands before controller.quorum.fetch.timeout.ms (2 s) from their last fetch answer
      // (at most the 500 ms fetch long-poll before the crash); the preferred successor of a resigning leader
      // stands at once.
      expect(crash, `seed ${seed}`).to.be.at.least(1500);
      expect(graceful, `seed ${seed}`).to.be.below(500);
      expect(graceful, `seed ${seed}`).to.be.below(crash);
    }
  });

  it('resign(epoch) steps the leader down and another voter is elected in a higher epoch', () => {
    const sim = sim3(7);
    const leader = electedLeader(sim);
    const epoch = sim.node(leader).client.quorum.epoch;
    sim.node(leader).client.resign(epoch);
    expect(sim.runUntil(() => sim.stableLeader() !== undefined && sim.node(sim.stableLeader()!).client.quorum.epoch > epoch, 10_000)).to.equal(true);
  });

  it('a restarted voter resumes from its quorum-state: same epoch, its vote kept, a former leader Resigned', () => {
    const sim = sim3(8);
    const leader = electedLeader(sim);
    const epoch = sim.node(leader).client.quorum.epoch;
    sim.append(['a']);
    expect(sim.runUntil(allHave(sim, 1), 5000)).to.equal(true);
    const follower = [1, 2, 3].find((id) => id !== leader)!;
    const stored = sim.node(follower).store.readElectionState()!;
    expect({ epoch: stored.epoch, leaderId: stored.leaderId }).to.deep.equal({ epoch, leaderId: leader });
    sim.kill(follower);
    sim.start(follower);
    expect(sim.node(follower).client.quorum.epoch).to.equal(epoch);
    expect(sim.node(follower).client.quorum.isFollower()).to.equal(true);
    expect(sim.node(follower).client.quorum.leaderId()).to.equal(leader);
    // The leader restarts Resigned in its own epoch: it may not vote in it again.
    sim.kill(leader);
    sim.start(leader);
    expect(sim.node(leader).client.quorum.isResigned()).to.equal(true);
    expect(sim.node(leader).client.quorum.epoch).to.equal(epoch);
    expect(sim.runUntil(() => sim.stableLeader() !== undefined && allHave(sim, 1)(), 20_000)).to.equal(true);
    for (const n of sim.aliveNodes()) expect(n.listener.records()).to.deep.equal(['a']);
  });

  it('election timeouts are randomized in [timeout, 2 x timeout): voters do not all stand at once', () => {
    const sim = new RaftSimulation({ voters: [1, 2, 3, 4, 5], seed: 9, config: { electionTimeoutMs: 1000 } });
    sim.startAll();
    const first = sim.runUntil(() => sim.aliveNodes().some((n) => n.client.quorum.isCandidate() || n.client.quorum.isLeader()), 3000);
    expect(first).to.equal(true);
    expect(sim.time.now - 1_000_000).to.be.within(1000, 1999);
  });
});

describe('KafkaRaftClient: observers', () => {
  it('an observer replicates the committed log but never votes, stands or leads; DescribeQuorum lists it', () => {
    const sim = new RaftSimulation({ voters: [1, 2, 3], observers: [4], seed: 10 });
    sim.startAll();
    const leader = electedLeader(sim, 20_000);
    sim.append(['m1', 'm2']);
    expect(sim.runUntil(allHave(sim, 2), 10_000)).to.equal(true);
    const obs = sim.node(4);
    expect(obs.listener.records()).to.deep.equal(['m1', 'm2']);
    expect(obs.client.quorum.isObserver()).to.equal(true);
    expect((obs.store as MemoryStateStore).writes.every((w) => w.votedId === -1)).to.equal(true);
    const described = describeQuorum(sim.node(leader).client);
    const p = described.topics[0].partitions[0];
    expect(p.leaderId).to.equal(leader);
    expect(p.highWatermark).to.equal(sim.node(leader).client.highWatermark());
    expect(p.currentVoters.map((v) => v.replicaId).sort()).to.deep.equal([1, 2, 3]);
    expect(p.observers.map((v) => v.replicaId)).to.deep.equal([4]);
    expect(p.observers[0].logEndOffset).to.equal(obs.log.endOffset());
    expect(p.observers[0].lastFetchTimestamp).to.be.at.most(sim.time.now);
    // A follower does not describe the quorum: NOT_LEADER_OR_FOLLOWER.
    expect(describeQuorum(obs.client).topics[0].partitions[0].errorCode).to.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    // Kill the leader: the observer must not stand, and follows whoever the voters elect.
    sim.kill(leader);
    const next = electedLeader(sim, 20_000);
    expect(obs.client.quorum.leaderId()).to.equal(next);
    expect((obs.store as MemoryStateStore).writes.every((w) => w.votedId === -1 && w.leaderId !== 4)).to.equal(true);
  });
});
