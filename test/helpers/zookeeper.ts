/**
 * Real Apache ZooKeeper for tests: standalone (nodes=1) or a 3-node ensemble on free ports, in a temp dir.
 * stop() kills the JVMs and removes the dir; a process 'exit' hook kills any JVM left behind.
 */
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { ZooKeeperClient } from '../../src/zk/ZooKeeperClient';
import { waitFor } from './ports';
import { ensureZooKeeperInstalled, prepareZooKeeperDataDir, spawnZooKeeper, waitForZooKeeper } from '../../src/launcher/zookeeper';

export interface ZooKeeperHandle {
  /** "127.0.0.1:p1[,127.0.0.1:p2,...]" */
  connectString: string;
  /** client ports, node i at ports[i] */
  ports: number[];
  /** the temp dir holding configs, data and each node's output (zookeeper-N.out) */
  dir: string;
  stop(): Promise<void>;
  /** SIGKILL node i (0-based) */
  kill(i: number): void;
  /** (Re)starts node i with its config and data dir if it is not running; does not wait for it to serve. */
  start(i: number): void;
  /** Whether node i's JVM is running. */
  running(i: number): boolean;
  /** SIGSTOP / SIGCONT node i: the server freezes, sessions expire once it resumes */
  pause(i: number): void;
  resume(i: number): void;
}

export interface StartZooKeeperOptions {
  nodes?: 1 | 3;
  /** parent folder of the temp dir (default: the OS temp dir) */
  dataRoot?: string;
  /** default 500 ms: sessions may then be as short as 1 s (min 2 ticks), up to maxSessionTimeout 60 s */
  tickTime?: number;
  startTimeoutMs?: number;
  /** Nodes started now (default all). With fewer than all, start-up does not wait for them to serve. */
  initialNodes?: number[];
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  const open = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const s = net.createServer();
      servers.push(s);
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port));
    });
  // All held open at once so the OS hands out distinct ports.
  return Promise.all(Array.from({ length: n }, open)).finally(() => servers.forEach((s) => s.close()));
}

function waitExit(p: ChildProcess, timeoutMs: number): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      p.kill('SIGKILL');
    }, timeoutMs);
    p.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

