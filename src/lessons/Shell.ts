/**
 * ctx.sh: runs a command exactly as a learner would type it in the repository's root (bin/kafka-topics ..., kcat ...,
 * bin/zookeeper-shell ...), through bash, in its own process group so that a timeout or Ctrl-C kills all of it.
 */
import { ChildProcess, spawn } from 'child_process';
import { BackgroundCommand, ShellResult } from './Lesson';

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

/** Kills every command still running (the runner calls it on exit and on Ctrl-C). */
export function killRunningCommands(): void {
  for (const c of running) killGroup(c);
}

export function runCommand(cmd: string, opts: { cwd: string; input?: string; timeoutMs: number }): Promise<ShellResult & { timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', cmd], {
      cwd: opts.cwd,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      // zkCli.sh (behind bin/zookeeper-shell) logs at INFO to the console unless told otherwise.
      env: { ...process.env, ZOO_LOG4J_PROP: process.env.ZOO_LOG4J_PROP ?? 'ERROR,CONSOLE' },
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(opts.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, opts.timeoutMs);
    const finish = (code: number): void => {
      clearTimeout(timer);
      running.delete(child);
      // A command that left something running in its group (a background child) does not outlive it.
      killGroup(child);
      resolve({ stdout, stderr, code, timedOut });
    };
    child.once('error', (e) => {
      stderr += `${e.message}\n`;
      finish(127);
    });
    child.once('close', (code, signal) => finish(code ?? (signal ? 128 + 9 : 1)));
  });
}

/** A command left running in the background (a consumer in "another terminal"), killed with the lesson at the latest. */
export function startBackground(cmd: string, cwd: string): BackgroundCommand {
  const child = spawn('bash', ['-c', cmd], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let alive = true;
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (code) => resolve(code));
  }).then((code) => {
    alive = false;
    running.delete(child);
    return code;
  });
  return {
    pid: child.pid,
    output: () => out,
    signal: (sig) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        /* gone */
      }
    },
    exited,
    get running() {
      return alive;
    },
  };
}
