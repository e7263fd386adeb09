import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, Producer, Transaction, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { InitProducerIdApi, ProduceApi } from '../../../src/protocol/apis';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

const TOPIC = 'tx-tools';

/** The cells of a prettyPrintTable line (each cell padded and followed by a tab). */
const cells = (line: string): string[] =>
  line
    .split('\t')
    .slice(0, -1)
    .map((c) => c.trimEnd());
const table = (stdout: string): string[][] =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map(cells);

/**
 * kafka-transactions, kafka-dump-log and kafka-console-consumer --isolation-level against a real broker with the
 * transaction coordinator: an open kafkajs transaction (known to its coordinator) and a "hanging" one (a transactional
 * batch whose producer no coordinator knows), found by find-hanging and aborted by `abort --start-offset`.
 */
describe('transactions: tools (kafka-transactions, kafka-dump-log, console consumer isolation level)', function () {
  this.timeout(90000);
  let cluster: TestCluster;
  let bs: string;
  let port: number;
  let producer: Producer;
  let txn: Transaction;
  let hangingPid = -1;
  let hangingOffset = -1;

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 1,
      overrides: {
        'transaction.state.log.replication.factor': '1',
        'transaction.state.log.min.isr': '1',
        'transaction.state.log.num.partitions': '1',
        'offsets.topic.num.partitions': '1',
        'transaction.abort.timed.out.transaction.cleanup.interval.ms': '1000',
        // The hanging batch below is written without AddPartitionsToTxn, as a pre-KIP-890 client could.
        'transaction.partition.verification.enable': 'false',
      },
    });
    bs = cluster.bootstrap.join(',');
    port = [...cluster.brokers.values()][0].port;
    const created = await runTool('kafka-topics', ['--bootstrap-server', bs, '--create', '--topic', TOPIC, '--partitions', '1', '--replication-factor', '1']);
    expect(created.code, created.stderr).to.equal(0);
  });

  after(async () => {
    await producer?.disconnect().catch(() => undefined);
    await cluster?.stop();
  });

  it("an unknown transactional id: describe fails with Kafka's message and exit code 1", async () => {
    const r = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'describe', '--transactional-id', 'nobody']);
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.equal(
      'Failed to describe transaction state of transactional-id `nobody`: DescribeTransactions request for transactionalId `nobody` failed because the ID could not be found. Enable debug logging for additional detail.',
    );
  });

  it('an open transaction: list, describe and describe-producers show it', async () => {
    const kafka = new Kafka({ clientId: 'tools-it', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    producer = kafka.producer({ transactionalId: 'tools-tx', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 60000 });
    await producer.connect();
    txn = await producer.transaction();
    await txn.send({ topic: TOPIC, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });

    const list = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'list']);
    expect(list.code, list.stderr).to.equal(0);
    const rows = table(list.stdout);
    expect(rows[0]).to.deep.equal(['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState']);
    const row = rows.find((x) => x[0] === 'tools-tx')!;
    expect(row[1]).to.equal('1');
    expect(row[3]).to.equal('Ongoing');
    const pid = row[2];

    const before = Date.now();
    const d = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'describe', '--transactional-id', 'tools-tx']);
    expect(d.code, d.stderr).to.equal(0);
    const [head, desc] = table(d.stdout);
    expect(head).to.deep.equal([
      'CoordinatorId',
      'TransactionalId',
      'ProducerId',
      'ProducerEpoch',
      'TransactionState',
      'TransactionTimeoutMs',
      'CurrentTransactionStartTimeMs',
      'TransactionDurationMs',
      'TopicPartitions',
    ]);
    expect(desc.slice(0, 6)).to.deep.equal(['1', 'tools-tx', pid, desc[3], 'Ongoing', '60000']);
    expect(Number(desc[6])).to.be.within(before - 60000, before);
    expect(Number(desc[7])).to.be.at.least(0);
    expect(desc[8]).to.equal(`${TOPIC}-0`);

    const p = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'describe-producers', '--topic', TOPIC, '--partition', '0']);
    expect(p.code, p.stderr).to.equal(0);
    const prows = table(p.stdout);
    expect(prows[0]).to.deep.equal(['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset']);
    const mine = prows.find((x) => x[0] === pid)!;
    expect(mine[3]).to.equal('1'); // two records: sequences 0..1
    expect(mine[5]).to.equal('0');
    // --broker-id asks that replica instead of the leader: the same answer here.
    const p1 = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'describe-producers', '--topic', TOPIC, '--partition', '0', '--broker-id', '1']);
    expect(table(p1.stdout).find((x) => x[0] === pid)![5]).to.equal('0');
  });

  it('a hanging transaction: find-hanging reports it (not the open one its coordinator knows), abort --start-offset ends it', async () => {
    // A transactional batch from a producer id no coordinator knows, stamped three minutes ago.
    const c = new NetworkClient('127.0.0.1', port, 'tools-it', 10000);
    try {
      const init = await c.send(InitProducerIdApi, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
      expect(init.errorCode).to.equal(0);
      hangingPid = init.producerId;
      const records = buildRecordBatch({
        records: [{ key: null, value: Buffer.from('hanging'), timestamp: Date.now() - 180000 }],
        producerId: init.producerId,
        producerEpoch: init.producerEpoch,
        baseSequence: 0,
        isTransactional: true,
      });
      const res = await c.send(ProduceApi, 9, {
        transactionalId: 'ghost-tx',
        acks: -1,
        timeoutMs: 5000,
        topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
      });
      const pr = res.responses[0].partitionResponses[0];
      expect(pr.errorCode).to.equal(0);
      hangingOffset = pr.baseOffset;
    } finally {
      c.close();
    }

    const find = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'find-hanging', '--broker-id', '1', '--max-transaction-timeout', '1']);
    expect(find.code, find.stderr).to.equal(0);
    const rows = table(find.stdout);
    expect(rows[0]).to.deep.equal(['Topic', 'Partition', 'ProducerId', 'ProducerEpoch', 'CoordinatorEpoch', 'StartOffset', 'LastTimestamp', 'Duration(min)']);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[4], r[5], r[7]])).to.deep.equal([[TOPIC, '0', String(hangingPid), '-1', String(hangingOffset), '3']]);

    const wrong = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'abort', '--topic', TOPIC, '--partition', '0', '--start-offset', '999']);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr.trim()).to.equal(`Could not find any open transactions starting at offset 999 on partition ${TOPIC}-0`);

    const abort = await runTool('kafka-transactions', [
      '--bootstrap-server',
      bs,
      'abort',
      '--topic',
      TOPIC,
      '--partition',
      '0',
      '--start-offset',
      String(hangingOffset),
    ]);
    expect(abort.code, abort.stderr).to.equal(0);
    expect(abort.stdout).to.equal('');
    const after = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'find-hanging', '--topic', TOPIC, '--max-transaction-timeout', '1']);
    expect(table(after.stdout).length).to.equal(1);
    const p = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'describe-producers', '--topic', TOPIC, '--partition', '0']);
    expect(table(p.stdout).find((x) => x[0] === String(hangingPid))![5]).to.equal('None');
  });

  it('after the commit: describe shows CompleteCommit; read_committed skips the aborted record, read_uncommitted shows it', async () => {
    await txn.commit();
    await waitFor(
      'tools-tx to be CompleteCommit',
      async () => {
        const d = await runTool('kafka-transactions', ['--bootstrap-server', bs, 'describe', '--transactional-id', 'tools-tx']);
        const row = table(d.stdout)[1];
        // Kafka keeps the last transaction's start time in CompleteCommit (prepareComplete keeps txnStartTimestamp).
        return row !== undefined && row[4] === 'CompleteCommit' && row[6] !== 'None' && row[8] === '';
      },
      20000,
      500,
    );
    const consume = (isolation: string) =>
      runTool('kafka-console-consumer', [
        '--bootstrap-server',
        bs,
        '--topic',
        TOPIC,
        '--from-beginning',
        '--isolation-level',
        isolation,
        '--max-messages',
        isolation === 'read_committed' ? '2' : '3',
        '--timeout-ms',
        '15000',
      ]);
    const committed = await consume('read_committed');
    expect(committed.code, committed.stderr).to.equal(0);
    expect(committed.stdout.trim().split('\n')).to.deep.equal(['committed-1', 'committed-2']);
    const all = await consume('read_uncommitted');
    expect(all.stdout.trim().split('\n').sort()).to.deep.equal(['committed-1', 'committed-2', 'hanging']);
    const bad = await runTool('kafka-console-consumer', [
      '--bootstrap-server',
      bs,
      '--topic',
      TOPIC,
      '--isolation-level',
      'serializable',
      '--timeout-ms',
      '1000',
    ]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr + bad.stdout).to.contain(
      'Invalid value serializable for configuration isolation.level: String must be one of: read_committed, read_uncommitted',
    );
  });

  it('kafka-dump-log prints the markers, the transaction index and the __transaction_state records', async () => {
    const dataDir = [...cluster.brokers.values()][0].dataDir;
    const partDir = path.join(dataDir, `${TOPIC}-0`);
    const seg = path.join(partDir, '00000000000000000000.log');
    await waitFor(
      'the aborted transaction in the txnindex',
      async () =>
        fs.existsSync(path.join(partDir, '00000000000000000000.txnindex')) && fs.statSync(path.join(partDir, '00000000000000000000.txnindex')).size === 34,
      10000,
    );
    const d = await runTool('kafka-dump-log', ['--files', seg, '--deep-iteration']);
    expect(d.code, d.stderr).to.equal(0);
    expect(d.stdout).to.match(/ endTxnMarker: ABORT coordinatorEpoch: 0\n/);
    expect(d.stdout).to.match(/ endTxnMarker: COMMIT coordinatorEpoch: \d+\n/);
    const idx = await runTool('kafka-dump-log', ['--files', path.join(partDir, '00000000000000000000.txnindex')]);
    expect(idx.stdout.trim().split('\n')[1]).to.match(
      new RegExp(`^version: 0 producerId: ${hangingPid} firstOffset: ${hangingOffset} lastOffset: \\d+ lastStableOffset: \\d+$`),
    );
    const txlog = await runTool('kafka-dump-log', [
      '--files',
      path.join(dataDir, '__transaction_state-0', '00000000000000000000.log'),
      '--transaction-log-decoder',
    ]);
    expect(txlog.code, txlog.stderr).to.equal(0);
    expect(txlog.stdout).to.match(
      /key: transaction_metadata::transactionalId=tools-tx payload: producerId:\d+,producerEpoch:\d+,state=Ongoing,partitions=\[tx-tools-0\],/,
    );
    expect(txlog.stdout).to.match(
      /key: transaction_metadata::transactionalId=tools-tx payload: producerId:\d+,producerEpoch:\d+,state=CompleteCommit,partitions=\[\],/,
    );

    // The console consumer reads the same records with Kafka's TransactionLogMessageFormatter.
    const formatted = await runTool('kafka-console-consumer', [
      '--bootstrap-server',
      bs,
      '--topic',
      '__transaction_state',
      '--from-beginning',
      '--formatter',
      'kafka.coordinator.transaction.TransactionLog$TransactionLogMessageFormatter',
      '--timeout-ms',
      '5000',
    ]);
    expect(formatted.stdout).to.match(
      /^tools-tx::TransactionMetadata\(transactionalId=tools-tx, producerId=\d+, producerEpoch=\d+, txnTimeoutMs=60000, state=CompleteCommit, /m,
    );
  });
});
