import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { readPartition } from '../../helpers/readAll';
import { ZkReader } from '../../helpers/zkRead';

interface PartitionState {
  leader: number;
  leader_epoch: number;
  isr: number[];
}

const TOPIC = 'chaos';
const PARTITIONS = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The must-hold property of replication: with RF 3, min.insync.replicas=2, acks=all and an idempotent
 * producer, SIGKILLing brokers (leaders among them) loses and duplicates nothing that was acknowledged, and
 * every replica ends with the same log. Divergent tails are cut by leader epoch (OffsetForLeaderEpoch), retried
 * batches are recognised through the producer state every replica keeps. Without unclean election a
 * partition whose whole ISR is gone stays offline rather than losing data.
 */
describe('integration: replication chaos (SIGKILL leaders under an idempotent acks=all producer)', function () {
  this.timeout(240000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let zk: ZkReader;

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 3,
      overrides: { 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false', 'auto.leader.rebalance.enable': 'false' },
    });
    kafka = new Kafka({
      clientId: 'it-chaos', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    zk = await ZkReader.connect(cluster.connectString);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: TOPIC, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }, { partition: 1, replicas: [2, 3, 1] }] },
        { topic: 'offline', replicaAssignment: [{ partition: 0, replicas: [2, 3] }] },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const state = async (topic: string, p: number): Promise<PartitionState> =>
    JSON.parse((await zk.get(`/brokers/topics/${topic}/partitions/${p}/state`)).data!) as PartitionState;
  const logBytes = (broker: number, topic: string, p: number): Buffer => {
    const dir = path.join(cluster.broker(broker).dataDir, `${topic}-${p}`);
    return Buffer.concat(fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort().map((f) => fs.readFileSync(path.join(dir, f))));
  };
  const killAndRestart = async (id: number, downMs: number): Promise<void> => {
    await cluster.stopBroker(id, 'SIGKILL');
    await waitFor(`registration of broker ${id} expired`, async () => !(await zk.exists(`/brokers/ids/${id}`)), 20000);
    await sleep(downMs); // keep producing against the two survivors
    await cluster.startBroker(id);
    await waitFor(`full ISR for ${TOPIC} after restarting ${id}`, async () => {
      for (let p = 0; p < PARTITIONS; p++) if ((await state(TOPIC, p)).isr.length !== 3) return false;
      return true;
    }, 40000);
  };

  it('every acknowledged value is read back exactly once, in order, and all replicas are identical', async () => {
    const acked: string[][] = Array.from({ length: PARTITIONS }, () => []);
    const attempted = new Set<string>();
    let producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    let stop = false;
    let failures = 0;
    const loop = (async () => {
      for (let n = 0; !stop; n++) {
        const partition = n % PARTITIONS;
        const values = [`v-${n}-a`, `v-${n}-b`];
        values.forEach((v) => attempted.add(v));
        try {
          await producer.send({ topic: TOPIC, acks: -1, timeout: 5000, messages: values.map((value) => ({ value, partition })) });
          acked[partition].push(...values);
        } catch {
          // Retries exhausted: the outcome is unknown. A fresh producer id keeps later batches from being
          // mistaken for this one (same sequence number) if it did reach the log.
          failures++;
          await producer.disconnect().catch(() => undefined);
          producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
          await producer.connect().catch(() => undefined);
        }
      }
    })();

    await sleep(1000);
    for (const p of [0, 1, 0]) {
      const leader = (await state(TOPIC, p)).leader;
      await killAndRestart(leader, 1500);
    }
    const st0 = await state(TOPIC, 0);
    await killAndRestart(st0.isr.find((b) => b !== st0.leader)!, 1000); // a follower this time
    await sleep(1000);
    stop = true;
    await loop;
    await producer.disconnect();

    const total = acked[0].length + acked[1].length;
    expect(total, `acknowledged values (failures ${failures})`).to.be.greaterThan(50);
    for (let p = 0; p < PARTITIONS; p++) {
      const st = await state(TOPIC, p);
      const values = await readPartition(cluster.broker(st.leader).port, TOPIC, p, 1e9);
      const pos = new Map<string, number>();
      values.forEach((v, i) => {
        expect(pos.has(v), `value ${v} duplicated in ${TOPIC}-${p}`).to.equal(false);
        expect(attempted.has(v), `value ${v} never sent`).to.equal(true);
        pos.set(v, i);
      });
      let last = -1;
      for (const v of acked[p]) {
        const at = pos.get(v);
        expect(at, `acknowledged value ${v} missing from ${TOPIC}-${p}`).to.not.equal(undefined);
        expect(at!, `acknowledged value ${v} out of order`).to.be.greaterThan(last);
        last = at!;
      }
      await waitFor(`replicas of ${TOPIC}-${p} identical`, async () => {
        const logs = [1, 2, 3].map((b) => logBytes(b, TOPIC, p));
        return logs.every((l) => l.equals(logs[0]));
      }, 20000);
    }
  });

  it('with unclean leader election disabled, a partition whose whole ISR is gone stays offline until an ISR member returns', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: 'offline', acks: -1, messages: [{ value: 'kept-1' }, { value: 'kept-2' }] });
    await producer.disconnect();
    await cluster.stopBroker(3, 'SIGKILL');
    await waitFor('ISR of offline-0 without 3', async () => !(await state('offline', 0)).isr.includes(3), 20000);
    await cluster.stopBroker(2, 'SIGKILL');
    await waitFor('offline-0 without a leader', async () => (await state('offline', 0)).leader === -1, 20000);
    await waitFor('registration of broker 3 expired', async () => !(await zk.exists('/brokers/ids/3')), 20000);
    await cluster.startBroker(3);
    await cluster.waitForBrokers([1, 3]);
    await sleep(2000);
    const still = await state('offline', 0);
    expect(still.leader).to.equal(-1); // 3 is alive but out of the ISR: not electable
    expect(still.isr).to.deep.equal([2]);
    await waitFor('registration of broker 2 expired', async () => !(await zk.exists('/brokers/ids/2')), 20000);
    await cluster.startBroker(2);
    const back = await waitFor('offline-0 led by 2 again', async () => {
      const st = await state('offline', 0);
      return st.leader === 2 ? st : null;
    }, 30000);
    expect(back.leader).to.equal(2);
    const values = await waitFor('offline-0 readable', async () => readPartition(cluster.broker(2).port, 'offline', 0, 1e9).catch(() => null), 10000);
    expect(values).to.deep.equal(['kept-1', 'kept-2']);
  });
});
