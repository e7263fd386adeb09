import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { FetchApi, ProduceApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { CompressionType } from '../../../src/protocol/records/compression';
import { buildLegacyMessageSet, readLegacyMessages } from '../../../src/protocol/records/LegacyRecords';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { iterateRecords, validateBatches } from '../../../src/protocol/records/RecordBatch';
import { TestCluster } from '../../helpers/cluster';
import { kcat, run } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'integration', 'broker', 'old_clients.py');
const hasKafkaPython = fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import kafka'], { stdio: 'ignore' }).status === 0;
const N = 5;

interface Produced {
  offset: number;
  timestamp: number;
}
interface Consumed {
  records: Array<{ partition: number; offset: number; timestamp: number; key: string | null; value: string }>;
  committed: number | null;
}
interface Commit {
  group: string;
  topic: string;
  partition: number;
  offset: number;
}

async function py<T>(args: string[]): Promise<T> {
  const r = await run(PYTHON, [SCRIPT, ...args], { timeoutMs: 90000 });
  expect(r.code, `old_clients.py ${args.join(' ')}: ${r.stderr}`).to.equal(0);
  return JSON.parse(r.stdout) as T;
}

/**
 * Old kafka-python protocols against the broker, which stores record batch v2 only (Kafka 3.7, IBP 3.0+):
 * api_version (0, 8, 2) produces and fetches message format v0 with Produce v0 / Fetch v0 (no groups); (0, 9) with
 * Produce v1 / Fetch v1 and a consumer group (JoinGroup v0, OffsetCommit v2, ListOffsets v0); (0, 10, 0) message
 * format v1 with Produce v2 / Fetch v2; (0, 10, 1) fetches with Fetch v3. The broker converts on the way in and
 * out, and a modern client (kcat) reads what the old ones wrote, and the other way round.
 */
