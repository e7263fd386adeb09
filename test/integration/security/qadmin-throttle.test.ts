/**
 * End to end: a quota set with kafka-configs --bootstrap-server (AlterClientQuotas, written to /config/clients by the
 * broker, applied by every broker's quota config handler through /config/changes) throttles a producer; deleting it
 * the same way lifts the throttle. The producer is our NetworkClient sending Produce v7 with its client id.
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { ProduceApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { batchOf } from '../../helpers/rawClient';
import { runTool } from '../cli/cliSupport';

const TOPIC = 'qadmin-throttle';
const QUOTA = 20000; // bytes per second
const VALUE_BYTES = 4000;

describe('integration: an AlterClientQuotas change (kafka-configs --bootstrap-server) throttles a producer', function () {
  this.timeout(90000);
  let cluster: TestCluster;
  let port: number;

  before(async () => {
    cluster = await TestCluster.start({ overrides: { 'num.partitions': '1', 'quota.window.num': '4', 'quota.window.size.seconds': '1' } });
    port = cluster.broker(1).port;
    await cluster.metadata(1, [TOPIC]); // auto-creates it
    await waitFor('the topic leader', async () => (await cluster.metadata(1, [TOPIC])).topics[0]?.partitions[0]?.leaderId === 1, 20000);
  });

  after(async () => {
    await cluster?.stop();
  });

  const configs = (...args: string[]) => runTool('kafka-configs', ['--bootstrap-server', cluster.bootstrap.join(','), ...args]);

  const applied = async (entityPath: string, config: Record<string, string>): Promise<void> => {
    const line = `Processing quota override for entityPath: ${entityPath} with config: ${JSON.stringify(config)}`;
    await waitFor(`broker applied ${entityPath}`, async () => cluster.broker(1).output.some((l) => l.includes(line)), 20000);
  };

  /** Produces back to back for `ms`: the byte rate from the first to the last answer, and the largest throttle_time_ms. */
  const produceFor = async (clientId: string, ms: number): Promise<{ rate: number; maxThrottleMs: number; requests: number }> => {
    const c = new NetworkClient('127.0.0.1', port, clientId, 30000);
    let bytes = 0;
    let maxThrottleMs = 0;
    let requests = 0;
    try {
      const start = Date.now();
      while (Date.now() - start < ms) {
        const records = batchOf([crypto.randomBytes(VALUE_BYTES).toString('base64').slice(0, VALUE_BYTES)]);
        const res = await c.send(ProduceApi, 7, {
          transactionalId: null,
          acks: 1,
          timeoutMs: 5000,
          topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
        });
        expect(res.responses[0].partitionResponses[0].errorCode).to.equal(ErrorCode.NONE);
        bytes += records.length;
        requests++;
        maxThrottleMs = Math.max(maxThrottleMs, res.throttleTimeMs);
      }
      return { rate: (bytes * 1000) / (Date.now() - start), maxThrottleMs, requests };
    } finally {
      c.close();
    }
  };

  it('producer_byte_rate for a client id: throttled near the quota while set, free again once deleted', async () => {
    const free = await produceFor('qa-limited', 1500);
    expect(free.maxThrottleMs).to.equal(0);

    const set = await configs('--alter', '--add-config', `producer_byte_rate=${QUOTA}`, '--client', 'qa-limited');
    expect(set, set.stderr).to.deep.equal({ code: 0, stdout: 'Completed updating config for client qa-limited.\n', stderr: '' });
    await applied('clients/qa-limited', { producer_byte_rate: String(QUOTA) });

    const limited = await produceFor('qa-limited', 6000);
    console.log(
      `      unthrottled ${Math.round(free.rate)} B/s (${free.requests} requests); with producer_byte_rate=${QUOTA}: ` +
        `${Math.round(limited.rate)} B/s (${limited.requests} requests, max throttle_time_ms ${limited.maxThrottleMs})`,
    );
    expect(limited.maxThrottleMs).to.be.greaterThan(0);
    // Held near the quota (the first window's burst and one request of slack on top), far below the free rate.
    expect(limited.rate).to.be.lessThan(QUOTA * 2.5);
    expect(limited.rate).to.be.lessThan(free.rate / 2);

    const del = await configs('--alter', '--delete-config', 'producer_byte_rate', '--client', 'qa-limited');
    expect(del, del.stderr).to.deep.equal({ code: 0, stdout: 'Completed updating config for client qa-limited.\n', stderr: '' });
    await applied('clients/qa-limited', {});
    const again = await produceFor('qa-limited', 1500);
    expect(again.maxThrottleMs).to.equal(0);
  });
});
