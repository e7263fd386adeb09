/**
 * The LessonContext a lesson runs with: narration (steps, commands and their real output), checks that end the
 * lesson with a reason, waits with deadlines, kafkajs clients and broker control over the cluster target.
 */
import * as readline from 'readline';
import * as zookeeper from 'node-zookeeper-client';
import { Kafka, logLevel } from 'kafkajs';
import { findRepoRoot } from '../launcher/ClusterLayout';
import { ClusterTarget } from './LessonCluster';
import { BackgroundCommand, LessonContext, LessonFailure, ShellResult } from './Lesson';
import { runCommand, startBackground } from './Shell';
import { isNoNode, zkConnect, zkError } from './ZkRead';

export interface RunOptions {
  checking: boolean;
  /** Pause for Enter before each step (not with --yes or --check). */
  pause: boolean;
  tmpDir: string;
  runId: string;
  out?: (line: string) => void;
}

/** Waits for Enter on stdin; resolves at once when stdin has ended (not a terminal, nothing to read). */
class EnterPrompt {
  private rl: readline.Interface | null = null;
  private ended = false;

  wait(): Promise<void> {
    if (this.ended) return Promise.resolve();
    if (!this.rl) {
      this.rl = readline.createInterface({ input: process.stdin });
      this.rl.on('close', () => (this.ended = true));
    }
    const rl = this.rl;
    return new Promise((resolve) => {
      const done = (): void => {
        rl.off('line', done);
        rl.off('close', done);
        resolve();
      };
      rl.on('line', done);
      rl.on('close', done);
    });
  }

  close(): void {
    this.rl?.close();
  }
}

export class LessonRunContext implements LessonContext {
  readonly bootstrap: string;
  readonly zookeeper: string;
  readonly brokerIds: number[];
  readonly tmpDir: string;
  readonly checking: boolean;
  readonly runId: string;
  readonly kraft?: LessonContext['kraft'];
  private readonly out: (line: string) => void;
  private readonly repoRoot = findRepoRoot(__dirname);
  private readonly prompt = new EnterPrompt();
  private stepNo = 0;
  private zk: Promise<zookeeper.Client> | null = null;

  constructor(
    private readonly target: ClusterTarget,
    private readonly opts: RunOptions,
  ) {
    this.bootstrap = target.bootstrap;
    this.zookeeper = target.zookeeper;
    this.brokerIds = [...target.brokerIds];
    this.tmpDir = opts.tmpDir;
    this.checking = opts.checking;
    this.runId = opts.runId;
    this.kraft = target.kraft;
    this.out = opts.out ?? ((line) => process.stdout.write(line + '\n'));
  }

  say(text: string): void {
    this.out(text);
  }

  async step(title: string): Promise<void> {
    this.stepNo++;
    if (this.opts.pause) {
      this.out('');
      this.out('(press Enter for the next step)');
      await this.prompt.wait();
    }
    this.out('');
    this.out(`Step ${this.stepNo}: ${title}`);
  }

  watch(text: string): void {
    if (this.target.observatory) this.out(`In the observatory (${this.target.observatory}), watch ${text}`);
  }

  async sh(cmd: string, opts: { input?: string; timeoutMs?: number; allowFailure?: boolean } = {}): Promise<ShellResult> {
    this.out(`$ ${cmd}`);
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const res = await runCommand(cmd, { cwd: this.repoRoot, input: opts.input, timeoutMs });
    const text = (res.stdout + res.stderr).replace(/\n+$/, '');
    if (text) this.out(text);
    if (res.timedOut) {
      this.out(`(stopped after ${Math.round(timeoutMs / 1000)} s)`);
      if (!opts.allowFailure) throw new LessonFailure(`\`${cmd}\` did not finish within ${Math.round(timeoutMs / 1000)} s`);
    } else if (res.code !== 0) {
      this.out(`(exit code ${res.code})`);
      if (!opts.allowFailure) {
        const last = res.stderr.trim().split('\n').pop() ?? '';
        throw new LessonFailure(`\`${cmd}\` exited with code ${res.code}${last ? `: ${last}` : ''}`);
      }
    }
    return { stdout: res.stdout, stderr: res.stderr, code: res.code };
  }

  background(cmd: string): BackgroundCommand {
    this.out(`$ ${cmd} &`);
    return startBackground(cmd, this.repoRoot);
  }

  private zkClient(): Promise<zookeeper.Client> {
    if (!this.zk) {
      this.zk = zkConnect(this.zookeeper);
      this.zk.catch(() => (this.zk = null));
    }
    return this.zk;
  }

  private firstZk(): string {
    return this.zookeeper.split(',')[0];
  }

  /** The data of a znode without printing anything (null when it does not exist). */
  async zkData(path: string): Promise<string | null> {
    const client = await this.zkClient();
    return new Promise((resolve, reject) =>
      client.getData(path, (err, data) => {
        if (err && isNoNode(err)) resolve(null);
        else if (err) reject(zkError(path, err));
        else resolve(data ? data.toString('utf8') : '');
      }),
    );
  }

  /**
   * What `bin/zookeeper-shell <zk> get <path>` prints (the data), read over our own ZooKeeper session rather than by
   * starting a JVM for zkCli.sh each time: the same znode, the same bytes, a fraction of the CPU on a 2-core machine.
   */
  async zkGet(path: string): Promise<string> {
    this.out(`$ bin/zookeeper-shell ${this.firstZk()} get ${path}`);
    const data = await this.zkData(path);
    if (data === null) {
      this.out(`Node does not exist: ${path}`);
      throw new LessonFailure(`Node does not exist: ${path}`);
    }
    this.out(data);
    return data;
  }

  async zkLs(path: string): Promise<string[]> {
    this.out(`$ bin/zookeeper-shell ${this.firstZk()} ls ${path}`);
    const client = await this.zkClient();
    const children = await new Promise<string[]>((resolve, reject) =>
      client.getChildren(path, (err, c) => (err ? reject(zkError(path, err)) : resolve([...c].sort()))),
    ).catch((e: Error) => {
      this.out(e.message);
      throw e;
    });
    this.out(`[${children.join(', ')}]`);
    return children;
  }

  check(cond: boolean, reason: string): void {
    if (!cond) throw new LessonFailure(reason);
  }

  async waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: string | undefined;
    for (;;) {
      try {
        const v = await fn();
        if (v !== undefined && v !== null && v !== false) return v;
        lastError = undefined;
      } catch (e) {
        lastError = (e as Error).message;
      }
      if (Date.now() > deadline) {
        throw new LessonFailure(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  kafka(clientId = `lesson-${this.runId}`): Kafka {
    return new Kafka({
      clientId,
      brokers: this.bootstrap.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 3000 },
    });
  }

  killBroker(id: number): Promise<void> {
    return this.target.killBroker(id);
  }
  stopBroker(id: number): Promise<void> {
    return this.target.stopBroker(id);
  }
  startBroker(id: number): Promise<void> {
    return this.target.startBroker(id);
  }
  brokerDataDir(id: number): string {
    return this.target.brokerDataDir(id);
  }

  async controllerId(): Promise<number> {
    const data = await this.zkData('/controller');
    if (data === null) throw new LessonFailure('/controller does not exist (no active controller)');
    const id = (JSON.parse(data) as { brokerid?: number }).brokerid;
    if (typeof id !== 'number') throw new LessonFailure(`/controller has no brokerid: ${data}`);
    return id;
  }

  async close(): Promise<void> {
    this.prompt.close();
    const zk = this.zk;
    this.zk = null;
    if (zk) (await zk.catch(() => null))?.close();
  }
}
