/**
 * `npm start`: runs the local cluster (3 ZooKeeper nodes + N brokers on 127.0.0.1) in the foreground
 * until Ctrl-C / SIGTERM / SIGHUP, then stops brokers first and ZooKeeper last, and exits 0. The
 * observatory (the live cluster in a browser) is served on --ui-port (default 8080, 0 = off).
 * `npm start -- --kraft`: the same in KRaft mode (KRaftCluster: controllers 3001-3003 on 19091-19093, brokers
 * on 9092..., no ZooKeeper); the observatory reads ZooKeeper, so it is not offered there, but the launcher's process
 * control is (KRaftControlServer on --ui-port, default 8081: the observatory's POST /api/brokers/<id>/{stop,kill,start}).
 * `--kraft --broker-port 9192` moves the KRaft brokers off 9092-9094, so that both modes run side by side.
 * `npm start -- --secure`: SSL, SASL_SSL and SASL_PLAINTEXT listeners beside PLAINTEXT, ACLs on, an admin super user,
 * certificates in data/secure (SecureCluster.ts); it prints the client settings to use.
 */
import { Command, InvalidArgumentError } from 'commander';
import * as path from 'path';
import { configureLogging } from '../common/logger';
import { ObservatoryServer } from '../observatory/ObservatoryServer';
import { KRaftCluster } from './KRaftCluster';
import { KRaftControlServer } from './KRaftControlServer';
import { localKRaftLayout } from './KRaftLayout';
import { ClusterLayout, localClusterLayout } from './ClusterLayout';
import { LocalCluster } from './LocalCluster';
import { describeSecure, localSecurePorts, prepareSecureCluster, SecureFiles, SecurePorts, secureLayout } from './SecureCluster';

/** The observatory's default port; in KRaft mode the launcher's process control takes the next one. */
const UI_PORT = 8080;
const KRAFT_CONTROL_PORT = 8081;

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

function parseBrokerPort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 65000) throw new InvalidArgumentError('must be a port number from 1 to 65000.');
  return n;
}

/** The KRaft launcher's process control (GET /api/state, POST /api/brokers/<id>/{stop,kill,start}); null when it cannot listen. */
export async function startKRaftControl(cluster: KRaftCluster, port: number): Promise<KRaftControlServer | null> {
  const server = new KRaftControlServer(cluster, { port });
  try {
    await server.start();
    return server;
  } catch (err) {
    console.error(`Process control: cannot listen on 127.0.0.1:${port} (${(err as Error).message}); start with --ui-port <n>, or --ui-port 0 for none.`);
    await server.close().catch(() => undefined);
    return null;
  }
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
    .option(
      '--ui-port <n>',
      'port on 127.0.0.1 of the observatory web page (default 8080), or with --kraft of the process control API (default 8081); 0 = off',
      parsePort,
    )
    .option('--kraft', 'KRaft mode: 3 controllers (node.id 3001-3003, 127.0.0.1:19091-19093) and N brokers, no ZooKeeper', false)
    .option(
      '--secure',
      'also listen with SSL (port+200), SASL_SSL (port+300) and SASL_PLAINTEXT (port+400): 9292-9294, 9392-9394, 9492-9494; ' +
        'ACLs on, users admin (super user) and alice, certificates and client settings in data/secure/',
      false,
    )
    .option('--broker-port <port>', 'with --kraft: broker N listens on <port>+N-1 instead of 9091+N (e.g. 9192, to run beside `npm start`)', parseBrokerPort)
    .exitOverride((err) => {
      process.exit(err.exitCode);
    });
  program.parse(argv);
  const opts = program.opts<{ brokers: number; fresh: boolean; uiPort?: number; kraft: boolean; brokerPort?: number; secure: boolean }>();
  if (opts.brokerPort !== undefined && !opts.kraft) {
    console.error('--broker-port applies to KRaft mode (--kraft) only');
    return 2;
  }
  if (opts.secure && opts.kraft) {
    console.error(
      '--secure is not available with --kraft yet: security in KRaft mode (SCRAM credentials and ACLs in metadata records) is still being built. ' +
        'Use `npm start -- --secure` (ZooKeeper mode).',
    );
    return 2;
  }
  // The observatory's ZooKeeper client logs through Kafka's logger: only errors belong on the launcher's console.
  configureLogging({ level: 'ERROR', files: false });
  if (opts.secure) {
    const layout = localClusterLayout({ brokers: opts.brokers });
    const ports = new Map(layout.brokers.map((b) => [b.id, localSecurePorts(b)]));
    const secure = secureCluster(layout, ports, { fresh: opts.fresh });
    return runLauncher(secure.cluster, opts.uiPort ?? UI_PORT, secure.describe);
  }

  const cluster = opts.kraft
    ? new KRaftCluster({ layout: localKRaftLayout({ brokers: opts.brokers, brokerPort: opts.brokerPort }), fresh: opts.fresh })
    : new LocalCluster({ brokers: opts.brokers, fresh: opts.fresh });
  return runLauncher(cluster, opts.uiPort ?? (opts.kraft ? KRAFT_CONTROL_PORT : UI_PORT));
}

