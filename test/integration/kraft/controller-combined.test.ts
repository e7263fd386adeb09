/**
 * Combined mode (process.roles=broker,controller, Kafka's KafkaRaftServer with both roles over one Raft client):
 * three nodes that are brokers and controllers serve a kafkajs producer and consumer; SIGKILL of the node that is
 * the active controller elects another controller within seconds and the cluster keeps serving; SIGTERM shuts a
 * combined node down broker first, then controller, exit 0.
 */
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { MetadataApi } from '../../../src/protocol/apis';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { waitFor } from '../../helpers/ports';

describe('integration: KRaft combined mode (broker,controller on each node)', function () {
  this.timeout(180000);
  let c: KRaftTestCluster;
  let kafka: Kafka;

  before(async () => {
    c = await KRaftTestCluster.start({ controllers: 3, brokers: 3, combined: true, overrides: { 'broker.session.timeout.ms': '4000' } });
  });
  after(async () => {
    await c?.shutdown();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(c.dumpLogs(60));
  });

  const metadata = async (id: number, topics: string[]) => {
    const client = new NetworkClient('127.0.0.1', c.node(id).brokerPort, 'it-combined', 5000);
    try {
      return await client.send(MetadataApi, 9, {
        topics: topics.map((name) => ({ name })),
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
      });
    } finally {
      client.close();
    }
  };

  /** Produces `values`, then reads the topic from the beginning until every `expected` value arrived; returns what was read, sorted. */
  const roundTrip = async (topic: string, values: string[], expected = values) => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: values.map((value) => ({ value })) });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `g-${topic}-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor(`the consumer to read ${expected.join(',')} from ${topic}`, async () => expected.every((v) => seen.includes(v)), 30000);
    await consumer.disconnect();
    return seen.sort();
  };

  it('every node is a voter and a broker; clients produce and consume', async () => {
    expect(c.controllerIds).to.deep.equal([1, 2, 3]);
    expect(c.brokerIds).to.deep.equal([1, 2, 3]);
    const active = await c.activeController();
    expect([1, 2, 3]).to.include(active.id);
    kafka = new Kafka({
      clientId: 'it-combined',
      brokers: c.bootstrap().split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 100 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'combined', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: false });
    await admin.disconnect();
    // Each broker learns the topic from the metadata log it follows.
    for (const id of c.brokerIds) {
      await waitFor(
        `broker ${id} to know the topic with leaders`,
        async () => {
          const t = (await metadata(id, ['combined'])).topics[0];
          return t.errorCode === 0 && t.partitions.length === 3 && t.partitions.every((p) => p.leaderId >= 0);
        },
        30000,
      );
    }
    expect(await roundTrip('combined', ['a', 'b', 'c'])).to.deep.equal(['a', 'b', 'c']);
  });

  it('SIGKILL of the active controller node: another node becomes controller and the cluster keeps serving', async () => {
    const before = await c.activeController();
    await c.kill(before.id);
    const after = await waitFor(
      'a new active controller',
      async () => {
        const a = await c.activeController(1000).catch(() => null);
        return a && a.id !== before.id ? a : null;
      },
      20000,
    );
    expect(after.epoch).to.be.greaterThan(before.epoch);
    const live = c.brokerIds.filter((id) => id !== before.id);
    // After the session timeout the killed node is fenced: every partition gets a leader among the live nodes.
    await waitFor(
      'every partition to be led by a live node',
      async () => {
        const md = await metadata(live[0], ['combined']);
        const t = md.topics[0];
        return t.errorCode === 0 && t.partitions.length === 3 && t.partitions.every((p) => live.includes(p.leaderId));
      },
      30000,
    );
    kafka = new Kafka({
      clientId: 'it-combined',
      brokers: live.map((id) => `127.0.0.1:${c.node(id).brokerPort}`),
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 100 },
    });
    // Read from the beginning: what was written before the failover is still there, and what was written after.
    // (A producer retry around the failover may duplicate a record: at-least-once without idempotence.)
    const seen = await roundTrip('combined', ['w', 'x', 'y', 'z'], ['a', 'b', 'c', 'w', 'x', 'y', 'z']);
    expect([...new Set(seen)].sort()).to.deep.equal(['a', 'b', 'c', 'w', 'x', 'y', 'z']);
    await c.start(before.id);
    await c.waitForBrokers(c.brokerIds);
  });

  it('SIGTERM stops a combined node: broker first, then controller; exit 0', async () => {
    const id = c.brokerIds.find((x) => c.isRunning(x))!;
    const code = await c.stop(id, 'SIGTERM');
    expect(code).to.equal(0);
    const out = c.output(id);
    const brokerDone = out.findIndex((l) => l.includes('[BrokerServer id=') && l.includes('shut down completed'));
    const controllerStart = out.findIndex((l) => l.includes(`[ControllerServer id=${id}] shutting down`));
    expect(brokerDone, 'broker shut down').to.be.greaterThan(-1);
    expect(controllerStart, 'controller shut down').to.be.greaterThan(brokerDone);
  });
});
