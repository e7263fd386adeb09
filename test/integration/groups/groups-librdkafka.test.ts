/**
 * Issue 5, the scenarios groups.test.ts leaves out, with unmodified clients on a 3-broker cluster:
 * auto.offset.reset=error, max.poll.interval.ms eviction and static membership (librdkafka 2.0.2 through
 * Debian's python3-confluent-kafka), simple (non-member) commits and DescribeGroups (kafkajs admin).
 */
import { expect } from 'chai';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { OffsetCommitApi } from '../../../src/protocol/apis';
import { findCoordinatorRaw } from '../../helpers/rawClient';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { run } from '../../helpers/kcat';
import { PyConsumer, PYTHON } from './pyConsumer';

const TOPIC = 'events';

describe('integration: consumer groups with librdkafka and admin clients', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let kafka: Kafka;
  let producer: Producer;
  const pys: PyConsumer[] = [];

  const py = (group: string, extra: Record<string, string | number | boolean> = {}): PyConsumer => {
    const c = new PyConsumer(
      {
        'bootstrap.servers': cluster.bootstrap.join(','),
        'group.id': group,
        'auto.offset.reset': 'earliest',
        'session.timeout.ms': 6000,
        'heartbeat.interval.ms': 300,
        'topic.metadata.refresh.interval.ms': 60000,
        ...extra,
      },
      TOPIC,
    );
    pys.push(c);
    return c;
  };

  /**
   * A librdkafka "simple" commit: assign() without subscribe(), then commit(), so OffsetCommit carries
   * generation -1 and an empty member id (kafkajs admin.setOffsets joins the group instead).
   */
  const simpleCommit = async (group: string, offsets: Array<[number, number]>): Promise<void> => {
    const prog = [
      'import json, sys',
      'from confluent_kafka import Consumer, TopicPartition',
      'conf, topic, offs = json.loads(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])',
      'c = Consumer(conf)',
      'tps = [TopicPartition(topic, p, o) for p, o in offs]',
      'c.assign(tps)',
      'res = c.commit(offsets=tps, asynchronous=False)',
      'print(json.dumps([[t.partition, t.offset, t.error.code() if t.error else 0] for t in res]))',
      'c.close()',
    ].join('\n');
    const conf = { 'bootstrap.servers': cluster.bootstrap.join(','), 'group.id': group, 'enable.auto.commit': false };
    const r = await run(PYTHON, ['-c', prog, JSON.stringify(conf), TOPIC, JSON.stringify(offsets)], { timeoutMs: 30000 });
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal(offsets.map(([p, o]) => [p, o, 0]));
  };

  /** Broker log lines (all brokers) that match. */
  const logged = (re: RegExp): string[] => {
    const out: string[] = [];
    for (const b of cluster.brokers.values()) for (const line of b.output) if (re.test(line)) out.push(line);
    return out;
  };

  const generations = (groupId: string): number[] =>
    logged(new RegExp(`Stabilized group ${groupId} generation `)).map((l) => Number(/generation (\d+)/.exec(l)![1]));

  const describeGroup = async (groupId: string) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.describeGroups([groupId])).groups[0];
    } finally {
      await admin.disconnect();
    }
  };

  const coordinatorPort = async (groupId: string): Promise<number> => {
    const res = await findCoordinatorRaw(cluster.brokers.values().next().value!.port, groupId);
    expect(res.errorCode).to.equal(0);
    return res.port;
  };

  before(async () => {
    cluster = await TestCluster.start({ brokers: 3, overrides: { 'offsets.topic.num.partitions': '5' } });
    kafka = new Kafka({ clientId: 'it-groups2', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
    const messages = [];
    for (let i = 0; i < 30; i++) messages.push({ partition: i % 3, value: `v-${i}` });
    await producer.send({ topic: TOPIC, acks: -1, messages });
  });

  after(async () => {
    for (const c of pys) c.kill();
    await producer?.disconnect().catch(() => undefined);
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.log(cluster.dumpLogs());
      for (const c of pys) console.log(JSON.stringify(c.events), c.stderr.join(''));
    }
    for (const c of pys.splice(0)) c.kill();
  });

  it("auto.offset.reset=error: no committed offset, and a committed offset past the log end, give librdkafka's reset errors", async () => {
    const c = py('reset-none-group', { 'auto.offset.reset': 'error' });
    const e = await c.waitForEvent('an offset reset error', (x) => x.ev === 'msgerror');
    expect(e.name).to.equal('_AUTO_OFFSET_RESET');
    expect(e.str).to.equal('no previously committed offset available: Local: No offset stored');
    // A quiet window, not a condition: no record may arrive after the reset error. librdkafka reports nothing when it
    // stops fetching an errored partition, and no later event is ordered after a record that should not come, so
    // only a stretch of time with nothing can show it.
    await new Promise((r) => setTimeout(r, 500));
    expect(c.of('message')).to.deep.equal([]);
    c.command('close');
    await c.exit();

    // Committed offsets: partition 0 past its end (10 records), the others at 0. The fetch at 1000 fails
    // with OFFSET_OUT_OF_RANGE, which librdkafka turns into the reset error.
    await simpleCommit('reset-none-oor', [
      [0, 1000],
      [1, 0],
      [2, 0],
    ]);
    const d = py('reset-none-oor', { 'auto.offset.reset': 'error' });
    const oor = await d.waitForEvent('an out-of-range reset error', (x) => x.ev === 'msgerror');
    expect(oor.name).to.equal('_AUTO_OFFSET_RESET');
    expect(oor.str).to.match(/^fetch failed due to requested offset not available on the broker: Broker: Offset out of range/);
    await waitFor('20 records of partitions 1 and 2', async () => d.of('message').length >= 20, 20000);
    // A quiet window (as above, nothing marks its end): nothing from partition 0 (out of range) may follow the 20 records.
    await new Promise((r) => setTimeout(r, 500));
    expect(new Set(d.of('message').map((m) => m.partition))).to.deep.equal(new Set([1, 2]));
    expect(d.of('message').length).to.equal(20);
    d.command('close');
    await d.exit();
  });

  it('a librdkafka consumer that stops polling past max.poll.interval.ms leaves; the other member gets all partitions', async () => {
    const group = 'poll-group';
    const slow = py(group, { 'max.poll.interval.ms': 6000, 'client.id': 'slow' });
    await slow.waitForEvent('slow assigned', (x) => x.ev === 'assign');
    const other = py(group, { 'client.id': 'other' });
    await waitFor(
      'a 2/1 split',
      async () => {
        const a = slow.lastAssignment();
        const b = other.lastAssignment();
        return a !== null && b !== null && a.length + b.length === 3 && a.length > 0 && b.length > 0;
      },
      30000,
      100,
    );
    const memberOfSlow = (await describeGroup(group)).members.find((m) => m.clientId === 'slow')!.memberId;
    slow.command('pause');
    const pausedAt = Date.now();
    await waitFor('the other member owns all 3', async () => JSON.stringify(other.lastAssignment()) === '[0,1,2]', 30000, 100);
    expect(Date.now() - pausedAt).to.be.at.least(5000); // max.poll.interval.ms, not at once
    // librdkafka leaves the group itself when the poll interval is exceeded (LeaveGroup).
    expect(logged(new RegExp(`Member ${memberOfSlow} has left group ${group} through explicit \`LeaveGroup\``))).to.have.length(1);
    const g = await describeGroup(group);
    expect(g.state).to.equal('Stable');
    expect(g.members.map((m) => m.clientId)).to.deep.equal(['other']);
    // When the application polls again it learns that it was kicked out.
    slow.command('resume');
    const e = await slow.waitForEvent('the max poll error', (x) => x.ev === 'msgerror' && x.name === '_MAX_POLL_EXCEEDED');
    expect(e.str).to.match(/maximum poll interval/i);
  });

  it('static membership: a restarted member gets its partitions back in the same generation; a duplicate instance id fences the old one', async () => {
    const group = 'static-group';
    const conf = (inst: string) => ({ 'group.instance.id': inst, 'session.timeout.ms': 10000, 'client.id': inst });
    const a1 = py(group, conf('inst-a'));
    await a1.waitForEvent('a assigned', (x) => x.ev === 'assign');
    const b = py(group, conf('inst-b'));
    await waitFor(
      'a 2/1 split',
      async () => {
        const x = a1.lastAssignment();
        const y = b.lastAssignment();
        return x !== null && y !== null && x.length + y.length === 3 && x.length > 0 && y.length > 0;
      },
      30000,
      100,
    );
    await waitFor('Stable', async () => (await describeGroup(group)).state === 'Stable', 10000, 100);
    const before = await describeGroup(group);
    const aPartitions = a1.lastAssignment()!;
    const gens = generations(group);
    const bEvents = b.events.length;
    const oldA = before.members.find((m) => m.memberId.startsWith('inst-a-'))!.memberId;
    const oldB = before.members.find((m) => m.memberId.startsWith('inst-b-'))!.memberId;

    // Restart within session.timeout.ms (a static member sends no LeaveGroup).
    a1.command('crash');
    await a1.exit();
    const a2 = py(group, conf('inst-a'));
    const got = await a2.waitForEvent('a restarted and assigned', (x) => x.ev === 'assign');
    expect(got.partitions).to.deep.equal(aPartitions);
    // A quiet window (nothing to wait for: what must not happen is a rebalance): the static member's return must not
    // start a new generation or rebalance b.
    await new Promise((r) => setTimeout(r, 1000));
    expect(generations(group), 'no new generation').to.deep.equal(gens);
    expect(
      b.events.slice(bEvents).filter((x) => x.ev === 'assign' || x.ev === 'revoke'),
      'b was not rebalanced',
    ).to.deep.equal([]);
    const after = await describeGroup(group);
    expect(after.state).to.equal('Stable');
    const newA = after.members.find((m) => m.memberId.startsWith('inst-a-'))!.memberId;
    expect(newA).to.not.equal(oldA);
    expect(after.members.find((m) => m.memberId.startsWith('inst-b-'))!.memberId).to.equal(oldB);

    // A second process with the same group.instance.id takes over; the running one is fenced.
    const a3 = py(group, conf('inst-a'));
    const got3 = await a3.waitForEvent('the duplicate assigned', (x) => x.ev === 'assign');
    expect(got3.partitions).to.deep.equal(aPartitions);
    // librdkafka raises a fatal error on FENCED_INSTANCE_ID, delivered through poll() as _FATAL.
    const fenced = await a2.waitForEvent('a fatal fencing error', (x) => x.ev === 'msgerror' && x.name === '_FATAL');
    expect(fenced.str).to.contain('Broker: Static consumer fenced by other consumer with same group.instance.id');
    expect(logged(new RegExp(`memberId=${newA} for static member with groupInstanceId=inst-a is fenced by current memberId=`))).to.not.have.length(0);
    expect(generations(group), 'still no new generation').to.deep.equal(gens);
  });

  it('simple commits from a non-member on an Empty group, rejected while the group has members; DescribeGroups output', async () => {
    const group = 'admin-group';
    const admin = kafka.admin();
    await admin.connect();
    try {
      await simpleCommit(group, [
        [0, 7],
        [1, 8],
        [2, 9],
      ]);
      expect(logged(new RegExp(`Stabilized group ${group} `))).to.deep.equal([]); // no member ever joined
      const offs = await admin.fetchOffsets({ groupId: group, topics: [TOPIC] });
      expect(offs[0].partitions.map((p) => [p.partition, p.offset]).sort()).to.deep.equal([
        [0, '7'],
        [1, '8'],
        [2, '9'],
      ]);
      // A group that only stores offsets: Empty, no protocol type yet.
      let g = (await admin.describeGroups([group])).groups[0];
      expect({ state: g.state, protocolType: g.protocolType, protocol: g.protocol, members: g.members.length }).to.deep.equal({
        state: 'Empty',
        protocolType: '',
        protocol: '',
        members: 0,
      });

      // A kafkajs member starts from those offsets: 3 + 2 + 1 records.
      const got: string[] = [];
      const c = kafka.consumer({ groupId: group, sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
      await c.connect();
      await c.subscribe({ topic: TOPIC, fromBeginning: true });
      await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
      await waitFor('6 records', async () => got.length >= 6, 30000);
      g = (await admin.describeGroups([group])).groups[0];
      expect(g.state).to.equal('Stable');
      expect(g.protocolType).to.equal('consumer');
      expect(g.protocol).to.equal('RoundRobinAssigner');
      expect(g.members).to.have.length(1);
      expect(g.members[0].clientId).to.equal('it-groups2');
      expect(g.members[0].clientHost).to.equal('/127.0.0.1');
      expect(g.members[0].memberId).to.match(/^it-groups2-/);
      expect(g.members[0].memberMetadata.toString('latin1')).to.contain(TOPIC);
      expect(g.members[0].memberAssignment.length).to.be.greaterThan(0);

      // While the group has members a simple commit is refused (GroupCoordinator: UNKNOWN_MEMBER_ID).
      const client = new NetworkClient('127.0.0.1', await coordinatorPort(group), 'it-groups2', 5000);
      try {
        const res = await client.send(OffsetCommitApi, 2, {
          groupId: group,
          generationIdOrMemberEpoch: -1,
          memberId: '',
          groupInstanceId: null,
          retentionTimeMs: -1,
          topics: [
            { name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] },
          ],
        });
        expect(res.topics[0].partitions[0].errorCode).to.equal(25);
      } finally {
        client.close();
      }
      await c.disconnect();
      g = (await admin.describeGroups([group])).groups[0];
      expect({ state: g.state, protocolType: g.protocolType, protocol: g.protocol, members: g.members.length }).to.deep.equal({
        state: 'Empty',
        protocolType: 'consumer',
        protocol: '',
        members: 0,
      });
      // Empty again (at once: the last member left): simple commits are allowed again, and so is
      // kafkajs' setOffsets (which joins the group as a member to commit). Partition 2 keeps the member's commit.
      await simpleCommit(group, [[1, 2]]);
      await admin.setOffsets({ groupId: group, topic: TOPIC, partitions: [{ partition: 0, offset: '1' }] });
      const offs2 = await admin.fetchOffsets({ groupId: group, topics: [TOPIC] });
      expect(offs2[0].partitions.map((p) => [p.partition, p.offset]).sort()).to.deep.equal([
        [0, '1'],
        [1, '2'],
        [2, '10'],
      ]);
      // An unknown group is Dead.
      const dead = (await admin.describeGroups(['never-seen'])).groups[0];
      expect({ state: dead.state, members: dead.members.length }).to.deep.equal({ state: 'Dead', members: 0 });
    } finally {
      await admin.disconnect();
    }
  });
});
