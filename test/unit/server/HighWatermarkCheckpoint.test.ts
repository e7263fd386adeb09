import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Partition } from '../../../src/cluster/Partition';
import type { Logger } from '../../../src/common/logger';
import { HighWatermarkCheckpoints, readHighWatermarks } from '../../../src/server/HighWatermarkCheckpoint';

function fakePartition(dir: string, topic: string, partition: number, hw: { value: number }): Partition {
  return {
    topic,
    partition,
    log: { parentDir: dir },
    get highWatermark() {
      return hw.value;
    },
  } as unknown as Partition;
}

describe('server: HighWatermarkCheckpoints (replication-offset-checkpoint)', () => {
  let dirs: string[];
  const errors: string[] = [];
  const log = { error: (m: string) => errors.push(m) } as unknown as Logger;
  beforeEach(() => {
    dirs = [fs.mkdtempSync(path.join(os.tmpdir(), 'hw-a-')), fs.mkdtempSync(path.join(os.tmpdir(), 'hw-b-'))];
    errors.length = 0;
  });
  afterEach(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("writes each dir's partitions in Kafka's format; the files read back after the write resolves", async () => {
    const c = new HighWatermarkCheckpoints(dirs, log);
    await c.checkpoint([
      fakePartition(dirs[0], 'a', 0, { value: 5 }),
      fakePartition(dirs[1], 'b', 3, { value: 7 }),
      fakePartition(dirs[0], 'a', 1, { value: 0 }),
    ]);
    expect(fs.readFileSync(path.join(dirs[0], 'replication-offset-checkpoint'), 'utf8')).to.equal('0\n2\na 0 5\na 1 0\n');
    expect(fs.readFileSync(path.join(dirs[1], 'replication-offset-checkpoint'), 'utf8')).to.equal('0\n1\nb 3 7\n');
    expect([...readHighWatermarks(dirs)]).to.deep.equal([
      ['a-0', 5],
      ['a-1', 0],
      ['b-3', 7],
    ]);
    expect(errors).to.deep.equal([]);
  });

  it('snapshots the high watermarks when called; the last checkpoint requested is what stays on disk', async () => {
    const hw = { value: 1 };
    const c = new HighWatermarkCheckpoints([dirs[0]], log);
    const parts = [fakePartition(dirs[0], 't', 0, hw)];
    const first = c.checkpoint(parts);
    hw.value = 2;
    const second = c.checkpoint(parts);
    hw.value = 3;
    const third = c.checkpoint(parts);
    hw.value = 4; // not checkpointed
    await Promise.all([first, second, third]);
    await c.flushed();
    expect(readHighWatermarks([dirs[0]]).get('t-0')).to.equal(3);
  });

  it('a dir that cannot be written is logged, not thrown, and the other dirs are still written', async () => {
    const c = new HighWatermarkCheckpoints(dirs, log);
    fs.rmSync(dirs[1], { recursive: true, force: true });
    await c.checkpoint([fakePartition(dirs[0], 'a', 0, { value: 9 })]);
    expect(readHighWatermarks([dirs[0]]).get('a-0')).to.equal(9);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.contain('Error while writing the high watermark checkpoint');
  });
});
