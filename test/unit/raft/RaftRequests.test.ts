/**
 * One KafkaRaftClient answering requests directly (no network): the vote rules and the errors of Kafka 3.7's
 * KafkaRaftClient.handleVoteRequest / validateVoterOnlyRequest / validateLeaderOnlyRequest.
 */
import { expect } from 'chai';
import { VoteResponse } from '../../../src/protocol/apis/52-vote';
import { FetchResponse } from '../../../src/protocol/apis/01-fetch';
import { ErrorCode } from '../../../src/protocol/errors';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { KafkaRaftClient } from '../../../src/raft/KafkaRaftClient';
import { MemoryLog } from '../../../src/raft/MemoryLog';
import { Completion, RaftApiKey, RaftApiKeyValue, RaftOutboundRequest } from '../../../src/raft/NetworkChannel';
import { MemoryStateStore } from '../../../src/raft/QuorumStateStore';
import * as msg from '../../../src/raft/RaftMessages';
import { StringSerde } from '../../../src/raft/RecordSerde';
import { SeededRandom } from '../../../src/raft/Time';
import { MockTime } from './RaftSimulation';

const CLUSTER = 'test-cluster-id-00000';

function setup(nodeId = 1, voters = [1, 2, 3]) {
  const time = new MockTime();
  const log = new MemoryLog();
  const store = new MemoryStateStore();
  const sent: RaftOutboundRequest[] = [];
  let corr = 0;
  const client = new KafkaRaftClient<string>({
    nodeId,
    voters,
    clusterId: CLUSTER,
    log,
    store,
    channel: { newCorrelationId: () => corr++, send: (r) => sent.push(r) },
    serde: StringSerde,
    time,
    random: new SeededRandom(42),
  });
  client.initialize();
  const ask = <R>(sourceId: number, apiKey: RaftApiKeyValue, data: object): R => {
    const completion = new Completion<object>();
    let answer: R | undefined;
    completion.onComplete((v) => (answer = v as R));
    client.handle({ sourceId, apiKey, data, completion });
    client.poll();
    if (answer === undefined) throw new Error('no answer');
    return answer;
  };
  const vote = (candidateId: number, epoch: number, lastEpoch = 0, lastOffset = 0, clusterId: string | null = CLUSTER) =>
    ask<VoteResponse>(candidateId, RaftApiKey.Vote, msg.voteRequest(clusterId as string, epoch, candidateId, lastEpoch, lastOffset));
  return { time, log, store, sent, client, ask, vote };
}

function partition(r: VoteResponse) {
  return r.topics[0].partitions[0];
}

describe('Raft requests: Vote', () => {
  it('grants one vote per epoch (again to the same candidate) and persists it before answering', () => {
    const { client, store, vote } = setup();
    const first = vote(2, 1);
    expect(partition(first)).to.include({ errorCode: 0, voteGranted: true, leaderEpoch: 1, leaderId: -1 });
    expect(client.quorum.isVoted()).to.equal(true);
    expect(store.readElectionState()).to.deep.include({ epoch: 1, votedId: 2, leaderId: -1 });
    expect(partition(vote(3, 1)).voteGranted, 'another candidate in the same epoch').to.equal(false);
    expect(partition(vote(2, 1)).voteGranted, 'the same candidate retrying').to.equal(true);
    // A higher epoch frees the vote.
    expect(partition(vote(3, 2)).voteGranted).to.equal(true);
    expect(store.readElectionState()).to.deep.include({ epoch: 2, votedId: 3 });
  });

  it('rejects a candidate whose log is less up to date (last epoch first, then offset), still moving to its epoch', () => {
    const { client, log, vote } = setup();
    log.appendAsLeader(buildRecordBatch({ records: [{ key: null, value: Buffer.from('x'), timestamp: 0 }] }), 2);
    log.appendAsLeader(buildRecordBatch({ records: [{ key: null, value: Buffer.from('y'), timestamp: 0 }] }), 2);
    expect(partition(vote(2, 3, 1, 100)).voteGranted, 'older last epoch, longer log').to.equal(false);
    expect(client.quorum.epoch).to.equal(3);
    expect(client.quorum.isUnattached()).to.equal(true);
    expect(partition(vote(3, 4, 2, 1)).voteGranted, 'same epoch, shorter log').to.equal(false);
    expect(partition(vote(3, 5, 2, 2)).voteGranted, 'same epoch and offset').to.equal(true);
  });

  it('answers Kafka errors: FENCED_LEADER_EPOCH, INCONSISTENT_VOTER_SET, INVALID_REQUEST, INCONSISTENT_CLUSTER_ID', () => {
    const { vote } = setup();
    vote(2, 3);
    expect(partition(vote(3, 2)).errorCode).to.equal(ErrorCode.FENCED_LEADER_EPOCH);
    expect(partition(vote(9, 4)).errorCode).to.equal(ErrorCode.INCONSISTENT_VOTER_SET);
    expect(partition(vote(2, 4, 4, 0)).errorCode, 'last epoch not below the candidate epoch').to.equal(ErrorCode.INVALID_REQUEST);
    expect(vote(2, 4, 0, 0, 'another-cluster').errorCode).to.equal(ErrorCode.INCONSISTENT_CLUSTER_ID);
    // No cluster id: not checked.
    expect(vote(2, 4, 0, 0, null).errorCode).to.equal(0);
  });

  it('an observer answers INCONSISTENT_VOTER_SET and never votes', () => {
    const { vote, store } = setup(4, [1, 2, 3]);
    expect(partition(vote(2, 1)).errorCode).to.equal(ErrorCode.INCONSISTENT_VOTER_SET);
    expect(store.readElectionState()!.votedId).to.equal(-1);
  });
});

