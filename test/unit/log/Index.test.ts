import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OffsetIndex } from '../../../src/log/OffsetIndex';
import { TimeIndex } from '../../../src/log/TimeIndex';

describe('log: OffsetIndex and TimeIndex', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-index-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('offset index: preallocated, sparse lookups, truncate, trim and reload', () => {
    const file = path.join(dir, '00000000000000000100.index');
    const idx = new OffsetIndex(file, 100, 1000);
    expect(fs.statSync(file).size).to.equal(1000); // 1000 rounded down to 8-byte entries
    expect(idx.maxEntries).to.equal(125);
    expect(idx.lookup(150)).to.deep.equal({ offset: 100, position: 0 });
    for (let i = 1; i <= 10; i++) idx.append(100 + i * 10, i * 1000);
    expect(idx.lookup(99)).to.deep.equal({ offset: 100, position: 0 });
    expect(idx.lookup(110)).to.deep.equal({ offset: 110, position: 1000 });
    expect(idx.lookup(155)).to.deep.equal({ offset: 150, position: 5000 });
    expect(idx.lookup(10000)).to.deep.equal({ offset: 200, position: 10000 });
    expect(() => idx.append(200, 11000)).to.throw(/no larger than the last offset/);
    idx.truncateTo(150); // removes entries >= 150
    expect(idx.entries).to.equal(4);
    expect(idx.lastOffset).to.equal(140);
    idx.truncateTo(145);
    expect(idx.entries).to.equal(4);
    idx.close();
    expect(fs.statSync(file).size).to.equal(32);
    const again = new OffsetIndex(file, 100, 1000);
    expect(again.entries).to.equal(4);
    expect(again.lastOffset).to.equal(140);
    expect(again.lookup(135)).to.deep.equal({ offset: 130, position: 3000 });
    again.sanityCheck(5000);
    expect(() => again.sanityCheck(3000)).to.throw(/outside/);
    again.resize(1000);
    again.append(160, 6000);
    expect(again.lookup(170)).to.deep.equal({ offset: 160, position: 6000 });
    again.close();
  });

  it('offset index: full after maxIndexSize / 8 entries', () => {
    const idx = new OffsetIndex(path.join(dir, '00000000000000000000.index'), 0, 20);
    idx.append(1, 10);
    idx.append(2, 20);
    expect(idx.isFull()).to.equal(true);
    expect(() => idx.append(3, 30)).to.throw(/full index/);
    idx.close();
  });

  it('time index: appends only growing timestamps, lookup, keeps a slot for the final entry', () => {
    const file = path.join(dir, '00000000000000000000.timeindex');
    const idx = new TimeIndex(file, 0, 40);
    expect(fs.statSync(file).size).to.equal(36); // 3 entries of 12 bytes
    expect(idx.lastEntry).to.deep.equal({ timestamp: -1, offset: 0 });
    idx.maybeAppend(1000, 5);
    idx.maybeAppend(1000, 9); // same timestamp: ignored
    expect(idx.entries).to.equal(1);
    idx.maybeAppend(2000, 12);
    expect(idx.isFull()).to.equal(true);
    idx.maybeAppend(3000, 20, true); // skipFullCheck: the final entry on roll/close
    expect(idx.entries).to.equal(3);
    expect(() => idx.maybeAppend(500, 30, true)).to.throw(/no larger than the last timestamp/);
    expect(idx.lookup(999)).to.deep.equal({ timestamp: -1, offset: 0 });
    expect(idx.lookup(1500)).to.deep.equal({ timestamp: 1000, offset: 5 });
    expect(idx.lookup(99999)).to.deep.equal({ timestamp: 3000, offset: 20 });
    idx.truncateTo(12);
    expect(idx.lastEntry).to.deep.equal({ timestamp: 1000, offset: 5 });
    idx.close();
    expect(fs.statSync(file).size).to.equal(12);
    const again = new TimeIndex(file, 0, 40);
    expect(again.lastEntry).to.deep.equal({ timestamp: 1000, offset: 5 });
    again.sanityCheck();
    again.close();
  });
});
