import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { ProduceApi } from '../../../src/protocol/apis';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { iterateRecords, validateBatches } from '../../../src/protocol/records/RecordBatch';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

/** Keys of the records in the closed segments of a partition folder, read from disk. */
function closedSegmentKeys(dir: string): string[] {
  const logs = fs
    .readdirSync(dir)
    .filter((f) => /^\d{20}\.log$/.test(f))
    .sort();
  const keys: string[] = [];
  for (const f of logs.slice(0, -1)) {
    const buf = fs.readFileSync(path.join(dir, f));
    if (buf.length === 0) continue;
    for (const b of validateBatches(buf)) {
      for (const r of iterateRecords(buf.subarray(b.position, b.position + b.size))) keys.push(r.key?.toString('latin1') ?? '');
    }
  }
  return keys;
}

/**
 * A topic whose overrides were written to /config/topics/<t> by `kafka-topics --zookeeper` (not by a broker's
 * CreateTopics) gets them on every replica: each broker reads the znode when it creates the log, as Kafka's
 * LogManager.getOrCreateLog does with the config the ReplicaManager fetched for the LeaderAndIsr.
 */
describe('integration: topic configs written to ZooKeeper by kafka-topics --zookeeper', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let kafka: Kafka;
  const topic = 'zk-compacted';

  before(async () => {
    cluster = await TestCluster.start({ brokers: 2, overrides: { 'log.cleaner.backoff.ms': '200' } });
    kafka = new Kafka({ clientId: 'it-zk-topic-configs', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('compacts a topic created with --zookeeper --config cleanup.policy=compact on every replica', async () => {
    const r = await runTool('kafka-topics', [
      '--zookeeper',
      cluster.connectString,
      '--create',
      '--topic',
      topic,
      '--partitions',
      '1',
      '--replication-factor',
      '2',
      '--config',
      'cleanup.policy=compact',
      '--config',
      'segment.bytes=2048',
      '--config',
      'min.cleanable.dirty.ratio=0.01',
      '--config',
      'segment.index.bytes=4096',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`Created topic ${topic}.`);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor('a leader for the topic', async () => {
        const md = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
        return !!md && md.topics[0].partitions.length === 1 && md.topics[0].partitions[0].leader >= 0 && md.topics[0].partitions[0].isr.length === 2;
      });
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    const KEYS = 5;
    for (let round = 0; round < 40; round++) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: KEYS }, (_, k) => ({ key: `k${k}`, value: `round-${round}-${'v'.repeat(40)}` })) });
    }
    // A keyless record is refused on a compacted topic (LogValidator): the producer path sees the config too.
    let err: Error | null = null;
    const strict = kafka.producer({ retry: { retries: 0 } });
    await strict.connect();
    try {
      await strict.send({ topic, acks: -1, messages: [{ value: 'no key' }] });
    } catch (e) {
      err = e as Error;
    } finally {
      await strict.disconnect();
      await producer.disconnect();
    }
    expect(err, 'keyless record on a compacted topic').to.not.equal(null);
    for (const id of [1, 2]) {
      const dir = path.join(cluster.broker(id).dataDir, `${topic}-0`);
      await waitFor(
        `broker ${id} to compact its replica to one record per key`,
        async () => {
          const keys = closedSegmentKeys(dir);
          return keys.length === KEYS && new Set(keys).size === KEYS;
        },
        60000,
      );
    }
  });

  it('a restarted broker loads the log with the topic config from ZooKeeper (active index sized by segment.index.bytes)', async () => {
    const dir = path.join(cluster.broker(2).dataDir, `${topic}-0`);
    const activeIndexSize = (): number => {
      const idx = fs
        .readdirSync(dir)
        .filter((f) => /^\d{20}\.index$/.test(f))
        .sort();
      return fs.statSync(path.join(dir, idx[idx.length - 1])).size;
    };
    expect(activeIndexSize()).to.equal(4096);
    await cluster.stopBroker(2);
    await cluster.startBroker(2);
    await cluster.waitForBrokers([1, 2]);
    // LogManager.loadLogs resizes the active segment's index to the log's maxIndexSize: the topic's 4096, not the
    // broker's 10 MiB default, because the broker read /config/topics/<t> before loading (Kafka's LogManager.startup).
    expect(activeIndexSize()).to.equal(4096);
    const producer = kafka.producer();
    await producer.connect();
    try {
      for (let round = 0; round < 20; round++) {
        await producer.send({ topic, acks: -1, messages: Array.from({ length: 5 }, (_, k) => ({ key: `k${k}`, value: `again-${round}-${'w'.repeat(40)}` })) });
      }
    } finally {
      await producer.disconnect();
    }
    await waitFor(
      'the restarted replica to compact again to one record per key',
      async () => {
        const keys = closedSegmentKeys(dir);
        return keys.length === 5 && new Set(keys).size === 5;
      },
      60000,
    );
  });

  it('stamps LogAppendTime on a topic created with --zookeeper --config message.timestamp.type=LogAppendTime', async () => {
    const t = 'zk-log-append-time';
    const r = await runTool('kafka-topics', [
      '--zookeeper',
      cluster.connectString,
      '--create',
      '--topic',
      t,
      '--replica-assignment',
      '1',
      '--config',
      'message.timestamp.type=LogAppendTime',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it-zk-topic-configs', 10000);
    try {
      const records = () => buildRecordBatch({ records: [{ key: null, value: Buffer.from('v'), timestamp: 1500000000000 }] });
      let res: { errorCode: number; logAppendTimeMs: number } | null = null;
      const before = Date.now();
      await waitFor('broker 1 to lead the new partition', async () => {
        const out = await c.send(ProduceApi, 7, {
          transactionalId: null,
          acks: 1,
          timeoutMs: 5000,
          topicData: [{ name: t, partitionData: [{ index: 0, records: records() }] }],
        });
        res = out.responses[0].partitionResponses[0];
        return res.errorCode === 0;
      });
      expect(res!.logAppendTimeMs).to.be.within(before, Date.now());

      // --alter --config on the running cluster: the /config/changes notification makes the broker apply it live.
      const alter = await runTool('kafka-topics', [
        '--zookeeper',
        cluster.connectString,
        '--alter',
        '--topic',
        t,
        '--config',
        'message.timestamp.type=CreateTime',
      ]);
      expect(alter.code, alter.stderr).to.equal(0);
      expect(alter.stdout).to.contain(`Updated config for topic ${t}.`);
      await waitFor('the broker to apply message.timestamp.type=CreateTime', async () => {
        const out = await c.send(ProduceApi, 7, {
          transactionalId: null,
          acks: 1,
          timeoutMs: 5000,
          topicData: [{ name: t, partitionData: [{ index: 0, records: records() }] }],
        });
        const p = out.responses[0].partitionResponses[0];
        return p.errorCode === 0 && p.logAppendTimeMs === -1;
      });
    } finally {
      c.close();
    }
  });
});
