/**
 * `bin/zookeeper-server-start <zookeeper.properties> [--myid N]`, like Kafka's zookeeper-server-start.sh:
 * runs the real ZooKeeper in the foreground. SIGINT/SIGTERM/SIGHUP are forwarded so the JVM stops with us.
 */
import { ensureZooKeeperInstalled, prepareZooKeeperDataDir, spawnZooKeeper } from './zookeeper';

const USAGE = 'USAGE: zookeeper-server-start <zookeeper.properties> [--myid N]';

export function main(argv: string[]): void {
  let file: string | undefined;
  let myid: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--myid' || a.startsWith('--myid=')) {
      const v = a === '--myid' ? argv[++i] : a.substring(7);
      myid = Number(v);
      if (!Number.isInteger(myid) || myid < 0) return fail(`Invalid --myid ${v}`);
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      return;
    } else if (a === '-daemon') {
      return fail('-daemon is not supported: run it in the background with your shell or use npm start');
    } else if (!file) {
      file = a;
    } else {
      return fail(USAGE);
    }
  }
  if (!file) return fail(USAGE);
  try {
    ensureZooKeeperInstalled();
    prepareZooKeeperDataDir(file, myid);
  } catch (e) {
    return fail((e as Error).message);
  }
  const child = spawnZooKeeper(file, { stdio: 'inherit' });
  const forward = (sig: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, forward(sig));
  // Last resort if we exit for another reason: never leave the JVM behind.
  process.on('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  child.on('error', (e) => fail(`Could not start java: ${e.message}`));
  child.on('exit', (code, signal) => {
    // A JVM stopped by SIGTERM/SIGINT exits with 143/130; report what the shell would.
    process.exitCode = code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1);
    process.exit();
  });
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}
