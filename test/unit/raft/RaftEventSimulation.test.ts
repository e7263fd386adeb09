/**
 * Randomized runs of a whole quorum, after Kafka's RaftEventSimulationTest: per seed, a 3- or 5-voter quorum with an
 * observer, message delays and losses, partitions that come and go, voters killed and restarted (never more than
 * a minority down at once), records appended whenever there is a leader. After every poll the simulation checks
 * Kafka's invariants (RaftSimulation.checkInvariants): a single leader per epoch, a high watermark that never
 * moves back, and committed prefixes that agree. At the end the network heals, every node runs, and all of them
 * must converge on one log holding every record that was ever committed. The leader also takes snapshots and drops
 * the log before them, so restarted voters and the observer catch up through FetchSnapshot.
 */
import { expect } from 'chai';
import { SeededRandom } from '../../../src/raft/Time';
import { batchesOf, RaftSimulation } from './RaftSimulation';

const SEEDS = Number(process.env.RAFT_SIM_SEEDS ?? 60);

function runSeed(seed: number): { committed: number; epochs: number; snapshots: number } {
  const rnd = new SeededRandom(seed * 7919);
  const voters = rnd.nextInt(2) === 0 ? [1, 2, 3] : [1, 2, 3, 4, 5];
  const sim = new RaftSimulation({
    voters,
    observers: [10],
    seed,
    dropRate: rnd.nextInt(4) * 0.03,
    minDelayMs: 1,
    maxDelayMs: 1 + rnd.nextInt(60),
  });
  sim.startAll();
  const maxDown = Math.floor((voters.length - 1) / 2);
  let appended = 0;
  let snapshots = 0;
  for (let step = 0; step < 60; step++) {
    const action = rnd.nextInt(10);
    if (action < 5) {
      if (sim.append([`s${seed}-${appended}`]) !== undefined) appended++;
    } else if (action === 5) {
      const down = voters.filter((id) => !sim.node(id).alive);
      const up = voters.filter((id) => sim.node(id).alive);
      if (down.length < maxDown) sim.kill(up[rnd.nextInt(up.length)]);
    } else if (action === 6) {
      const down = [...sim.nodes.values()].filter((n) => !n.alive);
      if (down.length > 0) sim.start(down[rnd.nextInt(down.length)].id);
    } else if (action === 7) {
      const shuffled = [...voters].sort(() => rnd.next() - 0.5);
      const cut = 1 + rnd.nextInt(voters.length - 1);
      sim.partition(shuffled.slice(0, cut), [...shuffled.slice(cut), 10]);
    } else if (action === 8) {
      sim.heal();
    } else {
      // The leader snapshots its committed state and drops the log before it (KIP-630): laggards must FetchSnapshot.
      const l = sim.leaders()[0];
      const hw = l?.client.highWatermark();
      if (l && hw !== undefined && hw > l.log.startOffset()) {
        const last = batchesOf(l.log).find((b) => b.lastOffset === hw - 1);
        if (last && l.listener.records().length > 0) {
          const id = { offset: hw, epoch: last.epoch };
          l.client.createSnapshot(id, sim.time.now, [l.listener.records()]);
          l.log.deleteBeforeSnapshot(id);
          snapshots++;
        }
      }
    }
    sim.run(50 + rnd.nextInt(1500));
  }
  // Heal and restart everyone: the quorum must converge.
  sim.heal();
  sim.dropRate = 0;
  for (const n of sim.nodes.values()) if (!n.alive) sim.start(n.id);
  const converged = sim.runUntil(() => {
    const l = sim.stableLeader();
    if (l === undefined) return false;
    const hw = sim.node(l).client.highWatermark();
    return hw === sim.node(l).log.endOffset() && sim.aliveNodes().every((n) => n.client.highWatermark() === hw && n.log.endOffset() === hw);
  }, 60_000);
  expect(converged, `seed ${seed}: the quorum converges after healing`).to.equal(true);
  const leader = sim.node(sim.stableLeader()!);
  // Logs may start at different snapshots: they agree from the latest start on.
  const from = Math.max(...sim.aliveNodes().map((n) => n.log.startOffset()));
  const tail = (n: typeof sim.aliveNodes extends () => Array<infer N> ? N : never): string[] =>
    batchesOf(n.log)
      .filter((b) => b.baseOffset >= from)
      .map((b) => `${b.baseOffset}/${b.epoch}/${b.bytes.toString('hex')}`);
  const reference = tail(leader);
  for (const n of sim.aliveNodes()) expect(tail(n), `seed ${seed}: node ${n.id}'s log`).to.deep.equal(reference);
  // Nothing ever committed was lost: every batch any node saw below its high watermark is in the final log.
  for (const [offset, id] of sim.committed) {
    if (offset < leader.log.startOffset()) continue;
    const b = batchesOf(leader.log).find((x) => x.baseOffset === offset);
    expect(b && `${b.epoch}:${b.bytes.toString('hex')}`, `seed ${seed}: committed batch at ${offset}`).to.equal(id);
  }
  // Every listener of the final incarnations saw the same records in the same order.
  const records = leader.listener.records();
  for (const n of sim.aliveNodes()) expect(n.listener.records(), `seed ${seed}: node ${n.id}'s listener`).to.deep.equal(records);
  return { committed: sim.committed.size, epochs: sim.leaderByEpoch.size, snapshots };
}

describe('Raft event simulation (randomized, deterministic seeds)', () => {
  it(`keeps Kafka's invariants and converges, over ${SEEDS} seeds`, () => {
    let committed = 0;
    let epochs = 0;
    let snapshots = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = runSeed(seed);
      committed += r.committed;
      epochs += r.epochs;
      snapshots += r.snapshots;
    }
    expect(snapshots).to.be.greaterThan(SEEDS);
    // The runs exercised something: many leader changes, many committed batches.
    expect(epochs).to.be.greaterThan(SEEDS * 2);
    expect(committed).to.be.greaterThan(SEEDS * 5);
  });
});
