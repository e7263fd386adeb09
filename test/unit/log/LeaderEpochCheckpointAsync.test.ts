import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { flushLeaderEpochCacheAsync, writeLeaderEpochCheckpoints } from '../../../src/log/LeaderEpochCheckpointAsync';
import { LEADER_EPOCH_CHECKPOINT_FILE, LeaderEpochFileCache } from '../../../src/log/LeaderEpochFileCache';
import { getLogger } from '../../../src/common/logger';

describe('log: LeaderEpochCheckpointAsync (leader-epoch checkpoint written off the event loop)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lefc-async-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const read = (d = dir) => fs.readFileSync(path.join(d, LEADER_EPOCH_CHECKPOINT_FILE), 'utf8');

  it('is on disk in the same format as the synchronous flush once the promise resolves, with no temp file left', async () => {
    const c = new LeaderEpochFileCache(dir);
    c.assignNoFlush(0, 0);
    c.assignNoFlush(3, 7);
    await flushLeaderEpochCacheAsync(c);
    const asyncText = read();
    c.flush();
    expect(asyncText).to.equal(read()).and.to.equal('0\n2\n0 0\n3 7\n');
    expect(fs.readdirSync(dir)).to.deep.equal([LEADER_EPOCH_CHECKPOINT_FILE]);
    expect(LeaderEpochFileCache.load(dir).entries).to.deep.equal(c.entries);
  });

  it('ends with the latest content when the cache changes (and is flushed synchronously) while the write runs', async () => {
    const c = new LeaderEpochFileCache(dir);
    c.assignNoFlush(0, 0);
    const p = flushLeaderEpochCacheAsync(c);
    c.assign(1, 5); // synchronous flush while the async write is in the thread pool
    const again = flushLeaderEpochCacheAsync(c); // shares the running write
    await Promise.all([p, again]);
    expect(read()).to.equal('0\n2\n0 0\n1 5\n');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('is not undone by a synchronous flush landing while its rename runs in the pool: it checks again and rewrites', async () => {
    const c = new LeaderEpochFileCache(dir);
    c.assignNoFlush(0, 0);
    const realRename = fs.promises.rename;
    let renames = 0;
    // The first async rename lands after a synchronous flush of newer content (the worst order the pool allows).
    fs.promises.rename = (async (from: fs.PathLike, to: fs.PathLike) => {
      if (renames++ === 0) c.assign(2, 9);
      return realRename(from, to);
    }) as typeof fs.promises.rename;
    try {
      await flushLeaderEpochCacheAsync(c);
    } finally {
      fs.promises.rename = realRename;
    }
    expect(renames).to.equal(2);
    expect(read()).to.equal('0\n2\n0 0\n2 9\n');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('writes many checkpoints in parallel and reports the partitions whose write failed', async () => {
    const dirs = Array.from({ length: 50 }, (_, i) => path.join(dir, `t-${i}`));
    dirs.forEach((d) => fs.mkdirSync(d));
    const items = dirs.map((d, i) => {
      const cache = new LeaderEpochFileCache(d);
      cache.assignNoFlush(i, 0);
      return { key: `t-${i}`, cache };
    });
    const gone = new LeaderEpochFileCache(path.join(dir, 'missing-0'));
    gone.assignNoFlush(0, 0);
    const failed = await writeLeaderEpochCheckpoints([...items, { key: 'missing-0', cache: gone }], getLogger('test', ''));
    expect(failed).to.deep.equal(['missing-0']);
    dirs.forEach((d, i) => expect(read(d)).to.equal(`0\n1\n${i} 0\n`));
    expect(await writeLeaderEpochCheckpoints([], getLogger('test', ''))).to.deep.equal([]);
  });
});
