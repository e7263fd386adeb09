import { expect } from 'chai';
import { CHAOS_BROKERS, chaosClusterOverrides, runChaos } from '../../../bench/chaos';
import { TestCluster } from '../../helpers/cluster';

/**
 * The must-hold property of replication, short version (the long one is `npm run chaos -- --rounds N`): with
 * RF 3, min.insync.replicas=2, acks=all and an idempotent producer, SIGKILLing the leader of each partition in
 * turn loses and duplicates nothing that was acknowledged, a group consumer reads the whole log, and every
 * replica ends with the same log. Divergent tails are cut by leader epoch (OffsetForLeaderEpoch), retried
 * batches are recognised through the producer state every replica keeps. (The whole ISR lost: unclean.test.ts.)
 */
describe('integration: replication chaos (SIGKILL leaders under an idempotent acks=all producer)', function () {
  this.timeout(180000);
  let cluster: TestCluster;

  before(async () => {
    cluster = await TestCluster.start({ brokers: CHAOS_BROKERS.length, overrides: chaosClusterOverrides() });
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('every acknowledged value is read back exactly once, in order, by the group consumer too, and all replicas are identical', async () => {
    // Round 1 kills the leader of partition 0, round 2 the leader of partition 1 (whoever leads it by then).
    const r = await runChaos(cluster, { rounds: 2, partitions: 2, acksWhileDown: 5, victim: (round, leaders) => leaders[round - 1] });
    const detail = JSON.stringify(r.partitions.map((p) => ({ ...p, missing: p.missing.slice(0, 5), duplicates: p.duplicates.slice(0, 5) })));
    expect(r.acknowledged, detail).to.be.greaterThan(30);
    expect(r.duplicates, detail).to.equal(0);
    expect(r.losses, detail).to.equal(0);
    expect(r.outOfOrder, detail).to.equal(0);
    expect(
      r.partitions.flatMap((p) => p.neverSent),
      'values in the log that were never sent',
    ).to.deep.equal([]);
    expect(r.consumedDistinct, 'the group consumer read every offset').to.equal(r.readBack);
    expect(r.consumerMismatches, 'the group consumer saw what the log holds').to.equal(0);
    expect(r.replicasIdentical, 'replica logs byte-identical').to.equal(true);
  });
});
