/**
 * Where the processes of a local KRaft cluster live (`npm start -- --kraft`): dedicated controllers (node.id
 * 3001.., the CONTROLLER listener) and brokers (node.id 1..), each with its properties file and one data folder
 * holding meta.properties beside `__cluster_metadata-0` (log.dirs = metadata.log.dir, as Kafka's
 * config/kraft/*.properties set it up). No ZooKeeper.
 *
 * `localKRaftLayout()` reads config/kraft/{controller-300N,broker-N}.properties (controllers 127.0.0.1:19091-19093,
 * brokers 127.0.0.1:9092-9094, data under data/kraft/); `tempKRaftLayout()` writes the same kind of files on free
 * ports into a temp folder (benchmarks and tests).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findRepoRoot, freePort } from './ClusterLayout';
import { readProperties } from './zookeeper';

export type KRaftRole = 'controller' | 'broker';

export interface KRaftNodeSpec {
  id: number;
  role: KRaftRole;
  propertiesFile: string;
  /** `key=value` pairs passed as `--override key=value`. */
  overrides: string[];
  host: string;
  /** The node's own listener: CONTROLLER for a controller, PLAINTEXT for a broker. */
  port: number;
  /** log.dirs (and metadata.log.dir): meta.properties and __cluster_metadata-0 live here. Absolute. */
  dataDir: string;
}

export interface KRaftClusterLayout {
  /** Repo root: the children's working directory. */
  rootDir: string;
  /** Absolute folder of every node's data folder. */
  dataDir: string;
  /** Absolute folder for `*.out` files and each node's LOG_DIR. */
  logDir: string;
  controllers: KRaftNodeSpec[];
  brokers: KRaftNodeSpec[];
  /** A temp layout removes dataDir when the cluster stops. */
  temporary: boolean;
}

/** Node ids of the dedicated controllers (issue 13: 3001, 3002, 3003). */
export const CONTROLLER_IDS = [3001, 3002, 3003];

/** `3001@127.0.0.1:19091,...`: controller.quorum.voters of the layout. */
export function quorumVoters(layout: KRaftClusterLayout): string {
  return layout.controllers.map((c) => `${c.id}@${c.host}:${c.port}`).join(',');
}

export function kraftBootstrapServers(layout: KRaftClusterLayout): string {
  return layout.brokers.map((b) => `${b.host}:${b.port}`).join(',');
}

/** Port of the first listener in `listeners=NAME://host:port,...`. */
function listenerPort(listeners: string | undefined): number | undefined {
  const m = listeners ? /:\/\/[^,]*:(\d+)/.exec(listeners) : null;
  return m ? Number(m[1]) : undefined;
}

/** The properties a controller of this layout runs with. */
export function controllerProperties(id: number, port: number, voters: string, dataDir: string): Record<string, string> {
  return {
    'process.roles': 'controller',
    'node.id': String(id),
    'controller.quorum.voters': voters,
    'controller.listener.names': 'CONTROLLER',
    listeners: `CONTROLLER://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': dataDir,
  };
}

/** The properties a broker of this layout runs with; internal topics at min(3, brokers) replicas. */
export function brokerProperties(id: number, port: number, voters: string, dataDir: string, brokerCount: number): Record<string, string> {
  const rf = String(Math.max(1, Math.min(3, brokerCount)));
  return {
    'process.roles': 'broker',
    'node.id': String(id),
    'controller.quorum.voters': voters,
    'controller.listener.names': 'CONTROLLER',
    listeners: `PLAINTEXT://127.0.0.1:${port}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': '1',
    'default.replication.factor': '1',
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': brokerCount >= 3 ? '2' : '1',
    'group.initial.rebalance.delay.ms': '0',
  };
}

function writeProperties(file: string, header: string[], props: Record<string, string>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const body = Object.entries(props).map(([k, v]) => `${k}=${v}`);
  fs.writeFileSync(file, [...header.map((h) => `# ${h}`), ...body].join('\n') + '\n');
}

/**
 * The `npm start -- --kraft` layout: config/kraft/controller-{3001,3002,3003}.properties and
 * config/kraft/broker-N.properties. Brokers beyond the shipped files get generated files under
 * data/kraft/config/ (port 9091+N, data/kraft/broker-N), and with fewer than 3 brokers the internal topics'
 * replication factor is lowered (Kafka refuses to create __consumer_offsets with too few brokers). `brokerPort`
 * (`--broker-port`) puts broker N on brokerPort+N-1 through --override listeners/advertised.listeners.
 */
