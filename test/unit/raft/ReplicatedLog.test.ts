/**
 * The ReplicatedLog contract, on the in-memory log and on the file log of `__cluster_metadata-0` (over src/log):
 * appends as leader and follower, the epoch cache's endOffsetForEpoch, the leader's verdict on a fetch position
 * (validateOffsetAndEpoch: VALID or DIVERGING) and the follower's truncation to it (truncateToEndOffset), and a
 * quorum that runs on files and restarts from them.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import { readBatchInfo } from '../../../src/protocol/records/RecordBatch';
import { MemoryLog } from '../../../src/raft/MemoryLog';
import { MetadataLog, metadataPartitionDir, quorumStatePath } from '../../../src/raft/MetadataLog';
import { FileBasedStateStore } from '../../../src/raft/QuorumStateStore';
import { readBatches } from '../../../src/raft/RaftBatches';
import { StringSerde } from '../../../src/raft/RecordSerde';
import { snapshotFileName } from '../../../src/raft/Snapshots';
import { ReplicatedLog, truncateToEndOffset, validateOffsetAndEpoch } from '../../../src/raft/ReplicatedLog';
import { RaftSimulation } from './RaftSimulation';

function batch(n: number, tag = 'v'): Buffer {
  return buildRecordBatch({ records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`${tag}${i}`), timestamp: 1_700_000_000_000 })) });
}

/** Leader epochs 1 (offsets 0-2), 3 (3-4), 4 (5): end offset 6. */
function fill(log: ReplicatedLog): void {
  log.appendAsLeader(batch(3), 1);
  log.appendAsLeader(batch(2), 3);
  log.appendAsLeader(batch(1), 4);
}