describe('integration: old kafka-python protocols (message formats v0/v1)', function () {
  this.timeout(240000);
  let cluster: TestCluster;
  let kafka: Kafka;
  const modes = [
    { api: '0.9', codecs: ['none', 'gzip', 'snappy'], magic: 0 },
    // lz4 with magic 0 needs the python xxhash module (kafka-python's old-Kafka LZ4 framing), absent on Debian.
    { api: '0.10.0', codecs: ['none', 'gzip', 'snappy', 'lz4'], magic: 1 },
  ];
  const topicOf = (api: string) => `old-${api.replace(/\./g, '-')}`;

  before(async function () {
    if (!hasKafkaPython) this.skip();
    cluster = await TestCluster.start({ brokers: 1 });
    kafka = new Kafka({ clientId: 'it-old-clients', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: modes.map((m) => ({ topic: topicOf(m.api), numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
    await admin.disconnect();
    // A modern client's batch first (magic 2, with a header): the old consumers read it down-converted.
    for (const m of modes) {
      const r = await kcat(['-b', cluster.bootstrap[0], '-P', '-t', topicOf(m.api), '-p', '0', '-K', ':', '-z', 'gzip', '-H', 'h=1'], {
        input: 'kc0:kcat-0\nkc1:kcat-1\n',
        timeoutMs: 30000,
      });
      expect(r.code, r.stderr).to.equal(0);
    }
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  for (const mode of modes) {
    const topic = topicOf(mode.api);

    it(`api_version ${mode.api}: produces message format v${mode.magic} in each codec; stored as v2 batches with consecutive offsets`, async () => {
      let next = 2;
      for (const codec of mode.codecs) {
        const out = await py<Produced[]>(['produce', cluster.bootstrap[0], mode.api, topic, codec, String(N)]);
        expect(
          out.map((o) => o.offset),
          codec,
        ).to.deep.equal(Array.from({ length: N }, (_, i) => next + i));
        next += N;
      }
      const dir = path.join(cluster.broker(1).dataDir, `${topic}-0`);
      const log = fs.readFileSync(path.join(dir, '00000000000000000000.log'));
      const batches = validateBatches(log, { client: false });
      expect(batches.every((b) => b.producerId === -1)).to.equal(true);
      const records = batches.flatMap((b) => [...iterateRecords(log.subarray(b.position, b.position + b.size))]);
      expect(records.map((r) => r.offset)).to.deep.equal(Array.from({ length: next }, (_, i) => i));
      // Message format v0 has no timestamp: NO_TIMESTAMP (-1) after conversion; v1 keeps the producer's.
      const old = records.slice(2);
      if (mode.magic === 0) expect(old.every((r) => r.timestamp === -1)).to.equal(true);
      else expect(old.every((r) => r.timestamp > 1600000000000)).to.equal(true);
      expect(old.map((r) => r.key!.toString())).to.deep.equal(mode.codecs.flatMap(() => Array.from({ length: N }, (_, i) => `k${i}`)));
    });

    it(`api_version ${mode.api}: a group consumer reads everything back (down-converted) and commits`, async () => {
      const total = 2 + mode.codecs.length * N;
      const res = await py<Consumed>(['consume', cluster.bootstrap[0], mode.api, topic, `g-${topic}`, String(total)]);
      expect(res.records.map((r) => r.offset)).to.deep.equal(Array.from({ length: total }, (_, i) => i));
      expect(res.records.map((r) => r.value)).to.deep.equal([
        'kcat-0',
        'kcat-1',
        ...mode.codecs.flatMap((c) => Array.from({ length: N }, (_, i) => `${c}-${mode.api}-${i}`)),
      ]);
      expect(res.records.map((r) => r.key)).to.deep.equal(['kc0', 'kc1', ...mode.codecs.flatMap(() => Array.from({ length: N }, (_, i) => `k${i}`))]);
      // Fetch v0-1 (magic 0) carries no timestamps; Fetch v2 (magic 1) carries them.
      if (mode.magic === 0) expect(res.records.every((r) => r.timestamp === -1 || r.timestamp === null)).to.equal(true);
      else expect(res.records.every((r) => r.timestamp > 1600000000000)).to.equal(true);
      expect(res.committed).to.equal(total);
    });

    it(`api_version ${mode.api}: kcat reads what the old producer wrote`, async () => {
      const r = await kcat(['-b', cluster.bootstrap[0], '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k=%s\n'], { timeoutMs: 30000 });
      expect(r.code, r.stderr).to.equal(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).to.have.length(2 + mode.codecs.length * N);
      expect(lines[2]).to.match(/^k0=none-/);
    });
  }

  it('api_version 0.8.2: Produce v0 and Fetch v0 (message format v0) round-trip without a group', async () => {
    const topic = 'old-0-8-2';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const produced = await py<Produced[]>(['produce', cluster.bootstrap[0], '0.8.2', topic, 'gzip', String(N)]);
    expect(produced.map((p) => p.offset)).to.deep.equal([0, 1, 2, 3, 4]);
    const res = await py<Consumed>(['consume', cluster.bootstrap[0], '0.8.2', topic, '-', String(N)]);
    expect(res.records.map((r) => [r.offset, r.key, r.value])).to.deep.equal(Array.from({ length: N }, (_, i) => [i, `k${i}`, `gzip-0.8.2-${i}`]));
  });

  it('a Fetch v3 reader of __consumer_offsets (api_version 0.10.1) sees both groups commits', async () => {
    let commits: Commit[] = [];
    await waitFor(
      'both commits in __consumer_offsets',
      async () => {
        commits = await py<Commit[]>(['offsets', cluster.bootstrap[0], '0.10.1']);
        return modes.every((m) => commits.some((c) => c.group === `g-${topicOf(m.api)}`));
      },
      60000,
      500,
    );
    for (const m of modes) {
      const mine = commits.filter((c) => c.group === `g-${topicOf(m.api)}`);
      expect(mine.map((c) => [c.topic, c.partition, c.offset])).to.deep.equal([[topicOf(m.api), 0, 2 + m.codecs.length * N]]);
    }
  });

  describe('protocol level: the errors Kafka gives old requests', () => {
    let c: NetworkClient;
    const produce = async (version: number, topic: string, records: Buffer) => {
      const r = await c.send(ProduceApi, version, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 5000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
      });
      return r.responses[0].partitionResponses[0];
    };
    const fetch = async (version: number, topic: string, fetchOffset: number) => {
      const r = await c.send(FetchApi, version, {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1 },
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            topicId: Buffer.alloc(16),
            partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      });
      return r.responses[0].partitions[0];
    };
    const msgs = (n: number, key = true) =>
      Array.from({ length: n }, (_, i) => ({ offset: i, timestamp: Date.now(), key: key ? Buffer.from(`k${i}`) : null, value: Buffer.from(`v${i}`) }));

    before(async () => {
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({
        topics: [
          { topic: 'raw-old', numPartitions: 1, replicationFactor: 1 },
          { topic: 'raw-compacted', numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
          { topic: 'raw-zstd', numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'compression.type', value: 'zstd' }] },
          { topic: 'raw-no-down', numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'message.downconversion.enable', value: 'false' }] },
        ],
        waitForLeaders: true,
      });
      await admin.disconnect();
      c = new NetworkClient('127.0.0.1', cluster.broker(1).port, 'it-old-raw', 10000);
    });
    after(() => c?.close());

    it('Produce v0-2 append converted message sets; a bad CRC is CORRUPT_MESSAGE, keyless on compacted INVALID_RECORD', async () => {
      expect(await produce(0, 'raw-old', buildLegacyMessageSet(0, CompressionType.NONE, msgs(2), false))).to.include({ errorCode: 0, baseOffset: 0 });
      expect(await produce(1, 'raw-old', buildLegacyMessageSet(0, CompressionType.GZIP, msgs(3), false))).to.include({ errorCode: 0, baseOffset: 2 });
      expect(await produce(2, 'raw-old', buildLegacyMessageSet(1, CompressionType.SNAPPY, msgs(2), false))).to.include({ errorCode: 0, baseOffset: 5 });
      const bad = buildLegacyMessageSet(1, CompressionType.NONE, msgs(1), false);
      bad[bad.length - 1] ^= 0xff;
      expect(await produce(2, 'raw-old', bad)).to.include({ errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 });
      expect(await produce(2, 'raw-compacted', buildLegacyMessageSet(1, CompressionType.GZIP, msgs(2, false), false))).to.include({
        errorCode: ErrorCode.INVALID_RECORD,
      });
      // Produce v0-2 may carry v2 batches (Kafka does not check the magic below v3), but only one of them.
      const v2 = buildRecordBatch({ records: [{ key: null, value: Buffer.from('x'), timestamp: Date.now() }] });
      expect(await produce(2, 'raw-old', v2)).to.include({ errorCode: 0, baseOffset: 7 });
      expect(await produce(2, 'raw-old', Buffer.concat([v2, v2]))).to.include({ errorCode: ErrorCode.INVALID_RECORD });
    });

    it('Fetch v0-3 return message format v0 (v0-1) or v1 (v2-3) from any offset; zstd topics and disabled down-conversion refuse', async () => {
      for (const v of [0, 1, 2, 3]) {
        const p = await fetch(v, 'raw-old', 3);
        expect(p.errorCode, `v${v}`).to.equal(0);
        const got = readLegacyMessages(p.records as unknown as Buffer);
        // The gzip wrapper of offsets 2-4 comes whole; the records before the fetch offset are the client's to skip.
        expect(got.map((m) => [m.offset, m.magic])).to.deep.equal([2, 3, 4, 5, 6, 7].map((o) => [o, v <= 1 ? 0 : 1]));
      }
      await produce(7, 'raw-zstd', buildRecordBatch({ records: [{ key: null, value: Buffer.from('z'), timestamp: Date.now() }] }));
      expect((await fetch(3, 'raw-zstd', 0)).errorCode).to.equal(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
      await produce(7, 'raw-no-down', buildRecordBatch({ records: [{ key: null, value: Buffer.from('n'), timestamp: Date.now() }] }));
      expect((await fetch(2, 'raw-no-down', 0)).errorCode).to.equal(ErrorCode.UNSUPPORTED_VERSION);
      expect((await fetch(4, 'raw-no-down', 0)).errorCode).to.equal(0);
    });
  });
});
