/**
 * The group API versions Kafka 3.7 added over what we served before, on a real two-broker cluster (each broker
 * coordinates some __consumer_offsets partitions), spoken raw so that exact error codes are checked:
 * - OffsetCommit v0 / OffsetFetch v0 keep offsets in ZooKeeper (/consumers/<group>/offsets/<topic>/<partition>),
 *   on any broker, as KafkaApis.commitOffsetsToZookeeper / handleOffsetFetchRequestFromZookeeper do;
 * - FindCoordinator v4 with several CoordinatorKeys;
 * - OffsetFetch v8 with several groups, each with its own error;
 * - static membership (JoinGroup v5+): a member rejoining with its id keeps it; a restarted one (no member id)
 *   takes its instance's place without a rebalance, the old id is fenced, and at v9 a restarted leader is told to
 *   skip the assignment (GroupCoordinator.updateStaticMemberAndRebalance);
 * - DescribeGroups v5 authorized operations, ListGroups v4 states filter (raw and through librdkafka 2.0.2's
 *   ListConsumerGroups, list_groups.c), LeaveGroup v5 reason.
 */
import { expect } from 'chai';
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import {
  DescribeGroupsApi,
  FindCoordinatorApi,
  HeartbeatApi,
  JoinGroupApi,
  LeaveGroupApi,
  ListGroupsApi,
  OffsetCommitApi,
  OffsetFetchApi,
  SyncGroupApi,
} from '../../../src/protocol/apis';
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../../src/protocol/apis/15-describe-groups';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/ports';
import { ZkReader } from '../../helpers/zkRead';

const TOPIC = 'orders';
/** READ (3), DELETE (6), DESCRIBE (8): every group operation, as Kafka answers without an authorizer. */
const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

/** Builds list_groups.c (librdkafka 2.0.2's ListConsumerGroups, which speaks ListGroups v4) and runs it. */
function librdkafkaListGroups(bootstrap: string, states: string[]): Promise<string[]> {
  const src = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'integration', 'groups', 'list_groups.c');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-rdkafka-'));
  const bin = path.join(dir, 'list_groups');
  const r = spawnSync('cc', ['-O1', '-Wall', '-o', bin, src, '-lrdkafka'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cc could not build ${src} (needs librdkafka-dev): ${r.error?.message ?? r.stderr}`);
  return new Promise<string[]>((resolve, reject) =>
    execFile(bin, [bootstrap, ...states], { timeout: 60000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stdout}${stderr}`)) : resolve(stdout.split('\n').filter((l) => l !== '')),
    ),
  ).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

interface Committed {
  partitionIndex: number;
  committedOffset: number;
  metadata: string | null;
  errorCode: number;
}

