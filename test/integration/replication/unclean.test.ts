import { expect } from 'chai';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { batchOf, produceRaw } from '../../helpers/rawClient';
import { readFromLeader } from '../../helpers/readAll';
import { ZkReader } from '../../helpers/zkRead';

interface StateZnode {
  leader: number;
  leader_epoch: number;
  isr: number[];
  leader_recovery_state?: number;
}

/**
 * The whole ISR lost (zk-mode.md §4.1). Two topics on replicas [a, b] (the two brokers that are not the
 * controller, so that a live controller sees each failure) live through the same failures: the follower b
 * dies (ISR [a]), then the leader a, then b comes back out of sync, then a. With the topic's
 * unclean.leader.election.enable=true the out-of-sync replica is elected (ISR = [it], leader_recovery_state 1)
 * and what only the lost leader had is lost — exactly what Kafka loses. With it false (the default) the
 * partition stays offline (leader -1, the ZK ISR keeps its last member as Kafka's removeReplicasFromIsr does)
 * until that last ISR member returns, and then every acknowledged record is there.
 */
describe('integration: the whole ISR lost, with unclean leader election on and off', function () {
  this.timeout(150000);
  let cluster: TestCluster;
  let zk: ZkReader;
  const cleanAcked: string[] = [];
  let a = 0; // the leader, last ISR member
  let b = 0; // the follower, killed first

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3, overrides: { 'replica.lag.time.max.ms': '15000', 'unclean.leader.election.enable': 'false' } });
    zk = await ZkReader.connect(cluster.connectString);
    const ctl = (JSON.parse((await zk.get('/controller')).data!) as { brokerid: number }).brokerid;
    [a, b] = [1, 2, 3].filter((id) => id !== ctl);
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const state = async (topic: string) => JSON.parse((await zk.get(`/brokers/topics/${topic}/partitions/0/state`)).data!) as StateZnode;

  it('the returning out-of-sync replica leads the unclean=true topic, losing only what it never had; the unclean=false topic stays offline', async () => {
    const kafka = new Kafka({ clientId: 'it-unclean', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const replicaAssignment = [{ partition: 0, replicas: [a, b] }];
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'dirty', replicaAssignment },
        { topic: 'clean', replicaAssignment },
      ],
      waitForLeaders: true,
    });
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'dirty', configEntries: [{ name: 'unclean.leader.election.enable', value: 'true' }] }],
    });
    await admin.disconnect();
    const produce = async (topic: string, value: string, acks: number) => {
      expect((await produceRaw(cluster.broker(a).port, topic, 0, batchOf([value]), acks)).errorCode, `${topic} ${value}`).to.equal(0);
      if (topic === 'clean') cleanAcked.push(value);
    };

    for (let i = 0; i < 5; i++) for (const t of ['dirty', 'clean']) await produce(t, `both-${i}`, -1);
    await cluster.stopBroker(b, 'SIGKILL'); // the follower
    await waitFor(`ISRs without broker ${b}`, async () => (await state('dirty')).isr.join() === `${a}` && (await state('clean')).isr.join() === `${a}`, 20000);
    // Acknowledged with the ISR down to the leader (min.insync.replicas=1): these must survive on 'clean'.
    for (let i = 0; i < 5; i++) {
      await produce('dirty', `only-a-${i}`, 1);
      await produce('clean', `only-a-${i}`, -1);
    }

    await cluster.stopBroker(a, 'SIGKILL'); // the leader, last ISR member
    await waitFor('both partitions without a leader', async () => (await state('clean')).leader === -1 && (await state('dirty')).leader === -1, 20000);
    expect((await state('clean')).isr).to.deep.equal([a]);
    await waitFor(`old registration of broker ${b} gone`, async () => !(await zk.exists(`/brokers/ids/${b}`)), 20000);
    await cluster.startBroker(b);
    const st = await waitFor(
      `broker ${b} elected uncleanly for dirty-0`,
      async () => {
        const s = await state('dirty');
        return s.leader === b ? s : null;
      },
      30000,
    );
    // Both partitions went through the same offline election (one controller event, its requests sent at its
    // end): once broker b serves dirty-0 as leader, the election that left clean-0 offline has been made.
    await waitFor(
      `broker ${b} metadata naming itself leader of dirty-0`,
      async () => (await cluster.metadata(b, ['dirty'])).topics[0].partitions[0].leaderId === b,
      20000,
    );
    expect(st.isr).to.deep.equal([b]);
    expect(st.leader_recovery_state).to.equal(1);
    expect((await zk.get('/brokers/topics/dirty/partitions/0/state')).data).to.match(
      new RegExp(`^\\{"controller_epoch":\\d+,"leader":${b},"version":1,"leader_recovery_state":1,"leader_epoch":\\d+,"isr":\\[${b}\\]\\}$`),
    );
    const offline = await state('clean');
    expect(offline.leader, `broker ${b} is alive but out of the ISR: not electable`).to.equal(-1);
    expect(offline.isr).to.deep.equal([a]);
    const md = (await cluster.metadata(b, ['clean'])).topics[0].partitions[0];
    expect([md.errorCode, md.leaderId]).to.deep.equal([5, -1]); // LEADER_NOT_AVAILABLE

    const { values } = await readFromLeader(cluster, 'dirty', 0);
    expect(values).to.deep.equal(['both-0', 'both-1', 'both-2', 'both-3', 'both-4']);
    // New writes continue on the new leader.
    expect((await produceRaw(cluster.broker(b).port, 'dirty', 0, batchOf(['after']), 1)).errorCode).to.equal(0);
  });

  it('the last ISR member returns: it leads the unclean=false topic again with every acknowledged record; on the other it truncates and follows', async () => {
    await cluster.startBroker(a);
    const back = await waitFor(
      `clean-0 led by broker ${a} again`,
      async () => {
        const s = await state('clean');
        return s.leader === a ? s : null;
      },
      30000,
    );
    expect(back.leader_recovery_state ?? 0).to.equal(0);
    const { leader, values } = await readFromLeader(cluster, 'clean', 0);
    expect(leader).to.equal(a);
    expect(values).to.deep.equal(cleanAcked);
    await waitFor(
      `broker ${b} back in the ISR of clean-0 and broker ${a} in that of dirty-0`,
      async () => (await state('clean')).isr.includes(b) && (await state('dirty')).isr.includes(a),
      40000,
    );
    expect((await readFromLeader(cluster, 'dirty', 0)).values).to.deep.equal(['both-0', 'both-1', 'both-2', 'both-3', 'both-4', 'after']);
    // Broker a cut its only-a records (offsets 5-9): its log has epochs, so it fetched at once with its last
    // fetched epoch and the new leader's DivergingEpoch told it where (truncation on fetch, Fetch v12+).
    const truncated = new RegExp(`Truncating partition dirty-0 with TruncationState\\(offset=5, completed=true\\) due to leader epoch .* from leader ${b}`);
    expect(cluster.broker(a).output.filter((l) => truncated.test(l))).to.have.length(1);
  });
});
