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
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../../../src/protocol/apis/15-describe-groups';
import { Reader } from '../../../../src/protocol/Reader';
import { bytesOf, decodeAll, kjsRequestBytes, kjsResponse, roundTripRequest, roundTripResponse, versions } from './helpers';

describe('group API codecs', () => {
  it("declares Kafka's non-flexible ranges", () => {
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
      [8, 0, 7, Infinity],
      [9, 0, 7, 6],
      [10, 0, 2, Infinity],
      [11, 0, 5, Infinity],
      [12, 0, 3, Infinity],
      [13, 0, 3, Infinity],
      [14, 0, 3, Infinity],
      [15, 0, 4, Infinity],
      [16, 0, 2, Infinity],
      [42, 0, 1, Infinity],
      [47, 0, 0, Infinity],
    ]);
  });

  for (const v of versions(0, 7)) {
    it(`OffsetCommit v${v} round-trips`, () => {
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
    it(`OffsetFetch v${v} round-trips (null topics from v2, flexible from v6, require_stable from v7)`, () => {
      const req = { groupId: 'g', topics: v >= 2 ? null : [{ name: 't', partitionIndexes: [0, 2] }], requireStable: v >= 7 };
      expect(roundTripRequest(OffsetFetchApi, v, req)).to.deep.equal(req);
      const some = { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 2] }], requireStable: false };
      expect(roundTripRequest(OffsetFetchApi, v, some)).to.deep.equal(some);
      const res = {
        throttleTimeMs: v >= 3 ? 1 : 0,
        errorCode: v >= 2 ? 14 : 0,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: v >= 5 ? 2 : -1, metadata: '', errorCode: 0 }] }],
      };
      expect(roundTripResponse(OffsetFetchApi, v, res)).to.deep.equal(res);
    });
  }

  it('OffsetFetch: librdkafka 2.0.2\'s "all partitions" (an int32 0 where the topics go) is an empty list at v5, null at v7', () => {
    // ListConsumerGroupOffsets without partitions: rd_kafka_buf_write_arraycnt_pos (int32 0), never finalized.
    const v5 = Buffer.concat([Buffer.from('00026731', 'hex'), Buffer.from('00000000', 'hex')]);
    expect(decodeAll(v5, (r) => OffsetFetchApi.decodeRequest(r, 5))).to.deep.equal({ groupId: 'g1', topics: [], requireStable: false });
    // v7 (flexible): compact group id, the same 4 zero bytes, then require_stable and the tagged fields.
    const v7 = Buffer.from('03673100000000' + '00' + '00', 'hex');
    const r = new Reader(v7);
    expect(OffsetFetchApi.decodeRequest(r, 7)).to.deep.equal({ groupId: 'g1', topics: null, requireStable: false });
    expect(r.remaining()).to.equal(3); // left unread, as Kafka's parser leaves them
  });

  it('golden bytes: FindCoordinator v0 and v1 responses', () => {
    const res = { throttleTimeMs: 0, errorCode: 0, errorMessage: 'NONE', nodeId: 2, host: 'h', port: 9092 };
    expect(bytesOf((w) => FindCoordinatorApi.encodeResponse(w, 0, res)).toString('hex')).to.equal('0000' + '00000002' + '000168' + '00002384');
    expect(bytesOf((w) => FindCoordinatorApi.encodeResponse(w, 1, res)).toString('hex')).to.equal(
      '00000000' + '0000' + '00044e4f4e45' + '00000002' + '000168' + '00002384',
    );
  });

  it('golden bytes: OffsetDelete v0 response puts the error before the throttle time', () => {
    const res = { errorCode: 69, throttleTimeMs: 0, topics: [] };
    expect(bytesOf((w) => OffsetDeleteApi.encodeResponse(w, 0, res)).toString('hex')).to.equal('0045' + '00000000' + '00000000');
    const req = { groupId: 'g', topics: [{ name: 't', partitions: [3] }] };
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
        protocolName: 'RoundRobinAssigner',
        leader: 'a',
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
      expect(sync).to.deep.include({ groupId: 'g', generationIdOrMemberEpoch: 2, memberId: 'm', groupInstanceId: null });
      expect(sync.assignments[0].assignment.toString()).to.equal('x');
      const hb = decodeAll(await kjsRequestBytes('heartbeat', v, { groupId: 'g', groupGenerationId: 2, memberId: 'm' }), (r) =>
        HeartbeatApi.decodeRequest(r, v),
      );
      expect(hb).to.deep.equal({ groupId: 'g', generationIdOrMemberEpoch: 2, memberId: 'm', groupInstanceId: null });
      const leaveArgs = v >= 3 ? { groupId: 'g', members: [{ memberId: 'm' }] } : { groupId: 'g', memberId: 'm' };
      const lv = decodeAll(await kjsRequestBytes('leaveGroup', v, leaveArgs), (r) => LeaveGroupApi.decodeRequest(r, v));
      expect(lv).to.deep.equal({ groupId: 'g', members: [{ memberId: 'm', groupInstanceId: null }] });
      const hbRes = await kjsResponse<{ errorCode: number }>('heartbeat', v).decode(
        bytesOf((w) => HeartbeatApi.encodeResponse(w, v, { throttleTimeMs: 0, errorCode: 0 })),
      );
      expect(hbRes.errorCode).to.equal(0);
      const syncRes = await kjsResponse<{ memberAssignment: Buffer }>('syncGroup', v).decode(
        bytesOf((w) => SyncGroupApi.encodeResponse(w, v, { throttleTimeMs: 0, errorCode: 0, assignment: Buffer.from('y') })),
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
      expect(req).to.deep.equal({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [1] }], requireStable: false });
      const res = {
        throttleTimeMs: 0,
        errorCode: 0,
        topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 9, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }],
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
      expect(fc).to.deep.equal({ key: 'g', keyType: 0 });
      const fcRes = await kjsResponse<{ coordinator: { nodeId: number; port: number } }>('findCoordinator', v).decode(
        bytesOf((w) => FindCoordinatorApi.encodeResponse(w, v, { throttleTimeMs: 0, errorCode: 0, errorMessage: 'NONE', nodeId: 2, host: 'h', port: 9 })),
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
      expect(decodeAll(await kjsRequestBytes('listGroups', v, {}), (r) => ListGroupsApi.decodeRequest(r, v))).to.deep.equal({});
      const lres = { throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: 'a', protocolType: 'consumer' }] };
      const kl = await kjsResponse<{ groups: Array<{ groupId: string }> }>('listGroups', v).decode(bytesOf((w) => ListGroupsApi.encodeResponse(w, v, lres)));
      expect(kl.groups[0].groupId).to.equal('a');
    });
  }

  for (const v of versions(3, 4)) {
    it(`DescribeGroups v${v} round-trips with authorized operations${v >= 4 ? ' and group instance ids' : ''}`, () => {
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
            authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
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

  for (const v of versions(0, 1)) {
    it(`DeleteGroups v${v}: kafkajs request decodes; response decodes in kafkajs`, async () => {
      expect(decodeAll(await kjsRequestBytes('deleteGroups', v, ['a', 'b']), (r) => DeleteGroupsApi.decodeRequest(r, v))).to.deep.equal({
        groupsNames: ['a', 'b'],
      });
      const res = { throttleTimeMs: 0, results: [{ groupId: 'a', errorCode: 68 }] };
      expect(roundTripResponse(DeleteGroupsApi, v, res)).to.deep.equal(res);
    });
  }
});
