import { expect } from 'chai';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';

/**
 * Exactly-once with kafkajs on a real 3-broker ZooKeeper cluster: producer.transaction() commit and abort seen by a
 * read_committed consumer (readUncommitted: false), and consume-transform-produce, where the consumed offsets are
 * committed inside the transaction (sendOffsets: AddOffsetsToTxn + TxnOffsetCommit) so an aborted transaction leaves
 * neither its output nor its offsets behind.
 */
describe('integration: exactly-once with kafkajs (transactions, read_committed, sendOffsets)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  const consumers: Consumer[] = [];

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 3,
      overrides: {
        'offsets.topic.num.partitions': '3',
        'transaction.state.log.num.partitions': '3',
        'transaction.state.log.replication.factor': '3',
        'transaction.state.log.min.isr': '2',
      },
    });
    kafka = new Kafka({ clientId: 'it-eos', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: ['eos-in', 'eos-out', 'eos-plain'].map((topic) => ({ topic, numPartitions: 2, replicationFactor: 3 })),
      waitForLeaders: true,
    });
    await admin.disconnect();
  });

  after(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  /** Everything a read_committed consumer of a fresh group reads from the topic, until `done` says so. */
  async function consumeAll(topic: string, done: (values: string[]) => boolean): Promise<string[]> {
    const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}`, readUncommitted: false, maxWaitTimeInMs: 200 });
    consumers.push(consumer);
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    try {
      await waitFor(`records of ${topic}`, async () => done(values), 40000);
    } finally {
      await consumer.disconnect();
    }
    return values;
  }

  it('producer.transaction(): committed records are read, aborted ones are not', async () => {
    const producer = kafka.producer({ transactionalId: 'kjs-tx', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const t1 = await producer.transaction();
      await t1.send({ topic: 'eos-plain', messages: [{ value: 'c-0' }, { value: 'c-1' }] });
      await t1.commit();
      const t2 = await producer.transaction();
      await t2.send({ topic: 'eos-plain', messages: [{ value: 'a-0' }, { value: 'a-1' }] });
      await t2.abort();
      const t3 = await producer.transaction();
      await t3.send({ topic: 'eos-plain', messages: [{ value: 'c-2' }] });
      await t3.commit();
    } finally {
      await producer.disconnect();
    }
    const values = await consumeAll('eos-plain', (v) => v.includes('c-2') && v.includes('c-0') && v.includes('c-1'));
    expect(values.filter((v) => v.startsWith('a-'))).to.deep.equal([]);
    expect([...values].sort()).to.deep.equal(['c-0', 'c-1', 'c-2']);
  });

  it('consume-transform-produce: offsets commit with the output; an aborted batch is reprocessed, never duplicated', async () => {
    const input = kafka.producer();
    await input.connect();
    await input.send({ topic: 'eos-in', messages: [0, 1, 2, 3, 4, 5].map((i) => ({ key: String(i), value: `in-${i}` })) });
    await input.disconnect();

    const group = 'eos-transformer';
    const producer = kafka.producer({ transactionalId: 'kjs-transformer', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    /** One round: read the `expected` records the group has not committed, transform, send + sendOffsets, commit or abort. */
    const round = async (commit: boolean, expected: number): Promise<void> => {
      const consumer = kafka.consumer({ groupId: group, readUncommitted: false, maxWaitTimeInMs: 200 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic: 'eos-in', fromBeginning: true });
      const batch: Array<{ partition: number; offset: string; value: string }> = [];
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => void batch.push({ partition, offset: message.offset, value: message.value!.toString() }),
      });
      await waitFor(`${expected} input records`, async () => batch.length >= expected, 40000);
      await consumer.disconnect();
      const txn = await producer.transaction();
      await txn.send({ topic: 'eos-out', messages: batch.map((m) => ({ value: m.value.replace('in-', 'out-') })) });
      const last = new Map<number, number>();
      for (const m of batch) last.set(m.partition, Math.max(last.get(m.partition) ?? -1, Number(m.offset)));
      await txn.sendOffsets({
        consumerGroupId: group,
        topics: [{ topic: 'eos-in', partitions: [...last].map(([partition, offset]) => ({ partition, offset: String(offset + 1) })) }],
      });
      if (commit) await txn.commit();
      else await txn.abort();
    };
    try {
      await round(false, 6);
      // The abort left the group's offsets where they were: all six come again, and this time they commit.
      await round(true, 6);
    } finally {
      await producer.disconnect();
    }
    const out = await consumeAll('eos-out', (v) => v.length >= 6);
    expect([...out].sort()).to.deep.equal(['out-0', 'out-1', 'out-2', 'out-3', 'out-4', 'out-5']);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId: group, topics: ['eos-in'] });
      const total = offsets[0].partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
      expect(total).to.equal(6);
    } finally {
      await admin.disconnect();
    }
  });
});
