/**
 * A new member's first generation at every JoinGroup version, against a real broker: JoinGroup (v4+:
 * MEMBER_ID_REQUIRED, then again with the given id), SyncGroup, Heartbeat and OffsetCommit with that member
 * id and generation, with the session timeout kafkajs uses (30 s), each version's default rebalance timeout
 * (v0 has none: Kafka's JoinGroupRequest uses the session timeout) and Kafka's default
 * group.initial.rebalance.delay.ms (3 s, InitialDelayedJoin). Then a kafkajs consumer with its defaults, and
 * OffsetFetch for all of a group's offsets (topics null, v2-7; a null group entry, v8-9): raw, through librdkafka's
 * ListConsumerGroupOffsets (list_group_offsets.c, built here with cc) and kafka-python's
 * KafkaAdminClient.list_consumer_group_offsets.
 */
import { expect } from 'chai';
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { HeartbeatApi, JoinGroupApi, LeaveGroupApi, OffsetCommitApi, OffsetFetchApi, SyncGroupApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { findCoordinatorRaw } from '../../helpers/rawClient';
import { PYTHON } from './pyConsumer';

const SESSION_TIMEOUT_MS = 30000;
/** kafkajs' consumer default; JoinGroup v0 carries no rebalance timeout at all. */
const REBALANCE_TIMEOUT_MS = 60000;
const SUBSCRIPTION = Buffer.from([0, 1, 0, 0, 0, 1, 0, 6, ...Buffer.from('events'), 0, 0, 0, 0]);

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 60000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}${stderr}`)) : resolve(stdout)));
  });
}

/** Builds list_group_offsets.c against Debian's librdkafka-dev (librdkafka 2.0.2). */
function buildListGroupOffsets(): string {
  const src = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'integration', 'groups', 'list_group_offsets.c');
  const bin = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-rdkafka-')), 'list_group_offsets');
  const r = spawnSync('cc', ['-O1', '-Wall', '-o', bin, src, '-lrdkafka'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cc could not build ${src} (needs librdkafka-dev): ${r.error?.message ?? r.stderr}`);
  return bin;
}

