import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultLogConfig } from '../../../src/log/LogConfig';
import { CLEAN_SHUTDOWN_FILE, LogManager, parseTopicPartitionName } from '../../../src/log/LogManager';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';

const T0 = 1700000000000;

function batch(n: number): Buffer {
  return buildRecordBatch({
    records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp: T0 + i })),
  });
}

describe('log: LogManager', () => {
  let root: string;
  let dirs: string[];
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-logmanager-'));
    dirs = [path.join(root, 'd1'), path.join(root, 'd2')];
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('parses <topic>-<partition> at the last dash', () => {
    expect(parseTopicPartitionName('my-topic-with-dashes-12')).to.deep.equal({ topic: 'my-topic-with-dashes', partition: 12 });
    expect(parseTopicPartitionName('__consumer_offsets-49')).to.deep.equal({ topic: '__consumer_offsets', partition: 49 });
    expect(parseTopicPartitionName('lost+found')).to.equal(null);
    expect(parseTopicPartitionName('foo-1.2b7e-delete')).to.equal(null);
    expect(parseTopicPartitionName('-3')).to.equal(null);
  });

  it('places new partitions in the log dir with the fewest partitions, shuts down cleanly and reloads', () => {
    const mgr = new LogManager(dirs, defaultLogConfig());
    mgr.loadLogs();
    const a = mgr.getOrCreateLog('a-b', 0);
    const b = mgr.getOrCreateLog('a-b', 1);
    const c = mgr.getOrCreateLog('c', 0);
    expect(mgr.getOrCreateLog('a-b', 0)).to.equal(a);
    expect([a.parentDir, b.parentDir, c.parentDir]).to.deep.equal([dirs[0], dirs[1], dirs[0]]);
    a.appendAsLeader(batch(3), 0);
    b.appendAsLeader(batch(2), 0);
    mgr.shutdown();
    for (const d of dirs) expect(fs.existsSync(path.join(d, CLEAN_SHUTDOWN_FILE))).to.equal(true);
    // closed segments have trimmed indexes
    expect(fs.statSync(path.join(dirs[0], 'a-b-0', '00000000000000000000.index')).size).to.equal(0);

    // stray entries in log dirs are skipped
    fs.writeFileSync(path.join(dirs[0], 'meta.properties'), 'version=0\n');
    fs.mkdirSync(path.join(dirs[0], 'lost+found'));
    fs.mkdirSync(path.join(dirs[1], 'c-0.5f3e1c-delete'));

    const again = new LogManager(dirs, defaultLogConfig());
    again.loadLogs();
    for (const d of dirs) expect(fs.existsSync(path.join(d, CLEAN_SHUTDOWN_FILE))).to.equal(false);
    expect(
      again
        .allLogs()
        .map((l) => `${l.topic}-${l.partition}`)
        .sort(),
    ).to.deep.equal(['a-b-0', 'a-b-1', 'c-0']);
    expect(again.getLog('a-b', 0)!.logEndOffset).to.equal(3);
    expect(again.getLog('a-b', 1)!.logEndOffset).to.equal(2);
    expect(again.getLog('a-b', 0)!.appendAsLeader(batch(1), 1).firstOffset).to.equal(3);
    expect(again.getLog('zzz', 0)).to.equal(undefined);

    again.deleteLog('c', 0);
    expect(fs.existsSync(path.join(dirs[0], 'c-0'))).to.equal(false);
    expect(again.getLog('c', 0)).to.equal(undefined);
    again.shutdown();
  });

  it('recovers the active segment when the clean shutdown marker is missing', () => {
    const mgr = new LogManager([dirs[0]], defaultLogConfig());
    mgr.loadLogs();
    const log = mgr.getOrCreateLog('t', 0);
    log.appendAsLeader(batch(5), 0);
    mgr.shutdown();
    fs.rmSync(path.join(dirs[0], CLEAN_SHUTDOWN_FILE));
    const file = path.join(dirs[0], 't-0', '00000000000000000000.log');
    fs.appendFileSync(file, batch(2).subarray(0, 30)); // torn write after the last batch

    const again = new LogManager([dirs[0]], defaultLogConfig());
    again.loadLogs();
    expect(again.getLog('t', 0)!.logEndOffset).to.equal(5);
    expect(fs.statSync(file).size).to.equal(batch(5).length);
    again.shutdown();
  });
});
