/**
 * One child of the local cluster (a ZooKeeper JVM or a broker's node process) with its output file, and the
 * error a child dying during start-up raises. Split from LocalCluster, which starts and stops them.
 */
import type { ChildProcess } from 'child_process';
import * as fs from 'fs';

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** One child (a ZooKeeper JVM, a broker's or a KRaft controller's node process) with its output file. */
export class ManagedProcess {
  exitInfo: ExitInfo | null = null;
  /** Stopped or killed on purpose (an observatory action): its exit is reported in one line, not as a warning. */
  intentional = false;
  readonly exited: Promise<ExitInfo>;

  constructor(
    readonly name: string,
    readonly kind: 'zookeeper' | 'broker' | 'controller',
    readonly id: number,
    readonly child: ChildProcess,
    readonly outFile: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      child.once('error', (error) => {
        if (this.exitInfo) return;
        this.exitInfo = { code: null, signal: null, error };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
  get alive(): boolean {
    return this.exitInfo === null && this.child.pid !== undefined;
  }

  /** Signal the child's process group (it leads one when spawned detached), else the child alone. */
  signal(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
      return;
    } catch {
      /* not a group leader, or the group is gone */
    }
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }

  /** SIGTERM, wait up to graceMs, then SIGKILL; finally SIGKILL the group for stragglers. */
  async stop(graceMs: number): Promise<void> {
    if (this.alive) {
      this.signal('SIGTERM');
      if (!(await waitFor(this.exited, graceMs))) {
        this.signal('SIGKILL');
        await waitFor(this.exited, 5000);
      }
    }
    this.signal('SIGKILL');
  }

  describeExit(): string {
    const e = this.exitInfo;
    if (!e) return 'running';
    if (e.error) return `failed to start: ${e.error.message}`;
    return e.signal ? `killed by ${e.signal}` : `exited with code ${e.code}`;
  }
}

/** A child died while the cluster was starting. */
export class ChildDiedError extends Error {
  constructor(
    readonly proc: ManagedProcess,
    readonly logTail: string[],
  ) {
    super(`${proc.name} ${proc.describeExit()} during start-up (output: ${proc.outFile})`);
    this.name = 'ChildDiedError';
  }
}

/** The last `n` lines of a file (reads at most its last 64 KiB). */
export function tailLines(file: string, n: number): string[] {
  try {
    const size = fs.statSync(file).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buf, 0, len, size - len);
    } finally {
      fs.closeSync(fd);
    }
    const lines = buf.toString('utf8').split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-n);
  } catch {
    return [];
  }
}

/** True when `p` settles within ms. */
async function waitFor(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
