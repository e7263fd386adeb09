/**
 * Group API authorization (KafkaApis 3.7: handleFindCoordinatorRequest, handleJoinGroupRequest, SyncGroup, Heartbeat,
 * LeaveGroup, handleOffsetCommitRequest, handleOffsetFetchRequest, handleDescribeGroupsRequest, handleListGroupsRequest,
 * handleDeleteGroupsRequest, handleOffsetDeleteRequest) against a fake authorizer and a fake group coordinator.
 */
import { expect } from 'chai';
import {
  DeleteGroupsApi,
  DescribeGroupsApi,
  FindCoordinatorApi,
  HeartbeatApi,
  JoinGroupApi,
  LeaveGroupApi,
  ListGroupsApi,
  OffsetCommitApi,
  OffsetDeleteApi,
  OffsetFetchApi,
  SyncGroupApi,
} from '../../../../src/protocol/apis';
import { ErrorCode } from '../../../../src/protocol/errors';
import { AclOperation as O, to32BitField } from '../../../../src/security/AclEntry';
import { CLUSTER_NAME, ResourceType as R } from '../../../../src/security/authorizer/Authorizer';
import type { GroupCoordinator } from '../../../../src/coordinator/group/GroupCoordinator';
import { KafkaApisDeps } from '../../../../src/server/handlers/ApiDeps';
import { GroupApis } from '../../../../src/server/handlers/GroupApis';
import { OffsetApis } from '../../../../src/server/handlers/OffsetApis';
import { FakeAuthorizer } from './FakeAuthorizer';
import { callAsAlice as call, oneBrokerCache } from './authTestSupport';

type Grant = [number, number, string];

function setup(grants: Grant[]) {
  const calls: string[] = [];
  const summary = { state: 'Stable', protocolType: 'consumer', protocol: 'range', members: [] };
  const coordinator = {
    partitionFor: () => 0,
    handleJoinGroup: async () => {
      calls.push('join');
      return { errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leaderId: 'm', memberId: 'm', members: [] };
    },
    handleSyncGroup: async () => {
      calls.push('sync');
      return { errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.alloc(0) };
    },
    handleHeartbeat: () => (calls.push('heartbeat'), 0),
    handleLeaveGroup: () => (calls.push('leave'), { errorCode: 0, members: [] }),
    handleCommitOffsets: async (_g: string, _m: string, _i: string | null, _gen: number, offsets: Array<{ topic: string }>) => {
      calls.push(`commit:${offsets.map((o) => o.topic).join(',')}`);
      return 0;
    },
    handleFetchOffsets: (_g: string, wanted: Array<{ topic: string; partition: number }> | null) => {
      calls.push(`fetch:${wanted === null ? '*' : wanted.map((o) => o.topic).join(',')}`);
      const tps = wanted ?? [
        { topic: 'a', partition: 0 },
        { topic: 'b', partition: 0 },
      ];
      return { errorCode: 0, offsets: tps.map((tp) => ({ ...tp, offset: 5, leaderEpoch: -1, metadata: '', errorCode: 0 })) };
    },
    handleDescribeGroup: () => ({ errorCode: 0, summary }),
    handleListGroups: () => ({
      errorCode: 0,
      groups: ['g1', 'g2'].map((groupId) => ({ groupId, protocolType: 'consumer', groupState: 'Stable' })),
    }),
    handleDeleteGroups: async (ids: string[]) => {
      calls.push(`delete:${ids.join(',')}`);
      return new Map(ids.map((id) => [id, 0]));
    },
    handleDeleteOffsets: async (_g: string, tps: Array<{ topic: string; partition: number }>) => {
      calls.push(`deleteOffsets:${tps.map((t) => t.topic).join(',')}`);
      return { errorCode: 0, partitions: tps.map((tp) => ({ ...tp, errorCode: 0 })) };
    },
  } as unknown as GroupCoordinator;
  const deps = {
    config: { brokerId: 1, offsetMetadataMaxSize: 4096 },
    metadataCache: oneBrokerCache(['a', 'b', '__consumer_offsets']),
    authorizer: new FakeAuthorizer(grants),
    transactionCoordinator: { partitionFor: () => 0 },
  } as unknown as KafkaApisDeps;
  return { calls, api: new GroupApis(deps, coordinator), offsets: new OffsetApis(deps, coordinator) };
}