const impls: Array<[string, () => { log: ReplicatedLog; cleanup: () => void }]> = [
  ['MemoryLog', () => ({ log: new MemoryLog(), cleanup: () => {} })],
  [
    'MetadataLog',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-log-'));
      const log = MetadataLog.open(dir);
      return {
        log,
        cleanup: () => {
          log.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
];

for (const [name, make] of impls) {
  describe(`ReplicatedLog contract: ${name}`, () => {
    let log: ReplicatedLog;
    let cleanup: () => void;
    beforeEach(() => ({ log, cleanup } = make()));
    afterEach(() => cleanup());

    it('assigns offsets and stamps the leader epoch; reads whole batches from an offset, up to a limit', () => {
      fill(log);
      expect(log.endOffset()).to.equal(6);
      expect(log.lastFetchedEpoch()).to.equal(4);
      const all = readBatches(log.read(0), StringSerde);
      expect(all.map((b) => [b.baseOffset, b.lastOffset, b.epoch])).to.deep.equal([
        [0, 2, 1],
        [3, 4, 3],
        [5, 5, 4],
      ]);
      expect(readBatches(log.read(4), StringSerde)[0].baseOffset, 'the batch containing the offset').to.equal(3);
      expect(
        readBatches(log.read(0, 5), StringSerde).map((b) => b.baseOffset),
        'only batches entirely below 5',
      ).to.deep.equal([0, 3]);
      expect(
        readBatches(log.read(0, 4), StringSerde).map((b) => b.baseOffset),
        'only batches entirely below 4',
      ).to.deep.equal([0]);
      expect(log.read(6).length).to.equal(0);
    });

    it("endOffsetForEpoch answers the largest known epoch <= asked and where it ends (Kafka's epoch cache)", () => {
      fill(log);
      expect(log.endOffsetForEpoch(1)).to.deep.equal({ epoch: 1, offset: 3 });
      expect(log.endOffsetForEpoch(2)).to.deep.equal({ epoch: 1, offset: 3 });
      expect(log.endOffsetForEpoch(3)).to.deep.equal({ epoch: 3, offset: 5 });
      expect(log.endOffsetForEpoch(4)).to.deep.equal({ epoch: 4, offset: 6 });
      expect(log.endOffsetForEpoch(9), 'unknown: the log end and last epoch').to.deep.equal({ epoch: 4, offset: 6 });
    });

    it('validateOffsetAndEpoch: VALID on the log, DIVERGING with the end of the follower epoch otherwise', () => {
      fill(log);
      expect(validateOffsetAndEpoch(log, 0, 0).kind).to.equal('VALID');
      expect(validateOffsetAndEpoch(log, 3, 1)).to.deep.equal({ kind: 'VALID', offsetAndEpoch: { offset: 3, epoch: 1 } });
      expect(validateOffsetAndEpoch(log, 6, 4).kind).to.equal('VALID');
      // The follower has epoch-1 records up to 4: the leader's epoch 1 ends at 3.
      expect(validateOffsetAndEpoch(log, 4, 1)).to.deep.equal({ kind: 'DIVERGING', offsetAndEpoch: { offset: 3, epoch: 1 } });
      // The follower wrote an epoch 2 the leader never had: truncate to where epoch 1 ended.
      expect(validateOffsetAndEpoch(log, 5, 2)).to.deep.equal({ kind: 'DIVERGING', offsetAndEpoch: { offset: 3, epoch: 1 } });
    });

    it('a follower truncates to the diverging end offset, then appends the leader batches as written', () => {
      // Follower: epoch 1 (0-2), then epoch 2 (3-5) from a leader that lost.
      log.appendAsLeader(batch(3), 1);
      log.appendAsLeader(batch(3, 'lost'), 2);
      const leader = new MemoryLog();
      fill(leader);
      const verdict = validateOffsetAndEpoch(leader, log.endOffset(), log.lastFetchedEpoch());
      expect(verdict.kind).to.equal('DIVERGING');
      expect(truncateToEndOffset(log, verdict.offsetAndEpoch)).to.equal(3);
      expect([log.endOffset(), log.lastFetchedEpoch()]).to.deep.equal([3, 1]);
      expect(validateOffsetAndEpoch(leader, log.endOffset(), log.lastFetchedEpoch()).kind).to.equal('VALID');
      log.appendAsFollower(leader.read(3));
      expect(log.read(0).equals(leader.read(0))).to.equal(true);
      expect(log.endOffsetForEpoch(3)).to.deep.equal({ epoch: 3, offset: 5 });
    });

    it('refuses to truncate below the high watermark, and a follower append that does not start at the log end', () => {
      fill(log);
      log.updateHighWatermark(5);
      expect(() => log.truncateTo(3)).to.throw('below the current high watermark 5');
      const other = new MemoryLog();
      fill(other);
      expect(() => log.appendAsFollower(other.read(3))).to.throw();
      expect(log.endOffset()).to.equal(6);
    });
  });
}

describe('MetadataLog on disk', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-dir-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lays out __cluster_metadata-0 as Kafka does: segments, partition.metadata with the metadata topic id, and reopens with its epochs', () => {
    const log = MetadataLog.open(dir);
    fill(log);
    log.flush();
    log.close();
    const part = metadataPartitionDir(dir);
    expect(part).to.equal(path.join(dir, '__cluster_metadata-0'));
    expect(fs.readFileSync(path.join(part, 'partition.metadata'), 'utf8')).to.equal('version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ');
    expect(fs.readdirSync(part)).to.include('00000000000000000000.log');
    const again = MetadataLog.open(dir);
    expect([again.endOffset(), again.lastFetchedEpoch()]).to.deep.equal([6, 4]);
    expect(again.endOffsetForEpoch(3)).to.deep.equal({ epoch: 3, offset: 5 });
    expect(readBatchInfo(again.read(5), 0).partitionLeaderEpoch).to.equal(4);
    again.close();
  });

  it('a 3-voter quorum on files (log + quorum-state) elects, commits, and survives every node restarting from disk', () => {
    const dirs = new Map([1, 2, 3].map((id) => [id, path.join(dir, `node-${id}`)]));
    const sim = new RaftSimulation({
      voters: [1, 2, 3],
      seed: 11,
      storage: { openLog: (id) => MetadataLog.open(dirs.get(id)!), openStore: (id) => new FileBasedStateStore(quorumStatePath(dirs.get(id)!)) },
    });
    sim.startAll();
    expect(sim.runUntil(() => sim.stableLeader() !== undefined, 15_000)).to.equal(true);
    sim.append(['a', 'b']);
    expect(sim.runUntil(() => sim.aliveNodes().every((n) => n.listener.records().length === 2), 5000)).to.equal(true);
    const epoch = sim.node(sim.stableLeader()!).client.quorum.epoch;
    for (const id of [1, 2, 3]) {
      const text = fs.readFileSync(quorumStatePath(dirs.get(id)!), 'utf8');
      expect(JSON.parse(text)).to.include({ leaderEpoch: epoch, leaderId: sim.stableLeader(), data_version: 0 });
    }
    for (const id of [1, 2, 3]) sim.kill(id);
    for (const id of [1, 2, 3]) sim.start(id);
    // The former leader came back Resigned: a new election, in a higher epoch.
    expect(sim.runUntil(() => sim.stableLeader() !== undefined, 20_000)).to.equal(true);
    expect(sim.append(['c'])).to.not.equal(undefined);
    expect(sim.runUntil(() => sim.aliveNodes().every((n) => n.listener.records().length === 3), 20_000)).to.equal(true);
    for (const n of sim.aliveNodes()) expect(n.listener.records()).to.deep.equal(['a', 'b', 'c']);
    expect(sim.node(sim.stableLeader()!).client.quorum.epoch).to.be.greaterThan(epoch);
    for (const n of sim.aliveNodes()) n.log.close();
  });

  it("on files, a follower whose disk was wiped catches up through the leader's .checkpoint file, and restarts from its own", () => {
    const dirs = new Map([1, 2, 3].map((id) => [id, path.join(dir, `node-${id}`)]));
    const sim = new RaftSimulation({
      voters: [1, 2, 3],
      seed: 12,
      storage: { openLog: (id) => MetadataLog.open(dirs.get(id)!), openStore: (id) => new FileBasedStateStore(quorumStatePath(dirs.get(id)!)) },
    });
    sim.startAll();
    expect(sim.runUntil(() => sim.stableLeader() !== undefined, 15_000)).to.equal(true);
    const leader = sim.node(sim.stableLeader()!);
    for (let i = 0; i < 4; i++) sim.append([`r${i}`]);
    expect(sim.runUntil(() => sim.aliveNodes().every((n) => n.listener.records().length === 4), 5000)).to.equal(true);
    const hw = leader.client.highWatermark()!;
    const id = { offset: hw, epoch: leader.log.lastFetchedEpoch() };
    leader.client.createSnapshot(id, sim.time.now, [leader.listener.records()]);
    expect(leader.log.deleteBeforeSnapshot(id)).to.equal(true);
    const name = snapshotFileName(id);
    expect(fs.readdirSync(metadataPartitionDir(dirs.get(leader.id)!))).to.include(name);
    const follower = [1, 2, 3].find((x) => x !== leader.id)!;
    sim.kill(follower);
    sim.node(follower).log.close();
    fs.rmSync(dirs.get(follower)!, { recursive: true, force: true });
    sim.start(follower);
    sim.append(['after']);
    const want = ['r0', 'r1', 'r2', 'r3', 'after'];
    expect(sim.runUntil(() => sim.node(follower).listener.records().length === 5, 10_000)).to.equal(true);
    expect(sim.node(follower).listener.records()).to.deep.equal(want);
    expect(fs.readdirSync(metadataPartitionDir(dirs.get(follower)!))).to.include(name);
    expect(sim.node(follower).log.startOffset()).to.equal(hw);
    // Restarted from its own files: the snapshot and the log after it.
    sim.kill(follower);
    sim.start(follower);
    expect(sim.node(follower).log.latestSnapshotId()).to.deep.equal(id);
    expect(sim.runUntil(() => sim.node(follower).listener.records().length === 5, 10_000)).to.equal(true);
    expect(sim.node(follower).listener.records()).to.deep.equal(want);
    for (const n of sim.aliveNodes()) n.log.close();
  });
});
