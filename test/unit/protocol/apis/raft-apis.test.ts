/**
 * The KRaft quorum APIs (KIP-595/KIP-630): Vote (52), BeginQuorumEpoch (53), EndQuorumEpoch (54), DescribeQuorum (55),
 * FetchSnapshot (59), and the Raft control records (LeaderChangeMessage, SnapshotHeaderRecord, SnapshotFooterRecord).
 * Version tables, round trips of every version, and golden bytes written from Kafka 3.7's schemas by hand. A
 * ZooKeeper-mode broker has codecs for them but no handler, so it does not advertise them: the golden ApiVersions
 * test (test/integration/broker/api-versions-features.test.ts) checks the broker's list.
 */
import { expect } from 'chai';
import { VoteApi, VoteRequest, VoteResponse } from '../../../../src/protocol/apis/52-vote';
import { BeginQuorumEpochApi, BeginQuorumEpochRequest, BeginQuorumEpochResponse } from '../../../../src/protocol/apis/53-begin-quorum-epoch';
import { EndQuorumEpochApi, EndQuorumEpochRequest, EndQuorumEpochResponse } from '../../../../src/protocol/apis/54-end-quorum-epoch';
import { DescribeQuorumApi, DescribeQuorumRequest, DescribeQuorumResponse } from '../../../../src/protocol/apis/55-describe-quorum';
import { FetchSnapshotApi, FetchSnapshotRequest, FetchSnapshotResponse } from '../../../../src/protocol/apis/59-fetch-snapshot';
import { API_CODECS } from '../../../../src/protocol/apis';
import { ApiCodec } from '../../../../src/protocol/apis/types';
import { MessageCodec } from '../../../../src/protocol/messages/MessageCodec';
import { LeaderChangeMessage, SnapshotFooterRecord, SnapshotHeaderRecord } from '../../../../src/protocol/messages';
import { Reader } from '../../../../src/protocol/Reader';
import { bytesOf, decodeAll, roundTripRequest, roundTripResponse } from './helpers';

const TOPIC = '__cluster_metadata';

function expectVersions<Req, Res>(codec: ApiCodec<Req, Res>, key: number, min: number, max: number, flex: number): void {
  expect(codec.apiKey).to.equal(key);
  expect([codec.minVersion, codec.maxVersion, codec.firstFlexibleVersion]).to.deep.equal([min, max, flex]);
}

