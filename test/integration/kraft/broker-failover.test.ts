/**
 * KRaft broker failures: a SIGKILLed broker loses its leaderships once the controller fences it after
 * broker.session.timeout.ms without heartbeats (no ZooKeeper session involved); a restarted broker registers
 * again, catches up from the metadata log (including a topic created while it was down) and is unfenced; a
 * controlled shutdown (SIGTERM) moves the broker's leaderships away before it exits.
 */
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { MetadataApi } from '../../../src/protocol/apis';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { waitFor } from '../../helpers/ports';

const SESSION_TIMEOUT_MS = 4000;

interface PartitionView {
  partition: number;
  leader: number;
  isr: number[];
}

describe('integration: KRaft broker failover, restart and controlled shutdown', function () {
  this.timeout(240000);
  let cluster: KRaftTestCluster;
  let kafka: Kafka;

  before(async () => {
    cluster = await KRaftTestCluster.start({
      controllers: 3,
      brokers: 3,
      controllerOverrides: { 'broker.session.timeout.ms': String(SESSION_TIMEOUT_MS) },
      overrides: { 'broker.heartbeat.interval.ms': '500' },
    });
    kafka = new Kafka({
      clientId: 'it-kraft-failover',
      brokers: cluster.bootstrap().split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 100 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      // Answered once the controller committed it; the brokers learn it from the log just after (waited for below).
      await admin.createTopics({ topics: [{ topic: 'kr-fo', numPartitions: 6, replicationFactor: 3 }], waitForLeaders: false });
    } finally {
      await admin.disconnect();
    }
    // Each broker learns of the topic from the metadata log on its own schedule: wait until all three have it, fully replicated.
    for (const id of [1, 2, 3]) {
      await waitFor(
        `broker ${id} to see kr-fo fully in sync`,
        async () => (await partitions(id, 'kr-fo'))?.every((p) => p.leader > 0 && p.isr.length === 3),
        60000,
      );
    }
  });

  after(async () => {
    await cluster?.shutdown();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs(80));
  });

  /** What broker `via` reports for a topic (Metadata v9). */
  async function partitions(via: number, topic: string): Promise<PartitionView[] | null> {
    const c = new NetworkClient('127.0.0.1', cluster.node(via).brokerPort, 'it-kraft-failover', 5000);
    try {
      const md = await c.send(MetadataApi, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      const t = md.topics[0];
      if (!t || t.errorCode !== 0) return null;
      return t.partitions.map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, isr: p.isrNodes })).sort((a, b) => a.partition - b.partition);
    } finally {
      c.close();
    }
  }

  async function aliveBrokers(via: number): Promise<number[]> {
    const c = new NetworkClient('127.0.0.1', cluster.node(via).brokerPort, 'it-kraft-failover', 5000);
    try {
      const md = await c.send(MetadataApi, 1, { topics: [], allowAutoTopicCreation: false });
      return md.brokers.map((b) => b.nodeId).sort();
    } finally {
      c.close();
    }
  }

  it('SIGKILL of a broker: after the session timeout the controller fences it and every partition it led gets a new leader', async () => {
    const before = (await partitions(1, 'kr-fo'))!;
    // Make sure the victim leads something: pick the leader of partition 0.
    const victim = before[0].leader;
    const led = before.filter((p) => p.leader === victim).map((p) => p.partition);
    expect(led.length).to.be.greaterThan(0);
    const survivor = [1, 2, 3].find((b) => b !== victim)!;
    const killedAt = Date.now();
    await cluster.kill(victim);
    const after = await waitFor(
      `partitions led by ${victim} to move`,
      async () => {
        const ps = await partitions(survivor, 'kr-fo');
        return ps && led.every((i) => ps[i].leader >= 0 && ps[i].leader !== victim) ? ps : null;
      },
      SESSION_TIMEOUT_MS + 30000,
      50,
    );
    const movedAfterMs = Date.now() - killedAt;
    // Nothing moves before the controller's session for the broker expires (no heartbeats for broker.session.timeout.ms).
    expect(movedAfterMs).to.be.at.least(SESSION_TIMEOUT_MS - 1000);
    for (const p of after) expect(p.isr).to.not.include(victim);
    await waitFor('the fenced broker to leave the alive brokers', async () => !(await aliveBrokers(survivor)).includes(victim));
    // Clients keep working through the new leaders.
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'kr-fo', acks: -1, messages: [{ value: 'after-kill' }] });
    } finally {
      await producer.disconnect();
    }

    // Created while the victim is down: it must learn this from the metadata log when it comes back.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'kr-while-down', numPartitions: 2, replicationFactor: 2 }], waitForLeaders: false });
    } finally {
      await admin.disconnect();
    }

    await cluster.start(victim);
    await waitFor(`broker ${victim} to be unfenced`, async () => (await aliveBrokers(survivor)).includes(victim), 60000);
    // The survivor may replay the controller's unfencing before the victim has handled its own heartbeat response
    // (and before the line reaches its output pipe), so the victim's log line is waited for, not expected at once.
    await waitFor(`broker ${victim} to log its unfencing`, async () =>
      cluster.output(victim).join('\n').includes('The broker has been unfenced. Transitioning from RECOVERY to RUNNING.'),
    );
    // It caught up: it knows the topic created while it was down, and its replicas rejoin the ISRs.
    await waitFor(`broker ${victim} to know kr-while-down`, async () => (await partitions(victim, 'kr-while-down'))?.every((p) => p.leader > 0));
    await waitFor(
      `broker ${victim} back in every ISR of kr-fo`,
      async () => (await partitions(survivor, 'kr-fo'))?.every((p) => p.isr.includes(victim)),
      60000,
    );
  });

  it('controlled shutdown (SIGTERM): the broker hands its leaderships over by heartbeat before it exits 0', async () => {
    const ps = await waitFor(
      'kr-fo fully in sync again',
      async () => {
        const v = await partitions(1, 'kr-fo');
        return v?.every((p) => p.leader > 0 && p.isr.length === 3) ? v : null;
      },
      60000,
    );
    const counts = new Map<number, number>();
    for (const p of ps) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
    const victim = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const survivor = [1, 2, 3].find((b) => b !== victim)!;
    const code = await cluster.stop(victim, 'SIGTERM', 60000);
    expect(code).to.equal(0);
    const out = cluster.output(victim).join('\n');
    expect(out).to.contain('The controller has asked us to exit controlled shutdown.');
    // Right after the exit, no partition is led by it (it left no leaderless gap to a session timeout).
    const after = (await partitions(survivor, 'kr-fo'))!;
    for (const p of after) expect(p.leader, `partition ${p.partition}`).to.not.equal(victim);
    await cluster.start(victim);
    await waitFor(`broker ${victim} to rejoin`, async () => (await aliveBrokers(survivor)).includes(victim), 60000);
  });
  it('with every controller gone, a SIGTERMed broker stops waiting for controlled shutdown after the session timeout and exits', async () => {
    for (const id of cluster.controllerIds) await cluster.kill(id);
    const started = Date.now();
    const code = await cluster.stop(1, 'SIGTERM', 60000);
    const tookMs = Date.now() - started;
    expect(code).to.equal(0);
    // It waited for the controller's approval at most about a session timeout (Kafka would wait up to 5 minutes).
    expect(tookMs).to.be.below(SESSION_TIMEOUT_MS + 20000);
    const out = cluster.output(1).join('\n');
    expect(out).to.contain('Beginning controlled shutdown.');
    expect(out).to.match(/The controller has not answered for \d+ ms \(broker.session.timeout.ms\): shutting down without its approval/);
  });
});