export async function startZooKeeper(opts: StartZooKeeperOptions = {}): Promise<ZooKeeperHandle> {
  ensureZooKeeperInstalled();
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => live.forEach((p) => p.kill('SIGKILL')));
  }
  const nodes = opts.nodes ?? 1;
  const tickTime = opts.tickTime ?? 500;
  const root = opts.dataRoot ?? os.tmpdir();
  fs.mkdirSync(root, { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, 'zk-'));
  const ports = await freePorts(nodes === 1 ? 1 : nodes * 3);
  const clientPorts = ports.slice(0, nodes);
  const servers = nodes === 1 ? [] : Array.from({ length: nodes }, (_, i) => `server.${i + 1}=127.0.0.1:${ports[nodes + 2 * i]}:${ports[nodes + 2 * i + 1]}`);
  const procs: (ChildProcess | null)[] = Array.from({ length: nodes }, () => null);
  const files: string[] = [];
  const spawnNode = (i: number): void => {
    const out = fs.openSync(path.join(dir, `zookeeper-${i + 1}.out`), 'a');
    const p = spawnZooKeeper(files[i], { stdio: ['ignore', out, out], cwd: dir });
    fs.closeSync(out);
    live.add(p);
    p.once('exit', () => live.delete(p));
    procs[i] = p;
  };
  const isRunning = (p: ChildProcess | null): p is ChildProcess => p !== null && p.signalCode === null && p.exitCode === null;
  for (let i = 0; i < nodes; i++) {
    const file = path.join(dir, `zookeeper-${i + 1}.properties`);
    const lines = [
      `tickTime=${tickTime}`,
      'initLimit=10',
      'syncLimit=5',
      `dataDir=${path.join(dir, `data-${i + 1}`)}`,
      `clientPort=${clientPorts[i]}`,
      'clientPortAddress=127.0.0.1',
      'maxClientCnxns=0',
      'maxSessionTimeout=60000',
      'admin.enableServer=false',
      '4lw.commands.whitelist=*',
      ...servers,
    ];
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    prepareZooKeeperDataDir(file, nodes === 1 ? undefined : i + 1);
    files.push(file);
  }
  const initial = opts.initialNodes ?? Array.from({ length: nodes }, (_, i) => i);
  initial.forEach(spawnNode);
  const handle: ZooKeeperHandle = {
    connectString: clientPorts.map((p) => `127.0.0.1:${p}`).join(','),
    ports: clientPorts,
    dir,
    async stop() {
      const running = procs.filter(isRunning);
      for (const p of running) {
        p.kill('SIGCONT');
        p.kill('SIGTERM');
      }
      await Promise.all(running.map((p) => waitExit(p, 5000)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
    kill(i: number) {
      procs[i]?.kill('SIGKILL');
    },
    start(i: number) {
      if (!isRunning(procs[i])) spawnNode(i);
    },
    running(i: number) {
      return isRunning(procs[i]);
    },
    pause(i: number) {
      procs[i]?.kill('SIGSTOP');
    },
    resume(i: number) {
      procs[i]?.kill('SIGCONT');
    },
  };
  if (initial.length < nodes) return handle;
  try {
    const died = procs
      .filter(isRunning)
      .map(
        (p, i) =>
          new Promise<never>((_, reject) =>
            p.once('exit', (code, sig) => reject(new Error(`ZooKeeper node ${i + 1} exited (${code ?? sig}), see ${dir}/zookeeper-${i + 1}.out`))),
          ),
      );
    died.forEach((d) => d.catch(() => undefined));
    await Promise.race([Promise.all(clientPorts.map((p) => waitForZooKeeper(`127.0.0.1:${p}`, opts.startTimeoutMs ?? 30000))), ...died]);
  } catch (e) {
    await handle.stop();
    throw e;
  }
  return handle;
}

/**
 * Expires a session for real: one TCP write carrying a ConnectRequest that re-attaches the session
 * (same id and password) followed by closeSession, so the server closes it before the owner can
 * reconnect. The owner then sees SessionExpired on its next connection.
 */
export function expireSession(hostPort: string, sessionId: Buffer, sessionPassword: Buffer, timeoutMs = 4000): Promise<void> {
  const [host, port] = hostPort.split(',')[0].split(':');
  const connect = Buffer.alloc(4 + 4 + 8 + 4 + 8 + 4 + 16 + 1);
  let o = connect.writeInt32BE(connect.length - 4, 0);
  o = connect.writeInt32BE(0, o); // protocolVersion
  o = connect.writeBigInt64BE(0n, o); // lastZxidSeen
  o = connect.writeInt32BE(timeoutMs, o);
  o += sessionId.copy(connect, o);
  o = connect.writeInt32BE(16, o);
  o += sessionPassword.copy(connect, o);
  connect.writeUInt8(0, o); // readOnly
  const close = Buffer.alloc(12);
  close.writeInt32BE(8, 0);
  close.writeInt32BE(1, 4); // xid
  close.writeInt32BE(-11, 8); // OpCode.closeSession
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), host, () => sock.write(Buffer.concat([connect, close])));
    const t = setTimeout(() => {
      sock.destroy();
      reject(new Error('expireSession: no answer'));
    }, 2000);
    sock.on('error', () => undefined);
    // Done once both answers (connect, then closeSession) arrived, or the server dropped us.
    let buf = Buffer.alloc(0);
    const done = () => {
      clearTimeout(t);
      sock.destroy();
      resolve();
    };
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      let frames = 0;
      for (let i = 0; i + 4 <= buf.length; i += 4 + buf.readInt32BE(i)) if (i + 4 + buf.readInt32BE(i) <= buf.length) frames++;
      if (frames >= 2) done();
    });
    sock.on('close', done);
  });
}

/**
 * Expires z's session. z reconnects at once when the server moves its session to our connection, and
 * may win the race against our closeSession: then try again.
 */
export async function forceExpiry(connectString: string, z: ZooKeeperClient): Promise<string> {
  const old = z.sessionId;
  for (let i = 0; i < 20 && !z.previousSessionIds.includes(old); i++) {
    const creds = z.sessionCredentials();
    await expireSession(connectString, creds.sessionId, creds.sessionPassword).catch(() => undefined);
    await waitFor('the old session to be replaced', async () => z.previousSessionIds.includes(old), 300, 20).catch(() => undefined);
  }
  return old;
}
