/**
 * Issue 14: zk-vs-kraft on a learner's running clusters, not on --check's private ones: both launchers (`npm start` and
 * `npm start -- --kraft`, on temporary layouts with free ports) run side by side; the lesson kills a leader in each
 * (the ZooKeeper-mode one through the observatory, the KRaft one through the KRaft launcher's process control), reads
 * the controllers' state, and starts both brokers again, so both launchers end with every process running (the
 * restarted ones their own children). Stopping the launchers leaves no process behind.
 */
import { expect } from 'chai';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { runLesson } from './lessonRunner';

const ENTRY = path.resolve(__dirname, 'support', 'launcherEntry.js');

interface Launcher {
  child: ChildProcess;
  output: () => string;
  info: { bootstrap: string; zookeeper?: string; url: string };
}

function processesMentioning(text: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(text))
    .map((l) => l.trim());
}

function startLauncher(mode: 'zk' | 'kraft', tmpRoot: string): Promise<Launcher> {
  const child = spawn(process.execPath, [ENTRY, mode, tmpRoot], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${mode} launcher not up after 150 s:\n${out}`)), 150_000);
    const poll = setInterval(() => {
      if (/Press Ctrl-C to stop/.test(out)) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve({ child, output: () => out, info: JSON.parse(/^LAUNCHER (.*)$/m.exec(out)![1]) as Launcher['info'] });
      }
    }, 200);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`${mode} launcher exited with ${code}:\n${out}`));
    });
  });
}

async function stopLauncher(l: Launcher | undefined): Promise<number | null> {
  if (!l || l.child.exitCode !== null) return l?.child.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) => l.child.once('exit', (code) => resolve(code)));
  l.child.kill('SIGTERM');
  return exited;
}

interface KRaftState {
  controllers: string;
  nodes: Array<{ id: number; role: string; pid?: number; running: boolean }>;
}
interface ObservatoryState {
  state: { brokers: Array<{ id: number; up: boolean; process?: string }> };
}

function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(JSON.parse(body) as T));
      })
      .on('error', reject);
  });
}

describe('integration: lesson zk-vs-kraft on running `npm start` and `npm start -- --kraft` clusters', function () {
  this.timeout(240_000);
  let tmp: string;
  let zk: Launcher | undefined;
  let kraft: Launcher | undefined;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-vs-kraft-running-'));
    [zk, kraft] = await Promise.all([startLauncher('zk', tmp), startLauncher('kraft', tmp)]);
  });

  after(async () => {
    await Promise.all([stopLauncher(zk), stopLauncher(kraft)]);
    for (const line of processesMentioning(tmp)) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('kills a leader in each, shows both controllers at work, restarts both brokers, and leaves both clusters whole', async () => {
    expect(kraft!.output()).to.contain('Process control: GET ');
    const kraftBefore = await getJson<KRaftState>(`${kraft!.info.url}/api/state`);
    const run = await runLesson(
      [
        'zk-vs-kraft',
        '--yes',
        '--bootstrap',
        zk!.info.bootstrap,
        '--zookeeper',
        zk!.info.zookeeper!,
        '--observatory',
        zk!.info.url,
        '--kraft-control',
        kraft!.info.url,
      ],
      150_000,
    );
    expect(run.lastLine, run.output).to.equal('lesson zk-vs-kraft: passed');
    expect(run.code).to.equal(0);
    expect(run.output).to.not.contain('Starting a private cluster');
    expect(run.output).to.contain(`$ bin/kafka-metadata-quorum --bootstrap-controller ${kraftBefore.controllers} describe --status`);
    expect(run.processesLeft).to.deep.equal([]);
    // Six describes: each cluster before, after the kill, and after the restart with its three replicas in sync again.
    const isrs = run.lines.filter((l) => /^\tTopic: zk-vs-kraft-\w+\tPartition: 0\t/.test(l)).map((l) => /Isr: (\S+)/.exec(l)![1].split(',').length);
    expect(isrs).to.deep.equal([3, 3, 2, 2, 3, 3]);

    // Both launchers run every process again; the restarted KRaft broker is a new process of the launcher's.
    const kraftAfter = await getJson<KRaftState>(`${kraft!.info.url}/api/state`);
    expect(kraftAfter.nodes.map((n) => n.running)).to.deep.equal(kraftBefore.nodes.map(() => true));
    const changed = kraftAfter.nodes.filter((n, i) => n.pid !== kraftBefore.nodes[i].pid);
    expect(changed.map((n) => n.role)).to.deep.equal(['broker']);
    const zkState = await getJson<ObservatoryState>(`${zk!.info.url}/api/state`);
    expect(zkState.state.brokers.map((b) => [b.process, b.up])).to.deep.equal([
      ['running', true],
      ['running', true],
      ['running', true],
    ]);
    expect(kraft!.output()).to.match(/broker-\d killed by SIGKILL/);

    // Stopped as a learner's Ctrl-C stops them: nothing of either cluster is left running.
    const [zkCode, kraftCode] = await Promise.all([stopLauncher(zk), stopLauncher(kraft)]);
    expect([zkCode, kraftCode]).to.deep.equal([0, 0]);
    expect(processesMentioning(tmp)).to.deep.equal([]);
  });
});
