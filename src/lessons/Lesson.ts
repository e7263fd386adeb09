/**
 * A lesson (issue 14): one scenario of Kafka's documentation and study notes, run against a real cluster with
 * real clients, narrated step by step, and checked. Each lesson is one file `catalog/<name>.ts` exporting
 * `lesson`; the runner (main.ts) finds them by listing the catalog folder and orders them by order.ts.
 */
import type { Kafka } from 'kafkajs';

export interface Lesson {
  /** e.g. 'partitions-and-consumers' (the fixed names). */
  name: string;
  /** One line, for --list. */
  description: string;
  /**
   * The private cluster --check starts: brokers (default 3), broker config overrides (short timeouts; they apply to
   * the KRaft brokers too), and with kraft: true also a KRaft cluster of 3 controllers and 3 brokers (ctx.kraft).
   */
  cluster?: { brokers?: number; brokerConfig?: Record<string, string>; kraft?: boolean };
  run(ctx: LessonContext): Promise<void>;
}

/** Thrown by ctx.check / ctx.waitFor (or a lesson): the lesson failed, the reason is the message. */
export class LessonFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LessonFailure';
  }
}

export interface BackgroundCommand {
  readonly pid: number | undefined;
  /** stdout and stderr so far. */
  output(): string;
  /** Signals the command's whole process group. */
  signal(sig: NodeJS.Signals): void;
  readonly exited: Promise<number | null>;
  readonly running: boolean;
}

export interface ShellResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface LessonContext {
  /** 127.0.0.1:port,... of the ZK-mode cluster. */
  readonly bootstrap: string;
  /** 127.0.0.1:port */
  readonly zookeeper: string;
  readonly brokerIds: number[];
  /** A private temp folder (under TMPDIR), removed afterwards. */
  readonly tmpDir: string;
  /** --check: no pauses, assertions decide the exit code. */
  readonly checking: boolean;
  /** A short id unique to this run (for topic and group names, so a lesson can run again on the same cluster). */
  readonly runId: string;
  /** Narration. */
  say(text: string): void;
  /** A numbered step; pauses for Enter unless --yes/--check. */
  step(title: string): Promise<void>;
  /** "In the observatory, watch ..." (printed only if one is reachable). */
  watch(text: string): void;
  /** Runs a command as a learner would type it (bin/kafka-*, kcat, bin/zookeeper-shell): prints it, then its real output. */
  sh(cmd: string, opts?: { input?: string; timeoutMs?: number; allowFailure?: boolean }): Promise<ShellResult>;
  /**
   * Starts a command a learner would leave running in another terminal (`kcat -G ...`): prints it with a trailing
   * `&`, returns at once; its output is collected, and it is killed with the lesson at the latest.
   */
  background(cmd: string): BackgroundCommand;
  /** Prints `bin/zookeeper-shell <zk> get <path>` and the data; returns the data. */
  zkGet(path: string): Promise<string>;
  /** A znode's data without printing anything (null when it does not exist): for polling inside waitFor. */
  zkData(path: string): Promise<string | null>;
  /** Prints `bin/zookeeper-shell <zk> ls <path>` and the children; returns them. */
  zkLs(path: string): Promise<string[]>;
  /** Throws LessonFailure(reason) when false. */
  check(cond: boolean, reason: string): void;
  /** Polls fn until it returns a truthy value (its value is returned) or the deadline passes (LessonFailure). */
  waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs?: number): Promise<T>;
  /** A kafkajs client on `bootstrap` (quiet logs). */
  kafka(clientId?: string): Kafka;
  /**
   * Broker processes: on a private cluster through LocalCluster; on a running `npm start` cluster through the
   * observatory's POST /api/brokers/<id>/{stop,kill,start} if it is up, else a clear LessonFailure.
   * kill/stop return once the process is gone; start once the broker is registered in /brokers/ids again.
   */
  killBroker(id: number): Promise<void>;
  stopBroker(id: number): Promise<void>;
  startBroker(id: number): Promise<void>;
  /** The broker's log.dirs folder (for segments, kafka-dump-log). */
  brokerDataDir(id: number): string;
  /** From /controller. */
  controllerId(): Promise<number>;
  /**
   * For zk-vs-kraft only: the KRaft cluster, started for the lesson with --check (3 controllers + 3 brokers), else
   * `npm start -- --kraft`'s, found and driven through its launcher's process control (--kraft-control); or undefined.
   */
  kraft?: { bootstrap: string; controllers: string; killBroker(id: number): Promise<void>; startBroker(id: number): Promise<void>; brokerIds: number[] };
}
