import { expect } from 'chai';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { DescribeProducersApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { readPartition } from '../../helpers/readAll';

/**
 * producer.id.expiration.ms (KIP-854): a partition leader forgets a producer whose newest batch is that old, checked
 * every producer.id.expiration.check.interval.ms; DescribeProducers stops listing it, and the producer may go on
 * writing (an unknown producer's batch is accepted at any sequence).
 */
describe('integration: producer id expiration', function () {
  this.timeout(90000);
  let cluster: TestCluster;
  let producer: Producer;

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 1,
      overrides: { 'producer.id.expiration.ms': '3000', 'producer.id.expiration.check.interval.ms': '200', 'offsets.topic.replication.factor': '1' },
    });
    const kafka = new Kafka({ clientId: 'it-pid-expiry', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'exp', numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  after(async () => {
    await producer?.disconnect();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  async function activeProducers(): Promise<Array<{ producerId: number; lastSequence: number }>> {
    const c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it-pid-expiry-raw', 10000);
    try {
      const res = await c.send(DescribeProducersApi, 0, { topics: [{ name: 'exp', partitionIndexes: [0] }] });
      const p = res.topics[0].partitions[0];
      expect(p.errorCode).to.equal(ErrorCode.NONE);
      return p.activeProducers.map((a) => ({ producerId: a.producerId, lastSequence: a.lastSequence }));
    } finally {
      c.close();
    }
  }

  it('forgets an idle producer after producer.id.expiration.ms; the producer then writes on and is listed again', async () => {
    await producer.send({ topic: 'exp', acks: -1, messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.send({ topic: 'exp', acks: -1, messages: [{ value: 'c' }] });
    const listed = await activeProducers();
    expect(listed).to.have.length(1);
    expect(listed[0].lastSequence).to.equal(2);

    await waitFor('the idle producer to expire', async () => (await activeProducers()).length === 0, 20000, 200);

    // Its next batch carries sequence 3; with no state left the leader accepts it.
    await producer.send({ topic: 'exp', acks: -1, messages: [{ value: 'd' }] });
    const again = await activeProducers();
    expect(again.map((a) => [a.producerId, a.lastSequence])).to.deep.equal([[listed[0].producerId, 3]]);
    expect(await readPartition(cluster.broker(1).port, 'exp', 0, 4)).to.deep.equal(['a', 'b', 'c', 'd']);
  });
});
