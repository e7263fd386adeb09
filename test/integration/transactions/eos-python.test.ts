import { expect } from 'chai';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { kcat, run } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const CTP_PY = path.join(ROOT, 'test', 'integration', 'transactions', 'py', 'ctp.py');

/**
 * Consume-transform-produce with librdkafka (python3-confluent-kafka): the consumed offsets go into the transaction
 * with send_offsets_to_transaction. An aborted run leaves neither output nor offsets, so the next run reprocesses the
 * same input; the committed run's output and offsets appear together, each input exactly once.
 */
describe('integration: exactly-once consume-transform-produce with librdkafka (send_offsets_to_transaction)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;

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
    kafka = new Kafka({ clientId: 'it-eos-py', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: ['ctp-in', 'ctp-out'].map((topic) => ({ topic, numPartitions: 2, replicationFactor: 3 })), waitForLeaders: true });
    await admin.disconnect();
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const ctp = (action: 'commit' | 'abort') =>
    run(PYTHON, [CTP_PY, cluster.bootstrap.join(','), action, 'ctp-in', 'ctp-out', 'ctp-group', 'ctp-tx', '4'], { timeoutMs: 90000 });

  it('an aborted run is reprocessed; the committed run writes each output once with its offsets', async () => {
    const p = await kcat(['-b', cluster.bootstrap.join(','), '-P', '-t', 'ctp-in'], { input: 'a\nb\nc\nd\n' });
    expect(p.code, p.stderr).to.equal(0);
    const aborted = await ctp('abort');
    expect(aborted.stdout, aborted.stderr).to.contain('aborted 4');
    const committed = await ctp('commit');
    expect(committed.stdout, committed.stderr).to.contain('committed 4');
    const out = await waitFor('the output', async () => {
      const r = await kcat([
        '-b',
        cluster.bootstrap.join(','),
        '-C',
        '-t',
        'ctp-out',
        '-o',
        'beginning',
        '-e',
        '-q',
        '-X',
        'isolation.level=read_committed',
        '-f',
        '%s\n',
      ]);
      const v = r.stdout.split('\n').filter((l) => l.length > 0);
      return v.length >= 4 ? v : undefined;
    });
    expect([...out].sort()).to.deep.equal(['out-a', 'out-b', 'out-c', 'out-d']);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId: 'ctp-group', topics: ['ctp-in'] });
      // -1: a partition that got no input has no committed offset.
      expect(offsets[0].partitions.reduce((n, x) => n + Math.max(0, Number(x.offset)), 0)).to.equal(4);
    } finally {
      await admin.disconnect();
    }
  });
});
