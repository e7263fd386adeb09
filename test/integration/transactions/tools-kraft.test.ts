import { expect } from 'chai';
import { Kafka, Producer, logLevel } from 'kafkajs';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { runTool } from '../cli/cliSupport';

const table = (stdout: string): string[][] =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) =>
      l
        .split('\t')
        .slice(0, -1)
        .map((c) => c.trimEnd()),
    );

/** kafka-transactions against a KRaft node (combined broker and controller): the same answers as in ZooKeeper mode. */
describe('transactions: kafka-transactions on a KRaft cluster', function () {
  this.timeout(90000);
  let cluster: KRaftTestCluster;
  let bs: string;
  let producer: Producer;

  before(async () => {
    cluster = await KRaftTestCluster.start({
      controllers: 1,
      brokers: 1,
      combined: true,
      overrides: {
        'transaction.state.log.replication.factor': '1',
        'transaction.state.log.min.isr': '1',
        'transaction.state.log.num.partitions': '1',
        'offsets.topic.replication.factor': '1',
      },
    });
    bs = cluster.bootstrap();
    const created = await runTool('kafka-topics', ['--bootstrap-server', bs, '--create', '--topic', 'kt', '--partitions', '1']);
    expect(created.code, created.stderr).to.equal(0);
  });

  after(async () => {
    await producer?.disconnect().catch(() => undefined);
    await cluster?.shutdown();
  });

  it('lists, describes and finds the open transaction of a kafkajs producer', async () => {
    const kafka = new Kafka({ clientId: 'tools-kraft', brokers: bs.split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer({ transactionalId: 'kraft-tx', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic: 'kt', messages: [{ value: 'a' }] });

    const list = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'list']);
    expect(list.code, list.stderr).to.equal(0);
    const row = table(list.stdout).find((r) => r[0] === 'kraft-tx')!;
    expect([row[1], row[3]]).to.deep.equal(['1', 'Ongoing']);

    const d = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'describe', '--transactional-id', 'kraft-tx']);
    expect(d.code, d.stderr).to.equal(0);
    const desc = table(d.stdout)[1];
    expect([desc[0], desc[1], desc[2], desc[4], desc[8]]).to.deep.equal(['1', 'kraft-tx', row[2], 'Ongoing', 'kt-0']);

    const p = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'describe-producers', '--topic', 'kt', '--partition', '0']);
    const mine = table(p.stdout).find((r) => r[0] === row[2])!;
    expect(mine[5]).to.equal('0');

    // Known to its coordinator, so not hanging even with a zero timeout.
    const h = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'find-hanging', '--topic', 'kt', '--max-transaction-timeout', '0']);
    expect(h.code, h.stderr).to.equal(0);
    expect(table(h.stdout).length).to.equal(1);
    await txn.commit();
  });
});
