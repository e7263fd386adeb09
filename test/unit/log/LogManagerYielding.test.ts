import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultLogConfig } from '../../../src/log/LogConfig';
import { LogManager } from '../../../src/log/LogManager';

describe('log: LogManager.getOrCreateLogsYielding (a LeaderAndIsr full of new replicas)', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-logmanager-yield-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('creates every log, as getOrCreateLog does, and lets timers run between slices', async () => {
    const mgr = new LogManager([root], defaultLogConfig());
    mgr.loadLogs();
    const existing = mgr.getOrCreateLog('t', 0);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      // sliceMs 0: a turn of the event loop before every log after the first
      await mgr.getOrCreateLogsYielding(
        Array.from({ length: 20 }, (_, i) => ({ topic: 't', partition: i })),
        0,
      );
    } finally {
      clearInterval(timer);
    }
    expect(ticks).to.be.greaterThan(0);
    expect(mgr.getLog('t', 0)).to.equal(existing);
    for (let i = 0; i < 20; i++) {
      expect(mgr.getLog('t', i), `t-${i}`).to.not.equal(undefined);
      expect(fs.existsSync(path.join(root, `t-${i}`, '00000000000000000000.log'))).to.equal(true);
    }
    mgr.shutdown();
  });
});
