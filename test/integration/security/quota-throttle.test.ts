import { expect } from 'chai';
import * as crypto from 'crypto';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { FetchApi, ProduceApi } from '../../../src/protocol/apis';
import { recordsBuffer } from '../../../src/protocol/apis/01-fetch';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { batchOf } from '../../helpers/rawClient';
import { runTool } from '../cli/cliSupport';

/** Short quota windows (Kafka's own keys) so a run of a few seconds is past the first window's burst allowance. */
const WINDOW_NUM = 3;
const TOPIC = 'quota-data';
const BATCH_VALUE_BYTES = 8 * 1024;

interface RunStats {
  /** bytes per second over the steady part of the run (after the warm-up) */
  rate: number;
  maxThrottleMs: number;
  throttled: number;
  requests: number;
  emptyThrottled: number;
}

/** Rate of the (time, bytes) points that fall after `warmupMs`. */
function steadyRate(points: Array<{ t: number; bytes: number }>, start: number, warmupMs: number, end: number): number {
  const from = start + warmupMs;
  const bytes = points.filter((p) => p.t >= from).reduce((n, p) => n + p.bytes, 0);
  return bytes / ((end - from) / 1000);
}

/**
 * Client quotas on a real broker (ZooKeeper mode), set and removed live with kafka-configs --bootstrap-server: a producer
 * over producer_byte_rate and a consumer over consumer_byte_rate get throttle_time_ms and are held to their quota
 * by the broker muting their connection (this raw client never waits on its own, so the muting is what holds it).
 */
