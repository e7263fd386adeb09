/**
 * Snapshots in the quorum (KIP-630): the leader takes a snapshot of committed state and drops the log prefix it
 * covers; a follower that lost its disk, and one left behind the leader's log start, get a SnapshotId in answer to
 * their Fetch, copy the snapshot with FetchSnapshot, restart their log at its end offset, and catch up. Their
 * listeners load the snapshot (handleLoadSnapshot) then see the commits after it.
 */
import { expect } from 'chai';
import { FetchSnapshotResponse } from '../../../src/protocol/apis/59-fetch-snapshot';
import { ErrorCode } from '../../../src/protocol/errors';
import { Completion, RaftApiKey } from '../../../src/raft/NetworkChannel';
import * as msg from '../../../src/raft/RaftMessages';
import { KafkaRaftClient } from '../../../src/raft/KafkaRaftClient';
import { parseSnapshot } from '../../../src/raft/Snapshots';
import { StringSerde } from '../../../src/raft/RecordSerde';
import { RaftSimulation } from './RaftSimulation';

function chunked<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** The leader snapshots everything committed and deletes the log before it; returns the snapshot id. */
function snapshotAndTruncate(sim: RaftSimulation, leaderId: number): { offset: number; epoch: number } {
  const leader = sim.node(leaderId);
  const hw = leader.client.highWatermark()!;
  expect(hw).to.equal(leader.log.endOffset());
  const id = { offset: hw, epoch: leader.log.lastFetchedEpoch() };
  leader.client.createSnapshot(id, sim.time.now, chunked(leader.listener.records(), 3));
  expect(leader.log.deleteBeforeSnapshot(id)).to.equal(true);
  expect(leader.log.startOffset()).to.equal(hw);
  return id;
}

describe('Raft snapshots: FetchSnapshot catch-up', () => {
  it('a follower that lost its disk and one left behind the log start catch up through the snapshot, then the log', () => {
    const sim = new RaftSimulation({ voters: [1, 2, 3, 4, 5], seed: 21 });
    sim.startAll();
    expect(sim.runUntil(() => sim.stableLeader() !== undefined, 15_000)).to.equal(true);
    const leader = sim.stableLeader()!;
    const [wiped, behind] = [1, 2, 3, 4, 5].filter((id) => id !== leader);
    for (let i = 0; i < 5; i++) sim.append([`a${i}`, `b${i}`]);
    expect(sim.runUntil(() => sim.aliveNodes().every((n) => n.listener.records().length === 10), 5000)).to.equal(true);
    sim.kill(wiped);
    sim.kill(behind);
    for (let i = 5; i < 8; i++) sim.append([`a${i}`]);
    expect(sim.runUntil(() => sim.aliveNodes().every((n) => n.listener.records().length === 13), 5000)).to.equal(true);
    const id = snapshotAndTruncate(sim, leader);
    sim.append(['after-snapshot']);
    expect(sim.runUntil(() => sim.aliveNodes().every((n) => n.listener.records().length === 14), 5000)).to.equal(true);
    sim.wipe(wiped);
    sim.start(wiped);
    sim.start(behind);
    const want = sim.node(leader).listener.records();
    expect(sim.runUntil(() => [wiped, behind].every((nid) => sim.node(nid).listener.records().length === want.length), 10_000)).to.equal(true);
    for (const nid of [wiped, behind]) {
      const n = sim.node(nid);
      expect(n.listener.records(), `node ${nid}`).to.deep.equal(want);
      expect(n.listener.snapshotsLoaded, `node ${nid} loaded the snapshot`).to.deep.equal([id]);
      expect(n.log.latestSnapshotId()).to.deep.equal(id);
      expect(n.log.startOffset()).to.equal(id.offset);
      expect(n.log.endOffset()).to.equal(sim.node(leader).log.endOffset());
    }
    // The quorum goes on: a new commit reaches everyone.
    sim.append(['last']);
    expect(sim.runUntil(() => sim.aliveNodes().every((n) => n.listener.records().includes('last')), 5000)).to.equal(true);
  });

  it('FetchSnapshot answers chunks of at most maxBytes, POSITION_OUT_OF_RANGE and SNAPSHOT_NOT_FOUND', () => {
    const sim = new RaftSimulation({ voters: [1], seed: 22 });
    sim.startAll();
    sim.append(['x', 'y', 'z']);
    expect(sim.runUntil(() => sim.node(1).listener.records().length === 3, 1000)).to.equal(true);
    const id = snapshotAndTruncate(sim, 1);
    const client = sim.node(1).client;
    const ask = (position: number, maxBytes: number, snap = id): FetchSnapshotResponse['topics'][0]['partitions'][0] => {
      const req = msg.fetchSnapshotRequest('sim-cluster-id-000000', 9, client.quorum.epoch, snap, position);
      req.maxBytes = maxBytes;
      return askClient(client, req).topics[0].partitions[0];
    };
    const first = ask(0, 10);
    expect(first.errorCode).to.equal(0);
    expect((first.unalignedRecords as Buffer).length).to.equal(10);
    const size = first.size;
    const rest = ask(10, 1 << 20);
    const whole = Buffer.concat([first.unalignedRecords as Buffer, rest.unalignedRecords as Buffer]);
    expect(whole.length).to.equal(size);
    expect(parseSnapshot(whole, id, StringSerde).batches.flatMap((b) => b.records)).to.deep.equal(['x', 'y', 'z']);
    expect(ask(size, 10).errorCode).to.equal(ErrorCode.POSITION_OUT_OF_RANGE);
    expect(ask(0, 10, { offset: id.offset + 1, epoch: id.epoch }).errorCode).to.equal(ErrorCode.SNAPSHOT_NOT_FOUND);
  });

  it('refuses a snapshot beyond the high watermark or not on the log', () => {
    const sim = new RaftSimulation({ voters: [1], seed: 23 });
    sim.startAll();
    sim.append(['x']);
    expect(sim.runUntil(() => sim.node(1).listener.records().length === 1, 1000)).to.equal(true);
    const c = sim.node(1).client;
    const hw = c.highWatermark()!;
    expect(() => c.createSnapshot({ offset: hw + 1, epoch: c.quorum.epoch }, 0, [])).to.throw('greater than the high-watermark');
    expect(() => c.createSnapshot({ offset: hw, epoch: c.quorum.epoch + 1 }, 0, [])).to.throw('is not valid according to the log');
  });
});

function askClient(client: KafkaRaftClient<string>, data: object): FetchSnapshotResponse {
  const completion = new Completion<object>();
  let answer: FetchSnapshotResponse | undefined;
  completion.onComplete((v) => (answer = v as FetchSnapshotResponse));
  client.handle({ sourceId: 9, apiKey: RaftApiKey.FetchSnapshot, data, completion });
  client.poll();
  if (!answer) throw new Error('no answer');
  return answer;
}
