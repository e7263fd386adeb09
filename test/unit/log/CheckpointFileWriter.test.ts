import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckpointFileWriter, writeFileAtomic } from '../../../src/log/CheckpointFileWriter';

describe('log: CheckpointFileWriter (checkpoints written off the event loop)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-'));
    file = path.join(dir, 'replication-offset-checkpoint');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has the content on disk once the write resolves, and leaves no temp file', async () => {
    const w = new CheckpointFileWriter(file);
    await w.write('0\n1\nt 0 42\n');
    expect(fs.readFileSync(file, 'utf8')).to.equal('0\n1\nt 0 42\n');
    expect(fs.existsSync(`${file}.tmp`)).to.equal(false);
    expect(w.busy).to.equal(false);
  });

  it('never writes the file twice at once, and the latest content requested wins', async () => {
    const w = new CheckpointFileWriter(file);
    const seen: string[] = [];
    const writes = ['a\n', 'b\n', 'c\n', 'd\n'].map((c) => w.write(c).then(() => seen.push(fs.readFileSync(file, 'utf8'))));
    expect(w.busy).to.equal(true);
    await Promise.all(writes);
    expect(fs.readFileSync(file, 'utf8')).to.equal('d\n');
    // 'a' was written first; 'b' and 'c' were superseded by 'd' while 'a' was in flight, so their waits end with 'd' on disk.
    expect(seen).to.deep.equal(['a\n', 'd\n', 'd\n', 'd\n']);
    await w.flushed();
    expect(w.busy).to.equal(false);
  });

  it('a failed write rejects and leaves the previous file whole (crash-safe rename)', async () => {
    const w = new CheckpointFileWriter(file);
    await w.write('old\n');
    fs.mkdirSync(`${file}.tmp`); // the temp file cannot be opened for writing
    let err: unknown = null;
    await w.write('new\n').catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(Error);
    expect(fs.readFileSync(file, 'utf8')).to.equal('old\n');
    // Later writes go on once the obstacle is gone.
    fs.rmdirSync(`${file}.tmp`);
    await w.write('new\n');
    expect(fs.readFileSync(file, 'utf8')).to.equal('new\n');
  });

  it('replaces a torn temp file left by a crash', async () => {
    fs.writeFileSync(file, 'complete\n');
    fs.writeFileSync(`${file}.tmp`, 'tor');
    await writeFileAtomic(file, 'next\n');
    expect(fs.readFileSync(file, 'utf8')).to.equal('next\n');
    expect(fs.existsSync(`${file}.tmp`)).to.equal(false);
  });
});
