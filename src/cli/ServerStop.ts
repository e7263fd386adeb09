/**
 * kafka-server-stop / zookeeper-server-stop (Kafka's bin/*-stop.sh): find the server processes by their
 * command line, as the scripts' `ps ax | grep` does, and send them SIGTERM (or $SIGNAL). Brokers are
 * `node .../bin/kafka-server-start <server.properties>`, ZooKeeper is `java ... QuorumPeerMain <cfg>`.
 */
import * as fs from 'fs';

interface ServerProcess {
  pid: number;
  args: string[];
}

/** Every process whose argv satisfies `match` (read from /proc, like `ps ax`), except this one. */
function findProcesses(match: (args: string[]) => boolean): ServerProcess[] {
  const out: ServerProcess[] = [];
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const args = fs
        .readFileSync(`/proc/${e}/cmdline`, 'utf8')
        .split('\0')
        .filter((s) => s.length > 0);
      if (args.length > 0 && match(args)) out.push({ pid: Number(e), args });
    } catch {
      // the process exited meanwhile, or is not ours to read
    }
  }
  return out;
}

function readProps(file: string | undefined): Map<string, string> {
  const m = new Map<string, string>();
  if (!file) return m;
  try {
    for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
      const i = line.indexOf('=');
      if (i > 0 && !line.trimStart().startsWith('#')) m.set(line.substring(0, i).trim(), line.substring(i + 1).trim());
    }
  } catch {
    // unreadable config: it matches no filter
  }
  return m;
}

function signalAll(pids: number[]): number {
  const signal = (process.env.SIGNAL ?? 'TERM').toUpperCase();
  const sig = (signal.startsWith('SIG') ? signal : `SIG${signal}`) as NodeJS.Signals;
  let failed = 0;
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch (e) {
      failed++;
      process.stderr.write(`kill: (${pid}) - ${(e as NodeJS.ErrnoException).code === 'EPERM' ? 'Operation not permitted' : 'No such process'}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

/** kafka-server-stop [--process-role broker|controller] [--node-id N] */
export function kafkaServerStop(argv: string[]): number {
  let nodeId: string | undefined;
  let role: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--node-id') nodeId = argv[++i];
    else if (argv[i] === '--process-role') role = argv[++i];
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(
        'Usage: kafka-server-stop [--process-role broker|controller] [--node-id <id>]\nStops the broker processes (bin/kafka-server-start) of this machine with SIGTERM ($SIGNAL).',
      );
      return 0;
    } else {
      process.stderr.write(`kafka-server-stop: unknown option '${argv[i]}'\n`);
      return 1;
    }
  }
  const procs = findProcesses((args) => args.some((a) => /(^|\/)kafka-server-start$/.test(a)) && /node/.test(args[0])).filter((p) => {
    const i = p.args.findIndex((a) => /(^|\/)kafka-server-start$/.test(a));
    const props = readProps(p.args[i + 1]);
    // `--override k=v` on the command line wins over the file, as in kafka-server-start.
    for (let j = i + 2; j < p.args.length - 1; j++) {
      if (p.args[j] !== '--override') continue;
      const kv = p.args[++j];
      const eq = kv.indexOf('=');
      if (eq > 0) props.set(kv.substring(0, eq), kv.substring(eq + 1));
    }
    if (nodeId !== undefined && (props.get('node.id') ?? props.get('broker.id')) !== nodeId) return false;
    // ZooKeeper-mode brokers have no process.roles; they are brokers.
    if (
      role !== undefined &&
      !(props.get('process.roles') ?? 'broker')
        .split(',')
        .map((s) => s.trim())
        .includes(role)
    )
      return false;
    return true;
  });
  if (procs.length === 0) {
    console.log('No kafka server to stop');
    return 1;
  }
  return signalAll(procs.map((p) => p.pid));
}

/** zookeeper-server-stop: every `java ... QuorumPeerMain` of this machine. */
export function zookeeperServerStop(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('Usage: zookeeper-server-stop\nStops the ZooKeeper servers (java ... QuorumPeerMain) of this machine with SIGTERM ($SIGNAL).');
    return 0;
  }
  const procs = findProcesses((args) => /java/.test(args[0]) && args.some((a) => /QuorumPeerMain/i.test(a)));
  if (procs.length === 0) {
    console.log('No zookeeper server to stop');
    return 1;
  }
  return signalAll(procs.map((p) => p.pid));
}
