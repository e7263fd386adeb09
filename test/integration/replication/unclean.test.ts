import { expect } from 'chai';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { batchOf, produceRaw } from '../../helpers/rawClient';
import { readPartition } from '../../helpers/readAll';
import { ZkReader } from '../../helpers/zkRead';

/**
 * Unclean leader election (zk-mode.md §4.1): with the topic's unclean.leader.election.enable=true, a partition
 * whose whole ISR is gone comes back led by an out-of-sync replica, ISR = [that replica],
 * leader_recovery_state 1, and what only the lost leader had is lost — exactly what Kafka loses.
 */
describe('integration: unclean leader election', function () {
  this.timeout(150000);
  let cluster: TestCluster;
  let zk: ZkReader;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 2, overrides: { 'replica.lag.time.max.ms': '15000' } });
    zk = await ZkReader.connect(cluster.connectString);
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const state = async () => JSON.parse((await zk.get('/brokers/topics/dirty/partitions/0/state')).data!) as {
    leader: number; leader_epoch: number; isr: number[]; leader_recovery_state?: number;
  };

  it('elects the out-of-sync replica and loses only what it never had', async () => {
    const kafka = new Kafka({ clientId: 'it-unclean', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'dirty', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] }], waitForLeaders: true });
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'dirty', configEntries: [{ name: 'unclean.leader.election.enable', value: 'true' }] }],
    });
    await admin.disconnect();

    for (let i = 0; i < 5; i++) expect((await produceRaw(cluster.broker(1).port, 'dirty', 0, batchOf([`both-${i}`]), -1)).errorCode).to.equal(0);
    await cluster.stopBroker(2, 'SIGKILL');
    await waitFor('ISR without broker 2', async () => (await state()).isr.join() === '1', 20000);
    for (let i = 0; i < 5; i++) expect((await produceRaw(cluster.broker(1).port, 'dirty', 0, batchOf([`only-1-${i}`]), 1)).errorCode).to.equal(0);

    await cluster.stopBroker(1, 'SIGKILL');
    await waitFor('old registrations gone', async () => (await zk.children('/brokers/ids')).length === 0, 20000);
    await cluster.startBroker(2);
    const st = await waitFor('broker 2 elected uncleanly', async () => {
      const s = await state();
      return s.leader === 2 ? s : null;
    }, 30000);
    expect(st.isr).to.deep.equal([2]);
    expect(st.leader_recovery_state).to.equal(1);
    expect((await zk.get('/brokers/topics/dirty/partitions/0/state')).data).to.match(
      /^\{"controller_epoch":\d+,"leader":2,"version":1,"leader_recovery_state":1,"leader_epoch":\d+,"isr":\[2\]\}$/,
    );
    const values = await waitFor('partition readable on broker 2', async () => readPartition(cluster.broker(2).port, 'dirty', 0, 1e9).catch(() => null));
    expect(values).to.deep.equal(['both-0', 'both-1', 'both-2', 'both-3', 'both-4']);
    // New writes continue on the new leader; the returning broker 1 truncates its divergent tail and follows.
    expect((await produceRaw(cluster.broker(2).port, 'dirty', 0, batchOf(['after']), 1)).errorCode).to.equal(0);
    await cluster.startBroker(1);
    await cluster.waitForBrokers([1, 2]);
    await waitFor('broker 1 back in the ISR', async () => (await state()).isr.includes(1), 40000);
    const onLeader = await readPartition(cluster.broker(2).port, 'dirty', 0, 1e9);
    expect(onLeader).to.deep.equal(['both-0', 'both-1', 'both-2', 'both-3', 'both-4', 'after']);
  });
});
