import { expect } from 'chai';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';
import { defineControlledShutdownTests } from './controlledShutdown';
import { defineSessionExpiryTests } from './sessionExpiry';
import { defineStaleControllerTests } from './staleController';
import {
  ALL,
  brokerEpoch,
  busiestNonController,
  controllerEpoch,
  controllerId,
  createTopic,
  expectFailedOver,
  FailoverEnv,
  kafkaErrorTypes,
  kafkaFor,
  others,
  PARTITIONS,
  partitionState,
  partitionStates,
  PartitionStateZnode,
  produceToAll,
  restartBroker,
  SESSION_TIMEOUT_MS,
  waitForConvergence,
  waitForStatesWithout,
} from './support';

/**
 * The ZooKeeper-mode controller's failure handling, with real ZooKeeper and broker processes
 * (zk-mode.md §2.3, §3, §4.4, §5.4). Brokers run with zookeeper.session.timeout.ms=6000, so a SIGKILLed
 * or frozen broker is noticed when ZooKeeper expires its session and drops its ephemeral znodes.
 */
describe('integration: controller failover and broker failure handling', function () {
  this.timeout(60000);
  let cluster: TestCluster;
  let zk: ZkReader;

  before(async function () {
    this.timeout(90000);
    cluster = await TestCluster.start({ brokers: 3 });
    zk = await ZkReader.connect(cluster.connectString);
  });

  after(async function () {
    this.timeout(60000);
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const env = (): FailoverEnv => ({ cluster, zk });

  describe('1. the controller broker is SIGKILLed', () => {
    const topic = 'failover-controller';
    let dead = -1;
    let newCtl = -1;
    let epochAfterFailover = -1;

    after(async function () {
      this.timeout(60000);
      if (dead > 0) await restartBroker(cluster, zk, dead);
      await waitForConvergence(cluster, zk, ALL);
    });

    it('another broker wins /controller within the session timeout, epoch + 1, leaders re-elected from the ISR, kafkajs keeps producing', async () => {
      await createTopic(kafkaFor(cluster, 'it-admin-1'), topic, { numPartitions: PARTITIONS, replicationFactor: 3 });
      const oldCtl = (await controllerId(zk))!;
      expect(oldCtl).to.be.oneOf(ALL);
      const epochBefore = await controllerEpoch(zk);
      const before = await partitionStates(zk, topic, PARTITIONS);
      expect(
        before.some((s) => s.leader === oldCtl),
        'the controller leads some partitions',
      ).to.equal(true);

      // One producer lives across the failover: it must find the new leaders by itself.
      const producer = kafkaFor(cluster, 'it-producer-1', others(oldCtl)).producer({ allowAutoTopicCreation: false });
      await producer.connect();
      try {
        await producer.send({ topic, messages: before.map((_, partition) => ({ value: `before-${partition}`, partition })) });

        dead = oldCtl;
        const killedAt = Date.now();
        await cluster.stopBroker(oldCtl, 'SIGKILL');
        newCtl = await waitFor(
          'a new controller',
          async () => {
            const id = await controllerId(zk);
            return id !== null && id !== oldCtl ? id : null;
          },
          SESSION_TIMEOUT_MS + 15000,
          50,
        );
        const elapsed = Date.now() - killedAt;
        expect(elapsed, 'controller moved within the session timeout + margin').to.be.below(SESSION_TIMEOUT_MS + 5000);
        expect(newCtl).to.be.oneOf(others(oldCtl));
        expect(await zk.exists(`/brokers/ids/${oldCtl}`), 'dead controller unregistered').to.equal(false);

        const epochAfter = await controllerEpoch(zk);
        expect(epochAfter.epoch, '/controller_epoch').to.equal(epochBefore.epoch + 1);
        expect(epochAfter.dataVersion, '/controller_epoch dataVersion').to.equal(epochAfter.epoch);
        epochAfterFailover = epochAfter.epoch;
        // /controller is the winner's ephemeral: same session as its /brokers/ids registration (zk-mode.md §1.2).
        const ctlNode = await zk.get('/controller');
        expect(JSON.parse(ctlNode.data ?? '{}')).to.include({ version: 2, brokerid: newCtl, kraftControllerEpoch: -1 });
        const reg = await zk.get(`/brokers/ids/${newCtl}`);
        expect(ctlNode.stat.ephemeralOwner.equals(reg.stat.ephemeralOwner), "/controller owned by the winner's session").to.equal(true);
        expect(ctlNode.stat.version, '/controller dataVersion').to.equal(0);

        for (const id of others(oldCtl)) {
          await waitFor(
            `broker ${id} to report controller ${newCtl}`,
            async () => {
              const md = await cluster.metadata(id);
              return (
                md.controllerId === newCtl &&
                md.brokers
                  .map((b) => b.nodeId)
                  .sort()
                  .join(',') === others(oldCtl).join(',')
              );
            },
            10000,
          );
        }

        await waitForStatesWithout(env(), topic, oldCtl);
        await expectFailedOver(env(), topic, before, oldCtl, epochAfter.epoch);

        const res = await producer.send({ topic, messages: before.map((_, partition) => ({ value: `after-${partition}`, partition })) });
        expect(res.map((r) => r.partition).sort()).to.deep.equal(before.map((_, p) => p));
        expect(res.every((r) => r.errorCode === 0)).to.equal(true);
      } finally {
        await producer.disconnect();
      }
    });

    it('the old controller rejoins as an ordinary broker: no new election, it learns the new controller', async () => {
      expect(dead, 'scenario 1 killed the controller').to.be.greaterThan(0);
      await restartBroker(cluster, zk, dead);
      await waitForConvergence(cluster, zk, ALL);
      expect(await controllerId(zk)).to.equal(newCtl);
      expect((await controllerEpoch(zk)).epoch).to.equal(epochAfterFailover);
      await waitFor(`broker ${dead} to report controller ${newCtl}`, async () => (await cluster.metadata(dead)).controllerId === newCtl, 10000);
      // Every partition still has a live leader, as seen from the rejoined broker too.
      const md = await cluster.metadata(dead, [topic], 1);
      expect(md.topics[0].partitions.map((p) => p.errorCode)).to.deep.equal(Array(PARTITIONS).fill(0));
      for (const p of md.topics[0].partitions) expect(p.leaderId).to.be.oneOf(ALL);
    });
  });

  describe('2-3. a non-controller broker leading partitions is SIGKILLed', () => {
    const rf3 = 'failover-follower-rf3';
    const rf1 = 'failover-follower-rf1';
    let victim = -1;
    let ctl = -1;
    let epoch = -1;
    let rf3Before: PartitionStateZnode[] = [];
    let rf1Before: PartitionStateZnode;
    let victimEpoch: bigint | null = null;

    before(async function () {
      this.timeout(60000);
      const kafka = kafkaFor(cluster, 'it-admin-2');
      await createTopic(kafka, rf3, { numPartitions: PARTITIONS, replicationFactor: 3 });
      ctl = (await controllerId(zk))!;
      victim = await busiestNonController(env(), rf3);
      // Partition 0 lives only on the victim; partition 1 only on the controller (unaffected).
      await createTopic(kafka, rf1, {
        replicaAssignment: [
          { partition: 0, replicas: [victim] },
          { partition: 1, replicas: [ctl] },
        ],
      });
      rf3Before = await partitionStates(zk, rf3, PARTITIONS);
      rf1Before = await partitionState(zk, rf1, 0);
      epoch = (await controllerEpoch(zk)).epoch;
      victimEpoch = await brokerEpoch(zk, victim);
      await cluster.stopBroker(victim, 'SIGKILL');
    });

    after(async function () {
      this.timeout(60000);
      if (victim > 0) await restartBroker(cluster, zk, victim);
      await waitForConvergence(cluster, zk, ALL);
    });

    it('2. its registration disappears, its partitions get leaders from the ISR with leader_epoch + 1, and a produce/consume round trip works', async () => {
      await waitFor(`/brokers/ids/${victim} to vanish`, async () => !(await zk.exists(`/brokers/ids/${victim}`)), SESSION_TIMEOUT_MS + 10000, 100);
      expect(await zk.children('/brokers/ids')).to.deep.equal(others(victim).map(String));
      expect(await controllerId(zk), 'controller unchanged').to.equal(ctl);
      expect((await controllerEpoch(zk)).epoch, 'controller epoch unchanged').to.equal(epoch);

      await waitForStatesWithout(env(), rf3, victim);
      await expectFailedOver(env(), rf3, rf3Before, victim, epoch);

      const values = await produceToAll(env(), rf3, others(victim), 'round-trip');
      const bootstrap = others(victim)
        .map((id) => `127.0.0.1:${cluster.broker(id).port}`)
        .join(',');
      const consumed = await waitFor(
        'kcat to read the produced messages',
        async () => {
          const r = await kcat(['-b', bootstrap, '-C', '-t', rf3, '-o', 'beginning', '-e', '-q', '-f', '%p %s\\n'], { timeoutMs: 20000 });
          const lines = r.stdout.split('\n').filter((l) => l.includes('round-trip'));
          return lines.length >= values.length ? lines : null;
        },
        30000,
        500,
      );
      expect(consumed.map((l) => l.split(' ')[1]).sort()).to.deep.equal([...values].sort());
      for (const l of consumed) {
        const [p, v] = l.split(' ');
        expect(v, `partition of ${v}`).to.equal(`round-trip-${p}`);
      }
    });

    it('3. an RF=1 partition on it goes offline (leader -1, LEADER_NOT_AVAILABLE) and gets its leader back when the broker returns', async () => {
      await waitFor(`${rf1}-0 leader -1`, async () => (await partitionState(zk, rf1, 0)).leader === -1, SESSION_TIMEOUT_MS + 10000, 100);
      const offline = await partitionState(zk, rf1, 0);
      // zk-mode.md §4.4: the election finds nobody, then the replica-offline step writes leader -1, epoch + 1,
      // and leaves the single-member ISR as it is.
      expect(offline.raw).to.equal(`{"controller_epoch":${epoch},"leader":-1,"version":1,"leader_epoch":${rf1Before.leader_epoch + 1},"isr":[${victim}]}`);
      expect(offline.dataVersion, 'one conditional write').to.equal(rf1Before.dataVersion + 1);
      expect((await partitionState(zk, rf1, 1)).leader, 'the other partition keeps its leader').to.equal(ctl);

      for (const id of others(victim)) {
        await waitFor(
          `broker ${id} to report ${rf1}-0 offline`,
          async () => {
            const md = await cluster.metadata(id, [rf1], 5);
            const p0 = md.topics[0].partitions.find((p) => p.partitionIndex === 0)!;
            const p1 = md.topics[0].partitions.find((p) => p.partitionIndex === 1)!;
            return p0.errorCode === 5 && p0.leaderId === -1 && p0.offlineReplicas.join(',') === String(victim) && p1.errorCode === 0 && p1.leaderId === ctl;
          },
          10000,
        );
      }

      // kafkajs surfaces LEADER_NOT_AVAILABLE after its retries instead of hanging.
      const admin = kafkaFor(cluster, 'it-admin-3', others(victim), 2).admin();
      await admin.connect();
      const started = Date.now();
      try {
        const err = await admin.fetchTopicMetadata({ topics: [rf1] }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, 'fetchTopicMetadata rejects').to.not.equal(null);
        expect(kafkaErrorTypes(err)).to.include('LEADER_NOT_AVAILABLE');
        expect(Date.now() - started).to.be.below(20000);
      } finally {
        await admin.disconnect();
      }

      await restartBroker(cluster, zk, victim);
      await waitFor(`${rf1}-0 led by ${victim} again`, async () => (await partitionState(zk, rf1, 0)).leader === victim, 20000, 100);
      const back = await partitionState(zk, rf1, 0);
      expect(back.leader_epoch).to.equal(rf1Before.leader_epoch + 2);
      expect(back.isr).to.deep.equal([victim]);
      const newEpoch = await brokerEpoch(zk, victim);
      expect(newEpoch !== null && victimEpoch !== null && newEpoch > victimEpoch, 'new broker epoch (czxid)').to.equal(true);
      await waitForConvergence(cluster, zk, ALL);
      for (const id of ALL) {
        await waitFor(
          `broker ${id} to report ${rf1}-0 led by ${victim}`,
          async () => {
            const md = await cluster.metadata(id, [rf1], 1);
            const p0 = md.topics[0].partitions.find((p) => p.partitionIndex === 0)!;
            return p0.errorCode === 0 && p0.leaderId === victim;
          },
          10000,
        );
      }
    });
  });

  describe('4. a broker leading partitions gets SIGTERM (controlled shutdown)', () => {
    defineControlledShutdownTests(env);
  });

  describe('5. ZooKeeper session expiry (SIGSTOP past the session timeout, then SIGCONT)', () => {
    defineSessionExpiryTests(env);
  });

  describe('6. requests from a stale controller', () => {
    // Kept last: if a broker wrongly accepted these, its state would be garbage afterwards.
    defineStaleControllerTests(env);
  });
});
