import { expect } from 'chai';
import * as path from 'path';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
/** Built by test/clients/install.sh (npm test's pretest) outside the main install; see there why. */
const MODULE = path.resolve(__dirname, '../../../../test/clients/confluent-kafka-javascript/node_modules/@confluentinc/kafka-javascript');

/**
 * @confluentinc/kafka-javascript 1.10 (librdkafka 2.15 inside, through its KafkaJS-compatible API): admin, an
 * idempotent acks=all producer and a consumer group reading everything back.
 */
describe('integration: @confluentinc/kafka-javascript (librdkafka 2.x)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let KafkaJS: any;

  before(async () => {
    KafkaJS = (require(MODULE) as { KafkaJS: any }).KafkaJS;
    cluster = await TestCluster.start({ brokers: 3 });
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const client = () => new KafkaJS.Kafka({ kafkaJS: { brokers: cluster.bootstrap, logLevel: KafkaJS.logLevel.NOTHING } });

  it('admin creates and lists a topic', async () => {
    const admin = client().admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'ckjs', numPartitions: 3, replicationFactor: 3 }] });
      await waitFor('the topic to be listed', async () => ((await admin.listTopics()) as string[]).includes('ckjs'));
    } finally {
      await admin.disconnect();
    }
  });

  it('an idempotent acks=all producer, then a consumer group reads every record back', async () => {
    const producer = client().producer({ 'enable.idempotence': true, acks: -1 });
    await producer.connect();
    const sent: string[] = [];
    try {
      for (let i = 0; i < 30; i++) sent.push(`ckjs-${i}`);
      await producer.send({ topic: 'ckjs', messages: sent.map((v, i) => ({ key: `k${i % 5}`, value: v })) });
    } finally {
      await producer.disconnect();
    }
    const consumer = client().consumer({ kafkaJS: { groupId: 'ckjs-group', fromBeginning: true } });
    await consumer.connect();
    const got: string[] = [];
    try {
      await consumer.subscribe({ topic: 'ckjs' });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ message }: { message: { value: Buffer } }) => {
              got.push(message.value.toString());
              if (got.length === sent.length) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    expect([...got].sort()).to.deep.equal([...sent].sort());
  });
});
