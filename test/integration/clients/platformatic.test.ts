import { expect } from 'chai';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';

/* eslint-disable @typescript-eslint/no-explicit-any */
// @platformatic/kafka is ESM-only; the compiled tests are CommonJS, so load it with a real dynamic import.
const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<any>;

/**
 * @platformatic/kafka 1.x, a client written for Kafka 3.5+ that speaks only the flexible versions (Metadata 12,
 * Produce 9+, Fetch 12+, JoinGroup 6+, OffsetCommit/OffsetFetch 8+...): admin, an idempotent acks=all producer and
 * a consumer group reading everything back.
 */
describe('integration: @platformatic/kafka', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let pk: any;

  before(async () => {
    pk = await importEsm('@platformatic/kafka');
    cluster = await TestCluster.start({ brokers: 3 });
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('admin creates a topic whose id is the one in /brokers/topics; metadata shows it', async () => {
    const admin = new pk.Admin({ clientId: 'pk-admin', bootstrapBrokers: cluster.bootstrap });
    try {
      await admin.createTopics({ topics: ['pk-topic'], partitions: 3, replicas: 3 });
      const md = await waitFor('the topic with leaders', async () => {
        const m = await admin.metadata({ topics: ['pk-topic'] });
        const t = m.topics.get('pk-topic');
        return t && t.partitionsCount === 3 && [...t.partitions.values()].every((p: any) => p.leader >= 0) ? m : null;
      });
      const zk = await ZkReader.connect(cluster.connectString);
      try {
        const znode = JSON.parse((await zk.get('/brokers/topics/pk-topic')).data!) as { topic_id: string };
        const id = md.topics.get('pk-topic').id as string;
        expect(Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url')).to.equal(znode.topic_id);
      } finally {
        zk.close();
      }
    } finally {
      await admin.close();
    }
  });

  it('an idempotent acks=all producer, then a consumer group reads every record back and commits', async () => {
    const producer = new pk.Producer({
      clientId: 'pk-producer',
      bootstrapBrokers: cluster.bootstrap,
      serializers: pk.stringSerializers,
      idempotent: true,
      acks: -1,
    });
    const sent: string[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        const v = `value-${i}`;
        sent.push(v);
        await producer.send({ messages: [{ topic: 'pk-topic', key: `k${i % 7}`, value: v }] });
      }
    } finally {
      await producer.close();
    }
    const consumer = new pk.Consumer({
      clientId: 'pk-consumer',
      groupId: 'pk-group',
      bootstrapBrokers: cluster.bootstrap,
      deserializers: pk.stringDeserializers,
    });
    const got: string[] = [];
    try {
      const stream = await consumer.consume({ topics: ['pk-topic'], mode: 'earliest', autocommit: true, sessionTimeout: 10000, heartbeatInterval: 500 });
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (m: any) => {
          got.push(m.value);
          if (got.length === sent.length) resolve();
        });
        stream.on('error', reject);
      });
      await stream.close();
    } finally {
      await consumer.close(true);
    }
    expect([...got].sort()).to.deep.equal([...sent].sort());
  });
});
