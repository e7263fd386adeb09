import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { AlterConfigsApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';

/** Live topic configs: kafkajs admin describe/alter, /config/topics + /config/changes, every broker applies. */
describe('integration: topic configs (DescribeConfigs, AlterConfigs, config change notifications)', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let zk: ZkReader;
  const topic = 'cfg-topic';

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3 });
    kafka = new Kafka({ clientId: 'it-configs', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    zk = await ZkReader.connect(cluster.connectString);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'retention.ms', value: '86400000' }] }],
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

  it('describes topic configs with their sources and broker configs with static/default sources', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const res = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
      const entries = res.resources[0].configEntries;
      const byName = new Map(entries.map((e) => [e.configName, e]));
      expect(byName.get('retention.ms')!.configValue).to.equal('86400000');
      expect(byName.get('retention.ms')!.configSource).to.equal(1); // TOPIC_CONFIG
      expect(byName.get('segment.bytes')!.configValue).to.equal('1073741824');
      expect(byName.get('segment.bytes')!.readOnly).to.equal(false);
      expect(byName.get('cleanup.policy')!.configValue).to.equal('delete');
      const broker = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }] });
      const b = new Map(broker.resources[0].configEntries.map((e) => [e.configName, e]));
      expect(b.get('broker.id')!.configValue).to.equal('1');
      expect(b.get('broker.id')!.configSource).to.equal(4); // STATIC_BROKER_CONFIG
      expect(b.get('num.io.threads')!.configSource).to.equal(5); // DEFAULT_CONFIG
      // DynamicBrokerConfig.AllDynamicConfigs: num.io.threads can change without a restart, broker.id cannot.
      expect(b.get('num.io.threads')!.readOnly).to.equal(false);
      expect(b.get('broker.id')!.readOnly).to.equal(true);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses an unknown name or a bad value with INVALID_CONFIG naming the key', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const entry of [
        { name: 'retention.mss', value: '1' },
        { name: 'segment.bytes', value: 'lots' },
      ]) {
        let err: (Error & { type?: string }) | null = null;
        try {
          await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [entry] }] });
        } catch (e) {
          err = e as Error & { type?: string };
        }
        expect(err, entry.name).to.not.equal(null);
        expect(err!.type).to.equal('INVALID_CONFIG');
        // kafkajs does not show the broker's error message: read it from the raw response.
        const c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it-configs-raw', 10000);
        try {
          const res = await c.send(AlterConfigsApi, 1, { validateOnly: true, resources: [{ resourceType: 2, resourceName: topic, configs: [entry] }] });
          expect(res.responses[0].errorCode).to.equal(ErrorCode.INVALID_CONFIG);
          expect(res.responses[0].errorMessage).to.contain(entry.name);
        } finally {
          c.close();
        }
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('alterConfigs writes /config/topics and a change notification; every broker rolls at the new segment.bytes', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'segment.bytes', value: '2048' }] }],
      });
    } finally {
      await admin.disconnect();
    }
    // AlterConfigs replaces the whole set: retention.ms is gone.
    expect(JSON.parse((await zk.get(`/config/topics/${topic}`)).data!)).to.deep.equal({ version: 1, config: { 'segment.bytes': '2048' } });
    const changes = await zk.children('/config/changes');
    expect(changes.some((c) => /^config_change_\d{10}$/.test(c))).to.equal(true);
    const last = changes.sort()[changes.length - 1];
    expect(JSON.parse((await zk.get(`/config/changes/${last}`)).data!)).to.deep.equal({ version: 2, entity_path: `topics/${topic}` });

    // Every broker applies the change (DynamicConfigManager -> TopicConfigHandler), then ~40 KB are produced:
    // each replica must roll at ~2 KB.
    for (const id of [1, 2, 3]) {
      await waitFor(
        `broker ${id} to apply segment.bytes=2048 to ${topic}`,
        async () =>
          cluster.broker(id).output.some((l) => l.includes(`Processing override for entityPath: topics/${topic} with config: {"segment.bytes":"2048"}`)),
        15000,
      );
    }
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 40; i++) await producer.send({ topic, acks: -1, messages: [{ value: Buffer.alloc(1000, i) }] });
    await producer.disconnect();
    for (const id of [1, 2, 3]) {
      const dir = path.join(cluster.broker(id).dataDir, `${topic}-0`);
      await waitFor(`broker ${id} to roll small segments`, async () => fs.readdirSync(dir).filter((f) => f.endsWith('.log')).length >= 10);
    }
  });
});
