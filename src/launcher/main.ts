/**
 * `npm start`: runs the local cluster (3 ZooKeeper nodes + N brokers on 127.0.0.1) in the foreground
 * until Ctrl-C / SIGTERM / SIGHUP, then stops brokers first and ZooKeeper last, and exits 0. The
 * observatory (the live cluster in a browser) is served on --ui-port (default 8080, 0 = off).
 * `npm start -- --kraft`: the same in KRaft mode (KRaftCluster: controllers 3001-3003 on 19091-19093, brokers
 * on 9092..., no ZooKeeper); the observatory reads ZooKeeper, so it is not offered there.
 */
import { Command, InvalidArgumentError } from 'commander';
import { configureLogging } from '../common/logger';
import { ObservatoryServer } from '../observatory/ObservatoryServer';
import { KRaftCluster } from './KRaftCluster';
import { LocalCluster } from './LocalCluster';

function parseBrokerCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new InvalidArgumentError('must be an integer from 0 to 100.');
  return n;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 = no observatory).');
  return n;
}

/** The observatory over the launcher's cluster, with process control; null when it cannot listen. */
export async function startObservatory(cluster: LocalCluster, port: number): Promise<ObservatoryServer | null> {
  const obs = new ObservatoryServer({
    zookeeperConnect: cluster.zookeeperConnect,
    bootstrapServers: cluster.bootstrapServers,
    brokers: cluster.layout.brokers.map((b) => ({ id: b.id, host: b.host, port: b.port, metricsPort: b.metricsPort, logDir: cluster.brokerLogDir(b.id) })),
    control: cluster,
    port,
  });
  try {
    await obs.start();
    return obs;
  } catch (err) {
    console.error(`Observatory: cannot listen on 127.0.0.1:${port} (${(err as Error).message}); start with --ui-port <n>, or --ui-port 0 for none.`);
    await obs.close();
    return null;
  }
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('npm start --')
    .description('Start a local Kafka cluster: a 3-node ZooKeeper ensemble (or, with --kraft, 3 KRaft controllers) and N brokers on 127.0.0.1.')
    .option('--brokers <n>', 'number of brokers (0 = ZooKeeper or controllers only)', parseBrokerCount, 3)
    .option('--fresh', 'wipe the data/ folder first', false)
    .option('--ui-port <n>', 'port of the observatory web page on 127.0.0.1 (0 = off; ZooKeeper mode only)', parsePort, 8080)
    .option('--kraft', 'KRaft mode: 3 controllers (node.id 3001-3003, 127.0.0.1:19091-19093) and N brokers, no ZooKeeper', false)
    .exitOverride((err) => {
      process.exit(err.exitCode);
    });
  program.parse(argv);
  const opts = program.opts<{ brokers: number; fresh: boolean; uiPort: number; kraft: boolean }>();
  // The observatory's ZooKeeper client logs through Kafka's logger: only errors belong on the launcher's console.
  configureLogging({ level: 'ERROR', files: false });

  const cluster = opts.kraft ? new KRaftCluster({ brokers: opts.brokers, fresh: opts.fresh }) : new LocalCluster({ brokers: opts.brokers, fresh: opts.fresh });
  let observatory: ObservatoryServer | null = null;
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
    const closing = observatory ? observatory.close().catch(() => undefined) : Promise.resolve();
    closing
      .then(() => cluster.stop())
      .then(
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
  if (cluster instanceof KRaftCluster) {
    console.log(cluster.describe());
    if (opts.uiPort !== 0) {
      console.log(
        'Observatory: not available in KRaft mode (it watches the cluster through ZooKeeper); --ui-port is ignored. ' +
          'Use bin/kafka-metadata-quorum and bin/kafka-metadata-shell to look inside.',
      );
    }
  } else {
    if (opts.uiPort !== 0 && !stopSignal) observatory = await startObservatory(cluster, opts.uiPort);
    console.log(cluster.describe(observatory?.url));
  }
  setInterval(() => undefined, 1 << 30); // stay up even if every child died; only a signal ends us
  return new Promise<number>(() => undefined);
}

if (require.main === module) {
  void main(process.argv).then((code) => process.exit(code));
}
