import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OffsetIndex } from '../../../src/log/OffsetIndex';
import { TimeIndex } from '../../../src/log/TimeIndex';

/** How many of this process's open descriptors point at `file` (Linux /proc). */
function openCount(file: string): number {
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

describe('log: index files hold no descriptor until used (one per segment, as Kafka after mapping)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'index-fd-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a new index is preallocated without keeping a descriptor; the first append opens one, close trims and releases it', () => {
    const file = path.join(dir, '00000000000000000100.index');
    const idx = new OffsetIndex(file, 100, 1000);
    expect(fs.statSync(file).size).to.equal(1000);
    expect(openCount(file)).to.equal(0);
    expect(idx.lookup(150)).to.deep.equal({ offset: 100, position: 0 });
    idx.flush(); // fsync without keeping a descriptor
    expect(openCount(file)).to.equal(0);
    idx.append(110, 4096);
    expect(openCount(file)).to.equal(1);
    expect(idx.lookup(150)).to.deep.equal({ offset: 110, position: 4096 });
    idx.close();
    expect(openCount(file)).to.equal(0);
    expect(fs.statSync(file).size).to.equal(8);
    expect(() => idx.flush()).to.throw(/EBADF/); // a closed index is not reopened behind the caller's back
    const again = new OffsetIndex(file, 100, 1000);
    expect(again.lookup(150)).to.deep.equal({ offset: 110, position: 4096 });
    again.close();
  });

  it('resizing and trimming an unused index changes the file without opening it', () => {
    const file = path.join(dir, '00000000000000000000.timeindex');
    const idx = new TimeIndex(file, 0, 1200);
    expect(fs.statSync(file).size).to.equal(1200);
    idx.resize(600);
    expect(fs.statSync(file).size).to.equal(600);
    expect(openCount(file)).to.equal(0);
    idx.close();
    expect(fs.statSync(file).size).to.equal(0);
    idx.deleteIfExists();
    expect(fs.existsSync(file)).to.equal(false);
  });
});
