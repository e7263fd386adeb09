/**
 * Issue 14 (zk-vs-kraft on running clusters): `npm start -- --kraft --broker-port 9192` puts the KRaft brokers beside
 * a ZooKeeper-mode `npm start` (both default to 9092-9094), and the lesson runner finds the KRaft launcher through its
 * process control, failing with a clear reason when none runs.
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { findRepoRoot, freePort, tempClusterLayout } from '../../../src/launcher/ClusterLayout';
import { localKRaftLayout } from '../../../src/launcher/KRaftLayout';
import { LocalCluster } from '../../../src/launcher/LocalCluster';
import { connectKRaftLauncher } from '../../../src/lessons/KRaftTarget';

const root = findRepoRoot(__dirname);
const launcher = path.join(root, 'dist', 'src', 'launcher', 'main.js');
const lessons = path.join(root, 'dist', 'src', 'lessons', 'main.js');

describe('integration: the KRaft launcher beside `npm start` (options)', function () {
  this.timeout(30_000);

  it('--broker-port moves broker N to port+N-1 with listener overrides; the controllers and data stay', () => {
    const layout = localKRaftLayout({ rootDir: root, brokerPort: 9192 });
    expect(layout.brokers.map((b) => [b.id, b.port])).to.deep.equal([
      [1, 9192],
      [2, 9193],
      [3, 9194],
    ]);
    expect(layout.brokers[1].overrides).to.deep.equal(['listeners=PLAINTEXT://127.0.0.1:9193', 'advertised.listeners=PLAINTEXT://127.0.0.1:9193']);
    expect(layout.controllers.map((c) => c.port)).to.deep.equal([19091, 19092, 19093]);
    expect(layout.brokers[0].dataDir).to.equal(path.join(root, 'data', 'kraft', 'broker-1'));
    expect(localKRaftLayout({ rootDir: root }).brokers.map((b) => b.port)).to.deep.equal([9092, 9093, 9094]);
  });

  it('main.js offers --broker-port (KRaft mode only) and says what --ui-port is in each mode', () => {
    const help = execFileSync(process.execPath, [launcher, '--help'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(help).to.contain('--broker-port <port>').and.to.contain('process control API (default 8081)');
    const r = spawnSync(process.execPath, [launcher, '--broker-port', '9192'], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('--broker-port applies to KRaft mode (--kraft) only');
    expect(spawnSync(process.execPath, [launcher, '--kraft', '--broker-port', 'x'], { encoding: 'utf8' }).stderr).to.contain('--broker-port');
  });

  it("ZooKeeper mode's --fresh leaves data/kraft alone (a KRaft cluster may be running beside it)", async () => {
    const layout = { ...(await tempClusterLayout({ zookeeperNodes: 1, brokers: 1, rootDir: root })), temporary: false };
    // The broker's port taken: start() wipes the folder, then refuses the busy port before starting anything.
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(layout.brokers[0].port, '127.0.0.1', resolve));
    try {
      fs.mkdirSync(path.join(layout.dataDir, 'kraft', 'broker-1'), { recursive: true });
      fs.writeFileSync(path.join(layout.dataDir, 'kraft', 'broker-1', 'meta.properties'), 'x');
      fs.mkdirSync(path.join(layout.dataDir, 'kafka-1'));
      const lines: string[] = [];
      const err = await new LocalCluster({ layout, fresh: true, log: (l) => lines.push(l) }).start().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).to.contain('already in use');
      expect(lines.join('\n')).to.contain('(--fresh)');
      expect(fs.existsSync(path.join(layout.dataDir, 'kafka-1'))).to.equal(false);
      expect(fs.existsSync(path.join(layout.dataDir, 'kraft', 'broker-1', 'meta.properties'))).to.equal(true);
    } finally {
      blocker.close();
      fs.rmSync(layout.dataDir, { recursive: true, force: true });
    }
  });

  it('no KRaft launcher at --kraft-control: a LessonFailure naming the command that starts one', async () => {
    const port = await freePort();
    const err = await connectKRaftLauncher(`http://127.0.0.1:${port}`).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.name).to.equal('LessonFailure');
    expect(err?.message).to.contain('npm start -- --kraft --broker-port 9192');
    const usage = execFileSync(process.execPath, [lessons, '--help'], { encoding: 'utf8' });
    expect(usage).to.contain('--kraft-control url');
  });
});
