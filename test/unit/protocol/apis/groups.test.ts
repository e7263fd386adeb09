/**
 * Group API codecs (keys 8-16, 42, 47): round trips over every version, golden bytes, and cross-checks with
 * kafkajs 2.2.4's own request encoders and response decoders.
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
import { AUTHORIZED_OPERATIONS_OMITTED, GROUP_AUTHORIZED_OPERATIONS_ALL } from '../../../../src/protocol/apis/15-describe-groups';
import { Reader } from '../../../../src/protocol/Reader';
import { bytesOf, decodeAll, kjsRequestBytes, kjsResponse, project, roundTripRequest, roundTripResponse, versions } from './helpers';

describe('group API codecs', () => {
  it("declares Kafka 3.7's ranges and flexible versions", () => {
    const ranges = [
      OffsetCommitApi,
      OffsetFetchApi,
      FindCoordinatorApi,
      JoinGroupApi,
      HeartbeatApi,
      LeaveGroupApi,
      SyncGroupApi,
      DescribeGroupsApi,
      ListGroupsApi,
      DeleteGroupsApi,
      OffsetDeleteApi,
    ].map((c) => [c.apiKey, c.minVersion, c.maxVersion, c.firstFlexibleVersion]);
    expect(ranges).to.deep.equal([
      [8, 0, 9, 8],
      [9, 0, 9, 6],
      [10, 0, 4, 3],
      [11, 0, 9, 6],
      [12, 0, 4, 4],
      [13, 0, 5, 4],
      [14, 0, 5, 4],
      [15, 0, 5, 5],
      [16, 0, 4, 3],
      [42, 0, 2, 2],
      [47, 0, 0, Infinity],
    ]);
  });

  for (const v of versions(0, 9)) {
    it(`OffsetCommit v${v} round-trips${v >= 8 ? ' (flexible)' : ''}`, () => {
      const req = {
        groupId: 'g',
        generationIdOrMemberEpoch: v >= 1 ? 3 : -1,
        memberId: v >= 1 ? 'm' : '',
        groupInstanceId: v >= 7 ? 'i' : null,
        retentionTimeMs: v >= 2 && v <= 4 ? 1000 : -1,
        topics: [
          {
            name: 't',
            partitions: [
              { partitionIndex: 1, committedOffset: 99, committedLeaderEpoch: v >= 6 ? 4 : -1, commitTimestamp: v === 1 ? 5 : -1, committedMetadata: null },
            ],
          },
        ],
      };
      expect(roundTripRequest(OffsetCommitApi, v, req)).to.deep.equal(req);
      const res = { throttleTimeMs: v >= 3 ? 7 : 0, topics: [{ name: 't', partitions: [{ partitionIndex: 1, errorCode: 22 }] }] };
      expect(roundTripResponse(OffsetCommitApi, v, res)).to.deep.equal(res);
    });
  }

  for (const v of versions(0, 7)) {
    it(`OffsetFetch v${v} round-trips (null topics from v2, flexible from v6, require_stable from v7); decoded with its one group in groups`, () => {
      const topics = v >= 2 ? null : [{ name: 't', partitionIndexes: [0, 2] }];
      const req = { groupId: 'g', topics, groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics }], requireStable: v >= 7 };
      expect(roundTripRequest(OffsetFetchApi, v, req)).to.deep.equal(req);
      const someTopics = [{ name: 't', partitionIndexes: [0, 2] }];
      const some = { groupId: 'g', topics: someTopics, groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: someTopics }], requireStable: false };
      expect(roundTripRequest(OffsetFetchApi, v, some)).to.deep.equal(some);
      const res = {
        throttleTimeMs: v >= 3 ? 1 : 0,
        errorCode: v >= 2 ? 14 : 0,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: v >= 5 ? 2 : -1, metadata: '', errorCode: 0 }] }],
        groups: [],
      };
      expect(roundTripResponse(OffsetFetchApi, v, res)).to.deep.equal(res);
    });
  }

  for (const v of versions(8, 9)) {
    it(`OffsetFetch v${v} round-trips several groups${v >= 9 ? ' with member id and epoch' : ''}`, () => {
      const req = {
        groupId: '',
        topics: [],
        groups: [
          { groupId: 'g1', memberId: v >= 9 ? 'm' : null, memberEpoch: v >= 9 ? 5 : -1, topics: [{ name: 't', partitionIndexes: [0, 1] }] },
          { groupId: 'g2', memberId: null, memberEpoch: -1, topics: null },
        ],
        requireStable: true,
      };
      expect(roundTripRequest(OffsetFetchApi, v, req)).to.deep.equal(req);
      const res = {
        throttleTimeMs: 3,
        topics: [],
        errorCode: 0,
        groups: [
          {
            groupId: 'g1',
            topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: 2, metadata: null, errorCode: 0 }] }],
            errorCode: 0,
          },
          { groupId: 'g2', topics: [], errorCode: 16 },
        ],
      };
      expect(roundTripResponse(OffsetFetchApi, v, res)).to.deep.equal(res);
    });
  }

  it('golden bytes: OffsetFetch v8 request with two groups (compact strings and arrays, tagged-field sections)', () => {
    const req = {
      groupId: '',
      topics: [],
      groups: [
        { groupId: 'a', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [1] }] },
        { groupId: 'b', memberId: null, memberEpoch: -1, topics: null },
      ],
      requireStable: false,
    };
    const hex = bytesOf((w) => OffsetFetchApi.encodeRequest(w, 8, req)).toString('hex');
    // groups: 2 entries (03); "a" (02 61), topics 1 (02): "t" (02 74), [1] (02 00000001), tags 00; tags 00;
    // "b", topics null (00), tags 00; require_stable 00; tags 00.
    expect(hex).to.equal('03' + '0261' + '02' + '0274' + '0200000001' + '00' + '00' + '0262' + '00' + '00' + '00' + '00');
  });

  it('OffsetFetch: librdkafka 2.0.2\'s "all partitions" (an int32 0 where the topics go) is an empty list at v5, null at v7', () => {
    // ListConsumerGroupOffsets without partitions: rd_kafka_buf_write_arraycnt_pos (int32 0), never finalized.
    const v5 = Buffer.concat([Buffer.from('00026731', 'hex'), Buffer.from('00000000', 'hex')]);
    expect(
      project(
        decodeAll(v5, (r) => OffsetFetchApi.decodeRequest(r, 5)),
        { groupId: '', topics: [], requireStable: false },
      ),
    ).to.deep.equal({
      groupId: 'g1',
      topics: [],
      requireStable: false,
    });
    // v7 (flexible): compact group id, the same 4 zero bytes, then require_stable and the tagged fields.
    const v7 = Buffer.from('03673100000000' + '00' + '00', 'hex');
    const r = new Reader(v7);
    const all = OffsetFetchApi.decodeRequest(r, 7);
    expect(project(all, { groupId: '', topics: null, requireStable: false })).to.deep.equal({ groupId: 'g1', topics: null, requireStable: false });
    // ... and the handler's view of it: one group asking for every offset.
    expect(all.groups).to.deep.equal([{ groupId: 'g1', memberId: null, memberEpoch: -1, topics: null }]);
    expect(r.remaining()).to.equal(3); // left unread, as Kafka's parser leaves them
  });

  it('golden bytes: FindCoordinator v0 and v1 responses', () => {
    const res = { throttleTimeMs: 0, errorCode: 0, errorMessage: 'NONE', nodeId: 2, host: 'h', port: 9092, coordinators: [] };
    expect(bytesOf((w) => FindCoordinatorApi.encodeResponse(w, 0, res)).toString('hex')).to.equal('0000' + '00000002' + '000168' + '00002384');
    expect(bytesOf((w) => FindCoordinatorApi.encodeResponse(w, 1, res)).toString('hex')).to.equal(
      '00000000' + '0000' + '00044e4f4e45' + '00000002' + '000168' + '00002384',
    );
  });

  it('golden bytes: FindCoordinator v4 batches keys (KIP-699)', () => {
    const req = { key: '', keyType: 0, coordinatorKeys: ['g1', 'g2'] };
    // key_type 00, coordinator_keys 2 (03) "g1" "g2", tags 00.
    expect(bytesOf((w) => FindCoordinatorApi.encodeRequest(w, 4, req)).toString('hex')).to.equal('00' + '03' + '03' + '6731' + '03' + '6732' + '00');
    expect(roundTripRequest(FindCoordinatorApi, 4, req)).to.deep.equal(req);
    // v0-3's single-coordinator fields are not in v4: they decode to their defaults.
    const res = {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: '',
      nodeId: 0,
      host: '',
      port: 0,
      coordinators: [
        { key: 'g1', nodeId: 2, host: 'h', port: 9092, errorCode: 0, errorMessage: null },
        { key: 'g2', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: null },
      ],
    };
    const hex = bytesOf((w) => FindCoordinatorApi.encodeResponse(w, 4, res)).toString('hex');
    expect(hex).to.equal(
      '00000000' +
        '03' +
        ('03' + '6731' + '00000002' + '0268' + '00002384' + '0000' + '00' + '00') +
        ('03' + '6732' + 'ffffffff' + '01' + 'ffffffff' + '000f' + '00' + '00') +
        '00',
    );
    expect(roundTripResponse(FindCoordinatorApi, 4, res)).to.deep.equal(res);
    for (const v of [0, 1, 2, 3]) {
      const one = { key: 'g', keyType: v >= 1 ? 1 : 0, coordinatorKeys: [] };
      expect(roundTripRequest(FindCoordinatorApi, v, one), `v${v}`).to.deep.equal(one);
    }
  });

  it('golden bytes: OffsetDelete v0 response puts the error before the throttle time', () => {
    const res = { errorCode: 69, throttleTimeMs: 0, topics: [] };
    expect(bytesOf((w) => OffsetDeleteApi.encodeResponse(w, 0, res)).toString('hex')).to.equal('0045' + '00000000' + '00000000');
    const req = { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 3 }] }] };
    expect(bytesOf((w) => OffsetDeleteApi.encodeRequest(w, 0, req)).toString('hex')).to.equal('000167' + '00000001' + '000174' + '00000001' + '00000003');
    expect(roundTripRequest(OffsetDeleteApi, 0, req)).to.deep.equal(req);
  });

  for (const v of versions(0, 5)) {
    it(`JoinGroup v${v}: kafkajs request decodes; our response decodes in kafkajs`, async () => {
      const meta = Buffer.from([0, 1, 0, 0, 0, 0]);
      const buf = await kjsRequestBytes('joinGroup', v, {
        groupId: 'g',
        sessionTimeout: 30000,
        rebalanceTimeout: 60000,
        memberId: '',
        protocolType: 'consumer',
        groupProtocols: [{ name: 'RoundRobinAssigner', metadata: meta }],
      });
      const req = decodeAll(buf, (r) => JoinGroupApi.decodeRequest(r, v));
      expect(req).to.deep.include({
        groupId: 'g',
        sessionTimeoutMs: 30000,
        rebalanceTimeoutMs: v >= 1 ? 60000 : 30000,
        memberId: '',
        protocolType: 'consumer',
        groupInstanceId: null,
      });
      expect(req.protocols[0].metadata.equals(meta)).to.equal(true);
      const res = {
        throttleTimeMs: 0,
        errorCode: 0,
        generationId: 3,
        protocolType: null,
        protocolName: 'RoundRobinAssigner',
        leader: 'a',
        skipAssignment: false,
        memberId: 'a',
        members: [{ memberId: 'a', groupInstanceId: null, metadata: meta }],
      };
      expect(roundTripResponse(JoinGroupApi, v, res)).to.deep.equal(res);
      const raw = bytesOf((w) => JoinGroupApi.encodeResponse(w, v, res));
      const decoded = await kjsResponse<{ generationId: number; leaderId: string; members: Array<{ memberId: string }> }>('joinGroup', v).decode(raw);
      expect([decoded.generationId, decoded.leaderId, decoded.members[0].memberId]).to.deep.equal([3, 'a', 'a']);
    });
  }

  for (const v of versions(0, 3)) {
    it(`SyncGroup, Heartbeat, LeaveGroup v${v}: kafkajs requests decode`, async () => {
      const sync = decodeAll(
        await kjsRequestBytes('syncGroup', v, {
          groupId: 'g',
          generationId: 2,
          memberId: 'm',
          groupAssignment: [{ memberId: 'm', memberAssignment: Buffer.from('x') }],
        }),
        (r) => SyncGroupApi.decodeRequest(r, v),
      );
      expect(sync).to.deep.include({ groupId: 'g', generationId: 2, memberId: 'm', groupInstanceId: null, protocolType: null, protocolName: null });
      expect(sync.assignments[0].assignment.toString()).to.equal('x');
      const hb = decodeAll(await kjsRequestBytes('heartbeat', v, { groupId: 'g', groupGenerationId: 2, memberId: 'm' }), (r) =>
        HeartbeatApi.decodeRequest(r, v),
      );
      expect(hb).to.deep.equal({ groupId: 'g', generationId: 2, memberId: 'm', groupInstanceId: null });
      const leaveArgs = v >= 3 ? { groupId: 'g', members: [{ memberId: 'm' }] } : { groupId: 'g', memberId: 'm' };
      const lv = decodeAll(await kjsRequestBytes('leaveGroup', v, leaveArgs), (r) => LeaveGroupApi.decodeRequest(r, v));
      // v0-2 carry one member id; decoded, it is also the one entry of members (LeaveGroupRequest.normalizedData).
      expect(lv).to.deep.equal({ groupId: 'g', memberId: v >= 3 ? '' : 'm', members: [{ memberId: 'm', groupInstanceId: null, reason: null }] });
      const hbRes = await kjsResponse<{ errorCode: number }>('heartbeat', v).decode(
        bytesOf((w) => HeartbeatApi.encodeResponse(w, v, { throttleTimeMs: 0, errorCode: 0 })),
      );
      expect(hbRes.errorCode).to.equal(0);
      const syncRes = await kjsResponse<{ memberAssignment: Buffer }>('syncGroup', v).decode(
        bytesOf((w) =>
          SyncGroupApi.encodeResponse(w, v, { throttleTimeMs: 0, errorCode: 0, protocolType: null, protocolName: null, assignment: Buffer.from('y') }),
        ),
      );
      expect(syncRes.memberAssignment.toString()).to.equal('y');
      const lres = { throttleTimeMs: 0, errorCode: 0, members: v >= 3 ? [{ memberId: 'm', groupInstanceId: null, errorCode: 0 }] : [] };
      expect(roundTripResponse(LeaveGroupApi, v, lres)).to.deep.equal(lres);
    });
  }

  for (const v of versions(0, 5)) {
    it(`OffsetCommit v${v}: kafkajs request decodes`, async () => {
      const args = {
        groupId: 'g',
        groupGenerationId: 4,
        memberId: 'm',
        retentionTime: -1,
        topics: [{ topic: 't', partitions: [{ partition: 0, offset: '17' }] }],
      };
      const req = decodeAll(await kjsRequestBytes('offsetCommit', v, args), (r) => OffsetCommitApi.decodeRequest(r, v));
      expect(req.topics[0].partitions[0].committedOffset).to.equal(17);
      if (v >= 1) expect([req.generationIdOrMemberEpoch, req.memberId]).to.deep.equal([4, 'm']);
    });
  }

  for (const v of versions(1, 4)) {
    it(`OffsetFetch v${v}: kafkajs request decodes and our response decodes in kafkajs`, async () => {
      const req = decodeAll(await kjsRequestBytes('offsetFetch', v, { groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 1 }] }] }), (r) =>
        OffsetFetchApi.decodeRequest(r, v),
      );
      const topics = [{ name: 't', partitionIndexes: [1] }];
      expect(req).to.deep.equal({ groupId: 'g', topics, groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics }], requireStable: false });
      const res = {
        throttleTimeMs: 0,
        errorCode: 0,
        topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 9, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }],
        groups: [],
      };
      const decoded = await kjsResponse<{ responses: Array<{ partitions: Array<{ offset: string }> }> }>('offsetFetch', v).decode(
        bytesOf((w) => OffsetFetchApi.encodeResponse(w, v, res)),
      );
      expect(decoded.responses[0].partitions[0].offset).to.equal('9');
    });
  }

  for (const v of versions(0, 2)) {
    it(`FindCoordinator, DescribeGroups, ListGroups v${v}: kafkajs requests and responses`, async () => {
      const fc = decodeAll(await kjsRequestBytes('findCoordinator', v, { groupId: 'g', coordinatorKey: 'g', coordinatorType: 0 }), (r) =>
        FindCoordinatorApi.decodeRequest(r, v),
      );
      expect(fc).to.deep.equal({ key: 'g', keyType: 0, coordinatorKeys: [] });
      const fcRes = await kjsResponse<{ coordinator: { nodeId: number; port: number } }>('findCoordinator', v).decode(
        bytesOf((w) =>
          FindCoordinatorApi.encodeResponse(w, v, { throttleTimeMs: 0, errorCode: 0, errorMessage: 'NONE', nodeId: 2, host: 'h', port: 9, coordinators: [] }),
        ),
      );
      expect([fcRes.coordinator.nodeId, fcRes.coordinator.port]).to.deep.equal([2, 9]);
      const dg = decodeAll(await kjsRequestBytes('describeGroups', v, { groupIds: ['a', 'b'] }), (r) => DescribeGroupsApi.decodeRequest(r, v));
      expect(dg.groups).to.deep.equal(['a', 'b']);
      const dres = {
        throttleTimeMs: 0,
        groups: [
          {
            errorCode: 0,
            groupId: 'a',
            groupState: 'Stable',
            protocolType: 'consumer',
            protocolData: 'range',
            authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
            members: [
              { memberId: 'm', groupInstanceId: null, clientId: 'c', clientHost: '/h', memberMetadata: Buffer.from('md'), memberAssignment: Buffer.from('as') },
            ],
          },
        ],
      };
      const kd = await kjsResponse<{ groups: Array<{ state: string; members: Array<{ memberAssignment: Buffer }> }> }>('describeGroups', v).decode(
        bytesOf((w) => DescribeGroupsApi.encodeResponse(w, v, dres)),
      );
      expect(kd.groups[0].state).to.equal('Stable');
      expect(kd.groups[0].members[0].memberAssignment.toString()).to.equal('as');
      expect(decodeAll(await kjsRequestBytes('listGroups', v, {}), (r) => ListGroupsApi.decodeRequest(r, v))).to.deep.equal({ statesFilter: [] });
      const lres = { throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: 'a', protocolType: 'consumer', groupState: '' }] };
      const kl = await kjsResponse<{ groups: Array<{ groupId: string }> }>('listGroups', v).decode(bytesOf((w) => ListGroupsApi.encodeResponse(w, v, lres)));
      expect(kl.groups[0].groupId).to.equal('a');
    });
  }

  for (const v of versions(3, 5)) {
    it(`DescribeGroups v${v} round-trips with authorized operations${v >= 4 ? ' and group instance ids' : ''}${v >= 5 ? ' (flexible)' : ''}`, () => {
      const req = { groups: ['a'], includeAuthorizedOperations: true };
      expect(roundTripRequest(DescribeGroupsApi, v, req)).to.deep.equal(req);
      const res = {
        throttleTimeMs: 0,
        groups: [
          {
            errorCode: 0,
            groupId: 'a',
            groupState: 'Dead',
            protocolType: '',
            protocolData: '',
            authorizedOperations: GROUP_AUTHORIZED_OPERATIONS_ALL,
            members: [
              {
                memberId: 'm',
                groupInstanceId: v >= 4 ? 'i' : null,
                clientId: 'c',
                clientHost: '/h',
                memberMetadata: Buffer.alloc(0),
                memberAssignment: Buffer.alloc(0),
              },
            ],
          },
        ],
      };
      expect(roundTripResponse(DescribeGroupsApi, v, res)).to.deep.equal(res);
    });
  }

  for (const v of versions(0, 2)) {
    it(`DeleteGroups v${v}: ${v < 2 ? 'kafkajs request decodes; ' : ''}response round-trips`, async () => {
      if (v >= 2) {
        const req = { groupsNames: ['a', 'b'] };
        expect(roundTripRequest(DeleteGroupsApi, v, req)).to.deep.equal(req);
        // groups_names: compact array of 2 (03), "a" (02 61), "b" (02 62), tags 00.
        expect(bytesOf((w) => DeleteGroupsApi.encodeRequest(w, v, req)).toString('hex')).to.equal('03' + '0261' + '0262' + '00');
        const res = { throttleTimeMs: 0, results: [{ groupId: 'a', errorCode: 68 }] };
        expect(roundTripResponse(DeleteGroupsApi, v, res)).to.deep.equal(res);
        return;
      }
      expect(decodeAll(await kjsRequestBytes('deleteGroups', v, ['a', 'b']), (r) => DeleteGroupsApi.decodeRequest(r, v))).to.deep.equal({
        groupsNames: ['a', 'b'],
      });
      const res = { throttleTimeMs: 0, results: [{ groupId: 'a', errorCode: 68 }] };
      expect(roundTripResponse(DeleteGroupsApi, v, res)).to.deep.equal(res);
    });
  }
  for (const v of versions(5, 9)) {
    it(`JoinGroup v${v} round-trips: group instance id${v >= 6 ? ', flexible' : ''}${v >= 7 ? ', protocol type' : ''}${v >= 8 ? ', reason' : ''}${v >= 9 ? ', skip assignment' : ''}`, () => {
      const req = {
        groupId: 'g',
        sessionTimeoutMs: 10000,
        rebalanceTimeoutMs: 20000,
        memberId: '',
        groupInstanceId: 'inst-1',
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from([1, 2]) }],
        reason: v >= 8 ? 'rebalance failed due to X' : null,
      };
      expect(roundTripRequest(JoinGroupApi, v, req)).to.deep.equal(req);
      const res = {
        throttleTimeMs: 0,
        errorCode: 0,
        generationId: 4,
        protocolType: v >= 7 ? 'consumer' : null,
        protocolName: v >= 7 ? null : 'range',
        leader: 'inst-1-x',
        skipAssignment: v >= 9,
        memberId: 'inst-1-x',
        members: [{ memberId: 'inst-1-x', groupInstanceId: 'inst-1', metadata: Buffer.from([3]) }],
      };
      expect(roundTripResponse(JoinGroupApi, v, res)).to.deep.equal(res);
    });
  }

  it('JoinGroup v0 decodes with the session timeout as rebalance timeout (JoinGroupRequest.maybeOverrideRebalanceTimeout)', () => {
    const req = {
      groupId: 'g',
      sessionTimeoutMs: 7000,
      rebalanceTimeoutMs: -1,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'c',
      protocols: [],
      reason: null,
    };
    expect(roundTripRequest(JoinGroupApi, 0, req).rebalanceTimeoutMs).to.equal(7000);
    expect(roundTripRequest(JoinGroupApi, 1, { ...req, rebalanceTimeoutMs: 9000 }).rebalanceTimeoutMs).to.equal(9000);
  });

  it('golden bytes: JoinGroup v9 response (flexible, nullable protocol name, skip assignment)', () => {
    const res = {
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: 1,
      protocolType: 'c',
      protocolName: null,
      leader: 'm',
      skipAssignment: true,
      memberId: 'm',
      members: [],
    };
    // throttle, error, generation, protocol_type "c" (02 63), protocol_name null (00), leader "m" (02 6d),
    // skip_assignment 01, member_id "m", members empty (01), tags 00.
    expect(bytesOf((w) => JoinGroupApi.encodeResponse(w, 9, res)).toString('hex')).to.equal(
      '00000000' + '0000' + '00000001' + '0263' + '00' + '026d' + '01' + '026d' + '01' + '00',
    );
  });

  for (const v of versions(4, 5)) {
    it(`SyncGroup and LeaveGroup v${v}, Heartbeat v4 round-trip (flexible${v >= 5 ? '; protocol type and name, leave reason' : ''})`, () => {
      const sync = {
        groupId: 'g',
        generationId: 3,
        memberId: 'm',
        groupInstanceId: 'i',
        protocolType: v >= 5 ? 'consumer' : null,
        protocolName: v >= 5 ? 'range' : null,
        assignments: [{ memberId: 'm', assignment: Buffer.from('a') }],
      };
      expect(roundTripRequest(SyncGroupApi, v, sync)).to.deep.equal(sync);
      const sres = { throttleTimeMs: 0, errorCode: 0, protocolType: sync.protocolType, protocolName: sync.protocolName, assignment: Buffer.from('a') };
      expect(roundTripResponse(SyncGroupApi, v, sres)).to.deep.equal(sres);
      const hb = { groupId: 'g', generationId: 3, memberId: 'm', groupInstanceId: 'i' };
      expect(roundTripRequest(HeartbeatApi, 4, hb)).to.deep.equal(hb);
      expect(roundTripResponse(HeartbeatApi, 4, { throttleTimeMs: 1, errorCode: 27 })).to.deep.equal({ throttleTimeMs: 1, errorCode: 27 });
      const leave = {
        groupId: 'g',
        memberId: '',
        members: [
          { memberId: 'm', groupInstanceId: null, reason: v >= 5 ? 'the consumer is being closed' : null },
          { memberId: '', groupInstanceId: 'i', reason: null },
        ],
      };
      expect(roundTripRequest(LeaveGroupApi, v, leave)).to.deep.equal(leave);
      const lres = { throttleTimeMs: 0, errorCode: 0, members: [{ memberId: 'm', groupInstanceId: null, errorCode: 25 }] };
      expect(roundTripResponse(LeaveGroupApi, v, lres)).to.deep.equal(lres);
    });
  }

  for (const v of versions(3, 4)) {
    it(`ListGroups v${v} round-trips (flexible${v >= 4 ? ', states filter and group state' : ''})`, () => {
      const req = { statesFilter: v >= 4 ? ['Stable', 'Empty'] : [] };
      expect(roundTripRequest(ListGroupsApi, v, req)).to.deep.equal(req);
      const res = { throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: 'a', protocolType: 'consumer', groupState: v >= 4 ? 'Stable' : '' }] };
      expect(roundTripResponse(ListGroupsApi, v, res)).to.deep.equal(res);
    });
  }
});
