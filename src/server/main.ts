/**
 * kafka.Kafka's main, behind `bin/kafka-server-start <server.properties> [--override key=value]...`:
 * load the properties, apply the overrides, build the KafkaConfig, set up logging, start the KafkaServer (ZooKeeper
 * mode) or the KafkaRaftServer (process.roles set: KRaft mode), and shut it down once on SIGTERM/SIGINT (Kafka's
 * shutdown hook + LoggingSignalHandler).
 */
import { configureLogging, getLogger, Logger, shutdownLogging } from '../common/logger';
import { ConfigException, KafkaConfig } from './config/KafkaConfig';
import { KafkaServer } from './KafkaServer';
import { applyOverrides, loadProperties } from './config/properties';
import { ZooKeeperClientTimeoutError } from '../zk/errors';
import { isKRaftMode, validateKRaftConfig } from './config/KRaftConfigValidation';
import { verifyKRaftStorage } from './BrokerMetadataCheckpoint';
import type { KafkaRaftServer } from './KafkaRaftServer';
import { startIdleHeapReducer } from '../common/IdleHeapReducer';

const USAGE = 'USAGE: kafka-server-start server.properties [--override property=value]*';

interface ServerArgs {
  propertiesFile: string;
  overrides: string[];
}

/** Kafka.getPropsFromArgs' argument rules; returns an error message instead of exiting. */
export function parseArgs(argv: readonly string[]): ServerArgs | { error: string } {
  if (argv.length === 0 || argv.includes('--help')) return { error: USAGE };
  const [propertiesFile, ...rest] = argv;
  const overrides: string[] = [];
  const nonOptions: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--override') {
      if (i + 1 >= rest.length) return { error: `Option override requires an argument\n${USAGE}` };
      overrides.push(rest[++i]);
    } else if (a.startsWith('--override=')) {
      overrides.push(a.slice('--override='.length));
    } else {
      nonOptions.push(a);
    }
  }
  if (nonOptions.length > 0) return { error: `Found non argument parameters: ${nonOptions.join(',')}\n${USAGE}` };
  return { propertiesFile, overrides };
}

/**
 * Loads the file, applies overrides and builds the config; every failure is a one-line message. With process.roles
 * set (KRaft mode, as Kafka.buildServer picks KafkaRaftServer) the KRaft config and storage checks run first, so a
 * bad KRaft configuration or an unformatted directory gets Kafka's message before anything is written.
 */
function buildConfig(args: ServerArgs): KafkaConfig {
  const props = applyOverrides(loadProperties(args.propertiesFile), args.overrides);
  if (isKRaftMode(props)) {
    const kraft = validateKRaftConfig(props);
    // KafkaRaftServer checks its directories before anything else; an unformatted one gets Kafka's message.
    verifyKRaftStorage(kraft.logDirs, kraft.metadataLogDir, kraft.nodeId);
  }
  return KafkaConfig.fromProps(props);
}

async function exit(code: number): Promise<never> {
  await shutdownLogging().catch(() => undefined);
  process.exit(code);
}

const oneLine = (s: string) => s.replace(/\r?\n/g, '\\n');

/**
 * What a fatal start-up error logs below its line. ZooKeeper not reachable within
 * zookeeper.connection.timeout.ms is an operational condition, not a bug: log4j's throwable line
 * (Kafka's exception class and message) without our stack frames.
 */
function startupFailure(e: unknown): unknown {
  if (e instanceof ZooKeeperClientTimeoutError) return `kafka.zookeeper.ZooKeeperClientTimeoutException: ${e.message}`;
  return e;
}

/**
 * Kafka.main's LoggingSignalHandler and shutdown hook: SIGTERM or SIGINT shuts the server down once, then the process
 * exits 0 (1 if the shutdown failed). `signalled` says whether a signal started the shutdown.
 */
function shutdownOnSignals(
  server: { shutdown(): Promise<void> },
  name: string,
  kafkaLog: Logger,
): { shutdownOnce: () => Promise<void>; signalled: () => boolean } {
  let shutdown: Promise<void> | null = null;
  let bySignal = false;
  const shutdownOnce = (): Promise<void> => (shutdown ??= server.shutdown());
  const signalLog = getLogger('kafka.utils.LoggingSignalHandler');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      signalLog.info(`Terminating process due to signal ${signal}`);
      bySignal = true;
      shutdownOnce().then(
        () => exit(0),
        (e: unknown) => {
          kafkaLog.error(`Error during ${name} shutdown`, e);
          return exit(1);
        },
      );
    });
  }
  return { shutdownOnce, signalled: () => bySignal };
}

