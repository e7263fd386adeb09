/**
 * Scenario 5 of failover.test.ts: a broker frozen (SIGSTOP) past zookeeper.session.timeout.ms loses its
 * ZooKeeper session; ZooKeeper drops its ephemerals and the controller treats it as dead. When it resumes,
 * Kafka's ZooKeeperClient opens a new session and re-registers the broker (new czxid = new broker epoch,
 * zk-mode.md §2.3); if it was the controller it must have resigned and must not come back as one.
 */
import { expect } from 'chai';
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { waitFor } from '../../helpers/ports';
import {
  ALL,
  brokerEpoch,
  busiestNonController,
  controllerEpoch,
  controllerId,
  createTopic,
  FailoverEnv,
  kafkaFor,
  PARTITIONS,
  partitionStates,
  produceToAll,
  restartBroker,
  SESSION_TIMEOUT_MS,
  waitForConvergence,
  waitForStatesWithout,
} from './support';

export function defineSessionExpiryTests(env: () => FailoverEnv): void {
  const topic = 'failover-session-expiry';
  const frozen = new Set<ChildProcess>();

  const freeze = (p: ChildProcess) => {
    p.kill('SIGSTOP');
    frozen.add(p);
  };
  const thaw = (p: ChildProcess) => {
    p.kill('SIGCONT');
    frozen.delete(p);
  };

  /** Every broker lists all three, names `ctl` as controller, and sees a live leader for every partition. */
  async function expectConverged(ctl: number): Promise<void> {
    const { cluster, zk } = env();
    await waitForConvergence(cluster, zk, ALL, 30000);
    for (const id of ALL) {
      await waitFor(
        `broker ${id}: 3 brokers, controller ${ctl}, every partition led by a live broker`,
        async () => {
          const md = await cluster.metadata(id, [topic], 1);
          const parts = md.topics[0]?.partitions ?? [];
          return (
            md.brokers.length === 3 &&
            md.controllerId === ctl &&
            parts.length === PARTITIONS &&
            parts.every((p) => p.errorCode === 0 && ALL.includes(p.leaderId))
          );
        },
        15000,
      );
    }
  }

  /** Freezes the broker until ZooKeeper has expired its session and the controller moved its leaderships. */
  async function freezeUntilExpired(id: number): Promise<{ proc: ChildProcess; oldEpoch: bigint }> {
    const { cluster, zk } = env();
    const oldEpoch = (await brokerEpoch(zk, id))!;
    const proc = cluster.broker(id).proc!;
    freeze(proc);
    const frozenAt = Date.now();
    await waitFor(`/brokers/ids/${id} to expire`, async () => !(await zk.exists(`/brokers/ids/${id}`)), SESSION_TIMEOUT_MS + 10000, 100);
    expect(Date.now() - frozenAt, 'expired by the session timeout, not earlier').to.be.at.least(SESSION_TIMEOUT_MS - 1000);
    await waitForStatesWithout(env(), topic, id);
    return { proc, oldEpoch };
  }

  /** What the broker logged about its ZooKeeper session and its last controller events, for a failure message. */
  function diagnostics(id: number): string {
    const dir = env().cluster.broker(id).logDir;
    const tail = (file: string, match: RegExp, n: number) => {
      const p = path.join(dir, file);
      const lines = fs.existsSync(p)
        ? fs
            .readFileSync(p, 'utf8')
            .split('\n')
            .filter((l) => match.test(l))
        : [];
      return `--- broker ${id} ${file} (last ${n} matching lines)\n${lines.slice(-n).join('\n')}`;
    };
    return [tail('server.log', /ZooKeeperClient|KafkaServer id=/, 6), tail('controller.log', /./, 8)].join('\n');
  }

  /** Resumes the broker and checks its new registration: a new czxid, written in one multi. */
  async function thawAndExpectReRegistered(id: number, proc: ChildProcess, oldEpoch: bigint): Promise<void> {
    const { cluster, zk } = env();
    thaw(proc);
    const newEpoch = await waitFor(`/brokers/ids/${id} to come back`, async () => brokerEpoch(zk, id), 30000, 100).catch((e: Error) => {
      throw new Error(`${e.message}\n${diagnostics(id)}`);
    });
    expect(newEpoch > oldEpoch, `new czxid ${newEpoch} > old ${oldEpoch}`).to.equal(true);
    const { data, stat } = await zk.get(`/brokers/ids/${id}`);
    expect(stat.version, 'registered in one multi (create + setData)').to.equal(1);
    expect(JSON.parse(data ?? '{}')).to.include({ port: cluster.broker(id).port, version: 5 });
    expect(proc.exitCode, 'the broker survived the expiry').to.equal(null);
  }

  before(async function () {
    this.timeout(30000);
    await createTopic(kafkaFor(env().cluster, 'it-admin-5'), topic, { numPartitions: PARTITIONS, replicationFactor: 3 });
  });

  afterEach(() => {
    for (const p of [...frozen]) thaw(p);
  });

  // A broker that failed to come back (the test then failed and says why) is killed and restarted, so the
  // scenarios after this one start from a whole cluster.
  after(async function () {
    this.timeout(60000);
    const { cluster, zk } = env();
    for (const id of ALL) {
      if (await zk.exists(`/brokers/ids/${id}`)) continue;
      await cluster.stopBroker(id, 'SIGKILL');
      await restartBroker(cluster, zk, id);
    }
    await waitForConvergence(cluster, zk, ALL);
  });

  it('a non-controller broker re-registers with a new broker epoch (czxid) and the cluster converges', async () => {
    const { zk } = env();
    const victim = await busiestNonController(env(), topic);
    const ctl = (await controllerId(zk))!;
    const epoch = (await controllerEpoch(zk)).epoch;
    const { proc, oldEpoch } = await freezeUntilExpired(victim);
    await thawAndExpectReRegistered(victim, proc, oldEpoch);

    await expectConverged(ctl);
    expect(await controllerId(zk), 'controller unchanged').to.equal(ctl);
    expect((await controllerEpoch(zk)).epoch, 'controller epoch unchanged').to.equal(epoch);
    // Clients bootstrapping from the resumed broker find every leader.
    await produceToAll(env(), topic, [victim], 'after-expiry');
  });

  it('the controller itself: another broker takes over (epoch + 1) and the resumed one comes back as a plain broker', async () => {
    const { cluster, zk } = env();
    const oldCtl = (await controllerId(zk))!;
    const epoch = (await controllerEpoch(zk)).epoch;
    const { proc, oldEpoch } = await freezeUntilExpired(oldCtl);
    const newCtl = (await controllerId(zk))!;
    expect(newCtl, 'a live broker took over /controller').to.be.oneOf(ALL.filter((b) => b !== oldCtl));
    expect((await controllerEpoch(zk)).epoch).to.equal(epoch + 1);
    // The new controller re-elected the frozen one's partitions under its own epoch.
    const states = await partitionStates(zk, topic, PARTITIONS);
    for (const s of states) expect(s.leader).to.be.oneOf(ALL.filter((b) => b !== oldCtl));

    await thawAndExpectReRegistered(oldCtl, proc, oldEpoch);
    await expectConverged(newCtl);
    // The resumed broker resigned: no second election, no write with its old epoch.
    expect(await controllerId(zk)).to.equal(newCtl);
    const after = await controllerEpoch(zk);
    expect(after.epoch).to.equal(epoch + 1);
    expect(after.dataVersion).to.equal(epoch + 1);
    // Admin requests through the resumed broker reach the real controller (it answers NOT_CONTROLLER itself).
    const next = `${topic}-after-zombie`;
    await createTopic(kafkaFor(cluster, 'it-admin-5b', [oldCtl]), next, { numPartitions: 3, replicationFactor: 3 });
    const created = await waitFor(
      `${next} state znodes`,
      async () => {
        const st = await Promise.all([0, 1, 2].map((p) => zk.get(`/brokers/topics/${next}/partitions/${p}/state`)));
        return st.map((x) => JSON.parse(x.data ?? '{}') as { controller_epoch: number; leader: number });
      },
      10000,
    );
    for (const s of created) {
      expect(s.controller_epoch, 'created by the new controller').to.equal(epoch + 1);
      expect(s.leader).to.be.oneOf(ALL);
    }
  });
}
