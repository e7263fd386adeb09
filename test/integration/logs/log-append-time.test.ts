import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { ProduceApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { TIMESTAMP_TYPE_MASK, validateBatches } from '../../../src/protocol/records/RecordBatch';
import { TestCluster } from '../../helpers/cluster';
import { kcat, run } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';

const PYTHON = '/usr/bin/python3';
/** confluent_kafka's TIMESTAMP_CREATE_TIME and TIMESTAMP_LOG_APPEND_TIME. */
const CREATE_TIME = 1;
const LOG_APPEND_TIME = 2;
/** A producer timestamp far from now, so a stamped batch cannot be mistaken for it. */
const OLD_TS = 1500000000000;

/**
 * librdkafka through confluent_kafka: produces `n` records with timestamp OLD_TS (acks=all) and prints the
 * delivery reports' [type, timestamp] (librdkafka takes them from the Produce response's log_append_time_ms),
 * then consumes the partition from the beginning and prints each message's [type, timestamp, value].
 */
const PY = [
  'import json, sys',
  'from confluent_kafka import Producer, Consumer, TopicPartition, OFFSET_BEGINNING',
  'bootstrap, topic, n, old = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])',
  'reports = []',
  "p = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'linger.ms': 0})",
  'for i in range(n):',
  "    p.produce(topic, value=('py-%d' % i).encode(), partition=0, timestamp=old, on_delivery=lambda err, m: reports.append([err.code() if err else 0, m.timestamp()[0], m.timestamp()[1]]))",
  '    p.flush(10)',
  "c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'lat-check', 'enable.auto.commit': False})",
  'c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])',
  'seen = []',
  'for _ in range(200):',
  '    m = c.poll(0.2)',
  '    if m is None or m.error():',
  '        continue',
  '    seen.append([m.timestamp()[0], m.timestamp()[1], m.value().decode()])',
  '    if len(seen) >= n:',
  '        break',
  'c.close()',
  "print(json.dumps({'reports': reports, 'seen': seen}))",
].join('\n');

interface PyResult {
  reports: Array<[number, number, number]>;
  seen: Array<[number, number, string]>;
}

async function pyProduceConsume(bootstrap: string, topic: string, n: number): Promise<PyResult> {
  const r = await run(PYTHON, ['-c', PY, bootstrap, topic, String(n), String(OLD_TS)], { timeoutMs: 60000 });
  expect(r.code, r.stderr).to.equal(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as PyResult;
}

/** Produce v7 of one batch with producer timestamp OLD_TS; the partition response's error, offset and log_append_time_ms. */
async function produceV7(port: number, topic: string, value: string): Promise<{ errorCode: number; baseOffset: number; logAppendTimeMs: number }> {
  const c = new NetworkClient('127.0.0.1', port, 'it-log-append-time', 10000);
  try {
    const records = buildRecordBatch({ records: [{ key: null, value: Buffer.from(value), timestamp: OLD_TS }] });
    const res = await c.send(ProduceApi, 7, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 10000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
    });
    const p = res.responses[0].partitionResponses[0];
    return { errorCode: p.errorCode, baseOffset: p.baseOffset, logAppendTimeMs: p.logAppendTimeMs };
  } finally {
    c.close();
  }
}

/** The batches of a partition folder on disk: [maxTimestamp, LogAppendTime bit set] each, plus the raw bytes. */
function batchesOnDisk(dir: string): { batches: Array<[number, boolean]>; bytes: Buffer } {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d{20}\.log$/.test(f))
    .sort();
  const bytes = Buffer.concat(files.map((f) => fs.readFileSync(path.join(dir, f))));
  const batches =
    bytes.length === 0
      ? []
      : validateBatches(bytes, { client: false }).map((b): [number, boolean] => [b.maxTimestamp, (b.attributes & TIMESTAMP_TYPE_MASK) !== 0]);
  return { batches, bytes };
}

async function createTopic(kafka: Kafka, topic: string, replicationFactor: number, configEntries: Array<{ name: string; value: string }>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor, configEntries }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