/** Runs a KRaft node (KafkaRaftServer) until it is shut down: Kafka.main's path for a config with process.roles. */
async function runKRaft(config: KafkaConfig, kafkaLog: Logger): Promise<void> {
  let server: KafkaRaftServer;
  try {
    // Loaded only in KRaft mode: a ZooKeeper-mode broker never loads the Raft client, the quorum controller and the
    // metadata image (73 modules, about 1 MB of heap and 3 MB of RSS).
    const { KafkaRaftServer } = await import('./KafkaRaftServer');
    server = new KafkaRaftServer(config);
  } catch (e) {
    kafkaLog.error('Exiting Kafka due to fatal exception', e);
    return exit(1);
  }
  const { shutdownOnce, signalled } = shutdownOnSignals(server, 'KafkaRaftServer', kafkaLog);
  try {
    await server.startup();
  } catch (e) {
    // A SIGTERM during start-up stops it on purpose (the broker's start-up waits are cancelled): the signal handler
    // finishes the shutdown and exits 0. Any other failure is fatal.
    if (signalled()) return new Promise<void>(() => undefined);
    await shutdownOnce().catch((err: unknown) => kafkaLog.error('Error during KafkaRaftServer shutdown', err));
    kafkaLog.error('Exiting Kafka due to fatal exception during startup.', e);
    return exit(1);
  }
  await server.awaitShutdown();
  await shutdownOnce();
  // A Raft client that stopped on an error is fatal: exit 1, as Kafka's fault handler does.
  return exit(server.failed ? 1 : 0);
}

/** Runs a broker until it is shut down; resolves never (the process exits). */
export async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if ('error' in args) {
    process.stdout.write(`${args.error}\n`);
    return exit(1);
  }
  let config: KafkaConfig;
  try {
    config = buildConfig(args);
  } catch (e) {
    const msg = e instanceof ConfigException ? `ConfigException: ${e.message}` : `Exiting Kafka due to fatal exception: ${(e as Error).message}`;
    process.stderr.write(`${oneLine(msg)}\n`);
    return exit(1);
  }

  configureLogging();
  const kafkaLog = getLogger('kafka.Kafka$');
  // AbstractConfig.logAll ends with a newline, so Kafka's line closes with " (kafka.server.KafkaConfig)" alone.
  const configLog = getLogger('kafka.server.KafkaConfig');
  configLog.info(config.logValues());
  for (const key of config.unknownKeys()) configLog.warn(`The configuration '${key}' was supplied but isn't a known config.`);

  process.on('uncaughtException', (e) => {
    kafkaLog.error('Exiting Kafka due to fatal exception', e);
    void exit(1);
  });
  process.on('unhandledRejection', (e) => {
    kafkaLog.error('Exiting Kafka due to fatal exception', e);
    void exit(1);
  });

  // The JVM's periodic GC while idle (G1PeriodicGCInterval): an idle broker gives its garbage back (both modes).
  startIdleHeapReducer();
  if (config.kraft) return runKRaft(config, kafkaLog);

  const server = new KafkaServer(config);
  const { shutdownOnce } = shutdownOnSignals(server, 'KafkaServer', kafkaLog);

  try {
    await server.startup();
  } catch (e) {
    // KafkaServer.startup's catch (fatal, then shutdown) and Kafka.main's (fatal, Exit.exit(1)).
    getLogger('kafka.server.KafkaServer', `[KafkaServer id=${config.brokerId}] `).error(
      'Fatal error during KafkaServer startup. Prepare to shutdown',
      startupFailure(e),
    );
    await shutdownOnce().catch((err: unknown) => kafkaLog.error('Error during KafkaServer shutdown', err));
    kafkaLog.error('Exiting Kafka due to fatal exception during startup.', startupFailure(e));
    return exit(1);
  }
  await server.awaitShutdown();
  await shutdownOnce();
  return exit(0);
}
