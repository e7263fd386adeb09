import { expect } from 'chai';
import { MockTime } from './MockTime';
import { GroupCoordinator } from '../../../src/coordinator/group/GroupCoordinator';
import { JoinGroupParams } from '../../../src/coordinator/group/GroupMembership';
import { JoinGroupResult } from '../../../src/coordinator/group/MemberMetadata';
import { ErrorCode } from '../../../src/protocol/errors';
import { FakeOffsetsTopic, makeCoordinator, settle } from './fakes';

const G = 'grp';
const proto = (name = 'range', meta = [0, 0, 0, 0, 0, 0]) => [{ name, metadata: Buffer.from(meta) }];

function params(memberId = '', over: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    groupId: G,
    memberId,
    groupInstanceId: null,
    requireKnownMemberId: false,
    clientId: 'c',
    clientHost: '/127.0.0.1',
    rebalanceTimeoutMs: 10000,
    sessionTimeoutMs: 6000,
    protocolType: 'consumer',
    protocols: proto(),
    ...over,
  };
}

describe('GroupCoordinator (fake clock, in-memory __consumer_offsets)', () => {
  let time: MockTime;
  let topic: FakeOffsetsTopic;
  let gc: GroupCoordinator;

  beforeEach(async () => {
    time = new MockTime();
    topic = new FakeOffsetsTopic();
    gc = makeCoordinator(topic, time);
    for (let p = 0; p < 5; p++) gc.onElection(p);
    await settle(time);
  });

  /** Joins one member to a Stable group alone: join, complete, sync. */
  async function joinAlone(): Promise<JoinGroupResult> {
    const pj = gc.handleJoinGroup(params());
    await settle(time, 0);
    const j = await pj;
    expect(j.errorCode).to.equal(ErrorCode.NONE);
    const s = await gc.handleSyncGroup(G, j.generationId, j.memberId, null, new Map([[j.memberId, Buffer.from('A')]]));
    expect(s.errorCode).to.equal(ErrorCode.NONE);
    expect(s.assignment.toString()).to.equal('A');
    return j;
  }

  it('JoinGroup v4+: MEMBER_ID_REQUIRED with a member id, then the first generation with this member as leader', async () => {
    const first = await gc.handleJoinGroup(params('', { requireKnownMemberId: true }));
    expect(first.errorCode).to.equal(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).to.match(/^c-[0-9a-f-]{36}$/);
    const pj = gc.handleJoinGroup(params(first.memberId));
    await settle(time);
    const j = await pj;
    expect(j).to.include({ errorCode: 0, generationId: 1, protocolName: 'range', leaderId: first.memberId, memberId: first.memberId });
    expect(j.members.map((m) => m.memberId)).to.deep.equal([first.memberId]);
    expect(gc.handleDescribeGroup(G).summary.state).to.equal('CompletingRebalance');
  });

  it('group.initial.rebalance.delay.ms delays the first rebalance of an empty group', async () => {
    gc = makeCoordinator(topic, time, { initialDelay: 3000 });
    for (let p = 0; p < 5; p++) gc.onElection(p);
    await settle(time);
    let done = false;
    const pj = gc.handleJoinGroup(params()).then((r) => ((done = true), r));
    await settle(time, 2999);
    expect(done).to.equal(false);
    await settle(time, 1);
    expect((await pj).generationId).to.equal(1);
  });

  for (const rebalanceTimeoutMs of [30000, 60000]) {
    it(`a new member (MEMBER_ID_REQUIRED, session 30 s, rebalance ${rebalanceTimeoutMs / 1000} s, 3 s initial delay) syncs, heartbeats and commits past its pending timeout`, async () => {
      gc = makeCoordinator(topic, time, { initialDelay: 3000 });
      for (let p = 0; p < 5; p++) gc.onElection(p);
      await settle(time);
      const over = { sessionTimeoutMs: 30000, rebalanceTimeoutMs };
      const first = await gc.handleJoinGroup(params('', { ...over, requireKnownMemberId: true }));
      expect(first.errorCode).to.equal(ErrorCode.MEMBER_ID_REQUIRED);
      await settle(time, 1000); // the client takes a moment to rejoin
      const pj = gc.handleJoinGroup(params(first.memberId, { ...over, requireKnownMemberId: true }));
      await settle(time, 3000);
      const j = await pj;
      expect(j).to.include({ errorCode: ErrorCode.NONE, generationId: 1, memberId: first.memberId, leaderId: first.memberId });
      await settle(time, 2000); // the leader assigns
      const s = await gc.handleSyncGroup(G, 1, j.memberId, null, new Map([[j.memberId, Buffer.from('A')]]));
      expect(s.errorCode).to.equal(ErrorCode.NONE);
      // Well past the session timeout the MEMBER_ID_REQUIRED id was handed out with, and the rebalance timeout.
      for (let i = 0; i < 8; i++) {
        await settle(time, 10000);
        expect(gc.handleHeartbeat(G, j.memberId, null, 1)).to.equal(ErrorCode.NONE);
      }
      const offsets = [{ topic: 't', partition: 0, value: { offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: time.now(), expireTimestamp: -1 } }];
      expect(await gc.handleCommitOffsets(G, j.memberId, null, 1, offsets)).to.equal(ErrorCode.NONE);
      expect(gc.handleDescribeGroup(G).summary).to.include({ state: 'Stable' });
    });
  }

  it('a second member triggers a rebalance: heartbeats answer REBALANCE_IN_PROGRESS until both rejoin', async () => {
    const a = await joinAlone();
    const pb = gc.handleJoinGroup(params());
    await settle(time);
    expect(gc.handleHeartbeat(G, a.memberId, null, a.generationId)).to.equal(ErrorCode.REBALANCE_IN_PROGRESS);
    const pa = gc.handleJoinGroup(params(a.memberId));
    await settle(time);
    const [ja, jb] = await Promise.all([pa, pb]);
    expect(ja.generationId).to.equal(2);
    expect(jb.generationId).to.equal(2);
    expect(ja.members.length).to.equal(2); // the leader gets everyone
    expect(jb.members.length).to.equal(0);
    const sb = gc.handleSyncGroup(G, 2, jb.memberId, null, new Map());
    const sa = gc.handleSyncGroup(
      G,
      2,
      ja.memberId,
      null,
      new Map([
        [ja.memberId, Buffer.from('x')],
        [jb.memberId, Buffer.from('y')],
      ]),
    );
    await settle(time);
    expect((await sb).assignment.toString()).to.equal('y');
    expect((await sa).assignment.toString()).to.equal('x');
    expect(gc.handleDescribeGroup(G).summary.state).to.equal('Stable');
    expect(gc.handleHeartbeat(G, ja.memberId, null, 1)).to.equal(ErrorCode.ILLEGAL_GENERATION);
    expect(gc.handleHeartbeat(G, 'nobody', null, 2)).to.equal(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(gc.handleHeartbeat(G, ja.memberId, null, 2)).to.equal(ErrorCode.NONE);
    // group metadata (key v2) records were written to the group's partition
    expect(topic.logs.get(gc.partitionFor(G))!.length).to.be.greaterThan(0);
  });

  it('session timeout evicts a silent member and rebalances the group', async () => {
    const a = await joinAlone();
    await settle(time, 5000);
    expect(gc.handleHeartbeat(G, a.memberId, null, 1)).to.equal(ErrorCode.NONE);
    await settle(time, 5999);
    expect(gc.handleDescribeGroup(G).summary.members.length).to.equal(1);
    await settle(time, 1);
    const d = gc.handleDescribeGroup(G).summary;
    expect(d.members.length).to.equal(0);
    expect(d.state).to.equal('Empty'); // the rebalance completed with nobody left
  });

  it('rebalance timeout removes a member that does not rejoin', async () => {
    const a = await joinAlone();
    const pb = gc.handleJoinGroup(params('', { rebalanceTimeoutMs: 8000 }));
    await settle(time, 4000);
    gc.handleHeartbeat(G, a.memberId, null, 1); // alive but never rejoins
    await settle(time, 4000);
    gc.handleHeartbeat(G, a.memberId, null, 1);
    await settle(time, 2000); // max rebalance timeout of the members: 10 s
    const jb = await pb;
    expect(jb.errorCode).to.equal(ErrorCode.NONE);
    expect(jb.leaderId).to.equal(jb.memberId);
    expect(gc.handleHeartbeat(G, a.memberId, null, 1)).to.equal(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('LeaveGroup removes the member; SyncGroup with a wrong generation gets ILLEGAL_GENERATION', async () => {
    const a = await joinAlone();
    expect((await gc.handleSyncGroup(G, 7, a.memberId, null, new Map())).errorCode).to.equal(ErrorCode.ILLEGAL_GENERATION);
    const res = gc.handleLeaveGroup(G, [
      { memberId: a.memberId, groupInstanceId: null },
      { memberId: 'x', groupInstanceId: null },
    ]);
    expect(res.members.map((m) => m.errorCode)).to.deep.equal([0, ErrorCode.UNKNOWN_MEMBER_ID]);
    await settle(time, 10000);
    expect(gc.handleDescribeGroup(G).summary.state).to.equal('Empty');
  });

  it('static membership: a rejoin with the same group.instance.id fences the old member id', async () => {
    const pj = gc.handleJoinGroup(params('', { groupInstanceId: 'i1' }));
    await settle(time);
    const j = await pj;
    await gc.handleSyncGroup(G, j.generationId, j.memberId, 'i1', new Map([[j.memberId, Buffer.from('A')]]));
    await settle(time);
    const j2 = await gc.handleJoinGroup(params('', { groupInstanceId: 'i1' }));
    expect(j2.errorCode).to.equal(ErrorCode.NONE);
    expect(j2.memberId).to.not.equal(j.memberId);
    expect(j2.generationId).to.equal(j.generationId);
    expect(gc.handleHeartbeat(G, j.memberId, 'i1', j.generationId)).to.equal(ErrorCode.FENCED_INSTANCE_ID);
    expect(gc.handleHeartbeat(G, j2.memberId, 'i1', j.generationId)).to.equal(ErrorCode.NONE);
    expect((await gc.handleSyncGroup(G, j.generationId, j2.memberId, 'i1', new Map())).assignment.toString()).to.equal('A');
  });

  it('JoinGroup v9: a restarted static leader of a Stable group gets SkipAssignment with the member list; before v9 the old leader id', async () => {
    const pj = gc.handleJoinGroup(params('', { groupInstanceId: 'i1' }));
    await settle(time);
    const j = await pj;
    await gc.handleSyncGroup(G, j.generationId, j.memberId, 'i1', new Map([[j.memberId, Buffer.from('A')]]));
    // Before v9 (GroupCoordinator.updateStaticMemberAndRebalance): the old leader id, no members, no skip.
    const old = await gc.handleJoinGroup(params('', { groupInstanceId: 'i1' }));
    expect([old.errorCode, old.leaderId, old.members.length, old.skipAssignment ?? false]).to.deep.equal([0, j.memberId, 0, false]);
    // v9: the new id leads, with the member list, and must skip the assignment; no rebalance.
    const now = await gc.handleJoinGroup(params('', { groupInstanceId: 'i1', supportSkippingAssignment: true }));
    expect([now.errorCode, now.generationId, now.leaderId, now.skipAssignment]).to.deep.equal([0, j.generationId, now.memberId, true]);
    expect(now.members.map((m) => [m.memberId, m.groupInstanceId])).to.deep.equal([[now.memberId, 'i1']]);
    expect((await gc.handleSyncGroup(G, j.generationId, now.memberId, 'i1', new Map())).assignment.toString()).to.equal('A');
  });

  it("SyncGroup v5: a protocol type or name other than the group's is INCONSISTENT_GROUP_PROTOCOL; the result names them", async () => {
    const j = await joinAlone();
    const sync = (type: string | null, name: string | null) => gc.handleSyncGroup(G, j.generationId, j.memberId, null, new Map(), type, name);
    expect((await sync('consumer', 'other')).errorCode).to.equal(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await sync('connect', 'range')).errorCode).to.equal(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    // A wrong generation is checked first (validateSyncGroup order).
    expect((await gc.handleSyncGroup(G, 99, j.memberId, null, new Map(), 'connect', 'range')).errorCode).to.equal(ErrorCode.ILLEGAL_GENERATION);
    const ok = await sync('consumer', 'range');
    expect([ok.errorCode, ok.protocolType, ok.protocolName, ok.assignment.toString()]).to.deep.equal([0, 'consumer', 'range', 'A']);
  });

  it('ListGroups v4: the states filter keeps the groups whose state name is listed; every group carries its state', async () => {
    await joinAlone();
    const v = { offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: time.now(), expireTimestamp: -1 };
    expect(await gc.handleCommitOffsets('empty', '', null, -1, [{ topic: 't', partition: 0, value: v }])).to.equal(ErrorCode.NONE);
    const states = (filter: string[]) =>
      gc
        .handleListGroups(filter)
        .groups.map((g) => [g.groupId, g.groupState, g.protocolType])
        .sort();
    expect(states([])).to.deep.equal([
      ['empty', 'Empty', ''],
      [G, 'Stable', 'consumer'],
    ]);
    expect(states(['Stable'])).to.deep.equal([[G, 'Stable', 'consumer']]);
    expect(states(['Empty', 'Dead'])).to.deep.equal([['empty', 'Empty', '']]);
    // Exact names, as GroupCoordinator.handleListGroups compares them.
    expect(states(['stable'])).to.deep.equal([]);
  });

  it('LeaveGroup v5: the response echoes member ids and instance ids only, whatever the reason', async () => {
    const j = await joinAlone();
    const res = gc.handleLeaveGroup(G, [
      { memberId: j.memberId, groupInstanceId: null, reason: 'closing' },
      { memberId: 'nobody', groupInstanceId: null, reason: null },
    ]);
    expect(res.members).to.deep.equal([
      { memberId: j.memberId, groupInstanceId: null, errorCode: ErrorCode.NONE },
      { memberId: 'nobody', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
    ]);
  });

  it('commits with generation -1 and no member work on an empty group only; offsets fetch back', async () => {
    const v = (offset: number) => ({ offset, leaderEpoch: -1, metadata: 'md', commitTimestamp: time.now(), expireTimestamp: -1 });
    expect(await gc.handleCommitOffsets('simple', '', null, -1, [{ topic: 't', partition: 0, value: v(5) }])).to.equal(ErrorCode.NONE);
    // A generation for a group that does not exist is illegal; for an existing one the member is unknown.
    expect(await gc.handleCommitOffsets('absent', 'm', null, 3, [{ topic: 't', partition: 0, value: v(5) }])).to.equal(ErrorCode.ILLEGAL_GENERATION);
    expect(await gc.handleCommitOffsets('simple', '', null, 3, [{ topic: 't', partition: 0, value: v(5) }])).to.equal(ErrorCode.UNKNOWN_MEMBER_ID);
    const f = gc.handleFetchOffsets('simple', [
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    expect(f.offsets.map((o) => [o.offset, o.metadata, o.errorCode])).to.deep.equal([
      [5, 'md', 0],
      [-1, '', 0],
    ]);
    expect(gc.handleFetchOffsets('unknown-group', [{ topic: 't', partition: 0 }]).offsets[0].offset).to.equal(-1);
    const a = await joinAlone();
    expect(await gc.handleCommitOffsets(G, '', null, -1, [{ topic: 't', partition: 0, value: v(1) }])).to.equal(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await gc.handleCommitOffsets(G, a.memberId, null, 9, [{ topic: 't', partition: 0, value: v(1) }])).to.equal(ErrorCode.ILLEGAL_GENERATION);
    expect(await gc.handleCommitOffsets(G, a.memberId, null, 1, [{ topic: 't', partition: 0, value: v(1) }])).to.equal(ErrorCode.NONE);
    expect(gc.handleFetchOffsets(G, null).offsets.map((o) => o.offset)).to.deep.equal([1]);
  });

  it('a new leader loads groups and offsets from the log; NOT_COORDINATOR / LOAD_IN_PROGRESS around it', async () => {
    const a = await joinAlone();
    await gc.handleCommitOffsets(G, a.memberId, null, 1, [
      { topic: 't', partition: 2, value: { offset: 42, leaderEpoch: 3, metadata: '', commitTimestamp: time.now(), expireTimestamp: -1 } },
    ]);
    const p = gc.partitionFor(G);
    gc.onResignation(p);
    expect(gc.handleHeartbeat(G, a.memberId, null, 1)).to.equal(ErrorCode.NOT_COORDINATOR);
    const other = makeCoordinator(topic, time);
    other.onElection(p);
    expect(other.handleFetchOffsets(G, null).errorCode).to.equal(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    await settle(time);
    const f = other.handleFetchOffsets(G, [{ topic: 't', partition: 2 }]);
    expect([f.offsets[0].offset, f.offsets[0].leaderEpoch]).to.deep.equal([42, 3]);
    const d = other.handleDescribeGroup(G).summary;
    expect(d.state).to.equal('Stable');
    expect(d.members[0].assignment.toString()).to.equal('A');
    expect(other.handleHeartbeat(G, a.memberId, null, 1)).to.equal(ErrorCode.NONE);
  });

  it('DeleteGroups: NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, and tombstones for an empty group', async () => {
    await joinAlone();
    await gc.handleCommitOffsets('empty', '', null, -1, [
      { topic: 't', partition: 0, value: { offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: time.now(), expireTimestamp: -1 } },
    ]);
    const res = await gc.handleDeleteGroups([G, 'empty', 'nope']);
    expect([res.get(G), res.get('empty'), res.get('nope')]).to.deep.equal([ErrorCode.NON_EMPTY_GROUP, 0, ErrorCode.GROUP_ID_NOT_FOUND]);
    expect(gc.handleFetchOffsets('empty', [{ topic: 't', partition: 0 }]).offsets[0].offset).to.equal(-1);
    expect(gc.handleListGroups().groups.map((g) => g.groupId)).to.deep.equal([G]);
  });

  it('offsets.retention.minutes expires the offsets of an empty group, which then dies', async () => {
    gc = makeCoordinator(topic, time, { retentionMs: 60000 });
    for (let p = 0; p < 5; p++) gc.onElection(p);
    await settle(time);
    await gc.handleCommitOffsets('old', '', null, -1, [
      { topic: 't', partition: 0, value: { offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: time.now(), expireTimestamp: -1 } },
    ]);
    await settle(time, 30000);
    expect(await gc.groupManager.cleanupGroupMetadata()).to.equal(0);
    await settle(time, 30000);
    expect(await gc.groupManager.cleanupGroupMetadata()).to.equal(1);
    expect(gc.groupManager.getGroup('old')).to.equal(undefined);
  });

  it('validates group ids and session timeouts', async () => {
    expect((await gc.handleJoinGroup(params('', { groupId: '' }))).errorCode).to.equal(ErrorCode.INVALID_GROUP_ID);
    expect((await gc.handleJoinGroup(params('', { sessionTimeoutMs: 10 }))).errorCode).to.equal(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await gc.handleJoinGroup(params('', { protocolType: '' }))).errorCode).to.equal(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await gc.handleJoinGroup(params('someone'))).errorCode).to.equal(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});
