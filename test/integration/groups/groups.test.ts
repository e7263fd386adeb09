/**
 * Issue 5 with unmodified clients: consumer groups on a 3-broker cluster (kafkajs and kcat -G), with
 * rebalances, committed offsets, a SIGKILLed member and a killed coordinator.
 */
import { expect } from 'chai';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';
import { findCoordinatorRaw } from '../../helpers/rawClient';

const TOPIC = 'orders';

function assignedPartitions(memberAssignment: Buffer): number[] {
  // ConsumerProtocolAssignment: version int16, [topic string, [partition int32]], user data bytes.
  if (memberAssignment.length < 6) return [];
  let pos = 2;
  const n = memberAssignment.readInt32BE(pos);
  pos += 4;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const len = memberAssignment.readInt16BE(pos);
    pos += 2 + len;
    const k = memberAssignment.readInt32BE(pos);
    pos += 4;
    for (let j = 0; j < k; j++, pos += 4) out.push(memberAssignment.readInt32BE(pos));
  }
  return out.sort();
}

describe('integration: consumer groups', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let producer: Producer;
  const consumers: Consumer[] = [];

  const newConsumer = (groupId: string): Consumer => {
    const c = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 200, rebalanceTimeout: 10000 });
    consumers.push(c);
    return c;
  };

  const produce = async (n: number, tag: string) => {
    const messages = [];
    for (let i = 0; i < n; i++) messages.push({ partition: i % 3, value: `${tag}-${i}` });
    await producer.send({ topic: TOPIC, acks: -1, messages });
  };

  const describe1 = async (groupId: string) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.describeGroups([groupId])).groups[0];
    } finally {
      await admin.disconnect();
    }
  };

  const memberSplit = async (groupId: string): Promise<number[][]> => {
    const g = await describe1(groupId);
    if (g.state !== 'Stable') return [];
    return g.members.map((m) => assignedPartitions(m.memberAssignment)).sort((a, b) => b.length - a.length || a[0] - b[0]);
  };

  const generations = (groupId: string): number[] => {
    const re = new RegExp(`Stabilized group ${groupId} generation (\\d+)`);
    const out: number[] = [];
    for (const b of cluster.brokers.values())
      for (const line of b.output) {
        const m = re.exec(line);
        if (m) out.push(Number(m[1]));
      }
    return out;
  };

  const coordinatorOf = async (groupId: string): Promise<number> => {
    const res = await findCoordinatorRaw([...cluster.brokers.values()].find((b) => b.proc)!.port, groupId);
    expect(res.errorCode).to.equal(0);
    return res.nodeId;
  };

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3, overrides: { 'offsets.topic.num.partitions': '5' } });
    kafka = new Kafka({ clientId: 'it-groups', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
    await produce(30, 'first');
  });

  after(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
    if (process.env.GROUPS_DEBUG) for (const b of cluster.brokers.values()) fs.writeFileSync(`/tmp/groups-debug-${b.id}.log`, b.output.join('\n'));
  });

  it('splits 3 partitions 2/1, then 1/1/1, then leaves a fourth member idle, each in a new generation', async () => {
    const group = 'split-group';
    const start = async () => {
      const c = newConsumer(group);
      await c.connect();
      await c.subscribe({ topic: TOPIC, fromBeginning: true });
      await c.run({ eachMessage: async () => undefined });
    };
    await start();
    await waitFor('1 member with 3 partitions', async () => JSON.stringify(await memberSplit(group)) === '[[0,1,2]]', 30000, 200);
    await start();
    await waitFor(
      '2 members split 2/1',
      async () => {
        const s = await memberSplit(group);
        return s.length === 2 && s[0].length === 2 && s[1].length === 1;
      },
      30000,
      200,
    );
    await start();
    await waitFor(
      '3 members split 1/1/1',
      async () => {
        const s = await memberSplit(group);
        return s.length === 3 && s.every((x) => x.length === 1);
      },
      30000,
      200,
    );
    await start();
    await waitFor(
      '4 members, one idle',
      async () => {
        const s = await memberSplit(group);
        return s.length === 4 && s.filter((x) => x.length === 1).length === 3 && s.filter((x) => x.length === 0).length === 1;
      },
      30000,
      200,
    );
    const gens = generations(group);
    expect(gens.length).to.be.at.least(4);
    for (let i = 1; i < gens.length; i++) expect(gens[i]).to.be.greaterThan(gens[i - 1]);
    for (const c of consumers.splice(0)) await c.disconnect();
  });

  it('two groups read independently from their own committed offsets; earliest and latest resets', async () => {
    const readAll = async (group: string, fromBeginning: boolean, want: number, during?: () => Promise<void>): Promise<string[]> => {
      const got: string[] = [];
      const c = newConsumer(group);
      await c.connect();
      await c.subscribe({ topic: TOPIC, fromBeginning });
      let joined = false;
      let fetches = 0;
      const fetchStarts = new Map<number, number>();
      c.on(c.events.GROUP_JOIN, () => (joined = true));
      c.on(c.events.FETCH, () => fetches++);
      c.on(c.events.FETCH_START, ({ payload }) => fetchStarts.set(payload.nodeId, (fetchStarts.get(payload.nodeId) ?? 0) + 1));
      await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
      await waitFor('joined', async () => joined, 30000);
      if (during) {
        // "latest" is resolved when the consumer first fetches after its assignment, not at the join itself.
        await waitFor('a fetch after the join', async () => fetches > 0, 30000);
        await during();
      }
      await waitFor(`${want} messages in ${group}`, async () => got.length >= want, 30000);
      // The exact counts asserted by the callers must not grow after `want` arrived. kafkajs fetches from a broker again
      // only once the batches of its previous fetch from it went through eachMessage (its Fetcher: fetch, drain the
      // worker queue, repeat), so when every broker it fetches from has started two more fetches, a fetch from the
      // consumed positions has come back and been handled: a record beyond `want` would be in `got` by now.
      const mark = new Map(fetchStarts);
      await waitFor('two more fetches from each broker', async () => [...mark].every(([node, n]) => (fetchStarts.get(node) ?? 0) >= n + 2), 30000, 20);
      await c.disconnect();
      return got;
    };
    // earliest: everything so far
    expect((await readAll('group-a', true, 30)).length).to.equal(30);
    // latest: only what is produced after joining
    const latest = await readAll('group-b', false, 5, () => produce(5, 'second'));
    expect(latest.sort()).to.deep.equal(['second-0', 'second-1', 'second-2', 'second-3', 'second-4']);
    // group-a resumes from its commits: only the 5 new ones; group-b has nothing new
    await produce(3, 'third');
    const a = await readAll('group-a', true, 8);
    expect(a.filter((x) => x.startsWith('first'))).to.deep.equal([]);
    expect(a.length).to.equal(8);
    const b = await readAll('group-b', true, 3);
    expect(b.sort()).to.deep.equal(['third-0', 'third-1', 'third-2']);
    // librdkafka's balanced consumer: earliest reads all 38, a second run of the same group reads nothing more
    const k1 = await kcat(['-b', cluster.bootstrap.join(','), '-G', 'kcat-group', '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%s\\n', TOPIC], {
      timeoutMs: 60000,
    });
    expect(k1.code, k1.stderr).to.equal(0);
    expect(k1.stdout.split('\n').filter((l) => l).length).to.equal(38);
    const admin = kafka.admin();
    await admin.connect();
    const offs = await admin.fetchOffsets({ groupId: 'kcat-group', topics: [TOPIC] });
    await admin.disconnect();
    expect(offs[0].partitions.reduce((s, p) => s + Number(p.offset), 0)).to.equal(38);
  });

  it('a SIGKILLed kafkajs member loses its partitions after session.timeout.ms', async () => {
    const group = 'kill-group';
    const script = path.join(cluster.root, 'member.js');
    const kjs = require.resolve('kafkajs');
    fs.writeFileSync(
      script,
      `
      const { Kafka, logLevel } = require(${JSON.stringify(kjs)});
      const kafka = new Kafka({ clientId: 'victim', brokers: ${JSON.stringify(cluster.bootstrap)}, logLevel: logLevel.NOTHING });
      const c = kafka.consumer({ groupId: ${JSON.stringify(group)}, sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
      (async () => { await c.connect(); await c.subscribe({ topic: ${JSON.stringify(TOPIC)}, fromBeginning: true });
        await c.run({ eachMessage: async () => {} }); })();
    `,
    );
    const child = spawn(process.execPath, [script], { stdio: 'ignore' });
    try {
      await waitFor('victim owns the group', async () => (await memberSplit(group)).length === 1, 30000, 200);
      const c = newConsumer(group);
      await c.connect();
      await c.subscribe({ topic: TOPIC, fromBeginning: true });
      await c.run({ eachMessage: async () => undefined });
      await waitFor('2 members', async () => (await memberSplit(group)).length === 2, 30000, 200);
      child.kill('SIGKILL');
      const killedAt = Date.now();
      await waitFor('survivor owns all 3', async () => JSON.stringify(await memberSplit(group)) === '[[0,1,2]]', 30000, 200);
      const took = Date.now() - killedAt;
      expect(took).to.be.at.least(4000); // the session timeout (6 s), not an instant leave
      await c.disconnect();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('the group continues from its committed offsets after its coordinator broker is killed', async () => {
    const group = 'failover-group';
    const got: string[] = [];
    const c = newConsumer(group);
    await c.connect();
    await c.subscribe({ topic: TOPIC, fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    await waitFor('38 messages', async () => got.length >= 38, 30000);
    // kafkajs auto-commits after each batch: wait until the group's committed offsets cover all 38.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor('the 38 offsets committed', async () => {
        const offs = await admin.fetchOffsets({ groupId: group, topics: [TOPIC] });
        return offs[0].partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0) >= 38;
      });
    } finally {
      await admin.disconnect();
    }
    const coordinator = await coordinatorOf(group);
    await cluster.stopBroker(coordinator, 'SIGKILL');
    await waitFor(
      'a new coordinator',
      async () => {
        try {
          return (await coordinatorOf(group)) !== coordinator;
        } catch {
          return false;
        }
      },
      40000,
      500,
    );
    await produce(6, 'after-failover');
    await waitFor('6 more messages', async () => got.filter((x) => x.startsWith('after-failover')).length >= 6, 60000);
    // No rewind: the offsets committed before the kill survived, so nothing from before it is read again.
    // (Messages consumed while the consumer moves to the new coordinator may be redelivered: at-least-once.)
    const dupes = got.filter((x, i) => got.indexOf(x) !== i);
    expect(
      dupes.filter((x) => !x.startsWith('after-failover')),
      `read twice: ${dupes.join(',')}`,
    ).to.deep.equal([]);
    expect(new Set(got).size).to.equal(44);
    await c.disconnect();
    const admin2 = kafka.admin();
    await admin2.connect();
    const offs = await admin2.fetchOffsets({ groupId: group, topics: [TOPIC] });
    await admin2.disconnect();
    expect(offs[0].partitions.reduce((s, p) => s + Number(p.offset), 0)).to.equal(44);
  });
});
