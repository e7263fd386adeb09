/**
 * The group side of exactly-once with real clients on a 3-broker ZooKeeper cluster: librdkafka's consume-transform-
 * produce (python3-confluent-kafka, send_offsets_to_transaction = AddOffsetsToTxn + TxnOffsetCommit v3 with the
 * consumer's group metadata) and kafkajs' transaction.sendOffsets. An aborted transaction leaves the group's offsets
 * where they were; a committed one moves them with its output; a read_committed consumer (OffsetFetch with
 * RequireStable, KIP-447) waits while a producer's offsets are pending and, once the coordinator aborts the dead
 * producer's transaction, starts from the last committed offsets.
 */
import { expect } from 'chai';
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { OffsetFetchApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';
import { findCoordinatorRaw } from '../../helpers/rawClient';
import { runTool } from '../cli/cliSupport';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const GROUP_EOS_PY = path.join(ROOT, 'test', 'integration', 'transactions', 'py', 'group_eos.py');
const IN = 'ge-in';
const OUT = 'ge-out';

interface PyRun {
  proc: ChildProcess;
  lines: string[];
  done: Promise<number | null>;
}

function py(args: string[]): PyRun {
  const proc = spawn(PYTHON, [GROUP_EOS_PY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  proc.stdout!.on('data', (c: Buffer) =>
    lines.push(
      ...c
        .toString('utf8')
        .split('\n')
        .filter((l) => l.length > 0),
    ),
  );
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const done = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  void done.then((code) => {
    if (code !== 0 && code !== null) lines.push(`stderr:${err.trim()}`);
  });
  return { proc, lines, done };
}

describe('integration: transactional offset commits from real clients (librdkafka, kafkajs)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let bs: string;

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
    bs = cluster.bootstrap.join(',');
    kafka = new Kafka({ clientId: 'it-txgroup-eos', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: IN, numPartitions: 2, replicationFactor: 3 },
        { topic: OUT, numPartitions: 2, replicationFactor: 3 },
        { topic: 'ge-kafkajs', numPartitions: 1, replicationFactor: 3 },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (const partition of [0, 1]) {
      await producer.send({ topic: IN, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition, key: `k${i}`, value: `p${partition}-v${i}` })) });
    }
    await producer.disconnect();
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  /** The group's committed offsets of IN's partitions, as an admin client (OffsetFetch, no RequireStable) sees them. */
  async function committed(group: string): Promise<string> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({ groupId: group, topics: [IN] });
      return t.partitions
        .sort((a, b) => a.partition - b.partition)
        .map((p) => `${p.partition}:${p.offset}`)
        .join(',');
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Waits for the group's offsets to read `expected`: EndTxn answers once the transaction is PrepareCommit in
   * __transaction_state; the markers, and with them the offsets, follow asynchronously (TransactionMarkerChannelManager).
   */
  async function waitCommitted(group: string, expected: string): Promise<void> {
    let last = '';
    await waitFor(
      `${group}'s offsets to be ${expected}`,
      async () => {
        last = await committed(group);
        return last === expected;
      },
      30000,
      100,
    ).catch((e: Error) => {
      throw new Error(`${e.message} (last seen ${last})`);
    });
  }

  /** OUT as a read_committed reader sees it (kcat -X isolation.level=read_committed). */
  async function outputCommitted(): Promise<string[]> {
    const r = await kcat(['-b', bs, '-C', '-t', OUT, '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%s\\n']);
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout
      .split('\n')
      .filter((l) => l.length > 0)
      .sort();
  }

  /** OffsetFetch v7 of IN's partitions at the group's coordinator: partition -> [offset, error]. */
  async function fetchRaw(group: string, requireStable: boolean): Promise<Map<number, [number, number]>> {
    const coord = await waitFor(
      `the coordinator of ${group}`,
      async () => {
        const r = await findCoordinatorRaw(cluster.broker(1).port, group);
        return r.errorCode === ErrorCode.NONE ? r : null;
      },
      30000,
      200,
    );
    const c = new NetworkClient('127.0.0.1', coord.port, 'it-txgroup-eos', 10000);
    try {
      const res = await c.send(OffsetFetchApi, 7, { groupId: group, topics: [{ name: IN, partitionIndexes: [0, 1] }], groups: [], requireStable });
      return new Map(res.topics[0].partitions.map((p) => [p.partitionIndex, [p.committedOffset, p.errorCode]]));
    } finally {
      c.close();
    }
  }

  async function runToEnd(args: string[]): Promise<string[]> {
    const r = py(args);
    const code = await r.done;
    expect(code, r.lines.join('\n')).to.equal(0);
    return r.lines;
  }

  it('librdkafka: ABORT leaves the group where it was, COMMIT moves it with the output; kafka-consumer-groups agrees', async () => {
    const group = 'ge-rdkafka';
    const aborted = await runToEnd([bs, 'abort', IN, OUT, group, 'ge-tx-1', '6']);
    expect(aborted[aborted.length - 1]).to.match(/^aborted /);
    expect(await committed(group)).to.equal('0:-1,1:-1');
    expect(await outputCommitted()).to.deep.equal([]);

    // Nothing committed: it reads from the beginning again, 6 records, then the other 14 in a second transaction.
    const first = await runToEnd([bs, 'commit', IN, OUT, group, 'ge-tx-1', '6']);
    // "committed ge-in:<p>:<position>,...": the group's offsets are exactly those positions (-1 where nothing was read).
    const positions = new Map(
      first[first.length - 1]
        .replace(/^committed /, '')
        .split(',')
        .map((s) => s.split(':').slice(1).map(Number) as [number, number]),
    );
    await waitCommitted(group, [0, 1].map((p) => `${p}:${positions.get(p) ?? -1}`).join(','));
    await runToEnd([bs, 'commit', IN, OUT, group, 'ge-tx-1', '14']);
    await waitCommitted(group, '0:10,1:10');
    const expected = [0, 1].flatMap((p) => Array.from({ length: 10 }, (_, i) => `P${p}-V${i}`)).sort();
    // The output's COMMIT markers move its LSO; a read_committed reader then sees every record once.
    const out = await waitFor(
      'the committed output',
      async () => {
        const o = await outputCommitted();
        return o.length >= expected.length ? o : null;
      },
      30000,
      200,
    );
    expect(out).to.deep.equal(expected);

    const d = await runTool('kafka-consumer-groups', ['--bootstrap-server', bs, '--describe', '--group', group]);
    expect(d.code, d.stdout + d.stderr).to.equal(0);
    const rows = d.stdout
      .split('\n')
      .filter((l) => l.startsWith(group))
      .map((l) => l.trim().split(/\s+/).slice(1, 6));
    expect(rows).to.deep.equal([
      [IN, '0', '10', '10', '0'],
      [IN, '1', '10', '10', '0'],
    ]);
  });

  it("librdkafka: a dead producer's sent offsets are pending (UNSTABLE_OFFSET_COMMIT); after the timeout abort a read_committed consumer starts from the committed ones", async () => {
    const group = 'ge-hang';
    const done = await runToEnd([bs, 'commit', IN, OUT, group, 'ge-tx-2', '4']);
    const positions = new Map(
      done[done.length - 1]
        .replace(/^committed /, '')
        .split(',')
        .map((s) => s.split(':').slice(1).map(Number) as [number, number]),
    );
    const before = [0, 1].map((p) => `${p}:${positions.get(p) ?? -1}`).join(',');
    await waitCommitted(group, before);
    const hanging = py([bs, 'hang', IN, OUT, group, 'ge-tx-3', '6', '8000']);
    await waitFor('the transaction to be open with its offsets sent', async () => hanging.lines.some((l) => l.startsWith('open ')), 60000, 100);
    hanging.proc.kill('SIGKILL');
    await hanging.done;
    // Its offsets are pending in the group: RequireStable answers UNSTABLE_OFFSET_COMMIT, a plain fetch the old ones.
    const open = hanging.lines.find((l) => l.startsWith('open '))!;
    const pendingPartitions = open
      .replace(/^open /, '')
      .split(',')
      .map((x) => Number(x.split(':')[1]));
    const stable = await fetchRaw(group, true);
    for (const p of pendingPartitions) expect(stable.get(p), `partition ${p}`).to.deep.equal([-1, ErrorCode.UNSTABLE_OFFSET_COMMIT]);
    expect(await committed(group)).to.equal(before);
    // The new consumer's OffsetFetch answers UNSTABLE_OFFSET_COMMIT until the coordinator aborts the transaction
    // (transaction.timeout.ms 8 s); then it starts where the committed offsets say.
    const read = await runToEnd([bs, 'read', IN, OUT, group, '-', '2']);
    const starts = new Map(
      read[read.length - 1]
        .replace(/^first /, '')
        .split(',')
        .map((s) => s.split(':').map(Number) as [number, number]),
    );
    const committedNow = new Map(before.split(',').map((s) => s.split(':').map(Number) as [number, number]));
    for (const [p, o] of starts) expect(o, `partition ${p}`).to.equal(Math.max(0, committedNow.get(p)!));
    expect(await committed(group)).to.equal(before);
  });

  it('kafkajs: transaction.sendOffsets commits with the transaction, and is dropped with an abort', async () => {
    const group = 'ge-kafkajs-group';
    const producer = kafka.producer({ transactionalId: 'ge-kafkajs-tx', maxInFlightRequests: 1, idempotent: true, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const t1 = await producer.transaction();
      await t1.send({ topic: 'ge-kafkajs', messages: [{ value: 'a' }] });
      await t1.sendOffsets({ consumerGroupId: group, topics: [{ topic: IN, partitions: [{ partition: 0, offset: '3' }] }] });
      await t1.abort();
      expect(await committed(group)).to.equal('0:-1,1:-1');
      const t2 = await producer.transaction();
      await t2.send({ topic: 'ge-kafkajs', messages: [{ value: 'b' }] });
      await t2.sendOffsets({ consumerGroupId: group, topics: [{ topic: IN, partitions: [{ partition: 0, offset: '5' }] }] });
      await t2.commit();
      await waitCommitted(group, '0:5,1:-1');
    } finally {
      await producer.disconnect();
    }
  });
});