describe('Group API authorization (KafkaApis 3.7 with an authorizer)', () => {
  it('FindCoordinator: DESCRIBE on the group or on the transactional id', async () => {
    const { api } = setup([[O.DESCRIBE, R.GROUP, 'g1']]);
    const res = await call(FindCoordinatorApi, 4, { key: '', keyType: 0, coordinatorKeys: ['g1', 'g2'] }, (c, r) => api.handleFindCoordinator(c, r), 10);
    expect(res.coordinators.map((c) => [c.key, c.errorCode, c.nodeId])).to.deep.equal([
      ['g1', 0, 1],
      ['g2', ErrorCode.GROUP_AUTHORIZATION_FAILED, -1],
    ]);
    const txn = await call(FindCoordinatorApi, 3, { key: 'tx', keyType: 1, coordinatorKeys: [] }, (c, r) => api.handleFindCoordinator(c, r), 10);
    expect([txn.errorCode, txn.nodeId]).to.deep.equal([ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, -1]);
  });

  it('JoinGroup, SyncGroup, Heartbeat, LeaveGroup need READ on the group; nothing reaches the coordinator otherwise', async () => {
    const { api, calls } = setup([[O.DESCRIBE, R.GROUP, 'g']]);
    const join = await call(
      JoinGroupApi,
      7,
      {
        groupId: 'g',
        sessionTimeoutMs: 10000,
        rebalanceTimeoutMs: 10000,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [],
        reason: null,
      },
      (c, r) => api.handleJoinGroup(c, r),
      11,
    );
    expect([join.errorCode, join.generationId, join.memberId]).to.deep.equal([ErrorCode.GROUP_AUTHORIZATION_FAILED, -1, '']);
    const sync = await call(
      SyncGroupApi,
      5,
      { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] },
      (c, r) => api.handleSyncGroup(c, r),
      14,
    );
    expect(sync.errorCode).to.equal(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const hb = await call(HeartbeatApi, 4, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }, (c, r) => api.handleHeartbeat(c, r), 12);
    expect(hb.errorCode).to.equal(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const leave = await call(
      LeaveGroupApi,
      4,
      { groupId: 'g', memberId: '', members: [{ memberId: 'm', groupInstanceId: null, reason: null }] },
      (c, r) => api.handleLeaveGroup(c, r),
      13,
    );
    expect(leave.errorCode).to.equal(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    expect(calls).to.deep.equal([]);

    const ok = setup([[O.READ, R.GROUP, 'g']]);
    const hb2 = await call(
      HeartbeatApi,
      4,
      { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null },
      (c, r) => ok.api.handleHeartbeat(c, r),
      12,
    );
    expect(hb2.errorCode).to.equal(0);
    expect(ok.calls).to.deep.equal(['heartbeat']);
  });

  it('OffsetCommit: group READ first (every partition fails), then topic READ per topic', async () => {
    const req = {
      groupId: 'g',
      generationIdOrMemberEpoch: 1,
      memberId: 'm',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: ['a', 'b'].map((name) => ({
        name,
        partitions: [{ partitionIndex: 0, committedOffset: 3, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' }],
      })),
    };
    const noGroup = setup([[O.READ, R.TOPIC, 'a']]);
    const r1 = await call(OffsetCommitApi, 8, req, (c, r) => noGroup.offsets.handleOffsetCommit(c, r), 8);
    expect(r1.topics.map((t) => [t.name, t.partitions[0].errorCode])).to.deep.equal([
      ['a', ErrorCode.GROUP_AUTHORIZATION_FAILED],
      ['b', ErrorCode.GROUP_AUTHORIZATION_FAILED],
    ]);
    expect(noGroup.calls).to.deep.equal([]);
    const group = setup([
      [O.READ, R.GROUP, 'g'],
      [O.READ, R.TOPIC, 'a'],
    ]);
    const r2 = await call(OffsetCommitApi, 8, req, (c, r) => group.offsets.handleOffsetCommit(c, r), 8);
    expect(r2.topics.map((t) => [t.name, t.partitions[0].errorCode])).to.deep.equal([
      ['a', 0],
      ['b', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    expect(group.calls).to.deep.equal(['commit:a']);
  });

  it('OffsetFetch: group DESCRIBE; named topics without DESCRIBE fail, all-offsets leaves them out', async () => {
    const { offsets: api, calls } = setup([
      [O.DESCRIBE, R.GROUP, 'g'],
      [O.DESCRIBE, R.TOPIC, 'a'],
    ]);
    const byName = await call(
      OffsetFetchApi,
      8,
      {
        groupId: '',
        topics: null,
        requireStable: false,
        groups: [
          { groupId: 'g', memberId: null, memberEpoch: -1, topics: ['a', 'b'].map((name) => ({ name, partitionIndexes: [0] })) },
          { groupId: 'g', memberId: null, memberEpoch: -1, topics: null },
          { groupId: 'other', memberId: null, memberEpoch: -1, topics: null },
        ],
      },
      (c, r) => api.handleOffsetFetch(c, r),
      9,
    );
    const flat = byName.groups.map((g) => [g.groupId, g.errorCode, g.topics.map((t) => [t.name, t.partitions[0].errorCode, t.partitions[0].committedOffset])]);
    expect(flat).to.deep.equal([
      [
        'g',
        0,
        [
          ['a', 0, 5],
          ['b', ErrorCode.TOPIC_AUTHORIZATION_FAILED, -1],
        ],
      ],
      ['g', 0, [['a', 0, 5]]],
      ['other', ErrorCode.GROUP_AUTHORIZATION_FAILED, []],
    ]);
    expect(calls).to.deep.equal(['fetch:a', 'fetch:*']);
  });

  it('DescribeGroups: GROUP_AUTHORIZATION_FAILED first; authorized operations from the ACLs', async () => {
    const { api } = setup([
      [O.DESCRIBE, R.GROUP, 'g1'],
      [O.READ, R.GROUP, 'g1'],
    ]);
    const res = await call(DescribeGroupsApi, 3, { groups: ['g1', 'g2'], includeAuthorizedOperations: true }, (c, r) => api.handleDescribeGroups(c, r), 15);
    expect(res.groups.map((g) => [g.groupId, g.errorCode, g.authorizedOperations])).to.deep.equal([
      ['g2', ErrorCode.GROUP_AUTHORIZATION_FAILED, -2147483648],
      ['g1', 0, to32BitField([O.READ, O.DESCRIBE])],
    ]);
  });

  it('ListGroups: CLUSTER DESCRIBE lists all, otherwise only groups with DESCRIBE', async () => {
    const some = setup([[O.DESCRIBE, R.GROUP, 'g2']]);
    const r1 = await call(ListGroupsApi, 4, { statesFilter: [] }, (c, r) => some.api.handleListGroups(c, r), 16);
    expect(r1.groups.map((g) => g.groupId)).to.deep.equal(['g2']);
    const all = setup([[O.DESCRIBE, R.CLUSTER, CLUSTER_NAME]]);
    const r2 = await call(ListGroupsApi, 4, { statesFilter: [] }, (c, r) => all.api.handleListGroups(c, r), 16);
    expect(r2.groups.map((g) => g.groupId)).to.deep.equal(['g1', 'g2']);
  });

  it('DeleteGroups: DELETE per group, the denied ones after; OffsetDelete: group DELETE then topic READ', async () => {
    const { api, offsets, calls } = setup([
      [O.DELETE, R.GROUP, 'g2'],
      [O.READ, R.TOPIC, 'a'],
    ]);
    const del = await call(DeleteGroupsApi, 2, { groupsNames: ['g1', 'g2'] }, (c, r) => api.handleDeleteGroups(c, r), 42);
    expect(del.results.map((x) => [x.groupId, x.errorCode])).to.deep.equal([
      ['g2', 0],
      ['g1', ErrorCode.GROUP_AUTHORIZATION_FAILED],
    ]);
    const topics = ['a', 'b'].map((name) => ({ name, partitions: [{ partitionIndex: 0 }] }));
    const od1 = await call(OffsetDeleteApi, 0, { groupId: 'g1', topics }, (c, r) => offsets.handleOffsetDelete(c, r), 47);
    expect([od1.errorCode, od1.topics]).to.deep.equal([ErrorCode.GROUP_AUTHORIZATION_FAILED, []]);
    const od2 = await call(OffsetDeleteApi, 0, { groupId: 'g2', topics }, (c, r) => offsets.handleOffsetDelete(c, r), 47);
    expect(od2.topics.map((t) => [t.name, t.partitions[0].errorCode])).to.deep.equal([
      ['a', 0],
      ['b', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    expect(calls).to.deep.equal(['delete:g2', 'deleteOffsets:a']);
  });
});
