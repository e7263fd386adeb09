import { expect } from 'chai';
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { DescribeTransactionsApi, FindCoordinatorApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const TXN_PY = path.join(ROOT, 'test', 'integration', 'transactions', 'py', 'txn.py');

/**
 * The broker that coordinates a transaction is SIGKILLed while the transaction is open. __transaction_state is
 * replicated (acks=all), so the partition's new leader loads the transaction and becomes its coordinator: the
 * producer's commit (librdkafka rediscovers the coordinator) completes it there, and read_committed readers see all
 * of its records, never a part. A transaction whose producer died with the coordinator is aborted by the new
 * coordinator's timeout instead, and none of it is ever visible.
 */
describe('integration: transaction coordinator failover (SIGKILL of the coordinator broker)', function () {
  this.timeout(150000);
  let cluster: TestCluster;
  const TOPIC = 'eos-failover';
  const procs: ChildProcess[] = [];

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 3,
      overrides: {
        'offsets.topic.num.partitions': '3',
        'transaction.state.log.num.partitions': '3',
        'transaction.state.log.replication.factor': '3',
        'transaction.state.log.min.isr': '2',
        'transaction.abort.timed.out.transaction.cleanup.interval.ms': '1000',
      },
    });
    const kafka = new Kafka({ clientId: 'it-txfailover', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
  });

  after(async () => {
    for (const p of procs) p.kill('SIGKILL');
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const alivePort = () => [...cluster.brokers.values()].find((b) => b.proc)!.port;

  async function withClient<T>(port: number, fn: (c: NetworkClient) => Promise<T>): Promise<T> {
    const c = new NetworkClient('127.0.0.1', port, 'it-txfailover-raw', 10000);
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  }

  async function coordinatorOf(txnId: string): Promise<{ nodeId: number; port: number }> {
    return waitFor(
      `the transaction coordinator of ${txnId}`,
      async () => {
        const r = await withClient(alivePort(), (c) => c.send(FindCoordinatorApi, 3, { key: txnId, keyType: 1, coordinatorKeys: [] })).catch(() => null);
        return r && r.errorCode === ErrorCode.NONE && cluster.broker(r.nodeId).proc ? { nodeId: r.nodeId, port: r.port } : undefined;
      },
      40000,
    );
  }

  async function describe(txnId: string) {
    const { port } = await coordinatorOf(txnId);
    const d = await withClient(port, (c) => c.send(DescribeTransactionsApi, 0, { transactionalIds: [txnId] }));
    return d.transactionStates[0];
  }

  async function readCommitted(): Promise<string[]> {
    const r = await kcat(
      ['-b', cluster.bootstrap.join(','), '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%s\n'],
      {
        timeoutMs: 40000,
      },
    );
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout.split('\n').filter((l) => l.length > 0);
  }

  /** A producer that opened a transaction with n records and waits for a line on stdin to commit. */
  async function openTransaction(txnId: string, n: number, prefix: string, timeoutMs: number): Promise<{ proc: ChildProcess; output: () => string }> {
    const proc = spawn(PYTHON, [TXN_PY, cluster.bootstrap.join(','), 'wait', TOPIC, txnId, String(n), prefix, String(timeoutMs)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    procs.push(proc);
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(`${txnId} to open its transaction`, async () => out.includes('open') || out.includes('error:') || proc.exitCode !== null, 60000);
    expect(out).to.contain('open');
    return { proc, output: () => out };
  }

  it('the new coordinator takes over an open transaction: the commit completes there and all records appear', async () => {
    const txnId = 'tx-failover-commit';
    const { proc, output } = await openTransaction(txnId, 6, 'fo', 60000);
    const before = await describe(txnId);
    expect(before.transactionState).to.equal('Ongoing');
    const { nodeId } = await coordinatorOf(txnId);
    await cluster.stopBroker(nodeId, 'SIGKILL');
    const after = await waitFor('a new coordinator that loaded the transaction', async () => {
      const d = await describe(txnId).catch(() => undefined);
      return d && d.errorCode === 0 ? d : undefined;
    });
    expect(after).to.include({ transactionState: 'Ongoing', producerId: before.producerId, producerEpoch: before.producerEpoch });
    // Nothing of it is visible while it is open.
    expect((await readCommitted()).filter((v) => v.startsWith('fo-'))).to.deep.equal([]);
    proc.stdin!.write('commit\n');
    await waitFor('the commit', async () => output().includes('committed') || output().includes('error:'), 90000);
    expect(output()).to.contain('committed');
    const values = await waitFor('all committed records', async () => {
      const v = (await readCommitted()).filter((x) => x.startsWith('fo-'));
      return v.length >= 6 ? v : undefined;
    });
    expect([...values].sort()).to.deep.equal(['fo-0', 'fo-1', 'fo-2', 'fo-3', 'fo-4', 'fo-5']);
    expect((await describe(txnId)).transactionState).to.equal('CompleteCommit');
    await cluster.startBroker(nodeId);
    await cluster.waitForBrokers([...cluster.brokers.keys()]);
  });

  it('a transaction whose producer died with the coordinator is aborted by the new coordinator and never visible', async () => {
    const txnId = 'tx-failover-abort';
    const { proc } = await openTransaction(txnId, 4, 'lost', 5000);
    const { nodeId } = await coordinatorOf(txnId);
    proc.kill('SIGKILL');
    await cluster.stopBroker(nodeId, 'SIGKILL');
    const d = await waitFor(
      'the new coordinator to abort the timed-out transaction',
      async () => {
        const s = await describe(txnId).catch(() => undefined);
        return s && s.transactionState === 'CompleteAbort' ? s : undefined;
      },
      60000,
    );
    expect(d.errorCode).to.equal(0);
    expect((await readCommitted()).filter((v) => v.startsWith('lost-'))).to.deep.equal([]);
  });
});