describe('integration: a new member joins, syncs, heartbeats and commits; OffsetFetch of all offsets', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let kafka: Kafka;

  const coordinatorClient = async (groupId: string): Promise<NetworkClient> => {
    let port = -1;
    await waitFor(
      `coordinator of ${groupId}`,
      async () => {
        const res = await findCoordinatorRaw(cluster.broker(1).port, groupId);
        port = res.port;
        return res.errorCode === ErrorCode.NONE;
      },
      30000,
      200,
    );
    // JoinGroup waits out the initial rebalance delay: the request timeout must cover it.
    return new NetworkClient('127.0.0.1', port, 'kafkajs', REBALANCE_TIMEOUT_MS);
  };

  before(async () => {
    cluster = await TestCluster.start({ brokers: 1, overrides: { 'group.initial.rebalance.delay.ms': '3000', 'offsets.topic.num.partitions': '5' } });
    kafka = new Kafka({ clientId: 'it-join-sync', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'events', numPartitions: 3 },
        { topic: 'audit', numPartitions: 2 },
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

  for (const v of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    it(`JoinGroup v${v}: the new member's SyncGroup, Heartbeat and OffsetCommit are accepted`, async () => {
      const groupId = `join-v${v}`;
      const c = await coordinatorClient(groupId);
      try {
        const join = (memberId: string) =>
          c.send(JoinGroupApi, v, {
            groupId,
            sessionTimeoutMs: SESSION_TIMEOUT_MS,
            rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
            memberId,
            groupInstanceId: null,
            protocolType: 'consumer',
            protocols: [{ name: 'RoundRobinAssigner', metadata: SUBSCRIPTION }],
            reason: v >= 8 ? 'need to re-join with the given member id' : null,
          });
        let j = await join('');
        if (v >= 4) {
          // KIP-394: a dynamic member first gets its id, then joins with it.
          expect(j.errorCode).to.equal(ErrorCode.MEMBER_ID_REQUIRED);
          expect(j.memberId).to.match(/^kafkajs-[0-9a-f-]{36}$/);
          const given = j.memberId;
          j = await join(given);
          expect(j.memberId).to.equal(given);
        }
        expect(j.errorCode).to.equal(ErrorCode.NONE);
        expect(j.generationId).to.equal(1);
        expect(j.leader).to.equal(j.memberId);
        expect(j.members.map((m) => m.memberId)).to.deep.equal([j.memberId]);
        // v7+ name the protocol type; v9's SkipAssignment is only for a static leader rejoining a Stable group.
        if (v >= 7) expect(j.protocolType).to.equal('consumer');
        expect(j.protocolName).to.equal('RoundRobinAssigner');
        expect(j.skipAssignment).to.equal(false);

        // The SyncGroup and Heartbeat versions a client speaking this JoinGroup version uses (flexible together from JoinGroup v6).
        const syncV = v < 6 ? Math.min(v, 3) : v === 6 ? 4 : 5;
        const hbV = v < 6 ? Math.min(v, 3) : 4;
        const assignment = Buffer.from([0, 1, 0, 0, 0, 1, 0, 6, ...Buffer.from('events'), 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0]);
        const s = await c.send(SyncGroupApi, syncV, {
          groupId,
          generationId: j.generationId,
          memberId: j.memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocolName: 'RoundRobinAssigner',
          assignments: [{ memberId: j.memberId, assignment }],
        });
        expect(s.errorCode).to.equal(ErrorCode.NONE);
        expect(s.assignment.equals(assignment)).to.equal(true);
        if (syncV >= 5) {
          expect([s.protocolType, s.protocolName]).to.deep.equal(['consumer', 'RoundRobinAssigner']);
          // v5: the type and name must be given and be the group's (KafkaApis, GroupCoordinator.validateSyncGroup).
          const again = (protocolType: string | null, protocolName: string | null) =>
            c.send(SyncGroupApi, 5, {
              groupId,
              generationId: j.generationId,
              memberId: j.memberId,
              groupInstanceId: null,
              protocolType,
              protocolName,
              assignments: [],
            });
          expect((await again('consumer', 'range')).errorCode).to.equal(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
          expect((await again('connect', 'RoundRobinAssigner')).errorCode).to.equal(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
          expect((await again(null, 'RoundRobinAssigner')).errorCode).to.equal(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
          expect((await again('consumer', 'RoundRobinAssigner')).assignment.equals(assignment)).to.equal(true);
        }

        const h = await c.send(HeartbeatApi, hbV, { groupId, generationId: j.generationId, memberId: j.memberId, groupInstanceId: null });
        expect(h.errorCode).to.equal(ErrorCode.NONE);

        // The OffsetCommit version a client speaking this JoinGroup version would use (v1 is the first with a member).
        const commitV = v <= 1 ? 2 : Math.min(v + 2, 9);
        const commit = await c.send(OffsetCommitApi, commitV, {
          groupId,
          generationIdOrMemberEpoch: j.generationId,
          memberId: j.memberId,
          groupInstanceId: null,
          retentionTimeMs: -1,
          topics: [
            {
              name: 'events',
              partitions: [{ partitionIndex: 1, committedOffset: 10 + v, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }],
            },
          ],
        });
        expect(commit.topics[0].partitions[0].errorCode).to.equal(ErrorCode.NONE);

        const fetched = await c.send(OffsetFetchApi, 5, { groupId, topics: [{ name: 'events', partitionIndexes: [1] }], groups: [], requireStable: false });
        expect(fetched.topics[0].partitions[0]).to.include({ partitionIndex: 1, committedOffset: 10 + v, errorCode: ErrorCode.NONE });

        // The member leaves (v0-2 name it alone, v3+ in a batch, v5 with a reason); a second leave finds it gone.
        const leaveV = v < 5 ? Math.min(v, 2) : v === 5 ? 3 : v < 8 ? 4 : 5;
        const leave = () =>
          c.send(LeaveGroupApi, leaveV, {
            groupId,
            memberId: j.memberId,
            members: [{ memberId: j.memberId, groupInstanceId: null, reason: leaveV >= 5 ? 'test done' : null }],
          });
        const left = await leave();
        expect(left.errorCode).to.equal(ErrorCode.NONE);
        if (leaveV >= 3) expect(left.members.map((m) => [m.memberId, m.errorCode])).to.deep.equal([[j.memberId, ErrorCode.NONE]]);
        const again = await leave();
        if (leaveV >= 3) expect([again.errorCode, again.members[0].errorCode]).to.deep.equal([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
        else expect(again.errorCode).to.equal(ErrorCode.UNKNOWN_MEMBER_ID);
      } finally {
        c.close();
      }
    });
  }

  it('a kafkajs consumer with its default session and rebalance timeouts consumes and commits in its first generation', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'audit', acks: -1, messages: [0, 1, 2, 3, 4, 5].map((i) => ({ partition: i % 2, value: `a-${i}` })) });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'kafkajs-defaults', sessionTimeout: SESSION_TIMEOUT_MS });
    const joins: number[] = [];
    const crashes: string[] = [];
    consumer.on(consumer.events.GROUP_JOIN, () => joins.push(Date.now()));
    consumer.on(consumer.events.CRASH, (e) => crashes.push(String(e.payload.error)));
    let seen = 0;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: 'audit', fromBeginning: true });
      await consumer.run({ eachMessage: async () => void seen++ });
      await waitFor('6 records consumed', async () => seen >= 6, 60000, 100);
    } finally {
      await consumer.disconnect();
    }
    expect(crashes).to.deep.equal([]);
    expect(joins).to.have.length(1);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId: 'kafkajs-defaults', topics: ['audit'] });
      expect(offsets[0].partitions.map((p) => [p.partition, p.offset]).sort()).to.deep.equal([
        [0, '3'],
        [1, '3'],
      ]);
    } finally {
      await admin.disconnect();
    }
  });

  it('OffsetFetch with topics null (v2-7) returns every committed offset of the group, as librdkafka and kafka-python list them', async () => {
    const groupId = 'all-offsets';
    const c = await coordinatorClient(groupId);
    try {
      const commit = await c.send(OffsetCommitApi, 7, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        topics: [
          {
            name: 'events',
            partitions: [0, 2].map((p) => ({
              partitionIndex: p,
              committedOffset: 100 + p,
              committedLeaderEpoch: -1,
              commitTimestamp: -1,
              committedMetadata: `m${p}`,
            })),
          },
          { name: 'audit', partitions: [{ partitionIndex: 1, committedOffset: 7, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] },
        ],
      });
      expect(commit.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))).to.deep.equal([0, 0, 0]);
      const flat = (
        topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; committedOffset: number; metadata: string | null; errorCode: number }> }>,
      ) => topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset, p.metadata, p.errorCode])).sort();
      const want = [
        ['audit', 1, 7, '', 0],
        ['events', 0, 100, 'm0', 0],
        ['events', 2, 102, 'm2', 0],
      ];
      for (const v of [2, 3, 4, 5, 6, 7]) {
        const res = await c.send(OffsetFetchApi, v, { groupId, topics: null, groups: [], requireStable: v >= 7 });
        expect(res.errorCode, `v${v}`).to.equal(ErrorCode.NONE);
        expect(flat(res.topics), `v${v}`).to.deep.equal(want);
      }
      for (const v of [8, 9]) {
        const res = await c.send(OffsetFetchApi, v, {
          groupId: '',
          topics: [],
          groups: [{ groupId, memberId: null, memberEpoch: -1, topics: null }],
          requireStable: true,
        });
        expect(
          res.groups.map((g) => [g.groupId, g.errorCode]),
          `v${v}`,
        ).to.deep.equal([[groupId, ErrorCode.NONE]]);
        expect(flat(res.groups[0].topics), `v${v}`).to.deep.equal(want);
      }
      // A group with no commits: nothing, and no error.
      const none = await c.send(OffsetFetchApi, 7, { groupId: 'never-committed', topics: null, groups: [], requireStable: false });
      expect(none).to.include({ errorCode: ErrorCode.NONE });
      expect(none.topics).to.deep.equal([]);
    } finally {
      c.close();
    }
    // librdkafka's ListConsumerGroupOffsets without partitions sends a null topic list.
    const bin = buildListGroupOffsets();
    const rd = await run(bin, [cluster.bootstrap[0], groupId]).finally(() => fs.rmSync(path.dirname(bin), { recursive: true, force: true }));
    expect(
      rd
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.trimEnd())
        .sort(),
    ).to.deep.equal(['audit 1 7', 'events 0 100 m0', 'events 2 102 m2']);
    // So does kafka-python when no partitions are given.
    const out = await run(PYTHON, [
      '-c',
      [
        'from kafka import KafkaAdminClient',
        `a = KafkaAdminClient(bootstrap_servers='${cluster.bootstrap[0]}', request_timeout_ms=30000)`,
        `r = a.list_consumer_group_offsets('${groupId}')`,
        'print(sorted((tp.topic, tp.partition, om.offset, om.metadata) for tp, om in r.items()))',
        'a.close()',
      ].join('\n'),
    ]);
    expect(out.trim()).to.equal("[('audit', 1, 7, ''), ('events', 0, 100, 'm0'), ('events', 2, 102, 'm2')]");
  });
});
