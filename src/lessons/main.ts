/**
 * `npm run lesson -- ...` (issue 14):
 *   --list                         one lesson per line: `<name>  <description>`
 *   <name> [--yes]                 narrated, pausing for Enter between steps, on the running cluster (`npm start`'s,
 *                                  or --bootstrap/--zookeeper)
 *   <name> --check                 no pauses, on a fresh private cluster (unless --bootstrap/--zookeeper); exit 0 only when
 *                                  the cluster behaved as the lesson says; `lesson <name>: passed|failed (<reason>)` last
 *   --all --check                  every lesson, each in its own process; `lessons: N/M passed` last
 *   --kraft-control <url>          zk-vs-kraft on running clusters: where `npm start -- --kraft` serves its process
 *                                  control (GET /api/state, POST /api/brokers/<id>/{kill,start}; default :8081)
 */
import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadLessons } from './Catalog';
import { Lesson, LessonFailure } from './Lesson';
import { DEFAULT_KRAFT_CONTROL } from './KRaftTarget';
import { ClusterTarget, ExternalCluster, PrivateCluster } from './LessonCluster';
import { LessonRunContext } from './LessonRunContext';
import { registeredBrokers } from './ZkRead';
import { killRunningCommands } from './Shell';

interface Args {
  list: boolean;
  all: boolean;
  check: boolean;
  yes: boolean;
  bootstrap?: string;
  zookeeper?: string;
  observatory: string;
  kraftControl: string;
  names: string[];
  help: boolean;
}

const USAGE = `Usage: npm run lesson -- --list
       npm run lesson -- <name> [--yes] [--check] [--bootstrap host:port,...] [--zookeeper host:port] [--observatory url]
                               [--kraft-control url]   (zk-vs-kraft: \`npm start -- --kraft\`'s process control, default ${DEFAULT_KRAFT_CONTROL})
       npm run lesson -- --all --check`;