describe('integration: client quotas throttle producers and consumers (kafka-configs --bootstrap-server, live)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let port: number;

  before(async () => {
    cluster = await TestCluster.start({ overrides: { 'num.partitions': '1', 'quota.window.num': String(WINDOW_NUM), 'quota.window.size.seconds': '1' } });
    port = cluster.broker(1).port;
    await cluster.metadata(1, [TOPIC]); // auto-creates it
    await waitFor('the topic leader', async () => (await cluster.metadata(1, [TOPIC])).topics[0]?.partitions[0]?.leaderId === 1, 20000);
  });

  after(async () => {
    await cluster?.stop();
  });

  const configs = async (...args: string[]): Promise<void> => {
    const r = await runTool('kafka-configs', ['--bootstrap-server', cluster.bootstrap.join(','), '--alter', ...args]);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
  };

  /** The broker's QuotaConfigHandler applied the change of this entity with this config. */
  const applied = async (entityPath: string, config: Record<string, string>): Promise<void> => {
    const line = `Processing quota override for entityPath: ${entityPath} with config: ${JSON.stringify(config)}`;
    await waitFor(`broker applied ${entityPath}`, async () => cluster.broker(1).output.some((l) => l.includes(line)), 20000);
  };

  /** Produces batches of random bytes back to back for `ms`, one request at a time, never waiting on its own. */
  const produceFor = async (clientId: string, ms: number, warmupMs: number): Promise<RunStats> => {
    const c = new NetworkClient('127.0.0.1', port, clientId, 30000);
    const points: Array<{ t: number; bytes: number }> = [];
    let maxThrottleMs = 0;
    let throttled = 0;
    try {
      const start = Date.now();
      while (Date.now() - start < ms) {
        const records = batchOf([crypto.randomBytes(BATCH_VALUE_BYTES).toString('base64').slice(0, BATCH_VALUE_BYTES)]);
        const res = await c.send(ProduceApi, 7, {
          transactionalId: null,
          acks: 1,
          timeoutMs: 5000,
          topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
        });
        expect(res.responses[0].partitionResponses[0].errorCode).to.equal(ErrorCode.NONE);
        points.push({ t: Date.now(), bytes: records.length });
        if (res.throttleTimeMs > 0) throttled++;
        maxThrottleMs = Math.max(maxThrottleMs, res.throttleTimeMs);
      }
      const end = Date.now();
      return { rate: steadyRate(points, start, warmupMs, end), maxThrottleMs, throttled, requests: points.length, emptyThrottled: 0 };
    } finally {
      c.close();
    }
  };

  /** Fetches the topic from the start for `ms`, one request at a time, moving on past what each answer carried. */
  const fetchFor = async (clientId: string, ms: number, warmupMs: number): Promise<RunStats> => {
    const c = new NetworkClient('127.0.0.1', port, clientId, 30000);
    const points: Array<{ t: number; bytes: number }> = [];
    let offset = 0;
    let maxThrottleMs = 0;
    let throttled = 0;
    let emptyThrottled = 0;
    try {
      const start = Date.now();
      while (Date.now() - start < ms) {
        const res = await c.send(FetchApi, 11, {
          clusterId: null,
          replicaId: -1,
          replicaState: { replicaId: -1, replicaEpoch: -1 },
          maxWaitMs: 100,
          minBytes: 1,
          maxBytes: 1 << 20,
          isolationLevel: 0,
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
        expect(res.errorCode).to.equal(ErrorCode.NONE);
        if (res.throttleTimeMs > 0) {
          throttled++;
          maxThrottleMs = Math.max(maxThrottleMs, res.throttleTimeMs);
          // KafkaApis.handleFetchRequest: a throttled fetch is answered with no partitions at all.
          if (res.responses.length === 0) emptyThrottled++;
        }
        let bytes = 0;
        for (const t of res.responses) {
          for (const p of t.partitions) {
            expect(p.errorCode).to.equal(ErrorCode.NONE);
            const buf = recordsBuffer(p.records);
            bytes += buf.length;
            // Walk the batches: next offset = last batch's base offset + last offset delta + 1.
            for (let pos = 0; pos + 61 <= buf.length;) {
              const size = 12 + buf.readInt32BE(pos + 8);
              if (pos + size > buf.length) break;
              offset = Number(buf.readBigInt64BE(pos)) + buf.readInt32BE(pos + 23) + 1;
              pos += size;
            }
          }
        }
        if (bytes > 0) points.push({ t: Date.now(), bytes });
      }
      const end = Date.now();
      return { rate: steadyRate(points, start, warmupMs, end), maxThrottleMs, throttled, requests: points.length, emptyThrottled };
    } finally {
      c.close();
    }
  };

  it('a producer over producer_byte_rate (set live for its client id) is held near the quota and told throttle_time_ms', async () => {
    const quota = 64 * 1024;
    await configs('--add-config', `producer_byte_rate=${quota}`, '--entity-type', 'clients', '--entity-name', 'q-producer');
    await applied('clients/q-producer', { producer_byte_rate: String(quota) });
    const s = await produceFor('q-producer', 8000, 3000);
    console.log(
      `      producer: quota ${quota} B/s, measured ${Math.round(s.rate)} B/s, ${s.throttled}/${s.requests} responses throttled, max ${s.maxThrottleMs} ms`,
    );
    expect(s.throttled).to.be.greaterThan(0);
    expect(s.rate).to.be.at.most(1.5 * quota);
    expect(s.rate).to.be.at.least(0.3 * quota);
  });

  it('removing the quota live restores full speed (no throttle)', async () => {
    await configs('--delete-config', 'producer_byte_rate', '--entity-type', 'clients', '--entity-name', 'q-producer');
    await applied('clients/q-producer', {});
    // The recorded samples stay, but the entity's limit is unlimited again: nothing is throttled.
    const s = await produceFor('q-producer', 2000, 0);
    console.log(`      producer without quota: ${Math.round(s.rate)} B/s over ${s.requests} requests`);
    expect(s.throttled).to.equal(0);
    expect(s.rate).to.be.greaterThan(5 * 64 * 1024);
  });

  it('a consumer over consumer_byte_rate (the clients default) gets empty throttled answers and is held near the quota', async () => {
    // Enough data for the run: unthrottled producer (no producer quota anywhere).
    const c = new NetworkClient('127.0.0.1', port, 'filler', 30000);
    try {
      let total = 0;
      while (total < 1_500_000) {
        const records = batchOf([crypto.randomBytes(BATCH_VALUE_BYTES).toString('base64').slice(0, BATCH_VALUE_BYTES)]);
        await c.send(ProduceApi, 7, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] });
        total += records.length;
      }
    } finally {
      c.close();
    }
    const quota = 128 * 1024;
    await configs('--add-config', `consumer_byte_rate=${quota}`, '--entity-type', 'clients', '--entity-default');
    await applied('clients/<default>', { consumer_byte_rate: String(quota) });
    const s = await fetchFor('q-consumer', 7000, 3000);
    console.log(
      `      consumer: quota ${quota} B/s, measured ${Math.round(s.rate)} B/s, ${s.throttled} throttled answers (${s.emptyThrottled} empty), max ${s.maxThrottleMs} ms`,
    );
    expect(s.throttled).to.be.greaterThan(0);
    expect(s.emptyThrottled).to.equal(s.throttled);
    expect(s.rate).to.be.at.most(1.5 * quota);
    expect(s.rate).to.be.at.least(0.3 * quota);
  });
});
