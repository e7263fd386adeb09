import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { CreatePartitionsApi, CreateTopicsApi, DeleteTopicsApi } from '../../../src/protocol/apis';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';

/** Topic lifecycle as Kafka's ZooKeeper mode does it (zk-mode.md §6): delete, re-create, add partitions. */
describe('integration: topic deletion and partition creation through the controller', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let zk: ZkReader;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3 });
    kafka = new Kafka({ clientId: 'it-admin', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    zk = await ZkReader.connect(cluster.connectString);
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  async function controllerId(): Promise<number> {
    return (JSON.parse((await zk.get('/controller')).data!) as { brokerid: number }).brokerid;
  }

  async function send<Req, Res>(brokerId: number, codec: { apiKey: number } & Parameters<NetworkClient['send']>[0], version: number, req: Req): Promise<Res> {
    const c = new NetworkClient('127.0.0.1', cluster.broker(brokerId).port, 'it-admin-raw', 10000);
    try {
      return (await c.send(codec, version, req as never)) as Res;
    } finally {
      c.close();
    }
  }

  it('deletes a topic: StopReplica removes the logs, then the znodes go; the same name can be created again', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'doomed', numPartitions: 3, replicationFactor: 2 }], waitForLeaders: true });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'doomed', messages: Array.from({ length: 30 }, (_, i) => ({ value: `old-${i}` })) });
      await producer.disconnect();
      const dirs = () =>
        [...cluster.brokers.values()].flatMap((b) =>
          fs
            .readdirSync(b.dataDir)
            .filter((d) => d.startsWith('doomed-'))
            .map((d) => path.join(b.dataDir, d)),
        );
      expect(dirs().length).to.equal(6); // 3 partitions x RF 2

      // As in Kafka, the answer comes once metadata has dropped the topic; the znodes go when every
      // replica has confirmed StopReplica(delete=true).
      await admin.deleteTopics({ topics: ['doomed'], timeout: 20000 });
      await waitFor(
        'topic, config and marker znodes removed',
        async () =>
          !(await zk.exists('/brokers/topics/doomed')) && !(await zk.exists('/config/topics/doomed')) && !(await zk.exists('/admin/delete_topics/doomed')),
      );
      await waitFor('log folders removed on every replica', async () => dirs().length === 0);
      expect((await admin.listTopics()).includes('doomed')).to.equal(false);

      await admin.createTopics({ topics: [{ topic: 'doomed', numPartitions: 1 }], waitForLeaders: true });
      const offsets = await admin.fetchTopicOffsets('doomed');
      expect(offsets.map((o) => o.high)).to.deep.equal(['0']);
      const events = [...cluster.brokers.values()]
        .map((b) => path.join(b.logDir, 'controller-events.jsonl'))
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f, 'utf8'))
        .join('');
      expect(events).to.contain('"event":"topic_deleted","topic":"doomed"');
    } finally {
      await admin.disconnect();
    }
  });

  it('DeleteTopics for an unknown topic answers UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const res = await send<unknown, { responses: Array<{ name: string; errorCode: number }> }>(await controllerId(), DeleteTopicsApi, 3, {
      topicNames: ['never-was'],
      timeoutMs: 5000,
    });
    // Every field of the description: TopicId (v6+) and ErrorMessage (v5+) at their defaults in v3.
    expect(res.responses).to.deep.equal([{ name: 'never-was', topicId: Buffer.alloc(16), errorCode: 3, errorMessage: null }]);
  });

  it("adds partitions with Kafka's assignment; a decrease gets INVALID_PARTITIONS with a clear message", async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'growing', numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
      await admin.createPartitions({ topicPartitions: [{ topic: 'growing', count: 5 }] });
      const md = await waitFor('5 partitions with leaders', async () => {
        const m = await admin.fetchTopicMetadata({ topics: ['growing'] });
        const parts = m.topics[0].partitions;
        return parts.length === 5 && parts.every((p) => p.leader >= 0) ? parts : null;
      });
      expect(md.map((p) => p.partitionId).sort()).to.deep.equal([0, 1, 2, 3, 4]);
      const topic = JSON.parse((await zk.get('/brokers/topics/growing')).data!) as { partitions: Record<string, number[]> };
      expect(Object.keys(topic.partitions)).to.deep.equal(['0', '1', '2', '3', '4']);
      expect((await zk.get('/brokers/topics/growing/partitions/4/state')).data).to.match(
        /^\{"controller_epoch":\d+,"leader":[123],"version":1,"leader_epoch":0,"isr":\[[123]\]\}$/,
      );
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'growing', messages: [{ value: 'to-p4', partition: 4 }] });
      await producer.disconnect();
    } finally {
      await admin.disconnect();
    }
    const res = await send<unknown, { results: Array<{ name: string; errorCode: number; errorMessage: string | null }> }>(
      await controllerId(),
      CreatePartitionsApi,
      1,
      { topics: [{ name: 'growing', count: 3, assignments: null }], timeoutMs: 5000, validateOnly: false },
    );
    expect(res.results).to.deep.equal([
      { name: 'growing', errorCode: 37, errorMessage: 'Topic currently has 5 partitions, which is higher than the requested 3.' },
    ]);
  });

  it('CreateTopics, CreatePartitions and DeleteTopics sent to a non-controller get NOT_CONTROLLER', async () => {
    const other = [1, 2, 3].find((id) => id !== 0)!;
    const ctrl = await controllerId();
    const nonCtrl = [1, 2, 3].find((id) => id !== ctrl) ?? other;
    const ct = await send<unknown, { topics: Array<{ errorCode: number }> }>(nonCtrl, CreateTopicsApi, 3, {
      topics: [{ name: 'x', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(ct.topics[0].errorCode).to.equal(41);
    const cp = await send<unknown, { results: Array<{ errorCode: number }> }>(nonCtrl, CreatePartitionsApi, 1, {
      topics: [{ name: 'growing', count: 9, assignments: null }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(cp.results[0].errorCode).to.equal(41);
    const dt = await send<unknown, { responses: Array<{ errorCode: number }> }>(nonCtrl, DeleteTopicsApi, 1, { topicNames: ['growing'], timeoutMs: 1000 });
    expect(dt.responses[0].errorCode).to.equal(41);
    const md = await cluster.metadata(nonCtrl);
    expect(md.controllerId).to.equal(ctrl);
  });
});