/**
 * The `--secure` cluster over any layout (`npm start`'s fixed one, or a temporary one in tests): the brokers get the
 * secure listeners' overrides, and certificates, SCRAM users and client property files are made once ZooKeeper is up.
 */
export function secureCluster(
  layout: ClusterLayout,
  ports: ReadonlyMap<number, SecurePorts>,
  opts: { fresh?: boolean; log?: (line: string) => void } = {},
): { cluster: LocalCluster; files: SecureFiles; describe: () => string } {
  const files = new SecureFiles(path.join(layout.dataDir, 'secure'));
  const secured = secureLayout(layout, ports, files);
  const cluster = new LocalCluster({
    layout: secured,
    fresh: opts.fresh,
    log: opts.log,
    beforeBrokers: (zk, log) => prepareSecureCluster(secured, files, zk, log),
  });
  return { cluster, files, describe: () => describeSecure(secured, ports, files) };
}

/**
 * Runs a started-here cluster in the foreground until a signal: `npm start`'s body, also the entry point of tests
 * that run the launcher on temporary layouts. uiPort 0 = no observatory / process control.
 */
export async function runLauncher(cluster: LocalCluster | KRaftCluster, uiPort: number, describeMore?: () => string): Promise<number> {
  let observatory: ObservatoryServer | KRaftControlServer | null = null;
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
    const message = err instanceof Error ? err.message : String(err);
    console.error(`Could not start the cluster: ${message}`);
    if (cluster instanceof KRaftCluster && /already in use/.test(message)) {
      console.error('(ZooKeeper-mode `npm start` uses 9092-9094 too: to run both side by side, use `npm start -- --kraft --broker-port 9192`.)');
    }
    return 1;
  }
  if (cluster instanceof KRaftCluster) {
    if (uiPort !== 0 && !stopSignal) observatory = await startKRaftControl(cluster, uiPort);
    console.log(
      'Observatory: not available in KRaft mode (it watches the cluster through ZooKeeper). ' +
        'Use bin/kafka-metadata-quorum and bin/kafka-metadata-shell to look inside.',
    );
    if (observatory) {
      console.log(
        `Process control: GET ${observatory.url}/api/state, POST ${observatory.url}/api/brokers/<id>/{stop,kill,start} ` +
          "(the observatory's actions; `npm run lesson -- zk-vs-kraft` uses them; --ui-port 0 turns it off)",
      );
    }
    console.log(cluster.describe());
  } else {
    if (uiPort !== 0 && !stopSignal) observatory = await startObservatory(cluster, uiPort);
    const text = cluster.describe(observatory?.url).split('\n');
    // The extra block (--secure's listeners and client settings) goes before the closing "Press Ctrl-C" line.
    if (describeMore) text.splice(text.length - 1, 0, describeMore(), '');
    console.log(text.join('\n'));
  }
  setInterval(() => undefined, 1 << 30); // stay up even if every child died; only a signal ends us
  return new Promise<number>(() => undefined);
}

if (require.main === module) {
  void main(process.argv).then((code) => process.exit(code));
}