describe('Raft requests: leader-only Fetch', () => {
  it('a non-leader answers NOT_LEADER_OR_FOLLOWER (same epoch), FENCED_LEADER_EPOCH (older) or UNKNOWN_LEADER_EPOCH (newer), with its epoch and leader', () => {
    const { ask, vote } = setup();
    vote(2, 3);
    const fetch = (epoch: number) =>
      ask<FetchResponse>(3, RaftApiKey.Fetch, msg.fetchRequest(CLUSTER, 3, epoch, 0, 0, 500, 1 << 20)).responses[0].partitions[0];
    expect(fetch(3).errorCode).to.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(fetch(2).errorCode).to.equal(ErrorCode.FENCED_LEADER_EPOCH);
    expect(fetch(4).errorCode).to.equal(ErrorCode.UNKNOWN_LEADER_EPOCH);
    expect(fetch(3).currentLeader).to.deep.equal({ leaderId: -1, leaderEpoch: 3 });
  });

  it('a malformed fetch (negative offset, last epoch above the leader epoch) is INVALID_REQUEST, a wrong topic too', () => {
    const { ask } = setup();
    expect(ask<FetchResponse>(2, RaftApiKey.Fetch, msg.fetchRequest(CLUSTER, 2, 0, -1, 0, 500, 1)).responses[0].partitions[0].errorCode).to.equal(
      ErrorCode.INVALID_REQUEST,
    );
    expect(ask<FetchResponse>(2, RaftApiKey.Fetch, msg.fetchRequest(CLUSTER, 2, 0, 0, 1, 500, 1)).responses[0].partitions[0].errorCode).to.equal(
      ErrorCode.INVALID_REQUEST,
    );
    const wrong = msg.fetchRequest(CLUSTER, 2, 0, 0, 0, 500, 1);
    wrong.topics[0].topicId = Buffer.alloc(16, 7);
    expect(ask<FetchResponse>(2, RaftApiKey.Fetch, wrong).errorCode).to.equal(ErrorCode.INVALID_REQUEST);
  });
});

describe('Raft client: candidate', () => {
  it('on its election timeout a voter stands in epoch + 1, votes for itself, persists that and asks every other voter', () => {
    const { client, time, sent, store } = setup();
    const wait = client.poll();
    expect(wait).to.be.within(1000, 1999);
    time.now += wait;
    expect(client.poll(), 'poll again at once').to.equal(0);
    expect(client.quorum.isCandidate()).to.equal(true);
    expect(client.quorum.epoch).to.equal(1);
    expect(store.readElectionState()).to.deep.include({ epoch: 1, votedId: 1 });
    client.poll();
    expect(sent.map((r) => [r.apiKey, r.destinationId]).sort()).to.deep.equal([
      [RaftApiKey.Vote, 2],
      [RaftApiKey.Vote, 3],
    ]);
  });
});

describe('Raft requests: BeginQuorumEpoch and EndQuorumEpoch', () => {
  it('BeginQuorumEpoch makes a voter follow the new leader in its epoch; an older epoch is FENCED_LEADER_EPOCH', () => {
    const { client, ask, store } = setup();
    const res = ask<{ errorCode: number; topics: Array<{ partitions: Array<{ errorCode: number; leaderId: number; leaderEpoch: number }> }> }>(
      2,
      RaftApiKey.BeginQuorumEpoch,
      msg.beginQuorumEpochRequest(CLUSTER, 4, 2),
    );
    expect(res.topics[0].partitions[0]).to.include({ errorCode: 0, leaderId: 2, leaderEpoch: 4 });
    expect(client.quorum.isFollower()).to.equal(true);
    expect(store.readElectionState()).to.deep.include({ epoch: 4, leaderId: 2 });
    const stale = ask<{ topics: Array<{ partitions: Array<{ errorCode: number }> }> }>(
      3,
      RaftApiKey.BeginQuorumEpoch,
      msg.beginQuorumEpochRequest(CLUSTER, 3, 3),
    );
    expect(stale.topics[0].partitions[0].errorCode).to.equal(ErrorCode.FENCED_LEADER_EPOCH);
  });

  it("EndQuorumEpoch: the first preferred successor stands at once, the others after Kafka's strict exponential backoff", () => {
    // Voters 1..5; the resigning leader 2 prefers [4, 1, 3, 5]: node 4 waits 0, node 1 (position 1 of 4) waits
    // election.backoff.max.ms >> 3 = 125 ms.
    for (const [nodeId, wait] of [
      [4, 0],
      [1, 125],
      [5, 500],
    ]) {
      const { client, ask, time } = setup(nodeId, [1, 2, 3, 4, 5]);
      ask(2, RaftApiKey.BeginQuorumEpoch, msg.beginQuorumEpochRequest(CLUSTER, 1, 2));
      expect(client.quorum.isFollower(), `node ${nodeId}`).to.equal(true);
      ask(2, RaftApiKey.EndQuorumEpoch, msg.endQuorumEpochRequest(CLUSTER, 1, 2, [4, 1, 3, 5]));
      if (wait > 0) {
        time.now += wait - 1;
        client.poll();
        expect(client.quorum.isFollower(), `node ${nodeId} still follows at ${wait - 1} ms`).to.equal(true);
        time.now += 1;
        client.poll();
      }
      expect(client.quorum.isCandidate(), `node ${nodeId} stands after ${wait} ms`).to.equal(true);
      expect(client.quorum.epoch).to.equal(2);
    }
  });
});
