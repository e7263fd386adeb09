/**
 * The KRaft launcher against real processes: KRaftCluster on a temp layout (free ports), then `npm start -- --kraft`'s
 * own entry point on the fixed ports (controllers 19091-19093, brokers 9092-9094). No ZooKeeper process is started.
 */
import { expect } from 'chai';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { findRepoRoot } from '../../../src/launcher/ClusterLayout';
import { KRaftCluster } from '../../../src/launcher/KRaftCluster';
import { tempKRaftLayout } from '../../../src/launcher/KRaftLayout';
import { waitFor } from '../../helpers/ports';

const root = findRepoRoot(__dirname);
const mainJs = path.join(root, 'dist', 'src', 'launcher', 'main.js');

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return out;
}

async function waitForOutput(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<string> {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return waitFor(
    `launcher output ${re}`,
    async () => (re.test(out) ? out : child.exitCode !== null ? Promise.reject(new Error(`launcher exited:\n${out}`)) : false),
    timeoutMs,
    100,
  );
}

function quorumStatus(args: string[]): string {
  return execFileSync(path.join(root, 'bin', 'kafka-metadata-quorum'), [...args, 'describe', '--status'], { encoding: 'utf8', timeout: 90_000 });
}

describe('launcher: a KRaft cluster of real processes', function () {
  this.timeout(300_000);

  it('starts 3 controllers + 3 brokers on a temp layout; kcat and kafka-metadata-quorum see them; a restart reuses the cluster id', async () => {
    const layout = await tempKRaftLayout({ controllers: 3, brokers: 3 });
    layout.temporary = false; // kept for the second start
    const lines: string[] = [];
    let cluster = new KRaftCluster({ layout, log: (l) => lines.push(l) });
    try {
      await cluster.start();
      const id = cluster.clusterId;
      expect(lines.join('\n')).to.contain(`Formatted 6 storage folder(s) with cluster id ${id}`);
      const meta = execFileSync('kcat', ['-b', cluster.bootstrapServers.split(',')[0], '-L', '-m', '10'], { encoding: 'utf8' });
      expect(meta).to.contain(' 3 brokers:');
      for (const b of layout.brokers) expect(meta).to.contain(`broker ${b.id} at 127.0.0.1:${b.port}`);
      const status = quorumStatus(['--bootstrap-server', cluster.bootstrapServers]);
      expect(status).to.contain(`ClusterId:              ${id}`);
      expect(status).to.contain('CurrentVoters:          [3001,3002,3003]');
      // Observers come in the leader's order (first fetch first), as Kafka's LeaderState lists them.
      const observers = /CurrentObservers:\s+\[([\d,]*)\]/.exec(status)![1].split(',').map(Number);
      expect(observers.sort()).to.deep.equal([1, 2, 3]);
      const pids = cluster.processes.map((p) => p.pid);
      await cluster.stop();
      expect(pids.filter(alive)).to.deep.equal([]);

      lines.length = 0;
      cluster = new KRaftCluster({ layout, log: (l) => lines.push(l) });
      await cluster.start();
      expect(cluster.clusterId).to.equal(id);
      expect(lines.join('\n')).to.contain(`Cluster id ${id} (storage already formatted)`);
    } finally {
      await cluster.stop();
      fs.rmSync(layout.dataDir, { recursive: true, force: true });
    }
  });

  it('`npm start -- --kraft --fresh` comes up on 19091-19093 and 9092-9094 without ZooKeeper and exits 0 on SIGINT leaving no child', async () => {
    const child = spawn(process.execPath, [mainJs, '--kraft', '--fresh'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const out = await waitForOutput(child, /Press Ctrl-C to stop/, 200_000);
      expect(out).to.contain('Local Kafka cluster is up in KRaft mode: 3 broker(s), 3 controller(s), no ZooKeeper.');
      expect(out).to.contain('bootstrap servers : 127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094');
      expect(out).to.contain('3001@127.0.0.1:19091,3002@127.0.0.1:19092,3003@127.0.0.1:19093');
      expect(out).to.contain('Observatory: not available in KRaft mode');
      expect(out).to.not.contain('ZooKeeper node');
      for (const n of ['controller-3001', 'broker-1']) {
        const dir = path.join(root, 'data', 'kraft', n);
        expect(fs.existsSync(path.join(dir, 'meta.properties'))).to.equal(true);
        expect(fs.existsSync(path.join(dir, '__cluster_metadata-0'))).to.equal(true);
      }
      const status = quorumStatus(['--bootstrap-controller', '127.0.0.1:19091,127.0.0.1:19092,127.0.0.1:19093']);
      expect(status).to.contain('CurrentVoters:          [3001,3002,3003]');
      const kids = childPids(child.pid as number);
      expect(kids).to.have.length(6);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).to.equal(0);
      expect(kids.filter(alive)).to.deep.equal([]);
    } finally {
      if (alive(child.pid)) {
        for (const pid of childPids(child.pid as number)) {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        child.kill('SIGKILL');
      }
    }
  });
});