describe('Raft quorum API codecs (keys 52-55, 59)', () => {
  it('declare Kafka 3.7 version ranges and flexible versions', () => {
    expectVersions(VoteApi, 52, 0, 0, 0);
    expectVersions(BeginQuorumEpochApi, 53, 0, 0, Infinity);
    expectVersions(EndQuorumEpochApi, 54, 0, 0, Infinity);
    expectVersions(DescribeQuorumApi, 55, 0, 1, 0);
    expectVersions(FetchSnapshotApi, 59, 0, 0, 0);
    for (const key of [52, 53, 54, 55, 59]) expect(API_CODECS.get(key), `codec ${key}`).to.not.equal(undefined);
  });

  it('Vote round-trips', () => {
    const req: VoteRequest = {
      clusterId: 'J8qXRwI-Qyi2G0guFTiuYw',
      topics: [{ topicName: TOPIC, partitions: [{ partitionIndex: 0, candidateEpoch: 7, candidateId: 3002, lastOffsetEpoch: 6, lastOffset: 2 ** 40 + 5 }] }],
    };
    expect(roundTripRequest(VoteApi, 0, req)).to.deep.equal(req);
    expect(roundTripRequest(VoteApi, 0, { ...req, clusterId: null })).to.deep.equal({ ...req, clusterId: null });
    const res: VoteResponse = {
      errorCode: 0,
      topics: [{ topicName: TOPIC, partitions: [{ partitionIndex: 0, errorCode: 74, leaderId: -1, leaderEpoch: 7, voteGranted: true }] }],
    };
    expect(roundTripResponse(VoteApi, 0, res)).to.deep.equal(res);
  });

  it('BeginQuorumEpoch and EndQuorumEpoch round-trip', () => {
    const begin: BeginQuorumEpochRequest = { clusterId: 'c', topics: [{ topicName: TOPIC, partitions: [{ partitionIndex: 0, leaderId: 1, leaderEpoch: 5 }] }] };
    expect(roundTripRequest(BeginQuorumEpochApi, 0, begin)).to.deep.equal(begin);
    const res: BeginQuorumEpochResponse = {
      errorCode: 0,
      topics: [{ topicName: TOPIC, partitions: [{ partitionIndex: 0, errorCode: 94, leaderId: 1, leaderEpoch: 5 }] }],
    };
    expect(roundTripResponse(BeginQuorumEpochApi, 0, res)).to.deep.equal(res);
    const end: EndQuorumEpochRequest = {
      clusterId: null,
      topics: [{ topicName: TOPIC, partitions: [{ partitionIndex: 0, leaderId: 1, leaderEpoch: 5, preferredSuccessors: [3, 2] }] }],
    };
    expect(roundTripRequest(EndQuorumEpochApi, 0, end)).to.deep.equal(end);
    const endRes: EndQuorumEpochResponse = res;
    expect(roundTripResponse(EndQuorumEpochApi, 0, endRes)).to.deep.equal(endRes);
  });

  it('DescribeQuorum round-trips v0 and v1; v0 drops the timestamps (ignorable, default -1)', () => {
    const req: DescribeQuorumRequest = { topics: [{ topicName: TOPIC, partitions: [{ partitionIndex: 0 }] }] };
    expect(roundTripRequest(DescribeQuorumApi, 0, req)).to.deep.equal(req);
    expect(roundTripRequest(DescribeQuorumApi, 1, req)).to.deep.equal(req);
    const voter = { replicaId: 3001, logEndOffset: 42, lastFetchTimestamp: 1_700_000_000_000, lastCaughtUpTimestamp: 1_700_000_000_001 };
    const res: DescribeQuorumResponse = {
      errorCode: 0,
      topics: [
        {
          topicName: TOPIC,
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              leaderId: 3001,
              leaderEpoch: 2,
              highWatermark: 42,
              currentVoters: [voter],
              observers: [{ ...voter, replicaId: 1 }],
            },
          ],
        },
      ],
    };
    expect(roundTripResponse(DescribeQuorumApi, 1, res)).to.deep.equal(res);
    const v0 = roundTripResponse(DescribeQuorumApi, 0, res);
    expect(v0.topics[0].partitions[0].currentVoters[0]).to.deep.equal({ replicaId: 3001, logEndOffset: 42, lastFetchTimestamp: -1, lastCaughtUpTimestamp: -1 });
  });

  it('FetchSnapshot round-trips, ClusterId and CurrentLeader as tagged fields', () => {
    const req: FetchSnapshotRequest = {
      clusterId: 'abc',
      replicaId: 3002,
      maxBytes: 0x7fffffff,
      topics: [{ name: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: 4, snapshotId: { endOffset: 100, epoch: 3 }, position: 8192 }] }],
    };
    expect(roundTripRequest(FetchSnapshotApi, 0, req)).to.deep.equal(req);
    const withoutTag = bytesOf((w) => FetchSnapshotApi.encodeRequest(w, 0, { ...req, clusterId: null }));
    const withTag = bytesOf((w) => FetchSnapshotApi.encodeRequest(w, 0, req));
    // Tag 0: uvarint tag, uvarint size 4, compact string 'abc' (length+1 = 4, then 3 bytes).
    expect(withTag.length - withoutTag.length).to.equal(1 + 1 + 4);
    const res: FetchSnapshotResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      topics: [
        {
          name: TOPIC,
          partitions: [
            {
              index: 0,
              errorCode: 0,
              snapshotId: { endOffset: 100, epoch: 3 },
              currentLeader: { leaderId: 3001, leaderEpoch: 4 },
              size: 10_000,
              position: 8192,
              unalignedRecords: Buffer.from('raw snapshot bytes'),
            },
          ],
        },
      ],
    };
    expect(roundTripResponse(FetchSnapshotApi, 0, res)).to.deep.equal(res);
  });

  it('BeginQuorumEpoch v0 request matches golden bytes (not flexible: int16 strings, int32 arrays)', () => {
    const bytes = bytesOf((w) =>
      BeginQuorumEpochApi.encodeRequest(w, 0, {
        clusterId: 'c',
        topics: [{ topicName: 'T', partitions: [{ partitionIndex: 0, leaderId: 1, leaderEpoch: 5 }] }],
      }),
    );
    expect(bytes.toString('hex')).to.equal(['0001', '63', '00000001', '0001', '54', '00000001', '00000000', '00000001', '00000005'].join(''));
  });

  it('Vote v0 request matches golden bytes (flexible: compact strings and arrays, empty tag sections)', () => {
    const bytes = bytesOf((w) =>
      VoteApi.encodeRequest(w, 0, {
        clusterId: null,
        topics: [{ topicName: 'T', partitions: [{ partitionIndex: 0, candidateEpoch: 2, candidateId: 3, lastOffsetEpoch: 1, lastOffset: 9 }] }],
      }),
    );
    expect(bytes.toString('hex')).to.equal(
      ['00', '02', '02', '54', '02', '00000000', '00000002', '00000003', '00000001', '0000000000000009', '00', '00', '00'].join(''),
    );
  });
});

describe('Raft control record values', () => {
  it('LeaderChangeMessage v0 matches golden bytes and round-trips', () => {
    const codec = new MessageCodec<{ version: number; leaderId: number; voters: Array<{ voterId: number }>; grantingVoters: Array<{ voterId: number }> }>(
      LeaderChangeMessage,
    );
    const value = { version: 0, leaderId: 2, voters: [{ voterId: 1 }, { voterId: 2 }], grantingVoters: [{ voterId: 2 }] };
    const bytes = bytesOf((w) => codec.write(w, 0, value));
    expect(bytes.toString('hex')).to.equal(['0000', '00000002', '03', '00000001', '00', '00000002', '00', '02', '00000002', '00', '00'].join(''));
    expect(decodeAll(bytes, (r: Reader) => codec.read(r, 0))).to.deep.equal(value);
  });

  it('SnapshotHeaderRecord and SnapshotFooterRecord round-trip', () => {
    const header = new MessageCodec<{ version: number; lastContainedLogTimestamp: number }>(SnapshotHeaderRecord);
    const h = { version: 0, lastContainedLogTimestamp: 1_700_000_000_000 };
    expect(
      decodeAll(
        bytesOf((w) => header.write(w, 0, h)),
        (r: Reader) => header.read(r, 0),
      ),
    ).to.deep.equal(h);
    const footer = new MessageCodec<{ version: number }>(SnapshotFooterRecord);
    const fb = bytesOf((w) => footer.write(w, 0, { version: 0 }));
    expect(fb.toString('hex')).to.equal('000000');
  });
});
