/**
 * ZooKeeper quorum loss under load: 2 of 3 ZooKeeper nodes down for 20 s. As Kafka's brokers do, ours keep
 * running and keep serving produce and fetch on partitions whose ISR need not change (replication needs
 * no ZooKeeper); when the quorum returns they reconnect (or, after a session expiry, re-create
 * /brokers/ids/<id> as KafkaZkClient does and the controller election runs again) and the controller works
 * again: a topic created afterwards gets leaders. An acks=all producer (RF 3, min.insync.replicas 2)
 * running throughout loses no acknowledged record.
 */
import { expect } from 'chai';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { waitForZooKeeper } from '../../../src/launcher/zookeeper';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { readPartition } from '../../helpers/readAll';
import { ZkReader } from '../../helpers/zkRead';

const TOPIC = 'through-quorum-loss';
const OUTAGE_MS = 20000;

describe('ZooKeeper quorum loss (2 of 3 nodes down for 20 s)', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let kafka: Kafka;

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 3,
      zkNodes: 3,
      overrides: { 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false', 'auto.leader.rebalance.enable': 'false' },
    });
    kafka = new Kafka({
      clientId: 'it-quorum',
      brokers: cluster.bootstrap,
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: TOPIC,
          replicaAssignment: [
            { partition: 0, replicas: [1, 2, 3] },
            { partition: 1, replicas: [2, 3, 1] },
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

  it('brokers stay up and serve, reconnect when the quorum returns, and no acknowledged record is lost', async () => {
    const acked: string[][] = [[], []];
    let producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    let stop = false;
    let failures = 0;
    const loop = (async () => {
      for (let n = 0; !stop; n++) {
        const partition = n % 2;
        const value = `v-${n}`;
        try {
          await producer.send({ topic: TOPIC, acks: -1, timeout: 5000, messages: [{ value, partition }] });
          acked[partition].push(value);
        } catch {
          failures++;
          await producer.disconnect().catch(() => undefined);
          producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
          await producer.connect().catch(() => undefined);
        }
      }
    })();
    const count = () => acked[0].length + acked[1].length;
    try {
      await waitFor('records acknowledged before the outage', async () => count() >= 20, 30000);

      cluster.zk.kill(1);
      cluster.zk.kill(2);
      const atOutage = count();
      const outageEnd = Date.now() + OUTAGE_MS;
      // Throughout the outage: every broker stays up, and acks=all produce keeps being acknowledged.
      await waitFor('records acknowledged without a ZooKeeper quorum', async () => count() >= atOutage + 20, OUTAGE_MS);
      // Fetch keeps working too: what was acknowledged so far reads back from the leader.
      const leader0 = (await cluster.metadata(undefined, [TOPIC])).topics[0].partitions.find((p) => p.partitionIndex === 0)!.leaderId;
      const ackedSoFar = [...acked[0]];
      const fetched = new Set(await readPartition(cluster.broker(leader0).port, TOPIC, 0, 1e9));
      expect(
        ackedSoFar.filter((v) => !fetched.has(v)),
        'acknowledged records not fetched during the outage',
      ).to.deep.equal([]);
      while (Date.now() < outageEnd) {
        for (const b of cluster.brokers.values()) expect(b.proc, `broker ${b.id} running during the outage`).to.not.equal(null);
        // The outage lasts a fixed 20 s (the scenario); every 500 ms of it, every broker must still be running.
        await new Promise((r) => setTimeout(r, 500));
      }
      const duringOutage = count() - atOutage;

      cluster.zk.start(1);
      cluster.zk.start(2);
      await Promise.all(cluster.zk.ports.map((p) => waitForZooKeeper(`127.0.0.1:${p}`, 60000)));
      await cluster.waitForBrokers([1, 2, 3], 60000);
      for (const b of cluster.brokers.values()) expect(b.proc, `broker ${b.id} running after the outage`).to.not.equal(null);

      // The controller works again: a new topic gets leaders.
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic: 'after-quorum', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true, timeout: 30000 });
        await waitFor(
          'leaders for after-quorum',
          async () => {
            const md = await cluster.metadata(undefined, ['after-quorum']);
            const t = md.topics[0];
            return t.errorCode === 0 && t.partitions.length === 3 && t.partitions.every((p) => p.errorCode === 0 && p.leaderId >= 0);
          },
          30000,
        );
      } finally {
        await admin.disconnect();
      }
      await waitFor('records acknowledged after the outage', async () => count() >= atOutage + duringOutage + 10, 30000);
      expect(duringOutage, 'records acknowledged during the outage').to.be.greaterThan(0);
    } finally {
      stop = true;
      await loop;
      await producer.disconnect().catch(() => undefined);
    }

    const md = await cluster.metadata(undefined, [TOPIC]);
    for (const p of md.topics[0].partitions) {
      const values = new Set(await readPartition(cluster.broker(p.leaderId).port, TOPIC, p.partitionIndex, 1e9));
      const missing = acked[p.partitionIndex].filter((v) => !values.has(v));
      expect(missing, `acknowledged records missing from ${TOPIC}-${p.partitionIndex} (send failures ${failures})`).to.deep.equal([]);
    }
  });

  it('a broker whose session expired re-registers (new broker epoch) and the controller election runs again', async () => {
    const zk = await ZkReader.connect(cluster.connectString);
    try {
      const controller = (await cluster.metadata()).controllerId;
      const before = (await zk.get(`/brokers/ids/${controller}`)).stat.czxid as Buffer;
      // Frozen past zookeeper.session.timeout.ms (6 s here), the controller's session expires for real.
      const proc = cluster.broker(controller).proc!;
      proc.kill('SIGSTOP');
      try {
        await waitFor(`/brokers/ids/${controller} to go with its session`, async () => !(await zk.exists(`/brokers/ids/${controller}`)), 30000, 200);
        await waitFor(
          'another controller',
          async () => {
            const c = await zk.get('/controller').catch(() => null);
            return c?.data ? (JSON.parse(c.data) as { brokerid: number }).brokerid !== controller : false;
          },
          30000,
          200,
        );
      } finally {
        proc.kill('SIGCONT');
      }
      await waitFor(
        `/brokers/ids/${controller} re-created by a new session`,
        async () => {
          const now = await zk.get(`/brokers/ids/${controller}`).catch(() => null);
          return now !== null && Buffer.compare(now.stat.czxid as Buffer, before) > 0;
        },
        30000,
        200,
      );
      await cluster.waitForBrokers([1, 2, 3], 30000);
      expect(cluster.broker(controller).proc, 'the expired broker keeps running').to.not.equal(null);

      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic: 'after-expiry', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true, timeout: 30000 });
      } finally {
        await admin.disconnect();
      }
      await waitFor(
        'leaders for after-expiry',
        async () => {
          const t = (await cluster.metadata(controller, ['after-expiry'])).topics[0];
          return t.errorCode === 0 && t.partitions.length === 3 && t.partitions.every((p) => p.errorCode === 0 && p.leaderId >= 0);
        },
        30000,
      );
    } finally {
      zk.close();
    }
  });
});
