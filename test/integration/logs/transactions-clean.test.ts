import { expect } from 'chai';
import { Kafka, Producer, logLevel } from 'kafkajs';
import { CLEANER_OFFSET_CHECKPOINT_FILE } from '../../../src/log/LogCleaner';
import { readOffsetCheckpoint } from '../../../src/log/OffsetCheckpointFile';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { FetchApi } from '../../../src/protocol/apis';
import { recordsBuffer } from '../../../src/protocol/apis/01-fetch';
import { BatchInfo, iterateRecords, validateBatches } from '../../../src/protocol/records/RecordBatch';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';

interface DiskBatch {
  info: BatchInfo;
  records: Array<{ offset: number; key: string | null; value: string | null }>;
}

/**
 * Every batch of the partition, read through Fetch (read_uncommitted) from the log start to the high watermark: the
 * broker's consistent view, where reading the segment files could meet the cleaner halfway through a swap.
 */
async function batchesOf(port: number, topic: string, isolationLevel = 0, aborted: number[] = []): Promise<DiskBatch[]> {
  const c = new NetworkClient('127.0.0.1', port, 'it-txn-clean', 10000);
  const out: DiskBatch[] = [];
  try {
    let offset = 0;
    for (;;) {
      const res = await c.send(FetchApi, 11, {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1 },
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            topicId: Buffer.alloc(16),
            partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      });
      const p = res.responses[0].partitions[0];
      expect(p.errorCode).to.equal(0);
      for (const t of p.abortedTransactions ?? []) if (!aborted.includes(t.firstOffset)) aborted.push(t.firstOffset);
      const buf = recordsBuffer(p.records);
      if (buf.length === 0 || offset >= p.highWatermark) return out;
      for (const b of validateBatches(buf, { client: false })) {
        if (b.lastOffset < offset) continue;
        const records = [...iterateRecords(buf.subarray(b.position, b.position + b.size))].map((r) => ({
          offset: b.baseOffset + r.offsetDelta,
          key: r.key?.toString('latin1') ?? null,
          value: r.value?.toString('latin1') ?? null,
        }));
        out.push({ info: b, records });
        offset = b.lastOffset + 1;
      }
      if (offset >= p.highWatermark) return out;
    }
  } finally {
    c.close();
  }
}

/**
 * The log cleaner and transactions on a real broker (Kafka 3.7's LogCleaner with CleanedTransactionMetadata): aborted
 * records leave the log while the committed ones and the markers stay, and nothing at or past an open transaction's
 * first offset is cleaned until the transaction ends.
 */
describe('integration: log cleaner with transactions', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let txProducer: Producer;
  let plain: Producer;
  const topic = 'txn-compacted';

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 1,
      overrides: {
        'log.cleaner.backoff.ms': '200',
        'transaction.state.log.replication.factor': '1',
        'transaction.state.log.min.isr': '1',
        'transaction.state.log.num.partitions': '1',
        'offsets.topic.num.partitions': '1',
      },
    });
    kafka = new Kafka({ clientId: 'it-txn-clean', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '1024' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
            { name: 'delete.retention.ms', value: '2000' },
          ],
        },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
    txProducer = kafka.producer({ transactionalId: 'clean-tx', idempotent: true, maxInFlightRequests: 1 });
    await txProducer.connect();
    plain = kafka.producer();
    await plain.connect();
  });

  after(async () => {
    await txProducer?.disconnect().catch(() => undefined);
    await plain?.disconnect().catch(() => undefined);
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const port = (): number => cluster.broker(1).port;
  /** Filler updates of a few keys, enough to roll several 1 KiB segments. */
  const fill = async (tag: string): Promise<void> => {
    for (let i = 0; i < 8; i++) {
      await plain.send({ topic, acks: -1, messages: Array.from({ length: 5 }, (_, j) => ({ key: `f${j}`, value: `${tag}-${i}-${'x'.repeat(40)}` })) });
    }
  };

  it('removes aborted records, keeps the committed ones and the markers of transactions with data left', async () => {
    const a = await txProducer.transaction();
    await a.send({
      topic,
      acks: -1,
      messages: [
        { key: 'k1', value: 'committed-1' },
        { key: 'k2', value: 'committed-2' },
      ],
    });
    await a.commit();
    const b = await txProducer.transaction();
    await b.send({
      topic,
      acks: -1,
      messages: [
        { key: 'k1', value: 'aborted-1' },
        { key: 'k3', value: 'aborted-3' },
      ],
    });
    await b.abort();
    await fill('round1');

    await waitFor(
      'the cleaner to drop the aborted records',
      async () => {
        const batches = await batchesOf(port(), topic);
        const values = batches.flatMap((x) => x.records.map((r) => r.value));
        // Cleaned: fewer filler values than written, and no aborted value left anywhere.
        return values.filter((v) => v?.startsWith('round1-')).length < 40 && !values.some((v) => v?.startsWith('aborted'));
      },
      60000,
      250,
    );
    const batches = await batchesOf(port(), topic);
    const data = batches.filter((x) => !x.info.isControl).flatMap((x) => x.records);
    // k1's aborted value was never in the offset map: the committed value stays.
    expect(data.filter((r) => r.key === 'k1').map((r) => r.value)).to.deep.equal(['committed-1']);
    expect(data.filter((r) => r.key === 'k2').map((r) => r.value)).to.deep.equal(['committed-2']);
    expect(data.filter((r) => r.key === 'k3')).to.deep.equal([]);
    // Both markers stay: the committed transaction keeps data, the aborted one keeps its (emptied) batch, the
    // producer's last (RETAIN_EMPTY) — and the cleaned segment still lists the abort in its transaction index.
    const markers = batches.filter((x) => x.info.isControl);
    expect(markers.length).to.equal(2);
    const emptied = batches.find((x) => !x.info.isControl && x.info.isTransactional && x.records.length === 0);
    expect(emptied, 'the aborted batch kept as an empty header').to.not.equal(undefined);
    // A read_committed fetch lists it among the aborted transactions (from the cleaned .txnindex).
    const aborted: number[] = [];
    await batchesOf(port(), topic, 1, aborted);
    expect(aborted).to.deep.equal([3]);
  });

  it('does not clean at or past an open transaction until it ends', async () => {
    const c = await txProducer.transaction();
    await c.send({ topic, acks: -1, messages: [{ key: 'open', value: 'pending' }] });
    const openOffset = Math.max(...(await batchesOf(port(), topic)).flatMap((x) => x.records.map((r) => r.offset)));
    await fill('round2');
    // The cleaner cleans up to the open transaction's first offset (its checkpoint lands exactly there), and no further.
    await waitFor(
      'the cleaner to clean up to the open transaction',
      async () => readOffsetCheckpoint(cluster.broker(1).dataDir, CLEANER_OFFSET_CHECKPOINT_FILE).get(`${topic}-0`) === openOffset,
      60000,
      250,
    );
    const count = async (): Promise<number> => (await batchesOf(port(), topic)).flatMap((x) => x.records).filter((r) => r.value?.startsWith('round2-')).length;
    expect(await count()).to.equal(40);
    await c.commit();
    await fill('round3');
    await waitFor('round 2 to be compacted once the transaction ended', async () => (await count()) === 0, 60000, 250);
    const data = (await batchesOf(port(), topic)).flatMap((x) => x.records);
    expect(data.filter((r) => r.key === 'open').map((r) => r.value)).to.deep.equal(['pending']);
  });
});
