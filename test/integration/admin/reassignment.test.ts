import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { readFromLeader, readPartition } from '../../helpers/readAll';
import { ZkReader } from '../../helpers/zkRead';

/** Partition reassignment (zk-mode.md §6.5) through the API (kafkajs) and the legacy znode. */
describe('integration: partition reassignment', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let zk: ZkReader;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3 });
    kafka = new Kafka({ clientId: 'it-reassign', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    zk = await ZkReader.connect(cluster.connectString);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'moving', replicaAssignment: [{ partition: 0, replicas: [1] }] }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'moving', acks: -1, messages: Array.from({ length: 200 }, (_, i) => ({ value: `m-${i}` })) });
    await producer.disconnect();
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const topicZNode = async () =>
    JSON.parse((await zk.get('/brokers/topics/moving')).data!) as {
      partitions: Record<string, number[]>;
      adding_replicas: Record<string, number[]>;
      removing_replicas: Record<string, number[]>;
    };
  const hasDir = (b: number) => fs.existsSync(path.join(cluster.broker(b).dataDir, 'moving-0'));

  it('moves a partition from [1] to [2,3] with AlterPartitionReassignments: data copied, old replica deleted, znodes final', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.alterPartitionReassignments({ topics: [{ topic: 'moving', partitionAssignment: [{ partition: 0, replicas: [2, 3] }] }] });
      await waitFor(
        'reassignment finished',
        async () => {
          const z = await topicZNode();
          return JSON.stringify(z.partitions) === '{"0":[2,3]}' && JSON.stringify(z.adding_replicas) === '{}' && JSON.stringify(z.removing_replicas) === '{}';
        },
        30000,
      );
      const listed = await admin.listPartitionReassignments({});
      expect(listed.topics).to.deep.equal([]);
    } finally {
      await admin.disconnect();
    }
    const st = JSON.parse((await zk.get('/brokers/topics/moving/partitions/0/state')).data!) as { leader: number; isr: number[]; leader_epoch: number };
    expect([2, 3]).to.include(st.leader);
    expect(st.isr.slice().sort()).to.deep.equal([2, 3]);
    expect(st.leader_epoch).to.be.at.least(2);
    await waitFor('replica on broker 1 deleted', async () => !hasDir(1));
    const values = (await readFromLeader(cluster, 'moving', 0)).values;
    expect(values).to.deep.equal(Array.from({ length: 200 }, (_, i) => `m-${i}`));
    const events = fs.readFileSync(
      path.join(cluster.broker(JSON.parse((await zk.get('/controller')).data!).brokerid).logDir, 'controller-events.jsonl'),
      'utf8',
    );
    expect(events).to.match(/"event":"reassignment_started","topic":"moving","partition":0,"replicas":\[2,3,1\],"adding":\[2,3\],"removing":\[1\]/);
    expect(events).to.contain('"event":"reassignment_completed","topic":"moving","partition":0,"replicas":[2,3]');
  });

  it('refuses a target with a dead broker: INVALID_REPLICA_ASSIGNMENT', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      let err: (Error & { type?: string }) | null = null;
      await admin
        .alterPartitionReassignments({ topics: [{ topic: 'moving', partitionAssignment: [{ partition: 0, replicas: [9] }] }] })
        .catch((e: Error) => (err = e));
      expect(err).to.not.equal(null);
      expect(JSON.stringify(err)).to.match(/INVALID_REPLICA_ASSIGNMENT|not alive/);
    } finally {
      await admin.disconnect();
    }
  });

  it('follows the legacy /admin/reassign_partitions znode and deletes it when done', async () => {
    await zk.create('/admin/reassign_partitions', '{"version":1,"partitions":[{"topic":"moving","partition":0,"replicas":[1]}]}');
    await waitFor(
      'legacy reassignment finished and znode removed',
      async () => {
        const z = await topicZNode();
        return JSON.stringify(z.partitions) === '{"0":[1]}' && !(await zk.exists('/admin/reassign_partitions'));
      },
      30000,
    );
    await waitFor('replicas on 2 and 3 deleted', async () => !hasDir(2) && !hasDir(3));
    const values = await readPartition(cluster.broker(1).port, 'moving', 0, 1e9);
    expect(values.length).to.equal(200);
  });
});