describe('integration: message.timestamp.type=LogAppendTime', function () {
  this.timeout(180000);

  describe('as a topic config', () => {
    let cluster: TestCluster;
    let kafka: Kafka;

    before(async () => {
      cluster = await TestCluster.start({ brokers: 2 });
      kafka = new Kafka({ clientId: 'it-log-append-time', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
      await createTopic(kafka, 'lat', 2, [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
      await createTopic(kafka, 'ct', 2, []);
    });

    after(async () => {
      await cluster?.stop();
    });

    afterEach(function () {
      if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
    });

    it('stamps the broker time: librdkafka sees type LogAppendTime in delivery reports and consumed messages, kcat prints it', async () => {
      const before = Date.now();
      const r = await pyProduceConsume(cluster.bootstrap.join(','), 'lat', 5);
      const after = Date.now();
      expect(r.reports).to.have.length(5);
      for (const [err, type, ts] of r.reports) {
        expect(err).to.equal(0);
        expect(type).to.equal(LOG_APPEND_TIME);
        expect(ts).to.be.within(before, after);
      }
      expect(r.seen.map((m) => m[2])).to.deep.equal([0, 1, 2, 3, 4].map((i) => `py-${i}`));
      // Each consumed message carries its batch's append time, the one its delivery report announced.
      expect(r.seen.map((m) => [m[0], m[1]])).to.deep.equal(r.reports.map(([, , ts]) => [LOG_APPEND_TIME, ts]));

      const k = await kcat(['-b', cluster.bootstrap[0], '-C', '-t', 'lat', '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%T %s\n'], { timeoutMs: 30000 });
      expect(k.code, k.stderr).to.equal(0);
      expect(k.stdout.trim().split('\n')).to.deep.equal(r.seen.map(([, ts, v]) => `${ts} ${v}`));
    });

    it('answers log_append_time_ms in the Produce response (-1 for a CreateTime topic, whose timestamps stay)', async () => {
      const leaderPort = async (topic: string): Promise<number> => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          const md = await admin.fetchTopicMetadata({ topics: [topic] });
          return cluster.broker(md.topics[0].partitions[0].leader).port;
        } finally {
          await admin.disconnect();
        }
      };
      const before = Date.now();
      const lat = await produceV7(await leaderPort('lat'), 'lat', 'raw-lat');
      const after = Date.now();
      expect(lat.errorCode).to.equal(ErrorCode.NONE);
      expect(lat.logAppendTimeMs).to.be.within(before, after);
      const ct = await produceV7(await leaderPort('ct'), 'ct', 'raw-ct');
      expect(ct).to.deep.equal({ errorCode: ErrorCode.NONE, baseOffset: 0, logAppendTimeMs: -1 });

      const r = await pyProduceConsume(cluster.bootstrap.join(','), 'ct', 3);
      expect(r.reports.map(([err, type, ts]) => [err, type, ts])).to.deep.equal([0, 1, 2].map(() => [0, CREATE_TIME, OLD_TS]));
      expect(r.seen.map(([type, ts]) => [type, ts])).to.deep.equal([0, 1, 2].map(() => [CREATE_TIME, OLD_TS]));
    });

    it('followers replicate the stamped bytes as they are', async () => {
      const dirs = [1, 2].map((id) => path.join(cluster.broker(id).dataDir, 'lat-0'));
      await waitFor('both replicas to hold the same bytes', async () => {
        const [a, b] = dirs.map((d) => batchesOnDisk(d));
        return a.batches.length === 6 && a.bytes.equals(b.bytes);
      });
      const { batches } = batchesOnDisk(dirs[0]);
      expect(batches.every(([ts, lat]) => lat && ts > OLD_TS)).to.equal(true);
      const ct = batchesOnDisk(path.join(cluster.broker(1).dataDir, 'ct-0')).batches;
      expect(ct.every(([ts, lat]) => !lat && ts === OLD_TS)).to.equal(true);
    });
  });

  describe('as the broker default (log.message.timestamp.type)', () => {
    let cluster: TestCluster;
    let kafka: Kafka;

    before(async () => {
      cluster = await TestCluster.start({ brokers: 1, overrides: { 'log.message.timestamp.type': 'LogAppendTime' } });
      kafka = new Kafka({ clientId: 'it-log-append-time-default', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
      await createTopic(kafka, 'default-lat', 1, []);
      await createTopic(kafka, 'override-ct', 1, [{ name: 'message.timestamp.type', value: 'CreateTime' }]);
    });

    after(async () => {
      await cluster?.stop();
    });

    afterEach(function () {
      if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
    });

    it('stamps topics without an override; a topic override CreateTime keeps the producer time', async () => {
      const before = Date.now();
      const lat = await pyProduceConsume(cluster.bootstrap[0], 'default-lat', 2);
      const after = Date.now();
      for (const [type, ts] of lat.seen) {
        expect(type).to.equal(LOG_APPEND_TIME);
        expect(ts).to.be.within(before, after);
      }
      expect(lat.seen).to.have.length(2);
      const ct = await pyProduceConsume(cluster.bootstrap[0], 'override-ct', 2);
      expect(ct.seen.map(([type, ts]) => [type, ts])).to.deep.equal([
        [CREATE_TIME, OLD_TS],
        [CREATE_TIME, OLD_TS],
      ]);
      const raw = await produceV7(cluster.broker(1).port, 'default-lat', 'raw');
      expect(raw.logAppendTimeMs).to.be.greaterThan(OLD_TS);
    });
  });
});
