/**
 * Scenario 4 of failover.test.ts: SIGTERM runs Kafka's controlled shutdown (zk-mode.md §5.4) before the
 * broker closes its ZooKeeper session. Whether a partition state was rewritten by the controlled shutdown
 * or by the broker-failure handling that follows the session close is told apart with ZooKeeper's zxids:
 * a state znode last modified (mzxid) before /brokers/ids lost the broker's child (pzxid) was moved
 * while the broker was still registered.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { waitFor } from '../../helpers/ports';
import {
  ALL,
  assignment,
  busiestNonController,
  controllerEpoch,
  controllerId,
  createTopic,
  FailoverEnv,
  kafkaFor,
  PARTITIONS,
  partitionStates,
  PartitionStateZnode,
  restartBroker,
  waitForConvergence,
  waitForStatesWithout,
} from './support';

export function defineControlledShutdownTests(env: () => FailoverEnv): void {
  const topic = 'failover-controlled-shutdown';
  let victim = -1;
  let ctl = -1;
  let epoch = -1;
  let exitCode: number | null = null;
  let assign = new Map<number, number[]>();
  let initial: PartitionStateZnode[] = [];
  /** States read as soon as the process had exited. */
  let atExit: PartitionStateZnode[] = [];
  /** zxid of the removal of /brokers/ids/<victim>. */
  let unregisteredZxid = 0n;

  const mzxid = async (p: number): Promise<bigint> => (await env().zk.get(`/brokers/topics/${topic}/partitions/${p}/state`)).stat.mzxid.readBigInt64BE(0);

  before(async function () {
    this.timeout(60000);
    const { cluster, zk } = env();
    await createTopic(kafkaFor(cluster, 'it-admin-4'), topic, { numPartitions: PARTITIONS, replicationFactor: 3 });
    ctl = (await controllerId(zk))!;
    victim = await busiestNonController(env(), topic);
    initial = await partitionStates(zk, topic, PARTITIONS);
    epoch = (await controllerEpoch(zk)).epoch;
    assign = await assignment(zk, topic);

    exitCode = await cluster.stopBroker(victim, 'SIGTERM');
    atExit = await partitionStates(zk, topic, PARTITIONS);
    await waitFor(`/brokers/ids/${victim} to vanish`, async () => !(await zk.exists(`/brokers/ids/${victim}`)), 10000, 50);
    // Nothing else joins or leaves /brokers/ids until after() restarts the broker.
    unregisteredZxid = (await zk.get('/brokers/ids')).stat.pzxid.readBigInt64BE(0);
    // Let the controller finish whatever the session close triggers.
    await waitForStatesWithout(env(), topic, victim);
  });

  after(async function () {
    this.timeout(60000);
    const { cluster, zk } = env();
    if (victim > 0) await restartBroker(cluster, zk, victim);
    await waitForConvergence(cluster, zk, ALL);
  });

  it('moves its leaderships away before it exits, and exits with code 0', async () => {
    const { cluster } = env();
    expect(exitCode, 'exit code').to.equal(0);
    const stillLed = atExit.map((s, p) => (s.leader === victim ? p : -1)).filter((p) => p >= 0);
    expect(stillLed, `partitions still led by ${victim} right after its exit`).to.deep.equal([]);

    const final = await partitionStates(env().zk, topic, PARTITIONS);
    for (let p = 0; p < PARTITIONS; p++) {
      if (initial[p].leader !== victim) continue;
      expect((await mzxid(p)) < unregisteredZxid, `${topic}-${p} moved while ${victim} was still registered`).to.equal(true);
      // Controlled-shutdown election (zk-mode.md §4.1): first live ISR member of the assignment, ISR minus the broker.
      const a = final[p];
      expect(a.leader, `${topic}-${p} leader`).to.equal(assign.get(p)!.find((r) => r !== victim && initial[p].isr.includes(r)));
      expect(a.isr, `${topic}-${p} isr`).to.deep.equal(initial[p].isr.filter((r) => r !== victim));
      expect(a.leader_epoch, `${topic}-${p} leader_epoch`).to.equal(initial[p].leader_epoch + 1);
      expect(a.dataVersion, `${topic}-${p} zkVersion`).to.equal(initial[p].dataVersion + 1);
      expect(a.controller_epoch).to.equal(epoch);
    }

    expect(cluster.broker(victim).output.join('\n')).to.contain('Controlled shutdown request returned successfully');
    // controller.log, as in Kafka's log4j setup (kafka.controller loggers are not on stdout).
    const controllerLog = path.join(cluster.broker(ctl).logDir, 'controller.log');
    await waitFor(
      `controller.log of broker ${ctl} to show the controlled shutdown`,
      async () => fs.existsSync(controllerLog) && fs.readFileSync(controllerLog, 'utf8').includes(`[Controller id=${ctl}] Shutting down broker ${victim}`),
      5000,
    );
  });

  it('also takes it out of the ISR of the partitions it follows before it exits (zk-mode.md §5.4)', async () => {
    // Kafka: followed partitions get StopReplica(delete=false) and an ISR shrink (epoch + 1) during the
    // controlled shutdown itself, so the later broker-failure handling has nothing left to write.
    const final = await partitionStates(env().zk, topic, PARTITIONS);
    const late: string[] = [];
    for (let p = 0; p < PARTITIONS; p++) {
      if (initial[p].leader === victim || !initial[p].isr.includes(victim)) continue;
      const a = final[p];
      expect(a.leader, `${topic}-${p} keeps its leader`).to.equal(initial[p].leader);
      expect(a.isr, `${topic}-${p} isr`).to.deep.equal(initial[p].isr.filter((r) => r !== victim));
      expect(a.leader_epoch, `${topic}-${p} leader_epoch`).to.equal(initial[p].leader_epoch + 1);
      if ((await mzxid(p)) > unregisteredZxid) late.push(`${topic}-${p}`);
    }
    expect(late, 'followed partitions whose ISR shrank only after the broker had unregistered').to.deep.equal([]);
  });
}
