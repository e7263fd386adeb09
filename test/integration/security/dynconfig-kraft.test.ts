import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { waitFor } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

/**
 * KRaft mode: AlterConfigs of BROKER resources is forwarded to the controller (ConfigRecords); each broker applies the
 * records of its own id and of the cluster default with the same DynamicBrokerConfig as a ZooKeeper-mode broker.
 */
describe('integration: dynamic broker configs applied live in KRaft mode', function () {
  this.timeout(180000);
  let cluster: KRaftTestCluster;

  before(async () => {
    cluster = await KRaftTestCluster.start({ controllers: 1, brokers: 2 });
  });

  after(async () => {
    await cluster?.shutdown();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('message.max.bytes lowered at the default level: every broker refuses a larger batch at once; the per-broker level wins', async () => {
    const kafka = new Kafka({ clientId: 'it-dynconfig-kraft', brokers: cluster.bootstrap().split(','), logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'sized', numPartitions: 2, replicationFactor: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const send = (partition: number) =>
      producer.send({ topic: 'sized', acks: -1, messages: [{ partition, value: 'z'.repeat(3000) }] }).then(
        () => 'ok',
        (e: Error) => e.message,
      );
    try {
      await waitFor('the topic is writable', async () => (await send(0)) === 'ok' && (await send(1)) === 'ok', 30000);
      const cfg = (...args: string[]) => runTool('kafka-configs', ['--bootstrap-server', cluster.bootstrap(), '--entity-type', 'brokers', ...args]);
      const r = await cfg('--entity-default', '--alter', '--add-config', 'message.max.bytes=1000');
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      await waitFor('both partitions refuse 3000 bytes', async () => (await send(0)) !== 'ok' && (await send(1)) !== 'ok', 30000);
      expect(await send(0)).to.match(/larger than the max message size/);
      // The leader of partition 0 gets its own value, which wins over the default there only.
      const meta = kafka.admin();
      await meta.connect();
      const partitions = (await meta.fetchTopicMetadata({ topics: ['sized'] })).topics[0].partitions;
      await meta.disconnect();
      const leader = partitions.find((p) => p.partitionId === 0)!.leader;
      const one = await cfg('--entity-name', String(leader), '--alter', '--add-config', 'message.max.bytes=100000');
      expect(one.code, one.stdout + one.stderr).to.equal(0);
      await waitFor(`partition 0 on broker ${leader} takes 3000 bytes`, async () => (await send(0)) === 'ok', 30000);
      for (const p of partitions.filter((x) => x.leader !== leader)) expect(await send(p.partitionId)).to.match(/larger than the max message size/);
      expect(cluster.output(2).some((l) => l.includes('Updated broker configuration') && l.includes('message.max.bytes'))).to.equal(true);
    } finally {
      await producer.disconnect();
    }
  });
});
