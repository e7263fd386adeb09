import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';

/** Retention by size with real segments on disk, DeleteRecords through kafkajs, clients working throughout. */
describe('integration: retention and DeleteRecords', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let kafka: Kafka;
  const topic = 'ret-topic';

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 1,
      overrides: { 'log.retention.check.interval.ms': '300', 'log.segment.delete.delay.ms': '500' },
    });
    kafka = new Kafka({ clientId: 'it-retention', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [
            { name: 'segment.bytes', value: '4096' },
            { name: 'retention.bytes', value: '16384' },
          ],
        },
      ],
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

  const dir = () => path.join(cluster.broker(1).dataDir, `${topic}-0`);
  const logFiles = () =>
    fs
      .readdirSync(dir())
      .filter((f) => f.endsWith('.log'))
      .sort();

  it('sheds old segments by retention.bytes while producers and consumers keep working', async () => {
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 100; i++) await producer.send({ topic, acks: -1, messages: [{ value: Buffer.alloc(500, i % 256) }] });
    await waitFor(
      'old segments to be deleted',
      async () => logFiles()[0] !== '00000000000000000000.log' && !fs.readdirSync(dir()).some((f) => f.endsWith('.deleted')),
    );
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const low = Number(offsets[0].low);
    expect(low).to.be.greaterThan(0);
    expect(Number(offsets[0].high)).to.equal(100);
    expect(logFiles()[0]).to.equal(`${String(low).padStart(20, '0')}.log`);
    let total = 0;
    for (const f of logFiles()) total += fs.statSync(path.join(dir(), f)).size;
    expect(total).to.be.lessThan(16384 + 4096 + 600);

    // More produce after deletions; a fresh consumer from the beginning starts at the new log start.
    await producer.send({ topic, acks: -1, messages: [{ value: 'after-retention' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'ret-g1' });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: number[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(Number(message.offset));
      },
    });
    await waitFor('consumer to read to the end', async () => seen.includes(100));
    await consumer.disconnect();
    expect(Math.min(...seen)).to.equal(low);
  });

  it('deleteTopicRecords moves the log start offset; below it is OFFSET_OUT_OF_RANGE; beyond the HW fails', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const before = await admin.fetchTopicOffsets(topic);
      const target = Number(before[0].low) + 3;
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: String(target) }] });
      const after = await admin.fetchTopicOffsets(topic);
      expect(Number(after[0].low)).to.equal(target);
      let err: (Error & { type?: string }) | null = null;
      try {
        await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '100000' }] });
      } catch (e) {
        err = e as Error & { type?: string };
      }
      expect(err).to.not.equal(null);
      // -1 = up to the high watermark
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '-1' }] });
      const end = await admin.fetchTopicOffsets(topic);
      expect(Number(end[0].low)).to.equal(Number(end[0].high));
      await waitFor('segments below the log start offset to go', async () => logFiles().length === 1);
    } finally {
      await admin.disconnect();
    }
  });
});
