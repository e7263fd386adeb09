import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LEADER_EPOCH_CHECKPOINT_FILE, LeaderEpochFileCache, parseCheckpoint } from '../../../src/log/LeaderEpochFileCache';
import { Log } from '../../../src/log/Log';
import { defaultLogConfig } from '../../../src/log/LogConfig';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';

function batch(n: number, partitionLeaderEpoch = -1, baseOffset = 0): Buffer {
  const records = Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp: 1700000000000 + i }));
  return buildRecordBatch({ records, partitionLeaderEpoch, baseOffset });
}

describe('log: LeaderEpochFileCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lefc-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const read = () => fs.readFileSync(path.join(dir, LEADER_EPOCH_CHECKPOINT_FILE), 'utf8');

  it('assigns new epochs only, persists in the checkpoint format and reloads', () => {
    const c = new LeaderEpochFileCache(dir);
    c.assign(0, 0);
    c.assign(0, 5); // same epoch, later offset: no change
    c.assign(2, 10);
    expect(c.entries).to.deep.equal([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 10 },
    ]);
    expect(read()).to.equal('0\n2\n0 0\n2 10\n');
    expect(LeaderEpochFileCache.load(dir).entries).to.deep.equal(c.entries);
    expect(c.latestEpoch).to.equal(2);
  });

  it('removes non-monotonic entries when an epoch is assigned (Kafka semantics)', () => {
    const c = new LeaderEpochFileCache(dir);
    c.assign(1, 0);
    c.assign(3, 10);
    c.assign(5, 20);
    c.assign(4, 15); // epoch 5 conflicts (epoch >= 4)
    expect(c.entries).to.deep.equal([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 4, startOffset: 15 },
    ]);
    c.assign(6, 12); // start offset below epoch 4's: 4 removed
    expect(c.entries).to.deep.equal([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 6, startOffset: 12 },
    ]);
    c.assign(-1, 30); // unstamped batches do nothing
    expect(c.entries.length).to.equal(3);
  });

  it('endOffsetFor answers the largest epoch <= requested with the start of the next higher epoch', () => {
    const c = new LeaderEpochFileCache(dir);
    c.assign(1, 0);
    c.assign(3, 10);
    c.assign(5, 20);
    expect(c.endOffsetFor(5, 42)).to.deep.equal({ epoch: 5, endOffset: 42 }); // latest: the log end offset
    expect(c.endOffsetFor(3, 42)).to.deep.equal({ epoch: 3, endOffset: 20 });
    expect(c.endOffsetFor(4, 42)).to.deep.equal({ epoch: 3, endOffset: 20 }); // unknown epoch in between
    expect(c.endOffsetFor(2, 42)).to.deep.equal({ epoch: 1, endOffset: 10 });
    expect(c.endOffsetFor(0, 42)).to.deep.equal({ epoch: 0, endOffset: 0 }); // below all known epochs
    expect(c.endOffsetFor(6, 42)).to.deep.equal({ epoch: -1, endOffset: -1 }); // above the latest
    expect(c.endOffsetFor(-1, 42)).to.deep.equal({ epoch: -1, endOffset: -1 });
    expect(new LeaderEpochFileCache(dir).endOffsetFor(0, 10)).to.deep.equal({ epoch: -1, endOffset: -1 });
  });

  it('truncates from the end and from the start', () => {
    const c = new LeaderEpochFileCache(dir);
    c.assign(1, 0);
    c.assign(3, 10);
    c.assign(5, 20);
    c.truncateFromEnd(20);
    expect(c.entries).to.deep.equal([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
    ]);
    c.truncateFromStart(12);
    expect(c.entries).to.deep.equal([{ epoch: 3, startOffset: 12 }]);
    expect(read()).to.equal('0\n1\n3 12\n');
    c.clearAndFlush();
    expect(read()).to.equal('0\n0\n');
  });

  it('rejects malformed checkpoints', () => {
    expect(() => parseCheckpoint('1\n0\n')).to.throw();
    expect(() => parseCheckpoint('0\n2\n0 0\n')).to.throw();
    expect(parseCheckpoint('0\n1\n7 100\n')).to.deep.equal([{ epoch: 7, startOffset: 100 }]);
    fs.writeFileSync(path.join(dir, LEADER_EPOCH_CHECKPOINT_FILE), 'garbage');
    expect(LeaderEpochFileCache.load(dir).isEmpty).to.equal(true);
  });

  describe('hooked into Log', () => {
    const open = () => Log.open(path.join(dir, 't-0'), 't', 0, { ...defaultLogConfig(), segmentBytes: 2000 });

    it('leader appends assign epochs; truncation, reopen and rebuild keep the cache consistent', () => {
      const log = open();
      for (let i = 0; i < 5; i++) log.appendAsLeader(batch(3), 0);
      for (let i = 0; i < 5; i++) log.appendAsLeader(batch(3), 2);
      log.appendAsLeader(batch(3), 4);
      expect(log.leaderEpochCache.entries).to.deep.equal([
        { epoch: 0, startOffset: 0 },
        { epoch: 2, startOffset: 15 },
        { epoch: 4, startOffset: 30 },
      ]);
      expect(log.leaderEpochCache.endOffsetFor(2, log.logEndOffset)).to.deep.equal({ epoch: 2, endOffset: 30 });
      log.truncateTo(20);
      expect(log.leaderEpochCache.entries).to.deep.equal([
        { epoch: 0, startOffset: 0 },
        { epoch: 2, startOffset: 15 },
      ]);
      const before = log.truncationCount;
      log.close();

      const reopened = open();
      expect(reopened.leaderEpochCache.entries).to.deep.equal([
        { epoch: 0, startOffset: 0 },
        { epoch: 2, startOffset: 15 },
      ]);
      expect(reopened.truncationCount).to.equal(0);
      expect(before).to.equal(1);
      reopened.close();

      fs.rmSync(path.join(dir, 't-0', LEADER_EPOCH_CHECKPOINT_FILE));
      const rebuilt = open();
      expect(rebuilt.leaderEpochCache.entries).to.deep.equal([
        { epoch: 0, startOffset: 0 },
        { epoch: 2, startOffset: 15 },
      ]);
      expect(fs.existsSync(path.join(dir, 't-0', LEADER_EPOCH_CHECKPOINT_FILE))).to.equal(true);
      rebuilt.truncateFullyAndStartAt(100);
      expect(rebuilt.leaderEpochCache.isEmpty).to.equal(true);
      rebuilt.close();
    });

    it('follower appends learn the epochs the leader stamped', () => {
      const log = open();
      log.appendAsFollower(batch(2, 3, 0));
      log.appendAsFollower(Buffer.concat([batch(2, 3, 2), batch(2, 7, 4)]));
      expect(log.leaderEpochCache.entries).to.deep.equal([
        { epoch: 3, startOffset: 0 },
        { epoch: 7, startOffset: 4 },
      ]);
      log.close();
    });
  });
});
