/**
 * DescribeConfigs' include_synonyms against a real broker: false gives every entry an empty synonym list
 * (its source is still reported); true lists them as Kafka's ConfigHelper does: the topic override, then the
 * static values of the broker synonyms, then their defaults, from the entry's own broker key on. Raw v1/v2
 * requests, kafkajs and kafka-python.
 */
import { expect } from 'chai';
import { execFile } from 'child_process';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { DescribeConfigsApi } from '../../../src/protocol/apis';
import { ConfigResourceType, ConfigSource, DescribeConfigsResourceConfig } from '../../../src/protocol/apis/32-describe-configs';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';

const PYTHON = '/usr/bin/python3';
const TOPIC = 'syn-topic';

function runPython(code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ['-c', code], { timeout: 60000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

describe('integration: DescribeConfigs include_synonyms', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 1, overrides: { 'log.retention.hours': '100', 'log.segment.bytes': '536870912' } });
    kafka = new Kafka({ clientId: 'it-synonyms', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: TOPIC, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }] }],
      waitForLeaders: true,
    });
    await admin.disconnect();
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const describeRaw = async (v: number, includeSynonyms: boolean): Promise<Map<string, DescribeConfigsResourceConfig>[]> => {
    const c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'raw-test', 10000);
    try {
      const res = await c.send(DescribeConfigsApi, v, {
        includeSynonyms,
        resources: [
          { resourceType: ConfigResourceType.TOPIC, resourceName: TOPIC, configurationKeys: null },
          { resourceType: ConfigResourceType.BROKER, resourceName: '1', configurationKeys: null },
        ],
      });
      expect(res.results.map((r) => r.errorCode)).to.deep.equal([ErrorCode.NONE, ErrorCode.NONE]);
      return res.results.map((r) => new Map(r.configs.map((e) => [e.name, e])));
    } finally {
      c.close();
    }
  };

  for (const v of [1, 2]) {
    it(`v${v}: include_synonyms=false answers no synonyms at all, with each entry's source`, async () => {
      const [topic, broker] = await describeRaw(v, false);
      expect(topic.size).to.be.greaterThan(20);
      expect(broker.size).to.be.greaterThan(50);
      for (const e of [...topic.values(), ...broker.values()]) expect(e.synonyms, e.name).to.deep.equal([]);
      expect(topic.get('retention.ms')).to.include({ value: '3600000', configSource: ConfigSource.TOPIC_CONFIG });
      expect(topic.get('segment.bytes')).to.include({ value: '536870912', configSource: ConfigSource.STATIC_BROKER_CONFIG });
      expect(topic.get('cleanup.policy')).to.include({ value: 'delete', configSource: ConfigSource.DEFAULT_CONFIG });
      expect(broker.get('log.retention.hours')).to.include({ value: '100', configSource: ConfigSource.STATIC_BROKER_CONFIG });
      expect(broker.get('num.io.threads')).to.include({ value: '8', configSource: ConfigSource.DEFAULT_CONFIG });
    });

    it(`v${v}: include_synonyms=true lists them in Kafka's order`, async () => {
      const [topic, broker] = await describeRaw(v, true);
      const syn = (e: DescribeConfigsResourceConfig | undefined) => e!.synonyms.map((s) => [s.source, s.name, s.value]);
      expect(syn(topic.get('retention.ms'))).to.deep.equal([[ConfigSource.TOPIC_CONFIG, 'retention.ms', '3600000']]);
      expect(syn(topic.get('segment.bytes'))).to.deep.equal([
        [ConfigSource.STATIC_BROKER_CONFIG, 'log.segment.bytes', '536870912'],
        [ConfigSource.DEFAULT_CONFIG, 'log.segment.bytes', '1073741824'],
      ]);
      expect(syn(topic.get('cleanup.policy'))).to.deep.equal([[ConfigSource.DEFAULT_CONFIG, 'log.cleanup.policy', 'delete']]);
      expect(syn(broker.get('log.retention.hours'))).to.deep.equal([
        [ConfigSource.STATIC_BROKER_CONFIG, 'log.retention.hours', '100'],
        [ConfigSource.DEFAULT_CONFIG, 'log.retention.hours', '168'],
      ]);
      expect(syn(broker.get('num.io.threads'))).to.deep.equal([[ConfigSource.DEFAULT_CONFIG, 'num.io.threads', '8']]);
    });
  }

  it('kafkajs and kafka-python see no synonyms unless they ask for them', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const resources = [
        { type: ConfigResourceTypes.TOPIC, name: TOPIC },
        { type: ConfigResourceTypes.BROKER, name: '1' },
      ];
      const without = await admin.describeConfigs({ includeSynonyms: false, resources });
      const entries = without.resources.flatMap((r) => r.configEntries);
      expect(entries.length).to.be.greaterThan(70);
      for (const e of entries) expect(e.configSynonyms, e.configName).to.deep.equal([]);
      const withSyn = await admin.describeConfigs({ includeSynonyms: true, resources });
      const seg = withSyn.resources[0].configEntries.find((e) => e.configName === 'segment.bytes')!;
      expect(seg.configSynonyms.map((s) => s.configSource)).to.deep.equal([ConfigSource.STATIC_BROKER_CONFIG, ConfigSource.DEFAULT_CONFIG]);
    } finally {
      await admin.disconnect();
    }
    const out = await runPython(
      [
        'from kafka import KafkaAdminClient',
        'from kafka.admin import ConfigResource, ConfigResourceType',
        `a = KafkaAdminClient(bootstrap_servers='${cluster.bootstrap[0]}', request_timeout_ms=30000)`,
        'for inc in (False, True):',
        `    r = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, '${TOPIC}')], include_synonyms=inc)[0]`,
        '    cfgs = r.resources[0][4]',
        "    print(inc, len(cfgs), sum(len(c[5]) for c in cfgs), [len(c[5]) for c in cfgs if c[0] == 'segment.bytes'][0])",
        'a.close()',
      ].join('\n'),
    );
    const [off, on] = out
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    expect(off[0]).to.equal('False');
    expect(Number(off[1])).to.be.greaterThan(20);
    expect(off[2]).to.equal('0');
    expect(on[0]).to.equal('True');
    expect(Number(on[2])).to.be.greaterThan(0);
    expect(on[3]).to.equal('2');
  });
});
