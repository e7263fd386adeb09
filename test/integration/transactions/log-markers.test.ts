import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { DescribeProducersApi, FetchApi, InitProducerIdApi, ListOffsetsApi, ProduceApi, WriteTxnMarkersApi } from '../../../src/protocol/apis';
import { recordsBuffer } from '../../../src/protocol/apis/01-fetch';
import { iterateRecords, validateBatches } from '../../../src/protocol/records/RecordBatch';
import type { WritableTxnMarker } from '../../../src/protocol/apis/27-write-txn-markers';
import { ErrorCode } from '../../../src/protocol/errors';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { buildEndTxnMarkerBatch } from '../../../src/log/EndTransactionMarker';
import { readTransactionIndex } from '../../../src/log/TransactionIndex';
import { ControlRecordType } from '../../../src/protocol/messages/ControlRecords';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';

/**
 * The partition side of transactions on a real 3-broker ZooKeeper cluster, driven at the protocol level: a producer
 * id from InitProducerId, transactional batches through Produce, and the COMMIT/ABORT markers sent with
 * WriteTxnMarkers as the transaction coordinator would. read_committed consumers (kcat) stop at the last stable
 * offset while a transaction is open and skip aborted records after the markers; the LSO survives a leader change
 * and the producer state a restart (snapshot).
 */
