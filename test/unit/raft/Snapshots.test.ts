/** Snapshot files (KIP-630): Kafka's names, header and footer control batches around the data, atomic freeze. */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readBatchInfo } from '../../../src/protocol/records/RecordBatch';
import { StringSerde } from '../../../src/raft/RecordSerde';
import { listSnapshots, parseSnapshotFileName, readSnapshot, snapshotFileName, writeSnapshot } from '../../../src/raft/Snapshots';

describe('Snapshots', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshots-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("names files as Kafka's Snapshots.filenameFromSnapshotId and parses them back", () => {
    expect(snapshotFileName({ offset: 1234, epoch: 5 })).to.equal('00000000000000001234-0000000005.checkpoint');
    expect(parseSnapshotFileName('00000000000000001234-0000000005.checkpoint')).to.deep.equal({
      snapshotId: { offset: 1234, epoch: 5 },
      partial: false,
      deleted: false,
    });
    expect(parseSnapshotFileName('00000000000000001234-0000000005-abc.checkpoint.part')!.partial).to.equal(true);
    expect(parseSnapshotFileName('00000000000000001234-0000000005.checkpoint.deleted')!.deleted).to.equal(true);
    expect(parseSnapshotFileName('00000000000000000000.log')).to.equal(undefined);
  });

  it('writes header, data batches and footer with offsets from 0 in the snapshot epoch, and reads them back', () => {
    const file = writeSnapshot(dir, { offset: 42, epoch: 3 }, StringSerde, [['a', 'b'], ['c']], 1_700_000_000_123, 1_700_000_000_999);
    expect(path.basename(file)).to.equal('00000000000000000042-0000000003.checkpoint');
    expect(fs.readdirSync(dir), 'no partial file left').to.deep.equal([path.basename(file)]);
    const bytes = fs.readFileSync(file);
    const offsets: number[][] = [];
    for (let pos = 0; pos < bytes.length;) {
      const info = readBatchInfo(bytes, pos);
      offsets.push([info.baseOffset, info.lastOffset, info.partitionLeaderEpoch, info.isControl ? 1 : 0]);
      pos += info.size;
    }
    expect(offsets).to.deep.equal([
      [0, 0, 3, 1],
      [1, 2, 3, 0],
      [3, 3, 3, 0],
      [4, 4, 3, 1],
    ]);
    const read = readSnapshot(file, StringSerde);
    expect(read.snapshotId).to.deep.equal({ offset: 42, epoch: 3 });
    expect(read.lastContainedLogTimestamp).to.equal(1_700_000_000_123);
    expect(read.batches.map((b) => b.records)).to.deep.equal([['a', 'b'], ['c']]);
    expect(listSnapshots(dir)).to.deep.equal([{ offset: 42, epoch: 3 }]);
  });

  it('refuses a corrupt or truncated snapshot, and a second snapshot with the same id', () => {
    const file = writeSnapshot(dir, { offset: 10, epoch: 1 }, StringSerde, [['x']], 0, 0);
    expect(() => writeSnapshot(dir, { offset: 10, epoch: 1 }, StringSerde, [['y']], 0, 0)).to.throw('already exists');
    const bytes = fs.readFileSync(file);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] ^= 0xff;
    fs.writeFileSync(file, flipped);
    expect(() => readSnapshot(file, StringSerde)).to.throw(/corrupt/);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    expect(() => readSnapshot(file, StringSerde)).to.throw(/truncated/);
    // Without its footer (only the header and data batches).
    const headerAndData = bytes.subarray(0, bytes.length - lastBatchSize(bytes));
    fs.writeFileSync(file, headerAndData);
    expect(() => readSnapshot(file, StringSerde)).to.throw('the last batch is not a snapshot footer');
  });
});

function lastBatchSize(bytes: Buffer): number {
  let pos = 0;
  let size = 0;
  while (pos < bytes.length) {
    size = readBatchInfo(bytes, pos).size;
    pos += size;
  }
  return size;
}
