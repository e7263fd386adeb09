import { expect } from 'chai';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import {
  AddPartitionsToTxnApi,
  DescribeTransactionsApi,
  EndTxnApi,
  FindCoordinatorApi,
  InitProducerIdApi,
  ListTransactionsApi,
  MetadataApi,
} from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { kcat, run } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const TXN_PY = path.join(ROOT, 'test', 'integration', 'transactions', 'py', 'txn.py');

/**
 * The transaction coordinator on a real 3-broker ZooKeeper cluster with librdkafka's transactional producer
 * (python3-confluent-kafka): commits are visible to read_committed readers (kcat), aborts are not; a second producer
 * with the same transactional.id fences the first; a producer killed inside a transaction has it aborted by the
 * coordinator's timeout; bad requests get Kafka's errors and change nothing.
 */
describe('integration: transaction coordinator (librdkafka transactional producer, kcat read_committed)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  const TOPIC = 'eos';

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 3,
      overrides: {
        'offsets.topic.num.partitions': '5',
        'transaction.state.log.num.partitions': '5',
        'transaction.state.log.replication.factor': '3',
        'transaction.state.log.min.isr': '2',
        'transaction.abort.timed.out.transaction.cleanup.interval.ms': '1000',
      },
    });
    const kafka = new Kafka({ clientId: 'it-txcoord', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const bootstrap = () => cluster.bootstrap.join(',');

  async function withClient<T>(port: number, fn: (c: NetworkClient) => Promise<T>): Promise<T> {
    const c = new NetworkClient('127.0.0.1', port, 'it-txcoord-raw', 15000);
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  }

  /** FindCoordinator(TRANSACTION) until a coordinator is known: its port. */
  async function coordinatorPort(txnId: string): Promise<{ nodeId: number; port: number }> {
    return waitFor(`the transaction coordinator of ${txnId}`, async () => {
      const r = await withClient(cluster.bootstrap.length ? Number(cluster.bootstrap[0].split(':')[1]) : 0, (c) =>
        c.send(FindCoordinatorApi, 3, { key: txnId, keyType: 1, coordinatorKeys: [] }),
      );
      return r.errorCode === ErrorCode.NONE ? { nodeId: r.nodeId, port: r.port } : undefined;
    });
  }

  async function readValues(isolation: 'read_committed' | 'read_uncommitted'): Promise<string[]> {
    const r = await kcat(['-b', bootstrap(), '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-X', `isolation.level=${isolation}`, '-f', '%s\n'], {
      timeoutMs: 30000,
    });
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout.split('\n').filter((l) => l.length > 0);
  }

  function py(mode: string, txnId: string, n = 3, prefix = txnId, timeoutMs = 60000) {
    return run(PYTHON, [TXN_PY, bootstrap(), mode, TOPIC, txnId, String(n), prefix, String(timeoutMs)], { timeoutMs: 90000 });
  }

  it('Metadata naming __transaction_state creates it with its own partitions, replication and configs', async () => {
    const port = cluster.broker(1).port;
    const md = await withClient(port, (c) => c.send(MetadataApi, 4, { topics: [{ name: '__transaction_state' }], allowAutoTopicCreation: true }));
    expect([ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.NONE]).to.include(md.topics[0].errorCode);
    const created = await waitFor('__transaction_state with leaders', async () => {
      const m = await cluster.metadata(1, ['__transaction_state']);
      const t = m.topics[0];
      return t && t.errorCode === 0 && t.partitions.length === 5 && t.partitions.every((p) => p.leaderId >= 0) ? t : undefined;
    });
    expect(created.isInternal).to.equal(true);
    expect(created.partitions.every((p) => p.replicaNodes.length === 3)).to.equal(true);
    const kafka = new Kafka({ clientId: 'it-txcoord', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const res = await admin.describeConfigs({ resources: [{ type: 2, name: '__transaction_state' }], includeSynonyms: false });
      const cfg = Object.fromEntries(res.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
      expect(cfg).to.include({
        'cleanup.policy': 'compact',
        'compression.type': 'uncompressed',
        'min.insync.replicas': '2',
        'unclean.leader.election.enable': 'false',
        'segment.bytes': '104857600',
      });
    } finally {
      await admin.disconnect();
    }
  });

  it('commit is visible to read_committed readers, abort is not (but read_uncommitted sees both)', async () => {
    const c = await py('commit', 'tx-commit', 3, 'committed');
    expect(c.stdout, c.stderr).to.contain('committed');
    const a = await py('abort', 'tx-abort', 3, 'aborted');
    expect(a.stdout, a.stderr).to.contain('aborted');
    const committed = await waitFor('the committed records', async () => {
      const v = await readValues('read_committed');
      return v.filter((x) => x.startsWith('committed-')).length === 3 ? v : undefined;
    });
    expect(committed.filter((x) => x.startsWith('aborted-'))).to.deep.equal([]);
    const all = await readValues('read_uncommitted');
    expect(all.filter((x) => x.startsWith('aborted-')).sort()).to.deep.equal(['aborted-0', 'aborted-1', 'aborted-2']);

    // The coordinator reports both ids as complete.
    const { port } = await coordinatorPort('tx-commit');
    const d = await withClient(port, (cl) => cl.send(DescribeTransactionsApi, 0, { transactionalIds: ['tx-commit'] }));
    expect(d.transactionStates[0]).to.include({ errorCode: 0, transactionState: 'CompleteCommit', transactionTimeoutMs: 60000 });
  });

  it('a second producer with the same transactional.id fences the first; only its records commit', async () => {
    const r = await py('fence', 'tx-fence', 2, 'fence');
    expect(r.stdout, r.stderr).to.match(/fenced:_FENCED:fatal=True|fenced:(PRODUCER_FENCED|INVALID_PRODUCER_EPOCH)/);
    expect(r.stdout).to.contain('b-committed');
    const v = await waitFor('the second producer records', async () => {
      const vals = await readValues('read_committed');
      return vals.filter((x) => x.startsWith('fence-b-')).length === 2 ? vals : undefined;
    });
    expect(v.filter((x) => /^fence-\d/.test(x))).to.deep.equal([]);
  });

  it("a SIGKILLed producer's open transaction is aborted by the coordinator after transaction.timeout.ms (epoch bumped)", async () => {
    const { spawn } = await import('child_process');
    const proc = spawn(PYTHON, [TXN_PY, bootstrap(), 'hang', TOPIC, 'tx-hang', '2', 'hung', '3000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor('the hanging producer to open its transaction', async () => out.includes('open') || out.includes('error:'), 60000);
      expect(out).to.contain('open');
    } finally {
      proc.kill('SIGKILL');
    }
    const { port } = await coordinatorPort('tx-hang');
    const ongoing = await withClient(port, (c) => c.send(DescribeTransactionsApi, 0, { transactionalIds: ['tx-hang'] }));
    const epoch = ongoing.transactionStates[0].producerEpoch;
    const done = await waitFor(
      'the timed-out transaction to be aborted',
      async () => {
        const d = await withClient(port, (c) => c.send(DescribeTransactionsApi, 0, { transactionalIds: ['tx-hang'] }));
        return d.transactionStates[0].transactionState === 'CompleteAbort' ? d.transactionStates[0] : undefined;
      },
      20000,
    );
    expect(done.producerEpoch).to.equal(epoch + 1);
    // The LSO moved past it: a later commit is readable, the hung records never are.
    const c = await py('commit', 'tx-after-hang', 1, 'after');
    expect(c.stdout, c.stderr).to.contain('committed');
    const v = await waitFor('records after the aborted transaction', async () => {
      const vals = await readValues('read_committed');
      return vals.includes('after-0') ? vals : undefined;
    });
    expect(v.filter((x) => x.startsWith('hung-'))).to.deep.equal([]);
  });

  it('bad input: EndTxn for an unknown id, AddPartitionsToTxn with a stale epoch (per version), nothing written', async () => {
    const { port } = await coordinatorPort('tx-bad');
    const end = await withClient(port, (c) => c.send(EndTxnApi, 3, { transactionalId: 'tx-bad', producerId: 12345, producerEpoch: 0, committed: true }));
    expect(end.errorCode).to.equal(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const init = await waitFor('InitProducerId', async () => {
      const r = await withClient(port, (c) =>
        c.send(InitProducerIdApi, 4, { transactionalId: 'tx-bad', transactionTimeoutMs: 10000, producerId: -1, producerEpoch: -1 }),
      );
      return r.errorCode === 0 ? r : undefined;
    });
    await withClient(port, (c) => c.send(InitProducerIdApi, 4, { transactionalId: 'tx-bad', transactionTimeoutMs: 10000, producerId: -1, producerEpoch: -1 }));
    const add = (version: number) =>
      withClient(port, (c) =>
        c.send(AddPartitionsToTxnApi, version, {
          transactions: [],
          v3AndBelowTransactionalId: 'tx-bad',
          v3AndBelowProducerId: init.producerId,
          v3AndBelowProducerEpoch: init.producerEpoch, // stale: the second init bumped it
          v3AndBelowTopics: [{ name: TOPIC, partitions: [0] }],
        }),
      );
    expect((await add(1)).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).to.equal(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await add(3)).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).to.equal(ErrorCode.PRODUCER_FENCED);
    // The same per-version answer for EndTxn (PRODUCER_FENCED from v2) and InitProducerId (from v4, KIP-360 fields).
    const staleEnd = (version: number) =>
      withClient(port, (c) =>
        c.send(EndTxnApi, version, { transactionalId: 'tx-bad', producerId: init.producerId, producerEpoch: init.producerEpoch, committed: false }),
      );
    expect((await staleEnd(1)).errorCode).to.equal(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await staleEnd(2)).errorCode).to.equal(ErrorCode.PRODUCER_FENCED);
    const kip360 = (version: number, producerId: number, producerEpoch: number) =>
      withClient(port, (c) => c.send(InitProducerIdApi, version, { transactionalId: 'tx-bad', transactionTimeoutMs: 10000, producerId, producerEpoch }));
    expect((await kip360(3, 999999, 0)).errorCode).to.equal(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await kip360(4, 999999, 0)).errorCode).to.equal(ErrorCode.PRODUCER_FENCED);
    expect(await kip360(4, init.producerId, -1)).to.include({ errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1 });
    // An unknown partition fails the whole request; the known ones are not attempted.
    const unknown = await withClient(port, (c) =>
      c.send(AddPartitionsToTxnApi, 3, {
        transactions: [],
        v3AndBelowTransactionalId: 'tx-bad',
        v3AndBelowProducerId: init.producerId,
        v3AndBelowProducerEpoch: init.producerEpoch + 1,
        v3AndBelowTopics: [
          { name: TOPIC, partitions: [0] },
          { name: 'no-such-topic', partitions: [0] },
        ],
      }),
    );
    const codes = Object.fromEntries(unknown.resultsByTopicV3AndBelow.map((t) => [t.name, t.resultsByPartition[0].partitionErrorCode]));
    expect(codes).to.deep.equal({ [TOPIC]: ErrorCode.OPERATION_NOT_ATTEMPTED, 'no-such-topic': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    const d = await withClient(port, (c) => c.send(DescribeTransactionsApi, 0, { transactionalIds: ['tx-bad', 'never-seen'] }));
    expect(d.transactionStates[0]).to.include({ errorCode: 0, transactionState: 'Empty', producerEpoch: init.producerEpoch + 1 });
    expect(d.transactionStates[0].topics).to.deep.equal([]);
    expect(d.transactionStates[1].errorCode).to.equal(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    // ListTransactions on every broker together knows tx-bad as Empty; an unknown state filter is echoed.
    const lists = await Promise.all(
      [...cluster.brokers.values()].map((b) =>
        withClient(b.port, (c) => c.send(ListTransactionsApi, 0, { stateFilters: ['Empty', 'Nope'], producerIdFilters: [] })),
      ),
    );
    expect(lists.every((l) => l.errorCode === 0 && l.unknownStateFilters.includes('Nope'))).to.equal(true);
    expect(lists.flatMap((l) => l.transactionStates).find((s) => s.transactionalId === 'tx-bad')).to.include({ transactionState: 'Empty' });
  });

  it('AddPartitionsToTxn v4 (broker to coordinator): batched transactions, verifyOnly answers without adding', async () => {
    const { port } = await coordinatorPort('tx-v4');
    const init = await waitFor('InitProducerId', async () => {
      const r = await withClient(port, (c) =>
        c.send(InitProducerIdApi, 4, { transactionalId: 'tx-v4', transactionTimeoutMs: 10000, producerId: -1, producerEpoch: -1 }),
      );
      return r.errorCode === 0 ? r : undefined;
    });
    const v4 = (verifyOnly: boolean, transactionalId = 'tx-v4') =>
      withClient(port, (c) =>
        c.send(AddPartitionsToTxnApi, 4, {
          transactions: [
            { transactionalId, producerId: init.producerId, producerEpoch: init.producerEpoch, verifyOnly, topics: [{ name: TOPIC, partitions: [1] }] },
          ],
          v3AndBelowTransactionalId: '',
          v3AndBelowProducerId: -1,
          v3AndBelowProducerEpoch: -1,
          v3AndBelowTopics: [],
        }),
      );
    const codeOf = (r: Awaited<ReturnType<typeof v4>>) =>
      r.resultsByTransaction.map((t) => [t.transactionalId, t.topicResults[0].resultsByPartition[0].partitionErrorCode]);
    expect(codeOf(await v4(true))).to.deep.equal([['tx-v4', ErrorCode.INVALID_TXN_STATE]]);
    expect(codeOf(await v4(false))).to.deep.equal([['tx-v4', ErrorCode.NONE]]);
    expect(codeOf(await v4(true))).to.deep.equal([['tx-v4', ErrorCode.NONE]]);
    // An id this coordinator owns but has never seen.
    const here = (await coordinatorPort('tx-v4')).nodeId;
    let unknownId = '';
    for (let i = 0; !unknownId; i++) if ((await coordinatorPort(`tx-unknown-${i}`)).nodeId === here) unknownId = `tx-unknown-${i}`;
    expect(codeOf(await v4(true, unknownId))).to.deep.equal([[unknownId, ErrorCode.INVALID_PRODUCER_ID_MAPPING]]);
    const d = await withClient(port, (c) => c.send(DescribeTransactionsApi, 0, { transactionalIds: ['tx-v4'] }));
    expect(d.transactionStates[0]).to.deep.include({ transactionState: 'Ongoing', topics: [{ topic: TOPIC, partitions: [1] }] });
    const end = await withClient(port, (c) =>
      c.send(EndTxnApi, 3, { transactionalId: 'tx-v4', producerId: init.producerId, producerEpoch: init.producerEpoch, committed: false }),
    );
    expect(end.errorCode).to.equal(ErrorCode.NONE);
  });
});