describe('integration: transactions, log side (WriteTxnMarkers, LSO, read_committed)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  const TOPIC = 'txlog';

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3, overrides: { 'offsets.topic.replication.factor': '1', 'replica.lag.time.max.ms': '5000' } });
    const kafka = new Kafka({ clientId: 'it-txlog', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  async function withClient<T>(brokerId: number, fn: (c: NetworkClient) => Promise<T>): Promise<T> {
    const c = new NetworkClient('127.0.0.1', cluster.broker(brokerId).port, 'it-txlog-raw', 15000);
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  }

  async function leaderOf(partition = 0): Promise<number> {
    return waitFor(`a leader for ${TOPIC}-${partition}`, async () => {
      const alive = [...cluster.brokers.values()].find((b) => b.proc)!;
      const md = await cluster.metadata(alive.id, [TOPIC]);
      const p = md.topics[0]?.partitions.find((x) => x.partitionIndex === partition);
      return p && p.leaderId >= 0 && cluster.broker(p.leaderId).proc ? p.leaderId : undefined;
    });
  }

  async function initProducerId(): Promise<{ producerId: number; producerEpoch: number }> {
    const leader = await leaderOf();
    // The broker may still be fetching its first producer id block (a retriable error until then).
    const res = await waitFor('a producer id', async () => {
      const r = await withClient(leader, (c) =>
        c.send(InitProducerIdApi, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 }),
      );
      return r.errorCode === ErrorCode.NONE ? r : undefined;
    });
    return { producerId: res.producerId, producerEpoch: res.producerEpoch };
  }

  /** Produce v7, acks=-1; transactional records need a transactional id (KafkaApis.handleProduceRequest). */
  async function produce(brokerId: number, records: Buffer, transactionalId: string | null = 'it-txlog'): Promise<{ errorCode: number; baseOffset: number }> {
    const res = await withClient(brokerId, (c) =>
      c.send(ProduceApi, 7, { transactionalId, acks: -1, timeoutMs: 10000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] }),
    );
    const p = res.responses[0].partitionResponses[0];
    return { errorCode: p.errorCode, baseOffset: p.baseOffset };
  }

  function txnBatch(pid: { producerId: number; producerEpoch: number }, seq: number, values: string[], transactional = true): Buffer {
    return buildRecordBatch({
      records: values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: Date.now() })),
      producerId: pid.producerId,
      producerEpoch: pid.producerEpoch,
      baseSequence: seq,
      isTransactional: transactional,
    });
  }

  async function writeMarker(brokerId: number, m: Omit<WritableTxnMarker, 'topics'>, partitions = [0], topic = TOPIC): Promise<number[]> {
    const res = await withClient(brokerId, (c) =>
      c.send(WriteTxnMarkersApi, 1, { markers: [{ ...m, topics: [{ name: topic, partitionIndexes: partitions }] }] }),
    );
    expect(res.markers).to.have.length(1);
    expect(res.markers[0].producerId).to.equal(m.producerId);
    return res.markers[0].topics[0].partitions.map((p) => p.errorCode);
  }

  /** ListOffsets v5 latest: the LSO for READ_COMMITTED, the high watermark for READ_UNCOMMITTED. */
  async function latest(brokerId: number, isolationLevel: 0 | 1): Promise<number> {
    const res = await withClient(brokerId, (c) =>
      c.send(ListOffsetsApi, 5, {
        replicaId: -1,
        isolationLevel,
        topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] }],
      }),
    );
    const p = res.topics[0].partitions[0];
    expect(p.errorCode).to.equal(ErrorCode.NONE);
    return p.offset;
  }

  /** What a read_committed (or read_uncommitted) kcat consumer sees from the beginning up to where it stops (EOF). */
  async function consume(isolation: 'read_committed' | 'read_uncommitted'): Promise<string[]> {
    const leader = await leaderOf();
    const r = await kcat(
      [
        '-C',
        '-b',
        `127.0.0.1:${cluster.broker(leader).port}`,
        '-t',
        TOPIC,
        '-p',
        '0',
        '-o',
        'beginning',
        '-e',
        '-q',
        '-f',
        '%s\\n',
        '-X',
        `isolation.level=${isolation}`,
      ],
      { timeoutMs: 20000 },
    );
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout.split('\n').filter((l) => l.length > 0);
  }

  async function describeProducer(brokerId: number, producerId: number): Promise<{ coordinatorEpoch: number; currentTxnStartOffset: number } | undefined> {
    const res = await withClient(brokerId, (c) => c.send(DescribeProducersApi, 0, { topics: [{ name: TOPIC, partitionIndexes: [0] }] }));
    const p = res.topics[0].partitions[0];
    expect(p.errorCode).to.equal(ErrorCode.NONE);
    return p.activeProducers.find((a) => a.producerId === producerId);
  }

  /** Fetch v11 of partition 0 with an isolation level: what a consumer's fetch answers. */
  async function fetch(brokerId: number, offset: number, isolationLevel: 0 | 1, maxWaitMs = 0) {
    const c = new NetworkClient('127.0.0.1', cluster.broker(brokerId).port, 'it-txlog-fetch', 15000 + maxWaitMs);
    try {
      const res = await c.send(FetchApi, 11, {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1 },
        maxWaitMs,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: TOPIC,
            topicId: Buffer.alloc(16),
            partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      });
      const p = res.responses[0].partitions[0];
      const buf = recordsBuffer(p.records);
      const values: string[] = [];
      if (buf.length > 0) {
        for (const b of validateBatches(buf, { client: false })) {
          if (b.isControl) continue;
          for (const r of iterateRecords(buf.subarray(b.position, b.position + b.size))) values.push(r.value!.toString());
        }
      }
      return {
        errorCode: p.errorCode,
        highWatermark: p.highWatermark,
        lastStableOffset: p.lastStableOffset,
        abortedTransactions: p.abortedTransactions,
        values,
      };
    } finally {
      c.close();
    }
  }

  let pid: { producerId: number; producerEpoch: number };
  let seq = 0;

  it('an open transaction holds read_committed consumers and ListOffsets READ_COMMITTED at its first offset', async () => {
    const leader = await leaderOf();
    expect((await produce(leader, buildRecordBatch({ records: [{ key: null, value: Buffer.from('plain-1'), timestamp: Date.now() }] }))).errorCode).to.equal(0);
    pid = await initProducerId();
    const t = await produce(leader, txnBatch(pid, seq, ['c1', 'c2']));
    seq += 2;
    expect(t.errorCode).to.equal(ErrorCode.NONE);
    expect((await produce(leader, buildRecordBatch({ records: [{ key: null, value: Buffer.from('plain-2'), timestamp: Date.now() }] }))).errorCode).to.equal(0);
    expect(await latest(leader, 1)).to.equal(t.baseOffset);
    expect(await latest(leader, 0)).to.equal(t.baseOffset + 3);
    expect(await consume('read_committed')).to.deep.equal(['plain-1']);
    expect(await consume('read_uncommitted')).to.deep.equal(['plain-1', 'c1', 'c2', 'plain-2']);
    expect(await describeProducer(leader, pid.producerId)).to.include({ coordinatorEpoch: -1, currentTxnStartOffset: t.baseOffset });
  });

  it('a COMMIT marker releases the transaction; an ABORT marker hides it from read_committed and lands in .txnindex', async () => {
    const leader = await leaderOf();
    expect(
      await writeMarker(leader, { producerId: pid.producerId, producerEpoch: pid.producerEpoch, transactionResult: true, coordinatorEpoch: 5 }),
    ).to.deep.equal([ErrorCode.NONE]);
    await waitFor('the LSO to reach the high watermark', async () => (await latest(leader, 1)) === (await latest(leader, 0)));
    expect(await consume('read_committed')).to.deep.equal(['plain-1', 'c1', 'c2', 'plain-2']);
    const aborted = await produce(leader, txnBatch(pid, seq, ['a1', 'a2', 'a3']));
    seq += 3;
    expect(aborted.errorCode).to.equal(ErrorCode.NONE);
    expect(
      await writeMarker(leader, { producerId: pid.producerId, producerEpoch: pid.producerEpoch, transactionResult: false, coordinatorEpoch: 5 }),
    ).to.deep.equal([ErrorCode.NONE]);
    expect((await produce(leader, buildRecordBatch({ records: [{ key: null, value: Buffer.from('plain-3'), timestamp: Date.now() }] }))).errorCode).to.equal(0);
    expect(await consume('read_committed')).to.deep.equal(['plain-1', 'c1', 'c2', 'plain-2', 'plain-3']);
    expect(await consume('read_uncommitted')).to.include.members(['a1', 'a2', 'a3']);
    // Every replica indexes the aborted transaction (followers replay the marker).
    const expected = {
      producerId: pid.producerId,
      firstOffset: aborted.baseOffset,
      lastOffset: aborted.baseOffset + 3,
      lastStableOffset: aborted.baseOffset + 4,
    };
    for (const b of cluster.brokers.values()) {
      const idx = path.join(b.dataDir, `${TOPIC}-0`, '00000000000000000000.txnindex');
      await waitFor(`broker ${b.id}'s .txnindex`, async () => fs.existsSync(idx) && readTransactionIndex(idx).length === 1);
      expect(readTransactionIndex(idx)).to.deep.equal([expected]);
    }
    expect(await describeProducer(leader, pid.producerId)).to.include({ coordinatorEpoch: 5, currentTxnStartOffset: -1 });
  });

  it('read_committed fetches list the aborted transactions (read_uncommitted: null) and a long poll wakes when the LSO moves', async () => {
    const leader = await leaderOf();
    const committed = await fetch(leader, 0, 1);
    expect(committed.errorCode).to.equal(ErrorCode.NONE);
    expect(committed.lastStableOffset).to.equal(committed.highWatermark);
    expect(committed.abortedTransactions).to.have.length(1);
    expect(committed.abortedTransactions![0].producerId).to.equal(pid.producerId);
    expect(committed.values).to.include.members(['a1', 'plain-3']); // the consumer drops a1..a3 using the list
    expect((await fetch(leader, 0, 0)).abortedTransactions).to.equal(null);

    const t = await produce(leader, txnBatch(pid, seq, ['w1', 'w2']));
    seq += 2;
    expect(await latest(leader, 1)).to.equal(t.baseOffset);
    const started = Date.now();
    const parked = fetch(leader, t.baseOffset, 1, 20000);
    expect(
      await writeMarker(leader, { producerId: pid.producerId, producerEpoch: pid.producerEpoch, transactionResult: true, coordinatorEpoch: 5 }),
    ).to.deep.equal([ErrorCode.NONE]);
    const woke = await parked;
    expect(woke.values).to.deep.equal(['w1', 'w2']);
    expect(Date.now() - started, 'woken by the LSO move, not max_wait_ms').to.be.lessThan(15000);
    expect(woke.abortedTransactions).to.deep.equal([]);
  });

  it('refuses stale producer and coordinator epochs, markers to followers and unknown partitions, and client control batches; nothing written', async () => {
    const leader = await leaderOf();
    const follower = [...cluster.brokers.keys()].find((id) => id !== leader)!;
    const t = await produce(leader, txnBatch(pid, seq, ['open']));
    seq += 1;
    expect(t.errorCode).to.equal(ErrorCode.NONE);
    const end = await latest(leader, 0);
    const m = { producerId: pid.producerId, producerEpoch: pid.producerEpoch, transactionResult: true, coordinatorEpoch: 5 };
    expect(await writeMarker(leader, { ...m, producerEpoch: pid.producerEpoch - 1 })).to.deep.equal([ErrorCode.INVALID_PRODUCER_EPOCH]);
    expect(await writeMarker(leader, { ...m, coordinatorEpoch: 4 })).to.deep.equal([ErrorCode.TRANSACTION_COORDINATOR_FENCED]);
    expect(await writeMarker(follower, m)).to.deep.equal([ErrorCode.NOT_LEADER_OR_FOLLOWER]);
    expect(await writeMarker(leader, m, [7])).to.deep.equal([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    const control = buildEndTxnMarkerBatch(pid.producerId, pid.producerEpoch, { type: ControlRecordType.COMMIT, coordinatorEpoch: 5 });
    expect((await produce(leader, control)).errorCode).to.equal(ErrorCode.INVALID_RECORD);
    // Transactional records without a transactional id: the whole request fails.
    expect((await produce(leader, txnBatch(pid, seq, ['x']), null)).errorCode).to.equal(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    // A non-transactional write by a producer inside its transaction (ProducerAppendInfo.appendDataBatch).
    expect((await produce(leader, txnBatch(pid, seq, ['x'], false))).errorCode).to.equal(ErrorCode.INVALID_TXN_STATE);
    expect(await latest(leader, 0)).to.equal(end);
    expect(await latest(leader, 1)).to.equal(t.baseOffset);
  });

  it('a follower that takes over leadership keeps the open transaction blocking the LSO', async () => {
    const oldLeader = await leaderOf();
    const open = (await describeProducer(oldLeader, pid.producerId))!.currentTxnStartOffset;
    expect(open).to.be.greaterThan(0);
    const hw = await latest(oldLeader, 0);
    // Every follower has replicated the open transaction's batch.
    for (const id of cluster.brokers.keys()) {
      if (id === oldLeader) continue;
      await waitFor(`broker ${id} to replicate the open transaction`, async () => (await describeProducer(id, pid.producerId))?.currentTxnStartOffset === open);
    }
    await cluster.stopBroker(oldLeader, 'SIGKILL');
    const newLeader = await waitFor('a new leader', async () => {
      const l = await leaderOf();
      return l !== oldLeader ? l : undefined;
    });
    expect(await latest(newLeader, 1)).to.equal(open);
    expect(await latest(newLeader, 0)).to.equal(hw);
    expect(await consume('read_committed')).to.deep.equal(['plain-1', 'c1', 'c2', 'plain-2', 'plain-3', 'w1', 'w2']);
    const m = { producerId: pid.producerId, producerEpoch: pid.producerEpoch, transactionResult: true, coordinatorEpoch: 5 };
    // acks=-1 needs the ISR to drop the killed broker first (replica.lag.time.max.ms) or min.insync of 1: retry until written.
    await waitFor('the COMMIT marker on the new leader', async () => (await writeMarker(newLeader, m))[0] === ErrorCode.NONE, 30000, 500);
    await waitFor('the LSO to pass the committed transaction', async () => (await latest(newLeader, 1)) > open);
    expect(await consume('read_committed')).to.deep.equal(['plain-1', 'c1', 'c2', 'plain-2', 'plain-3', 'w1', 'w2', 'open']);
    // As Kafka, the killed broker can register again only once ZooKeeper expired its session.
    const zk = await ZkReader.connect(cluster.connectString);
    try {
      await waitFor("the killed broker's session to expire", async () => !(await zk.exists(`/brokers/ids/${oldLeader}`)), 20000, 200);
    } finally {
      zk.close();
    }
    await cluster.startBroker(oldLeader);
    await cluster.waitForBrokers([...cluster.brokers.keys()]);
  });

  it('a restarted broker loads its producer snapshot and the open transaction from it', async () => {
    const leader = await leaderOf();
    const t = await produce(leader, txnBatch(pid, seq, ['late']));
    seq += 1;
    expect(t.errorCode).to.equal(ErrorCode.NONE);
    const follower = [...cluster.brokers.keys()].find((id) => id !== leader)!;
    await waitFor(
      `broker ${follower} to replicate the transaction`,
      async () => (await describeProducer(follower, pid.producerId))?.currentTxnStartOffset === t.baseOffset,
    );
    expect(await cluster.stopBroker(follower, 'SIGTERM'), 'clean shutdown: a snapshot at the log end').to.equal(0);
    const dir = path.join(cluster.broker(follower).dataDir, `${TOPIC}-0`);
    const snapshots = fs.readdirSync(dir).filter((f) => f.endsWith('.snapshot'));
    expect(snapshots.length).to.be.greaterThan(0);
    await cluster.startBroker(follower);
    await waitFor(`broker ${follower} to serve ${TOPIC}-0 again`, async () => {
      try {
        return (await describeProducer(follower, pid.producerId))?.currentTxnStartOffset === t.baseOffset;
      } catch {
        return false;
      }
    });
    const logText = () => cluster.broker(follower).output.join('\n') + readServerLog(cluster.broker(follower).logDir);
    expect(logText()).to.match(new RegExp(`Loading producer state from snapshot file '.*${TOPIC}-0/\\d{20}\\.snapshot'`));
  });

  it('a kafkajs consumer (read_committed by default) skips the aborted records and stops before the open transaction', async () => {
    const kafka = new Kafka({ clientId: 'it-txlog-consumer', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'it-txlog-rc', maxWaitTimeInMs: 200 });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
      const committed = ['plain-1', 'c1', 'c2', 'plain-2', 'plain-3', 'w1', 'w2', 'open'];
      await waitFor('the committed records', async () => seen.length >= committed.length, 30000);
      // Offset order: aborted a1..a3 would come before plain-3, the open transaction's 'late' after 'open'.
      expect(seen.slice(0, committed.length)).to.deep.equal(committed);
    } finally {
      await consumer.disconnect();
    }
    expect(seen).to.not.include('a1');
    expect(seen).to.not.include('late');
  });
});

function readServerLog(logDir: string): string {
  try {
    return fs.readFileSync(path.join(logDir, 'server.log'), 'utf8');
  } catch {
    return '';
  }
}
