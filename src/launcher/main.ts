/**
 * `npm start`: runs the local cluster (3 ZooKeeper nodes + N brokers on 127.0.0.1) in the foreground
 * until Ctrl-C / SIGTERM / SIGHUP, then stops brokers first and ZooKeeper last, and exits 0.
 */
import { Command, InvalidArgumentError } from 'commander';
import { LocalCluster } from './LocalCluster';

function parseBrokerCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new InvalidArgumentError('must be an integer from 0 to 100.');
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('npm start --')
    .description('Start a local Kafka cluster: a 3-node ZooKeeper ensemble and N brokers on 127.0.0.1.')
    .option('--brokers <n>', 'number of brokers (0 = ZooKeeper only)', parseBrokerCount, 3)
    .option('--fresh', 'wipe the data/ folder first', false)
    .exitOverride((err) => {
      process.exit(err.exitCode);
    });
  program.parse(argv);
  const opts = program.opts<{ brokers: number; fresh: boolean }>();

  const cluster = new LocalCluster({ brokers: opts.brokers, fresh: opts.fresh });
  let stopSignal: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stopSignal) {
      // A second Ctrl-C: do not wait for controlled shutdowns any longer.
      console.log(`${sig} again: killing everything now`);
      cluster.killAllSync();
      process.exit(1);
    }
    stopSignal = sig;
    console.log(`\n${sig} received: stopping the cluster`);
    cluster.stop().then(
      () => {
        console.log('Cluster stopped.');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`Error while stopping: ${String(err)}`);
        cluster.killAllSync();
        process.exit(1);
      },
    );
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  process.on('uncaughtException', (err) => {
    console.error('Launcher crashed:', err);
    cluster.killAllSync();
    process.exit(1);
  });

  try {
    await cluster.start();
  } catch (err) {
    if (stopSignal) return new Promise<number>(() => undefined); // the signal handler exits
    console.error(`Could not start the cluster: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  console.log(cluster.describe());
  setInterval(() => undefined, 1 << 30); // stay up even if every child died; only a signal ends us
  return new Promise<number>(() => undefined);
}

if (require.main === module) {
  void main(process.argv).then((code) => process.exit(code));
}