export function localKRaftLayout(opts: { rootDir?: string; brokers?: number; brokerPort?: number } = {}): KRaftClusterLayout {
  const rootDir = opts.rootDir ?? findRepoRoot();
  const brokerCount = opts.brokers ?? 3;
  const dataDir = path.join(rootDir, 'data', 'kraft');
  const conf = path.join(rootDir, 'config', 'kraft');
  const abs = (p: string): string => path.resolve(rootDir, p);
  const controllers: KRaftNodeSpec[] = CONTROLLER_IDS.map((id, i) => {
    const propertiesFile = path.join(conf, `controller-${id}.properties`);
    const props = fs.existsSync(propertiesFile) ? readProperties(propertiesFile) : new Map<string, string>();
    return {
      id,
      role: 'controller',
      propertiesFile,
      overrides: [],
      host: '127.0.0.1',
      port: listenerPort(props.get('listeners')) ?? 19091 + i,
      dataDir: abs(props.get('log.dirs') ?? `data/kraft/controller-${id}`),
    };
  });
  const voters = controllers.map((c) => `${c.id}@${c.host}:${c.port}`).join(',');
  const brokers: KRaftNodeSpec[] = [];
  for (let id = 1; id <= brokerCount; id++) {
    let propertiesFile = path.join(conf, `broker-${id}.properties`);
    const overrides: string[] = [];
    let port = 9091 + id;
    let dir = `data/kraft/broker-${id}`;
    if (fs.existsSync(propertiesFile)) {
      const props = readProperties(propertiesFile);
      port = listenerPort(props.get('listeners')) ?? port;
      dir = props.get('log.dirs') ?? dir;
    } else {
      propertiesFile = path.join(dataDir, 'config', `broker-${id}.properties`);
      writeProperties(
        propertiesFile,
        [`Broker ${id} of \`npm start -- --kraft --brokers ${brokerCount}\` (generated).`],
        brokerProperties(id, port, voters, dir, brokerCount),
      );
    }
    if (opts.brokerPort !== undefined) {
      // `--broker-port`: the same brokers on other ports (beside a ZooKeeper-mode `npm start` on 9092-9094).
      port = opts.brokerPort + id - 1;
      overrides.push(`listeners=PLAINTEXT://127.0.0.1:${port}`, `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`);
    }
    if (brokerCount < 3) {
      overrides.push(
        `offsets.topic.replication.factor=${brokerCount}`,
        `transaction.state.log.replication.factor=${brokerCount}`,
        'transaction.state.log.min.isr=1',
      );
    }
    brokers.push({ id, role: 'broker', propertiesFile, overrides, host: '127.0.0.1', port, dataDir: abs(dir) });
  }
  return { rootDir, dataDir, logDir: path.join(dataDir, 'logs'), controllers, brokers, temporary: false };
}

interface TempKRaftOptions {
  controllers?: number;
  brokers?: number;
  rootDir?: string;
  tmpRoot?: string;
  /** Extra properties for every broker / controller. */
  brokerProps?: Record<string, string>;
  controllerProps?: Record<string, string>;
  /** Where ports come from (default: distinct ports the OS says are free). */
  takePort?: () => Promise<number>;
}

/** Writes controller and broker properties files on free ports into a fresh temp folder. */
export async function tempKRaftLayout(opts: TempKRaftOptions): Promise<KRaftClusterLayout> {
  const rootDir = opts.rootDir ?? findRepoRoot();
  const dataDir = fs.mkdtempSync(path.join(opts.tmpRoot ?? os.tmpdir(), 'kafka-ts-kraft-'));
  const confDir = path.join(dataDir, 'config');
  const controllerCount = opts.controllers ?? 3;
  const taken = new Set<number>();
  const takePort =
    opts.takePort ??
    (async (): Promise<number> => {
      for (;;) {
        const p = await freePort();
        if (!taken.has(p)) {
          taken.add(p);
          return p;
        }
      }
    });
  const brokerCount = opts.brokers ?? 3;
  const controllers: KRaftNodeSpec[] = [];
  for (let i = 0; i < controllerCount; i++) {
    const id = CONTROLLER_IDS[0] + i;
    controllers.push({
      id,
      role: 'controller',
      propertiesFile: path.join(confDir, `controller-${id}.properties`),
      overrides: [],
      host: '127.0.0.1',
      port: await takePort(),
      dataDir: path.join(dataDir, `controller-${id}`),
    });
  }
  const brokers: KRaftNodeSpec[] = [];
  for (let id = 1; id <= brokerCount; id++) {
    brokers.push({
      id,
      role: 'broker',
      propertiesFile: path.join(confDir, `broker-${id}.properties`),
      overrides: [],
      host: '127.0.0.1',
      port: await takePort(),
      dataDir: path.join(dataDir, `broker-${id}`),
    });
  }
  const layout: KRaftClusterLayout = { rootDir, dataDir, logDir: path.join(dataDir, 'logs'), controllers, brokers, temporary: true };
  const voters = quorumVoters(layout);
  for (const c of controllers) writeProperties(c.propertiesFile, [], { ...controllerProperties(c.id, c.port, voters, c.dataDir), ...opts.controllerProps });
  for (const b of brokers) writeProperties(b.propertiesFile, [], { ...brokerProperties(b.id, b.port, voters, b.dataDir, brokerCount), ...opts.brokerProps });
  return layout;
}