describe('integration: group APIs at Kafka 3.7 versions (ZooKeeper offsets, batched coordinators and groups, static members)', function () {
  this.timeout(180000);
  let cluster: TestCluster;
  let zk: ZkReader;
  const clients: NetworkClient[] = [];

  const client = (brokerId: number): NetworkClient => {
    const c = new NetworkClient('127.0.0.1', cluster.broker(brokerId).port, 'it-groups-37', 30000);
    clients.push(c);
    return c;
  };

  /** The coordinator of each group (FindCoordinator v4, one batched request), once every key has one. */
  const coordinators = async (groupIds: string[]): Promise<Map<string, number>> => {
    const c = client(1);
    return waitFor(`coordinators of ${groupIds.join(', ')}`, async () => {
      const res = await c.send(FindCoordinatorApi, 4, { key: '', keyType: 0, coordinatorKeys: groupIds });
      if (res.coordinators.some((x) => x.errorCode !== ErrorCode.NONE)) return null;
      return new Map(res.coordinators.map((x) => [x.key, x.nodeId]));
    });
  };

  const simpleCommit = async (brokerId: number, groupId: string, offsets: Array<[number, number]>): Promise<number[]> => {
    const res = await client(brokerId).send(OffsetCommitApi, 8, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        {
          name: TOPIC,
          partitions: offsets.map(([p, o]) => ({
            partitionIndex: p,
            committedOffset: o,
            committedLeaderEpoch: -1,
            commitTimestamp: -1,
            committedMetadata: `m${o}`,
          })),
        },
      ],
    });
    return res.topics[0].partitions.map((p) => p.errorCode);
  };

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 2,
      overrides: { 'offsets.topic.num.partitions': '6', 'offsets.topic.replication.factor': '1', 'group.initial.rebalance.delay.ms': '1000' },
    });
    zk = await ZkReader.connect(cluster.connectString);
    await cluster.waitForBrokers([1, 2]);
    const kafka = new Kafka({ clientId: 'it-groups-37-admin', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 2 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    // Every broker must know the topic (UpdateMetadata) before commits to it are checked.
    for (const id of [1, 2]) {
      await waitFor(`broker ${id} to know ${TOPIC}`, async () => (await cluster.metadata(id, [TOPIC])).topics[0]?.partitions.length === 2);
    }
  });

  after(async () => {
    for (const c of clients) c.close();
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('FindCoordinator v4 answers each CoordinatorKeys entry as v0-3 answer that key alone; other key types per key', async () => {
    const groups = ['fc-a', 'fc-b', 'fc-c', 'fc-d', 'fc-e'];
    const batched = await coordinators(groups);
    const c = client(2);
    for (const g of groups) {
      for (const v of [0, 1, 2, 3]) {
        const one = await c.send(FindCoordinatorApi, v, { key: g, keyType: 0, coordinatorKeys: [] });
        expect([one.errorCode, one.nodeId, one.port], `${g} v${v}`).to.deep.equal([ErrorCode.NONE, batched.get(g), cluster.broker(batched.get(g)!).port]);
      }
    }
    const res = await c.send(FindCoordinatorApi, 4, { key: '', keyType: 0, coordinatorKeys: ['fc-a', 'fc-b'] });
    expect(res.coordinators.map((x) => [x.key, x.nodeId, x.host, x.port, x.errorCode, x.errorMessage])).to.deep.equal(
      ['fc-a', 'fc-b'].map((g) => [g, batched.get(g), '127.0.0.1', cluster.broker(batched.get(g)!).port, ErrorCode.NONE, null]),
    );
    // Transactional ids: with 2 brokers __transaction_state (replication factor 3) cannot be created, so every id is
    // COORDINATOR_NOT_AVAILABLE (KafkaApis.getCoordinator); an unknown key type is INVALID_REQUEST (CoordinatorType.forId).
    const txn = await c.send(FindCoordinatorApi, 4, { key: '', keyType: 1, coordinatorKeys: ['t1', 't2'] });
    expect(txn.coordinators.map((x) => [x.key, x.nodeId, x.errorCode])).to.deep.equal([
      ['t1', -1, ErrorCode.COORDINATOR_NOT_AVAILABLE],
      ['t2', -1, ErrorCode.COORDINATOR_NOT_AVAILABLE],
    ]);
    const bad = await c.send(FindCoordinatorApi, 4, { key: '', keyType: 7, coordinatorKeys: ['x'] });
    expect(bad.coordinators.map((x) => [x.key, x.nodeId, x.errorCode, x.errorMessage])).to.deep.equal([
      [
        'x',
        -1,
        ErrorCode.INVALID_REQUEST,
        'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.',
      ],
    ]);
  });

  it('OffsetCommit v0 goes to ZooKeeper on a broker that does not coordinate the group; OffsetFetch v0 reads it back anywhere', async () => {
    const groupId = 'zk-offsets';
    const coordinator = (await coordinators([groupId])).get(groupId)!;
    const other = coordinator === 1 ? 2 : 1;
    // The same commit at v1 is the coordinator's business: the other broker refuses it.
    const v1 = await client(other).send(OffsetCommitApi, 1, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        { name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] },
      ],
    });
    expect(v1.topics[0].partitions[0].errorCode).to.equal(ErrorCode.NOT_COORDINATOR);

    const commitV0 = (offsets: Array<[string, number, number]>) =>
      client(other).send(OffsetCommitApi, 0, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        topics: [...new Set(offsets.map(([t]) => t))].map((name) => ({
          name,
          partitions: offsets
            .filter(([t]) => t === name)
            .map(([, partitionIndex, committedOffset]) => ({
              partitionIndex,
              committedOffset,
              committedLeaderEpoch: -1,
              commitTimestamp: -1,
              committedMetadata: 'ignored',
            })),
        })),
      });
    const res = await commitV0([
      [TOPIC, 0, 42],
      [TOPIC, 9, 1],
      ['no-such-topic', 0, 5],
    ]);
    expect(res.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode])])).to.deep.equal([
      [
        TOPIC,
        [
          [0, ErrorCode.NONE],
          [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
        ],
      ],
      ['no-such-topic', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
    ]);
    // ZkData.ConsumerOffset: the offset as decimal text; the metadata is not kept.
    expect((await zk.get(`/consumers/${groupId}/offsets/${TOPIC}/0`)).data).to.equal('42');
    expect(await zk.exists(`/consumers/${groupId}/offsets/${TOPIC}/9`)).to.equal(false);
    expect(await zk.exists(`/consumers/${groupId}/offsets/no-such-topic`)).to.equal(false);

    // An existing znode is overwritten (setData).
    const again = await commitV0([[TOPIC, 0, 4200000000123]]);
    expect(again.topics[0].partitions[0].errorCode).to.equal(ErrorCode.NONE);
    expect((await zk.get(`/consumers/${groupId}/offsets/${TOPIC}/0`)).data).to.equal('4200000000123');

    const fetchV0 = (brokerId: number, topics: Array<{ name: string; partitionIndexes: number[] }>) =>
      client(brokerId).send(OffsetFetchApi, 0, { groupId, topics, groups: [], requireStable: false });
    for (const brokerId of [1, 2]) {
      const f = await fetchV0(brokerId, [
        { name: TOPIC, partitionIndexes: [0, 1] },
        { name: 'no-such-topic', partitionIndexes: [0] },
      ]);
      const got = f.topics.map((t) => [t.name, t.partitions.map((p: Committed) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode])]);
      // A partition without a stored offset, like an unknown one, is OffsetFetchResponse.UNKNOWN_PARTITION
      // (offset -1, UNKNOWN_TOPIC_OR_PARTITION), as Kafka 3.7's ZooKeeper read answers.
      expect(got, `broker ${brokerId}`).to.deep.equal([
        [
          TOPIC,
          [
            [0, 4200000000123, '', ErrorCode.NONE],
            [1, -1, '', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
          ],
        ],
        ['no-such-topic', [[0, -1, '', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
      ]);
    }
    // The coordinator's offsets (v1+) are a different store: nothing committed there.
    const v1Fetch = await client(coordinator).send(OffsetFetchApi, 1, {
      groupId,
      topics: [{ name: TOPIC, partitionIndexes: [0] }],
      groups: [],
      requireStable: false,
    });
    expect(v1Fetch.topics[0].partitions[0]).to.include({ committedOffset: -1, errorCode: ErrorCode.NONE });
  });

  it('OffsetFetch v8 answers several groups in one request, each with its offsets or its own error', async () => {
    // 24 names cover each of the 6 __consumer_offsets partitions at least twice (Utils.abs(hashCode) % 6), so each
    // broker, whichever partitions it leads, coordinates at least 3 of them.
    const names = Array.from({ length: 24 }, (_, i) => `multi-${i}`);
    const coord = await coordinators(names);
    const onOne = names.filter((g) => coord.get(g) === 1);
    const onTwo = names.filter((g) => coord.get(g) === 2);
    expect(onOne.length, 'groups coordinated by broker 1').to.be.greaterThanOrEqual(3);
    expect(onTwo.length, 'groups coordinated by broker 2').to.be.greaterThanOrEqual(1);
    const [g1, g2, neverUsed] = onOne;
    const elsewhere = onTwo[0];
    expect(await simpleCommit(1, g1, [[0, 10]])).to.deep.equal([ErrorCode.NONE]);
    expect(
      await simpleCommit(1, g2, [
        [0, 20],
        [1, 21],
      ]),
    ).to.deep.equal([ErrorCode.NONE, ErrorCode.NONE]);
    for (const v of [8, 9]) {
      const res = await client(1).send(OffsetFetchApi, v, {
        groupId: '',
        topics: [],
        groups: [
          { groupId: g1, memberId: null, memberEpoch: -1, topics: [{ name: TOPIC, partitionIndexes: [0, 1] }] },
          // v9's member id and epoch are ignored for a classic group (GroupCoordinatorAdapter.fetchOffsets).
          { groupId: g2, memberId: v >= 9 ? 'whoever' : null, memberEpoch: v >= 9 ? 12 : -1, topics: null },
          { groupId: elsewhere, memberId: null, memberEpoch: -1, topics: null },
          { groupId: neverUsed, memberId: null, memberEpoch: -1, topics: [{ name: TOPIC, partitionIndexes: [1] }] },
        ],
        requireStable: true,
      });
      const got = res.groups.map((g) => [
        g.groupId,
        g.errorCode,
        g.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset, p.metadata, p.errorCode])).sort(),
      ]);
      // Never committed: offset -1 and no error; a group of the other broker: NOT_COORDINATOR for that group only.
      expect(got, `v${v}`).to.deep.equal([
        [
          g1,
          ErrorCode.NONE,
          [
            [TOPIC, 0, 10, 'm10', 0],
            [TOPIC, 1, -1, '', 0],
          ],
        ],
        [
          g2,
          ErrorCode.NONE,
          [
            [TOPIC, 0, 20, 'm20', 0],
            [TOPIC, 1, 21, 'm21', 0],
          ],
        ],
        [elsewhere, ErrorCode.NOT_COORDINATOR, []],
        [neverUsed, ErrorCode.NONE, [[TOPIC, 1, -1, '', 0]]],
      ]);
    }
    // ListGroups v4: these commit-only groups are Empty; a filter on Stable leaves them out.
    const empty = await client(1).send(ListGroupsApi, 4, { statesFilter: ['Empty'] });
    expect(empty.groups.filter((g) => g.groupId === g1 || g.groupId === g2).map((g) => [g.groupId, g.groupState, g.protocolType])).to.have.deep.members([
      [g1, 'Empty', ''],
      [g2, 'Empty', ''],
    ]);
    const stable = await client(1).send(ListGroupsApi, 4, { statesFilter: ['Stable'] });
    expect(stable.groups.map((g) => g.groupId)).to.not.include(g1);
  });

  describe('static membership (KIP-345)', () => {
    const groupId = 'static-group';
    let c: NetworkClient;
    const SUBSCRIPTION = Buffer.from([0, 1, 0, 0, 0, 1, 0, TOPIC.length, ...Buffer.from(TOPIC), 0, 0, 0, 0]);

    // A broker reads one request of a connection at a time (Kafka mutes the channel until it answers): members
    // that wait for each other in JoinGroup or SyncGroup need connections of their own.
    const join = (v: number, memberId: string, groupInstanceId: string, reason: string | null = null, conn = c) =>
      conn.send(JoinGroupApi, v, {
        groupId,
        sessionTimeoutMs: 10000,
        rebalanceTimeoutMs: 10000,
        memberId,
        groupInstanceId,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: SUBSCRIPTION }],
        reason,
      });
    const sync = (
      generationId: number,
      memberId: string,
      groupInstanceId: string,
      assignments: Array<{ memberId: string; assignment: Buffer }> = [],
      conn = c,
    ) => conn.send(SyncGroupApi, 5, { groupId, generationId, memberId, groupInstanceId, protocolType: 'consumer', protocolName: 'range', assignments });
    const heartbeat = (generationId: number, memberId: string, groupInstanceId: string) =>
      c.send(HeartbeatApi, 4, { groupId, generationId, memberId, groupInstanceId });

    let leaderId = '';
    let followerId = '';
    let generation = -1;

    let other: NetworkClient;
    before(async () => {
      const coordinator = (await coordinators([groupId])).get(groupId)!;
      c = client(coordinator);
      other = client(coordinator);
    });

    it('two static members join (no MEMBER_ID_REQUIRED for them) and sync', async () => {
      // Both within the initial rebalance delay: one generation for the two of them.
      const [a, b] = await Promise.all([join(5, '', 'inst-a'), join(5, '', 'inst-b', null, other)]);
      expect([a.errorCode, b.errorCode]).to.deep.equal([ErrorCode.NONE, ErrorCode.NONE]);
      expect(a.generationId).to.equal(b.generationId);
      generation = a.generationId;
      const leader = a.leader === a.memberId ? a : b;
      const follower = leader === a ? b : a;
      leaderId = leader.memberId;
      followerId = follower.memberId;
      expect(leaderId).to.match(/^inst-[ab]-[0-9a-f-]{36}$/);
      expect(leader.members.map((m) => [m.memberId, m.groupInstanceId]).sort()).to.deep.equal(
        [
          [a.memberId, 'inst-a'],
          [b.memberId, 'inst-b'],
        ].sort(),
      );
      const leaderInst = leader === a ? 'inst-a' : 'inst-b';
      const followerInst = leader === a ? 'inst-b' : 'inst-a';
      const [sl, sf] = await Promise.all([
        sync(generation, leaderId, leaderInst, [
          { memberId: leaderId, assignment: Buffer.from('for-leader') },
          { memberId: followerId, assignment: Buffer.from('for-follower') },
        ]),
        sync(generation, followerId, followerInst, [], other),
      ]);
      expect([sl.errorCode, sl.assignment.toString(), sf.errorCode, sf.assignment.toString()]).to.deep.equal([
        ErrorCode.NONE,
        'for-leader',
        ErrorCode.NONE,
        'for-follower',
      ]);
    });

    const instOf = (memberId: string) => memberId.replace(/-[0-9a-f-]{36}$/, '');

    it('a static member rejoining with its member id keeps it', async () => {
      const follower = await join(7, followerId, instOf(followerId));
      expect(follower.errorCode).to.equal(ErrorCode.NONE);
      expect(follower.memberId).to.equal(followerId);
      expect(follower.generationId).to.equal(generation);
      expect(follower.protocolType).to.equal('consumer');
    });

    it('a restarted static follower (no member id) replaces its old id without a rebalance; the old id is fenced', async () => {
      const inst = instOf(followerId);
      const j = await join(5, '', inst);
      expect(j.errorCode).to.equal(ErrorCode.NONE);
      expect(j.memberId).to.not.equal(followerId);
      expect(instOf(j.memberId)).to.equal(inst);
      // Same generation, and before v9 the old leader id so that no assignment runs.
      expect([j.generationId, j.leader, j.members]).to.deep.equal([generation, leaderId, []]);
      expect((await heartbeat(generation, followerId, inst)).errorCode).to.equal(ErrorCode.FENCED_INSTANCE_ID);
      expect((await heartbeat(generation, j.memberId, inst)).errorCode).to.equal(ErrorCode.NONE);
      const s = await sync(generation, j.memberId, inst);
      expect([s.errorCode, s.assignment.toString()]).to.deep.equal([ErrorCode.NONE, 'for-follower']);
      followerId = j.memberId;
    });

    it('JoinGroup v9: a restarted static leader is told it leads but must skip the assignment', async () => {
      const inst = instOf(leaderId);
      const j = await join(9, '', inst, 'the consumer restarted');
      expect(j.errorCode).to.equal(ErrorCode.NONE);
      expect(j.memberId).to.not.equal(leaderId);
      expect(j.skipAssignment).to.equal(true);
      expect(j.leader).to.equal(j.memberId);
      expect(j.generationId).to.equal(generation);
      expect(j.members.map((m) => m.memberId).sort()).to.deep.equal([j.memberId, followerId].sort());
      const s = await sync(generation, j.memberId, inst);
      expect([s.errorCode, s.assignment.toString()]).to.deep.equal([ErrorCode.NONE, 'for-leader']);
      leaderId = j.memberId;
    });

    it('DescribeGroups v5 lists the static members; authorized operations only when asked', async () => {
      // A group nobody used, of the same coordinator (these 24 names cover every __consumer_offsets partition).
      const candidates = await coordinators(Array.from({ length: 24 }, (_, i) => `dead-${i}`));
      const mine = (await coordinators([groupId])).get(groupId);
      const unused = [...candidates].find(([, id]) => id === mine)![0];
      const asked = await c.send(DescribeGroupsApi, 5, { groups: [groupId, unused], includeAuthorizedOperations: true });
      const [g, missing] = asked.groups;
      expect([g.errorCode, g.groupState, g.protocolType, g.protocolData, g.authorizedOperations]).to.deep.equal([
        ErrorCode.NONE,
        'Stable',
        'consumer',
        'range',
        ALL_GROUP_OPERATIONS,
      ]);
      expect(g.members.map((m) => [m.memberId, m.groupInstanceId]).sort()).to.deep.equal(
        [
          [leaderId, instOf(leaderId)],
          [followerId, instOf(followerId)],
        ].sort(),
      );
      // An unknown group is described as Dead, without error, so it gets the operations too.
      expect([missing.groupState, missing.authorizedOperations]).to.deep.equal(['Dead', ALL_GROUP_OPERATIONS]);
      const plain = await c.send(DescribeGroupsApi, 5, { groups: [groupId], includeAuthorizedOperations: false });
      expect(plain.groups[0].authorizedOperations).to.equal(AUTHORIZED_OPERATIONS_OMITTED);
      const listed = await c.send(ListGroupsApi, 4, { statesFilter: ['Stable'] });
      expect(listed.groups.filter((x) => x.groupId === groupId)).to.deep.equal([{ groupId, protocolType: 'consumer', groupState: 'Stable' }]);
      // librdkafka's ListConsumerGroups asks every broker with ListGroups v4 and its states filter.
      const stable = await librdkafkaListGroups(cluster.bootstrap.join(','), ['Stable']);
      expect(stable).to.deep.equal([`${groupId} Stable 0`]);
      const empty = await librdkafkaListGroups(cluster.bootstrap.join(','), ['Empty']);
      expect(empty.length).to.be.greaterThanOrEqual(2);
      for (const line of empty) expect(line).to.match(/^multi-\d+ Empty 1$/);
      const all = await librdkafkaListGroups(cluster.bootstrap.join(','), []);
      expect(all.length).to.equal(empty.length + 1);
    });

    it('LeaveGroup v5: members leave by member id or by instance id, with a reason that reaches the rebalance reason', async () => {
      const res = await c.send(LeaveGroupApi, 5, {
        groupId,
        memberId: '',
        members: [
          { memberId: followerId, groupInstanceId: instOf(followerId), reason: 'shutting down follower' },
          { memberId: '', groupInstanceId: instOf(leaderId), reason: null },
          { memberId: '', groupInstanceId: 'inst-unknown', reason: null },
        ],
      });
      expect(res.errorCode).to.equal(ErrorCode.NONE);
      expect(res.members.map((m) => [m.memberId, m.groupInstanceId, m.errorCode])).to.deep.equal([
        [followerId, instOf(followerId), ErrorCode.NONE],
        ['', instOf(leaderId), ErrorCode.NONE],
        ['', 'inst-unknown', ErrorCode.UNKNOWN_MEMBER_ID],
      ]);
      // GroupCoordinator.removeCurrentMemberFromGroup logs the reason ("not provided" without one).
      const logged = (line: string) => [...cluster.brokers.values()].some((b) => b.output.some((l) => l.includes(line)));
      await waitFor(
        'the leave reasons in the coordinator log',
        async () =>
          logged(`Member ${followerId} has left group ${groupId} through explicit \`LeaveGroup\`; client reason: shutting down follower`) &&
          logged(`Member ${leaderId} has left group ${groupId} through explicit \`LeaveGroup\`; client reason: not provided`),
      );
      const d = await c.send(DescribeGroupsApi, 5, { groups: [groupId], includeAuthorizedOperations: false });
      expect([d.groups[0].groupState, d.groups[0].members]).to.deep.equal(['Empty', []]);
    });
  });
});
