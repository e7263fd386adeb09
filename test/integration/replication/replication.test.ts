import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { ElectLeadersApi } from '../../../src/protocol/apis';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { batchOf, produceRaw } from '../../helpers/rawClient';
import { readFromLeader } from '../../helpers/readAll';
import { ZkReader } from '../../helpers/zkRead';

interface PartitionState {
  controller_epoch: number;
  leader: number;
  leader_epoch: number;
  isr: number[];
}

/**
 * Replication as in Kafka 3.x ZooKeeper mode: followers fetch from the leader, the high watermark is
 * the ISR's minimum, acks=all waits for the ISR, ISR changes go through AlterPartition to the controller
 * (leader epoch unchanged), and preferred leaders come back.
 */
describe('integration: replication, ISR and preferred leaders', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let zk: ZkReader;

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 3,
      overrides: {
        'min.insync.replicas': '2',
        'replica.lag.time.max.ms': '15000', // longer than the 6 s session: the controller, not the leader, shrinks the ISR here
        'auto.leader.rebalance.enable': 'true',
        'leader.imbalance.check.interval.seconds': '2',
      },
    });
    kafka = new Kafka({ clientId: 'it-repl', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });
    zk = await ZkReader.connect(cluster.connectString);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'rep',
          replicaAssignment: [
            { partition: 0, replicas: [1, 2, 3] },
            { partition: 1, replicas: [2, 3, 1] },
          ],
        },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const state = async (p: number): Promise<PartitionState> => JSON.parse((await zk.get(`/brokers/topics/rep/partitions/${p}/state`)).data!) as PartitionState;
  const logBytes = (broker: number, p: number): Buffer => {
    const dir = path.join(cluster.broker(broker).dataDir, `rep-${p}`);
    return Buffer.concat(
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.log'))
        .sort()
        .map((f) => fs.readFileSync(path.join(dir, f))),
    );
  };

  it('acks=all is answered once every ISR member has the batch; all replicas hold identical logs', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (let i = 0; i < 20; i++) {
      await producer.send({ topic: 'rep', acks: -1, messages: Array.from({ length: 25 }, (_, j) => ({ value: `a-${i}-${j}`, partition: (i + j) % 2 })) });
    }
    await producer.disconnect();
    for (const p of [0, 1]) {
      await waitFor(
        `replicas of rep-${p} identical`,
        async () => {
          const logs = [1, 2, 3].map((b) => logBytes(b, p));
          return logs[0].length > 0 && logs.every((l) => l.equals(logs[0]));
        },
        15000,
      );
      const st = await state(p);
      expect(st.isr.slice().sort()).to.deep.equal([1, 2, 3]);
      expect(st.leader_epoch).to.equal(0);
    }
  });

  it('a killed follower leaves the ISR (leader epoch + 1); acks=all still works with 2 in sync; after restart it catches up and rejoins through AlterPartition', async () => {
    const before = await state(0); // leader 1, followers 2 and 3
    expect(before.leader).to.equal(1);
    await cluster.stopBroker(3, 'SIGKILL');
    const shrunk = await waitFor(
      'broker 3 removed from the ISR of rep-0',
      async () => {
        const st = await state(0);
        return st.isr.includes(3) ? null : st;
      },
      20000,
    );
    expect(shrunk.leader).to.equal(1);
    expect(shrunk.leader_epoch).to.equal(before.leader_epoch + 1);
    const r = await produceRaw(cluster.broker(1).port, 'rep', 0, batchOf(['while-3-down']), -1);
    expect(r.errorCode).to.equal(0);

    await waitFor('old registration of broker 3 expired', async () => !(await zk.exists('/brokers/ids/3')), 20000);
    await cluster.startBroker(3);
    const grown = await waitFor(
      'broker 3 back in the ISR of rep-0',
      async () => {
        const st = await state(0);
        return st.isr.includes(3) ? st : null;
      },
      30000,
    );
    // Leader-initiated expansion (AlterPartition) keeps the leader epoch (zk-mode.md §4.4).
    expect(grown.leader_epoch).to.equal(shrunk.leader_epoch);
    expect(grown.isr).to.deep.equal([1, 2, 3]);
    await waitFor('broker 3 log identical to the leader', async () => logBytes(3, 0).equals(logBytes(1, 0)), 15000);
  });

  it('refuses acks=all with NOT_ENOUGH_REPLICAS when the ISR is below min.insync.replicas', async () => {
    await cluster.stopBroker(2, 'SIGKILL');
    await cluster.stopBroker(3, 'SIGKILL');
    await waitFor('rep-0 ISR down to the leader', async () => (await state(0)).isr.length === 1, 30000);
    // The controller writes the state znode before its AlterPartition answer reaches the leader; until then the
    // leader still counts the old ISR, appends, and refuses after the append (NOT_ENOUGH_REPLICAS_AFTER_APPEND, 20).
    await waitFor('the leader to refuse acks=all with NOT_ENOUGH_REPLICAS (19)', async () => {
      const r = await produceRaw(cluster.broker(1).port, 'rep', 0, batchOf(['nope']), -1);
      expect([19, 20]).to.include(r.errorCode);
      return r.errorCode === 19;
    });
    const ok = await produceRaw(cluster.broker(1).port, 'rep', 0, batchOf(['acks1-ok']), 1);
    expect(ok.errorCode).to.equal(0);
    for (const id of [2, 3]) {
      await waitFor(`old registration of broker ${id} expired`, async () => !(await zk.exists(`/brokers/ids/${id}`)), 20000);
      await cluster.startBroker(id);
    }
    await cluster.waitForBrokers([1, 2, 3]);
    await waitFor('full ISR again', async () => (await state(0)).isr.length === 3 && (await state(1)).isr.length === 3, 40000);
  });

  it('a killed leader is replaced from the ISR and nothing acknowledged is lost; its preferred leadership returns automatically', async () => {
    const hw = (await readFromLeader(cluster, 'rep', 0)).values;
    await cluster.stopBroker(1, 'SIGKILL');
    const moved = await waitFor(
      'new leader for rep-0',
      async () => {
        const st = await state(0);
        return st.leader !== 1 && st.leader >= 0 ? st : null;
      },
      20000,
    );
    expect([2, 3]).to.include(moved.leader);
    // The state znode is written before the controller's LeaderAndIsr reaches the new leader: read as a client
    // does, from the leader Metadata names, retrying NOT_LEADER_OR_FOLLOWER until the broker has taken over.
    const after = (await readFromLeader(cluster, 'rep', 0)).values;
    for (const v of hw) expect(after).to.include(v);

    await waitFor('old registration of broker 1 expired', async () => !(await zk.exists('/brokers/ids/1')), 20000);
    await cluster.startBroker(1);
    // Auto leader rebalance (leader.imbalance.check.interval.seconds=2): broker 1 leads rep-0 again once in the ISR.
    const back = await waitFor(
      'preferred leader 1 back for rep-0',
      async () => {
        const st = await state(0);
        return st.leader === 1 ? st : null;
      },
      40000,
    );
    expect(back.leader_epoch).to.be.greaterThan(moved.leader_epoch);
  });

  it('ElectLeaders answers ELECTION_NOT_NEEDED when the preferred replica already leads', async () => {
    const ctrl = (JSON.parse((await zk.get('/controller')).data!) as { brokerid: number }).brokerid;
    const c = new NetworkClient('127.0.0.1', cluster.broker(ctrl).port, 'it-elect', 10000);
    try {
      await waitFor('rep-1 led by its preferred replica', async () => (await state(1)).leader === 2, 30000);
      const res = await c.send(ElectLeadersApi, 1, { electionType: 0, topicPartitions: [{ topic: 'rep', partitions: [1] }], timeoutMs: 5000 });
      expect(res.errorCode).to.equal(0);
      expect(res.replicaElectionResults[0].partitionResult[0].errorCode).to.equal(84);
    } finally {
      c.close();
    }
  });
});
