import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { AlterConfigsApi, DescribeConfigsApi, IncrementalAlterConfigsApi } from '../../../src/protocol/apis';
import { ConfigResourceType, ConfigSource } from '../../../src/protocol/apis/32-describe-configs';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';
import { runTool } from '../cli/cliSupport';

/**
 * Dynamic broker configs on a real two-broker ZooKeeper cluster (Kafka's DynamicBrokerConfig): kafka-configs and the
 * admin APIs write /config/brokers/<default> or /config/brokers/<id> plus a change notification, and the brokers apply
 * the new values without a restart.
 */
describe('integration: dynamic broker configs (kafka-configs --entity-type brokers, AlterConfigs, DescribeConfigs)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let zk: ZkReader;
  let kafka: Kafka;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 2, overrides: { 'log.retention.check.interval.ms': '300', 'log.segment.delete.delay.ms': '0' } });
    zk = await ZkReader.connect(cluster.connectString);
    kafka = new Kafka({ clientId: 'it-dynconfig', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const bs = () => cluster.bootstrap.join(',');
  const configs = (...args: string[]) => runTool('kafka-configs', ['--bootstrap-server', bs(), '--entity-type', 'brokers', ...args]);
  const znode = async (path: string) => JSON.parse((await zk.get(path)).data!) as Record<string, unknown>;
  const applied = (id: number, key: string) =>
    waitFor(
      `broker ${id} applied ${key}`,
      async () => cluster.broker(id).output.some((l) => l.includes('Updated broker configuration') && l.includes(key)),
      20000,
    );

  const describe = async (brokerId: number, name: string, keys: string[] | null) => {
    const c = new NetworkClient('127.0.0.1', cluster.broker(brokerId).port, 'it-dynconfig', 10000);
    try {
      const r = await c.send(DescribeConfigsApi, 4, {
        resources: [{ resourceType: ConfigResourceType.BROKER, resourceName: name, configurationKeys: keys }],
        includeSynonyms: true,
        includeDocumentation: false,
      });
      return r.results[0];
    } finally {
      c.close();
    }
  };

  it('--entity-default --alter log.retention.ms deletes old segments of a topic without an override, on every broker, without a restart', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic: 'retained', numPartitions: 2, replicationFactor: 2, configEntries: [{ name: 'segment.bytes', value: '1024' }] }],
      });
      const producer = kafka.producer();
      await producer.connect();
      for (let i = 0; i < 10; i++) {
        await producer.send({ topic: 'retained', acks: -1, messages: Array.from({ length: 4 }, (_, j) => ({ partition: j % 2, value: 'x'.repeat(200) })) });
      }
      await producer.disconnect();
      const before = await admin.fetchTopicOffsets('retained');
      expect(before.every((p) => p.low === '0' && Number(p.high) === 20)).to.equal(true);

      const r = await configs('--entity-default', '--alter', '--add-config', 'log.retention.ms=1000');
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('Completed updating default config for brokers in the cluster.\n');
      await applied(1, 'log.retention.ms');
      await applied(2, 'log.retention.ms');
      // Every closed segment is past 1s of retention soon: the log start offset moves up to the active segment.
      await waitFor(
        'old segments deleted on the new retention',
        async () => (await admin.fetchTopicOffsets('retained')).every((p) => Number(p.low) > 0),
        20000,
      );
    } finally {
      await admin.disconnect();
    }
    expect(await znode('/config/brokers/<default>')).to.deep.equal({ version: 1, config: { 'log.retention.ms': '1000' } });
    const changes = await zk.children('/config/changes');
    const last = await znode(`/config/changes/${changes[changes.length - 1]}`);
    expect(last).to.deep.equal({ version: 2, entity_path: 'brokers/<default>' });
  });

  it('message.max.bytes lowered at the default level: kafkajs gets MESSAGE_TOO_LARGE at once; restored by --delete-config', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'sized', numPartitions: 1, replicationFactor: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'sized', acks: -1, messages: [{ value: 'y'.repeat(3000) }] });
      const r = await configs('--entity-default', '--alter', '--add-config', 'message.max.bytes=1000');
      expect(r.code, r.stderr).to.equal(0);
      await applied(1, 'message.max.bytes');
      await applied(2, 'message.max.bytes');
      const err = await producer.send({ topic: 'sized', acks: -1, messages: [{ value: 'y'.repeat(3000) }] }).then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message).to.match(/larger than the max message size/);
      const del = await configs('--entity-default', '--alter', '--delete-config', 'message.max.bytes');
      expect(del.code, del.stderr).to.equal(0);
      await waitFor(
        'message.max.bytes restored',
        async () =>
          producer.send({ topic: 'sized', acks: -1, messages: [{ value: 'y'.repeat(3000) }] }).then(
            () => true,
            () => false,
          ),
        20000,
      );
    } finally {
      await producer.disconnect();
    }
    expect(await znode('/config/brokers/<default>')).to.deep.equal({ version: 1, config: { 'log.retention.ms': '1000' } });
  });

  it('per-broker values win over the default for that broker only; DescribeConfigs shows the sources in order', async () => {
    const r = await configs('--entity-name', '2', '--alter', '--add-config', 'log.retention.ms=7200000,log.cleaner.backoff.ms=9000');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('Completed updating config for broker 2.\n');
    await applied(2, 'log.cleaner.backoff.ms');
    expect(await znode('/config/brokers/2')).to.deep.equal({ version: 1, config: { 'log.retention.ms': '7200000', 'log.cleaner.backoff.ms': '9000' } });

    const two = await describe(2, '2', ['log.retention.ms', 'log.retention.hours', 'num.io.threads', 'broker.id']);
    const byName = new Map(two.configs.map((c) => [c.name, c]));
    const ret = byName.get('log.retention.ms')!;
    expect([ret.value, ret.configSource, ret.readOnly]).to.deep.equal(['7200000', ConfigSource.DYNAMIC_BROKER_CONFIG, false]);
    expect(ret.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`)).to.deep.equal([
      `${ConfigSource.DYNAMIC_BROKER_CONFIG}:log.retention.ms=7200000`,
      `${ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG}:log.retention.ms=1000`,
      `${ConfigSource.DEFAULT_CONFIG}:log.retention.hours=168`,
    ]);
    expect(byName.get('log.retention.hours')!.readOnly).to.equal(true);
    expect([byName.get('num.io.threads')!.readOnly, byName.get('num.io.threads')!.configSource]).to.deep.equal([false, ConfigSource.DEFAULT_CONFIG]);
    expect([byName.get('broker.id')!.readOnly, byName.get('broker.id')!.configSource]).to.deep.equal([true, ConfigSource.STATIC_BROKER_CONFIG]);
    const one = await describe(1, '1', ['log.retention.ms']);
    expect([one.configs[0].value, one.configs[0].configSource]).to.deep.equal(['1000', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]);

    // A topic without an override reports the broker default it follows, with the dynamic level as its source.
    const topicRetention = async (brokerId: number) => {
      const c = new NetworkClient('127.0.0.1', cluster.broker(brokerId).port, 'it-dynconfig', 10000);
      try {
        const r = await c.send(DescribeConfigsApi, 4, {
          resources: [{ resourceType: ConfigResourceType.TOPIC, resourceName: 'retained', configurationKeys: ['retention.ms'] }],
          includeSynonyms: true,
          includeDocumentation: false,
        });
        const e = r.results[0].configs[0];
        return [e.value, e.configSource, e.synonyms[0]?.name];
      } finally {
        c.close();
      }
    };
    expect(await topicRetention(1)).to.deep.equal(['1000', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, 'log.retention.ms']);
    expect(await topicRetention(2)).to.deep.equal(['7200000', ConfigSource.DYNAMIC_BROKER_CONFIG, 'log.retention.ms']);

    // kafka-configs --describe prints Kafka's lines for the per-broker and the default level.
    const d2 = await configs('--entity-name', '2', '--describe');
    expect(d2.stdout).to.equal(
      'Dynamic configs for broker 2 are:\n' +
        '  log.cleaner.backoff.ms=9000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.backoff.ms=9000, DEFAULT_CONFIG:log.cleaner.backoff.ms=15000}\n' +
        '  log.retention.ms=7200000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.ms=7200000, DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=1000, DEFAULT_CONFIG:log.retention.hours=168}\n',
    );
    const dd = await configs('--entity-default', '--describe');
    expect(dd.stdout).to.equal(
      'Default configs for brokers in the cluster are:\n  log.retention.ms=1000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=1000}\n',
    );
  });

  it("refuses what Kafka refuses, with its errors, and writes nothing: non-dynamic keys, bad values, another broker's id", async () => {
    const before = await zk.children('/config/changes');
    const ro = await configs('--entity-default', '--alter', '--add-config', 'auto.create.topics.enable=false');
    expect(ro.code).to.not.equal(0);
    expect(ro.stdout + ro.stderr).to.contain(
      "Invalid config value for resource ConfigResource(type=BROKER, name=''): Cannot update these configs dynamically: Set(auto.create.topics.enable)",
    );
    const bad = await configs('--entity-default', '--alter', '--add-config', 'log.retention.ms=soon');
    expect(bad.code).to.not.equal(0);
    expect(bad.stdout + bad.stderr).to.contain('Invalid value soon for configuration log.retention.ms: Not a number of type LONG');
    const perBroker = await configs('--entity-default', '--alter', '--add-config', 'listener.name.plaintext.ssl.keystore.location=/tmp/x.p12');
    expect(perBroker.stdout + perBroker.stderr).to.contain(
      'Cannot update these configs at default cluster level, broker id must be specified: Set(listener.name.plaintext.ssl.keystore.location)',
    );
    const threads = await configs('--entity-name', '1', '--alter', '--add-config', 'num.io.threads=100');
    expect(threads.stdout + threads.stderr).to.contain(
      "Invalid config value for resource ConfigResource(type=BROKER, name='1'): Invalid dynamic configuration",
    );

    // AlterConfigs for broker 2's resource sent to broker 1; validateOnly; IncrementalAlterConfigs APPEND on a non-list.
    const c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it-dynconfig', 10000);
    try {
      const wrong = await c.send(AlterConfigsApi, 2, {
        validateOnly: false,
        resources: [{ resourceType: ConfigResourceType.BROKER, resourceName: '2', configs: [{ name: 'log.retention.ms', value: '5' }] }],
      });
      expect([wrong.responses[0].errorCode, wrong.responses[0].errorMessage]).to.deep.equal([
        ErrorCode.INVALID_REQUEST,
        'Unexpected broker id, expected 1, but received 2',
      ]);
      const only = await c.send(AlterConfigsApi, 2, {
        validateOnly: true,
        resources: [{ resourceType: ConfigResourceType.BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', value: '5' }] }],
      });
      expect(only.responses[0].errorCode).to.equal(ErrorCode.NONE);
      const inc = await c.send(IncrementalAlterConfigsApi, 1, {
        validateOnly: false,
        resources: [{ resourceType: ConfigResourceType.BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: 2, value: '5' }] }],
      });
      expect(inc.responses[0].errorCode).to.equal(ErrorCode.INVALID_CONFIG);
    } finally {
      c.close();
    }
    expect(await zk.children('/config/changes')).to.deep.equal(before);
    expect(await znode('/config/brokers/<default>')).to.deep.equal({ version: 1, config: { 'log.retention.ms': '1000' } });
  });
});
