import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { OffsetCommitApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { DELETE_HORIZON_FLAG_MASK, iterateRecords, validateBatches } from '../../../src/protocol/records/RecordBatch';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';
import { batchOf, produceRaw } from '../../helpers/rawClient';

interface DiskRecord {
  segment: number;
  offset: number;
  key: string | null;
  value: string | null;
  /** The batch's delete horizon (KIP-534: stored in base_timestamp once the cleaner saw a tombstone), or null. */
  deleteHorizonMs: number | null;
}

/** Every record of every segment file of a partition folder, read straight from disk. */
function recordsOnDisk(dir: string): { records: DiskRecord[]; activeBase: number; bytes: number } {
  const logs = fs
    .readdirSync(dir)
    .filter((f) => /^\d{20}\.log$/.test(f))
    .sort();
  const records: DiskRecord[] = [];
  let bytes = 0;
  for (const f of logs) {
    const segment = Number(f.slice(0, 20));
    const buf = fs.readFileSync(path.join(dir, f));
    bytes += buf.length;
    if (buf.length === 0) continue;
    for (const b of validateBatches(buf)) {
      for (const r of iterateRecords(buf.subarray(b.position, b.position + b.size))) {
        records.push({
          segment,
          offset: b.baseOffset + r.offsetDelta,
          key: r.key?.toString('latin1') ?? null,
          value: r.value?.toString('latin1') ?? null,
          deleteHorizonMs: (b.attributes & DELETE_HORIZON_FLAG_MASK) !== 0 ? b.baseTimestamp : null,
        });
      }
    }
  }
  return { records, activeBase: logs.length > 0 ? Number(logs[logs.length - 1].slice(0, 20)) : 0, bytes };
}

/** Records of the closed (cleanable) segments only, counted per key. */
function closedKeyCounts(dir: string): Map<string | null, number> {
  const { records, activeBase } = recordsOnDisk(dir);
  const counts = new Map<string | null, number>();
  for (const r of records) if (r.segment < activeBase) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  return counts;
}

/**
 * Compaction on a real broker: the log cleaner keeps the latest record per key with its original offset,
 * drops tombstones after delete.retention.ms, refuses keyless records, and compacts __consumer_offsets.
 */
describe('integration: log compaction (cleanup.policy=compact)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  const topic = 'compacted';
  const KEYS = 10;
  const ROUNDS = 40;
  /** offset -> [key, value] as produced (values null for tombstones). */
  const produced = new Map<number, [string, string | null]>();

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 1,
      overrides: {
        'log.cleaner.backoff.ms': '200',
        'log.cleaner.min.cleanable.ratio': '0.01',
        'offsets.topic.num.partitions': '1',
        'offsets.topic.segment.bytes': '1024',
      },
    });
    kafka = new Kafka({ clientId: 'it-compaction', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
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
            { name: 'segment.bytes', value: '2048' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
            { name: 'delete.retention.ms', value: '3000' },
          ],
        },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const dir = (t = topic) => path.join(cluster.broker(1).dataDir, `${t}-0`);

  const send = async (messages: Array<{ key: string; value: string | null }>): Promise<void> => {
    const producer = kafka.producer();
    await producer.connect();
    try {
      const meta = await producer.send({ topic, acks: -1, messages });
      const base = Number(meta[0].baseOffset);
      messages.forEach((m, i) => produced.set(base + i, [m.key, m.value]));
    } finally {
      await producer.disconnect();
    }
  };

  /** key -> [offset, value] of the latest record per key as produced. */
  const latestProduced = (): Map<string, [number, string | null]> => {
    const m = new Map<string, [number, string | null]>();
    for (const [off, [k, v]] of [...produced.entries()].sort((a, b) => a[0] - b[0])) m.set(k, [off, v]);
    return m;
  };

  it('shrinks many updates to few keys to about one record per key, with the original offsets', async () => {
    const producer = kafka.producer();
    await producer.connect();
    // What the uncleaned log would weigh: one uncompressed batch per send, as kafkajs writes it. Measured from
    // what was sent, not from the disk: the cleaner (backoff 200 ms) may already have cleaned part of it.
    let uncleanedBytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const messages = Array.from({ length: KEYS }, (_, k) => ({ key: `key-${k}`, value: `value-${k}-round-${round}-${'x'.repeat(20)}` }));
      const meta = await producer.send({ topic, acks: -1, messages });
      const base = Number(meta[0].baseOffset);
      messages.forEach((m, i) => produced.set(base + i, [m.key, m.value]));
      uncleanedBytes += buildRecordBatch({
        records: messages.map((m) => ({ key: Buffer.from(m.key), value: Buffer.from(m.value), timestamp: Date.now() })),
      }).length;
    }
    await producer.disconnect();
    const total = KEYS * ROUNDS;

    // Every closed segment has been cleaned: at most one record per key there.
    await waitFor(
      'the cleaner to leave one record per key in the closed segments',
      async () => {
        const counts = closedKeyCounts(dir());
        return counts.size === KEYS && [...counts.values()].every((n) => n === 1);
      },
      30000,
    );
    const after = recordsOnDisk(dir());
    const inActive = after.records.filter((r) => r.segment === after.activeBase).length;
    expect(after.records.length).to.equal(KEYS + inActive);
    expect(after.records.length).to.be.lessThan(total / 4);
    expect(after.bytes).to.be.lessThan(uncleanedBytes / 3);
    expect(fs.readFileSync(path.join(cluster.broker(1).dataDir, 'cleaner-offset-checkpoint'), 'utf8')).to.match(
      new RegExp(`^0\\n\\d+\\n(.*\\n)*${topic} 0 \\d+\\n`),
    );

    // A fresh consumer (kcat, librdkafka) sees each key's latest value at the offset it was produced at.
    const r = await kcat(['-b', cluster.bootstrap[0], '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o\t%k\t%s\n'], { timeoutMs: 30000 });
    expect(r.code, r.stderr).to.equal(0);
    const seen = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(seen.length).to.equal(after.records.length);
    const latestSeen = new Map<string, [number, string]>();
    let prev = -1;
    for (const [o, k, v] of seen) {
      const off = Number(o);
      expect(off).to.be.greaterThan(prev); // offsets stay increasing, with gaps where records went
      prev = off;
      expect(produced.get(off)).to.deep.equal([k, v]); // every record kept its original offset
      latestSeen.set(k, [off, v]);
    }
    expect(latestSeen).to.deep.equal(latestProduced());
    expect(Math.max(...[...latestSeen.values()].map((x) => x[0]))).to.equal(total - 1);
  });

  it('keeps tombstones for delete.retention.ms, then removes them', async () => {
    const sentAt = Date.now();
    await send([
      { key: 'key-0', value: null },
      { key: 'key-1', value: null },
    ]);
    // Fill up to a roll so that the tombstones lie in a closed segment.
    for (let i = 0; i < 6; i++) {
      await send(Array.from({ length: 8 }, (_, k) => ({ key: `key-${2 + k}`, value: `filler-${i}-${k}-${'y'.repeat(20)}` })));
    }
    // Kafka keeps a tombstone until delete.retention.ms after the cleaning that first saw it: that cleaning
    // stamps the batch with its delete horizon (KIP-534). Checked against the horizon on disk, not a wall-clock
    // interval the test measured itself (a busy machine may notice the first cleaning late).
    const kept = await waitFor(
      'the tombstones to be the only records of their keys, stamped with a delete horizon',
      async () => {
        const recs = recordsOnDisk(dir()).records.filter((r) => r.key === 'key-0' || r.key === 'key-1');
        return recs.length === 2 && recs.every((r) => r.value === null && r.deleteHorizonMs !== null) ? recs : null;
      },
      15000,
    );
    const horizon = Math.max(...kept.map((r) => r.deleteHorizonMs!));
    expect(horizon, 'horizon = cleaning time + delete.retention.ms (3000)').to.be.at.least(sentAt + 3000);
    await waitFor(
      'the tombstones to vanish',
      async () => {
        const recs = recordsOnDisk(dir()).records.filter((r) => r.key === 'key-0' || r.key === 'key-1');
        return recs.length === 0;
      },
      20000,
    );
    expect(Date.now(), 'removed only after the delete horizon').to.be.at.least(horizon);

    // A fresh consumer no longer sees key-0 or key-1 at all.
    const r = await kcat(['-b', cluster.bootstrap[0], '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k\n'], { timeoutMs: 30000 });
    expect(r.code, r.stderr).to.equal(0);
    const keys = new Set(r.stdout.trim().split('\n'));
    expect(keys.has('key-0')).to.equal(false);
    expect(keys.has('key-1')).to.equal(false);
    expect(keys.has('key-2')).to.equal(true);
  });

  it('refuses records without a key (kafkajs gets an error, raw produce INVALID_RECORD)', async () => {
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    let err: (Error & { type?: string }) | null = null;
    try {
      await producer.send({ topic, acks: -1, messages: [{ value: 'no key' }] });
    } catch (e) {
      err = e as Error & { type?: string };
    } finally {
      await producer.disconnect();
    }
    expect(err, 'kafkajs send of a keyless record').to.not.equal(null);
    const raw = await produceRaw(cluster.broker(1).port, topic, 0, batchOf(['no key either']));
    expect(raw.errorCode).to.equal(ErrorCode.INVALID_RECORD);
    const keyed = await produceRaw(cluster.broker(1).port, topic, 0, batchOf(['with key'], 'key-5'));
    expect(keyed.errorCode).to.equal(ErrorCode.NONE);
    produced.set(keyed.baseOffset, ['key-5', 'with key']);
  });

  it('compacts __consumer_offsets: many commits to one group shrink to the latest per key', async () => {
    const group = 'compaction-group';
    const COMMITS = 60;
    // Bulk commits as "simple" OffsetCommits (generation -1, no member), one record each; kafkajs'
    // admin.setOffsets joins the group and waits a fetch cycle (~5 s) per call, so it makes only the last one.
    const client = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'offsets-committer', 10000);
    try {
      const commit = async (offset: number): Promise<number> => {
        const res = await client.send(OffsetCommitApi, 2, {
          groupId: group,
          generationIdOrMemberEpoch: -1,
          memberId: '',
          groupInstanceId: null,
          retentionTimeMs: -1,
          topics: [
            {
              name: topic,
              partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }],
            },
          ],
        });
        return res.topics[0].partitions[0].errorCode;
      };
      // The first FindCoordinator (kafkajs) creates __consumer_offsets; commit once it is loaded here.
      const admin = kafka.admin();
      await admin.connect();
      await admin.fetchOffsets({ groupId: group, topics: [topic] }).finally(() => admin.disconnect());
      await waitFor('the group coordinator to accept commits', async () => (await commit(1)) === ErrorCode.NONE, 15000, 200);
      for (let i = 2; i <= COMMITS - 1; i++) expect(await commit(i)).to.equal(ErrorCode.NONE);
    } finally {
      client.close();
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      // kafkajs checks the group is Empty first (it is: simple commits only), then commits through a join.
      await waitFor(
        `setOffsets ${COMMITS}`,
        async () => {
          await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: String(COMMITS) }] });
          return true;
        },
        15000,
        200,
      );
      const offsetsDir = dir('__consumer_offsets');
      await waitFor(
        '__consumer_offsets to be compacted',
        async () => {
          const counts = closedKeyCounts(offsetsDir);
          return counts.size > 0 && [...counts.values()].every((n) => n === 1);
        },
        30000,
      );
      const after = recordsOnDisk(offsetsDir);
      expect(after.records.length).to.be.lessThan(COMMITS / 3);
      const fetched = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(fetched[0].partitions[0].offset).to.equal(String(COMMITS));
    } finally {
      await admin.disconnect();
    }
    // The coordinator loads the compacted log after a restart and still has the latest commit.
    await cluster.stopBroker(1, 'SIGTERM');
    await cluster.startBroker(1);
    await cluster.waitForBrokers([1]);
    const admin2 = kafka.admin();
    await admin2.connect();
    try {
      const fetched = await waitFor(
        'offsets after restart',
        async () => {
          const f = await admin2.fetchOffsets({ groupId: group, topics: [topic] });
          return f[0].partitions[0].offset === String(COMMITS) ? f : null;
        },
        20000,
      );
      expect(fetched[0].partitions[0].offset).to.equal(String(COMMITS));
    } finally {
      await admin2.disconnect();
    }
  });
});