function parseArgs(argv: string[]): Args {
  const a: Args = {
    list: false,
    all: false,
    check: false,
    yes: false,
    observatory: 'http://127.0.0.1:8080',
    kraftControl: DEFAULT_KRAFT_CONTROL,
    names: [],
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--list') a.list = true;
    else if (arg === '--all') a.all = true;
    else if (arg === '--check') a.check = true;
    else if (arg === '--yes' || arg === '-y') a.yes = true;
    else if (arg === '--bootstrap' || arg === '--bootstrap-server') a.bootstrap = value();
    else if (arg === '--zookeeper') a.zookeeper = value();
    else if (arg === '--observatory') a.observatory = value().replace(/\/+$/, '');
    else if (arg === '--kraft-control') a.kraftControl = value().replace(/\/+$/, '');
    else if (arg === '--help' || arg === '-h') a.help = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else a.names.push(arg);
  }
  return a;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Runs one lesson in this process; returns whether it passed. Prints `lesson <name>: ...` last. */
async function runOne(lesson: Lesson, args: Args): Promise<boolean> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `kafka-lesson-${lesson.name}-`));
  const tmpDir = path.join(root, 'work');
  fs.mkdirSync(tmpDir);
  const external = !args.check || args.bootstrap !== undefined || args.zookeeper !== undefined;
  let target: ClusterTarget | undefined;
  let ctx: LessonRunContext | undefined;
  let cleaned: Promise<void> | undefined;
  let clusterLog = true;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      killRunningCommands();
      clusterLog = false; // the throwaway cluster's teardown is not part of the lesson
      await ctx?.close().catch(() => undefined);
      await target?.close().catch(() => undefined);
      fs.rmSync(root, { recursive: true, force: true });
    })());
  const onSignal = (sig: NodeJS.Signals): void => {
    process.stdout.write(`\n${sig}: stopping\n`);
    void cleanup().finally(() => {
      process.stdout.write(`lesson ${lesson.name}: failed (interrupted by ${sig})\n`);
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killRunningCommands);

  let failure: string | undefined;
  process.stdout.write(`Lesson ${lesson.name}: ${lesson.description}\n`);
  try {
    try {
      if (external) {
        target = await ExternalCluster.connect({
          bootstrap: args.bootstrap,
          zookeeper: args.zookeeper,
          observatory: args.observatory,
          registered: registeredBrokers,
          kraftControl: lesson.cluster?.kraft ? args.kraftControl : undefined,
        });
      } else {
        const c = lesson.cluster ?? {};
        process.stdout.write(`Starting a private cluster (${c.brokers ?? 3} brokers${c.kraft ? ', and a KRaft cluster' : ''}) in ${root}\n`);
        target = await PrivateCluster.start({
          tmpRoot: root,
          brokers: c.brokers ?? 3,
          brokerConfig: c.brokerConfig ?? {},
          kraft: !!c.kraft,
          log: (line) => clusterLog && process.stdout.write(`  [cluster] ${line}\n`),
          registered: registeredBrokers,
          created: (pc) => (target = pc),
        });
      }
    } catch (e) {
      throw e instanceof LessonFailure ? e : new LessonFailure(`could not start the cluster: ${(e as Error).message}`);
    }
    if (lesson.cluster?.kraft && !target.kraft) throw new LessonFailure('this lesson needs a KRaft cluster too: `npm start -- --kraft`, or --check');
    process.stdout.write(`Cluster: bootstrap ${target.bootstrap}, ZooKeeper ${target.zookeeper}\n`);
    ctx = new LessonRunContext(target, {
      checking: args.check,
      pause: !args.check && !args.yes,
      tmpDir,
      runId: crypto.randomBytes(3).toString('hex'),
    });
    await lesson.run(ctx);
  } catch (e) {
    if (e instanceof LessonFailure) {
      failure = oneLine(e.message);
    } else {
      // Not a check that failed but a bug or an unexpected client error: show where, still end with the one-line verdict.
      process.stdout.write(`unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
      failure = oneLine(`error: ${e instanceof Error ? e.message : String(e)}`);
    }
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  process.stdout.write(failure === undefined ? `lesson ${lesson.name}: passed\n` : `lesson ${lesson.name}: failed (${failure})\n`);
  return failure === undefined;
}

/** --all: each lesson in its own process (its own cluster, nothing shared, nothing left behind); `lessons: N/M passed` last. */
async function runAll(lessons: Lesson[], args: Args): Promise<boolean> {
  const passed: string[] = [];
  const failed: string[] = [];
  const started = Date.now();
  const flags = [
    ...(args.check ? ['--check'] : []),
    '--yes',
    ...(args.bootstrap ? ['--bootstrap', args.bootstrap] : []),
    ...(args.zookeeper ? ['--zookeeper', args.zookeeper] : []),
    '--observatory',
    args.observatory,
    '--kraft-control',
    args.kraftControl,
  ];
  let current: ReturnType<typeof spawn> | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    current?.kill(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  for (const lesson of lessons) {
    const t0 = Date.now();
    const code = await new Promise<number>((resolve) => {
      current = spawn(process.execPath, [__filename, lesson.name, ...flags], { stdio: ['ignore', 'inherit', 'inherit'] });
      current.once('exit', (c, s) => resolve(c ?? (s ? 1 : 0)));
      current.once('error', () => resolve(1));
    });
    (code === 0 ? passed : failed).push(lesson.name);
    process.stdout.write(`(${lesson.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s)\n\n`);
    if (code === 130) break;
  }
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.stdout.write(`all lessons took ${((Date.now() - started) / 1000).toFixed(0)} s${failed.length ? `; failed: ${failed.join(', ')}` : ''}\n`);
  process.stdout.write(`lessons: ${passed.length}/${lessons.length} passed\n`);
  return failed.length === 0;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const lessons = loadLessons();
  if (args.list) {
    for (const l of lessons) process.stdout.write(`${l.name}  ${l.description}\n`);
    return 0;
  }
  if (args.all) {
    if (args.names.length > 0) {
      process.stderr.write(`--all takes no lesson names\n${USAGE}\n`);
      return 2;
    }
    return (await runAll(lessons, args)) ? 0 : 1;
  }
  if (args.names.length !== 1) {
    process.stderr.write(`${args.names.length === 0 ? 'which lesson?' : 'one lesson at a time (or --all)'}\n${USAGE}\n`);
    return 2;
  }
  const lesson = lessons.find((l) => l.name === args.names[0]);
  if (!lesson) {
    process.stderr.write(`no lesson named ${args.names[0]}; the lessons are:\n${lessons.map((l) => `  ${l.name}`).join('\n')}\n`);
    return 2;
  }
  return (await runOne(lesson, args)) ? 0 : 1;
}

if (require.main === module) {
  // `npm run lesson -- ... | head`: a closed pipe drops the rest of the output, not the lesson's clean-up.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`${e.stack ?? e.message}\n`);
      process.exit(1);
    },
  );
}
