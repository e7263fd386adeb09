import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { readFromLeader, readPartition } from '../../helpers/readAll';
import { ZkReader } from '../../helpers/zkRead';
import { runTool } from '../cli/cliSupport';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { AlterPartitionReassignmentsApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';

/** Partition reassignment (zk-mode.md §6.5) through the API (kafkajs) and the legacy znode. */
describe('integration: partition reassignment', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let zk: ZkReader;

  before(async () => {
    // A long session: the --cancel test freezes a broker that must stay registered meanwhile.
    cluster = await TestCluster.start({ brokers: 3, overrides: { 'zookeeper.session.timeout.ms': '30000' } });
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

  it('kafka-reassign-partitions --cancel reverts an ongoing reassignment (AlterPartitionReassignments with null replicas)', async () => {
    // Only broker 1 as bootstrap: the tools never need the frozen broker.
    const bs = `127.0.0.1:${cluster.broker(1).port}`;
    // A broker other than the controller is frozen but still registered: the controller accepts it as a target, and
    // its replica cannot catch up, so the reassignment [1] -> [frozen] stays ongoing. (Kafka 3.7's tool cancels only
    // reassignments that remove a replica or add none; see cancel() in the tool.)
    const controller = (JSON.parse((await zk.get('/controller')).data!) as { brokerid: number }).brokerid;
    const frozen = controller === 3 ? 2 : 3;
    const plan = path.join(cluster.root, 'cancel.json');
    fs.writeFileSync(plan, `{"version":1,"partitions":[{"topic":"moving","partition":0,"replicas":[${frozen}],"log_dirs":["any"]}]}`);
    const proc = cluster.broker(frozen).proc!;
    proc.kill('SIGSTOP');
    try {
      // Started with a raw request to the controller: kafkajs (behind --execute) may pick the frozen broker for metadata.
      const c = new NetworkClient('127.0.0.1', cluster.broker(controller).port, 'it-reassign-raw', 10000);
      try {
        const res = await c.send(AlterPartitionReassignmentsApi, 0, {
          timeoutMs: 30000,
          topics: [{ name: 'moving', partitions: [{ partitionIndex: 0, replicas: [frozen] }] }],
        });
        expect(res.responses[0].partitions[0].errorCode).to.equal(ErrorCode.NONE);
      } finally {
        c.close();
      }
      const listed = await runTool('kafka-reassign-partitions', ['--bootstrap-server', bs, '--list']);
      expect(listed.stdout).to.equal(`Current partition reassignments:\nmoving-0: replicas: ${frozen},1. adding: ${frozen}. removing: 1.\n`);
      const cancelled = await runTool('kafka-reassign-partitions', ['--bootstrap-server', bs, '--cancel', '--reassignment-json-file', plan]);
      expect(cancelled.code, cancelled.stderr).to.equal(0);
      expect(cancelled.stdout).to.equal('Successfully cancelled partition reassignment for: moving-0\nNone of the specified partition moves are active.');
      const z = await topicZNode();
      expect([z.partitions, z.adding_replicas, z.removing_replicas]).to.deep.equal([{ '0': [1] }, {}, {}]);
      const again = await runTool('kafka-reassign-partitions', ['--bootstrap-server', bs, '--cancel', '--reassignment-json-file', plan]);
      expect(again.stdout).to.equal('None of the specified partition reassignments are active.\nNone of the specified partition moves are active.');
    } finally {
      proc.kill('SIGCONT');
    }
  });

  it('kafka-reassign-partitions refuses a log_dirs list whose length differs from the replicas', async () => {
    const plan = path.join(cluster.root, 'bad-dirs.json');
    fs.writeFileSync(plan, '{"version":1,"partitions":[{"topic":"moving","partition":0,"replicas":[1,2],"log_dirs":["any"]}]}');
    const r = await runTool('kafka-reassign-partitions', ['--bootstrap-server', cluster.bootstrap.join(','), '--execute', '--reassignment-json-file', plan]);
    expect(r.code).to.equal(1);
    expect(r.stdout + r.stderr).to.contain('Size of replicas list [1, 2] is different from size of log dirs list [any] for partition moving-0');
  });
});
