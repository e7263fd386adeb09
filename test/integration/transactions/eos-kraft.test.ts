import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';

/**
 * The same transaction coordinator on KRaft brokers (BrokerServer wiring): __transaction_state is created through
 * the controller on first FindCoordinator, and a kafkajs transactional producer's commit is visible to a
 * read_committed reader while its aborted transaction is not.
 */
describe('integration: transactions on a KRaft cluster (kafkajs producer, kcat read_committed)', function () {
  this.timeout(150000);
  let cluster: KRaftTestCluster;
  let kafka: Kafka;

  before(async () => {
    cluster = await KRaftTestCluster.start({
      controllers: 1,
      brokers: 3,
      overrides: {
        'offsets.topic.num.partitions': '3',
        'transaction.state.log.num.partitions': '3',
        'transaction.state.log.replication.factor': '3',
        'transaction.state.log.min.isr': '2',
      },
    });
    kafka = new Kafka({
      clientId: 'it-eos-kraft',
      brokers: cluster.bootstrap().split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 15, initialRetryTime: 200 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'eos-kraft', numPartitions: 2, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
  });

  after(async () => {
    await cluster?.shutdown();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs(60));
  });

  it('commit visible, abort not', async () => {
    const producer = kafka.producer({ transactionalId: 'kraft-tx', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const t1 = await producer.transaction();
      await t1.send({ topic: 'eos-kraft', messages: [{ value: 'k-c-0' }, { value: 'k-c-1' }] });
      await t1.commit();
      const t2 = await producer.transaction();
      await t2.send({ topic: 'eos-kraft', messages: [{ value: 'k-a-0' }] });
      await t2.abort();
    } finally {
      await producer.disconnect();
    }
    const values = await waitFor('the committed records', async () => {
      const r = await kcat(
        ['-b', cluster.bootstrap(), '-C', '-t', 'eos-kraft', '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%s\n'],
        {
          timeoutMs: 30000,
        },
      );
      const v = r.stdout.split('\n').filter((l) => l.length > 0);
      return v.length >= 2 ? v : undefined;
    });
    expect([...values].sort()).to.deep.equal(['k-c-0', 'k-c-1']);
  });
});
