/**
 * Where the processes of a local cluster live: which ZooKeeper properties files, which broker properties
 * files (plus `--override`s), the ports they listen on and the folders for data and logs.
 *
 * Two layouts: `localClusterLayout()` is what `npm start` runs (config/local/*.properties, fixed ports
 * 2181-2183 and 9092-9094, data under the repo's git-ignored data/ folder), and `tempClusterLayout()` writes
 * fresh properties files on ports the OS hands out into a temp folder (benchmarks and tests).
 */
import * as fs from 'fs';
import { freePort as claimFreePort } from './FreePorts';
import * as os from 'os';
import * as path from 'path';
import { readProperties } from './zookeeper';

interface ZooKeeperNodeSpec {
  /** 1-based server id (myid for an ensemble). */
  id: number;
  propertiesFile: string;
  clientPort: number;
  /** Written to dataDir/myid before start; undefined for a standalone server. */
  myid?: number;
}

export interface BrokerSpec {
  id: number;
  propertiesFile: string;
  /** `key=value` pairs passed as `--override key=value`, like Kafka's kafka-server-start.sh. */
  overrides: string[];
  host: string;
  port: number;
  /** Port of the broker's Prometheus endpoint (`metrics.prometheus.port`); undefined when it serves none. */
  metricsPort?: number;
  /** Ports of its other listeners (SSL, SASL_SSL, SASL_PLAINTEXT with --secure): checked free before start. */
  extraPorts?: number[];
}

export interface ClusterLayout {
  /** Repo root: the children's working directory (relative paths in config/local resolve against it). */
  rootDir: string;
  /** Absolute data folder (ZooKeeper data dirs, broker log dirs, logs/). */
  dataDir: string;
  /** Absolute folder for `*.out` files and each broker's LOG_DIR. */
  logDir: string;
  zookeeper: ZooKeeperNodeSpec[];
  brokers: BrokerSpec[];
  /** A temp layout removes dataDir when the cluster stops. */
  temporary: boolean;
}

/** The folder holding package.json, found by walking up from `from` (works from src/ and dist/src/). */
export function findRepoRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'config'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root (package.json) above ${from}`);
    dir = parent;
  }
}

/** Port of the first listener in `listeners=PLAINTEXT://127.0.0.1:9092,...`. */
function listenerPort(listeners: string | undefined): number | undefined {
  const m = listeners ? /:\/\/[^,]*:(\d+)/.exec(listeners) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * The `npm start` layout: the 3-node ensemble of config/local/zookeeper-{1,2,3}.properties and brokers
 * 1..n from config/local/server-N.properties. Brokers beyond the files we ship reuse server-1.properties
 * with overrides (id, port 9091+N, data/kafka-N). With fewer than 3 brokers the internal topics'
 * replication factor is lowered, otherwise Kafka refuses to create __consumer_offsets ("Number of alive
 * brokers '1' does not meet the required replication factor '3'").
 */
export function localClusterLayout(opts: { rootDir?: string; brokers?: number } = {}): ClusterLayout {
  const rootDir = opts.rootDir ?? findRepoRoot();
  const brokerCount = opts.brokers ?? 3;
  const dataDir = path.join(rootDir, 'data');
  const local = path.join(rootDir, 'config', 'local');
  const zookeeper: ZooKeeperNodeSpec[] = [1, 2, 3].map((id) => {
    const propertiesFile = path.join(local, `zookeeper-${id}.properties`);
    const clientPort = fs.existsSync(propertiesFile) ? Number(readProperties(propertiesFile).get('clientPort') ?? 2180 + id) : 2180 + id;
    return { id, propertiesFile, clientPort, myid: id };
  });
  const brokers: BrokerSpec[] = [];
  for (let id = 1; id <= brokerCount; id++) {
    const own = path.join(local, `server-${id}.properties`);
    const overrides: string[] = [];
    let propertiesFile = own;
    let port = 9091 + id;
    let metricsPort: number | undefined;
    if (fs.existsSync(own)) {
      const props = readProperties(own);
      port = listenerPort(props.get('listeners')) ?? port;
      metricsPort = metricsPortOf(props.get('metrics.prometheus.port'));
    } else {
      propertiesFile = path.join(local, 'server-1.properties');
      const listener = `PLAINTEXT://127.0.0.1:${port}`;
      overrides.push(`broker.id=${id}`, `listeners=${listener}`, `advertised.listeners=${listener}`, `log.dirs=data/kafka-${id}`);
      // Brokers past the shipped files follow the 707N pattern of server-1..3.properties.
      if (metricsPortOf(readProperties(propertiesFile).get('metrics.prometheus.port')) !== undefined) {
        metricsPort = 7070 + id;
        overrides.push(`metrics.prometheus.port=${metricsPort}`);
      }
    }
    if (brokerCount < 3) {
      overrides.push(
        `offsets.topic.replication.factor=${brokerCount}`,
        `transaction.state.log.replication.factor=${brokerCount}`,
        'transaction.state.log.min.isr=1',
      );
    }
    brokers.push({ id, propertiesFile, overrides, host: '127.0.0.1', port, metricsPort });
  }
  return { rootDir, dataDir, logDir: path.join(dataDir, 'logs'), zookeeper, brokers, temporary: false };
}

/** `metrics.prometheus.port`: 0 or absent means the broker serves no metrics. */
function metricsPortOf(value: string | undefined): number | undefined {
  const n = value === undefined ? 0 : Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** A free TCP port for a temporary cluster (see FreePorts.ts: claimed, below the ephemeral range). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return claimFreePort(host);
}

interface TempClusterOptions {
  zookeeperNodes?: 1 | 3;
  brokers?: number;
  rootDir?: string;
  /** Parent folder for the temp data dir (default os.tmpdir()). */
  tmpRoot?: string;
  /** Extra broker properties, e.g. { 'num.partitions': '6' }. */
  brokerProps?: Record<string, string>;
  /** Give every broker a Prometheus endpoint on a free port (`metrics.prometheus.port`). */
  metrics?: boolean;
}

/** Writes ZooKeeper and broker properties files on free ports into a fresh temp folder. */
export async function tempClusterLayout(opts: TempClusterOptions = {}): Promise<ClusterLayout> {
  const rootDir = opts.rootDir ?? findRepoRoot();
  const zkCount = opts.zookeeperNodes ?? 1;
  const brokerCount = opts.brokers ?? 1;
  const dataDir = fs.mkdtempSync(path.join(opts.tmpRoot ?? os.tmpdir(), 'kafka-ts-cluster-'));
  const confDir = path.join(dataDir, 'config');
  fs.mkdirSync(confDir, { recursive: true });

  // Ask for all ports first, while none is bound by us, so no two are equal.
  const ports = new Set<number>();
  const take = async (): Promise<number> => {
    for (;;) {
      const p = await freePort();
      if (!ports.has(p)) {
        ports.add(p);
        return p;
      }
    }
  };
  const zkPorts: Array<{ client: number; quorum: number; election: number }> = [];
  for (let i = 0; i < zkCount; i++) zkPorts.push({ client: await take(), quorum: await take(), election: await take() });

  const zookeeper: ZooKeeperNodeSpec[] = zkPorts.map((p, i) => {
    const id = i + 1;
    const lines = [
      `dataDir=${path.join(dataDir, `zookeeper-${id}`)}`,
      `clientPort=${p.client}`,
      'clientPortAddress=127.0.0.1',
      'maxClientCnxns=0',
      'admin.enableServer=false',
      '4lw.commands.whitelist=*',
      'tickTime=2000',
    ];
    if (zkCount > 1) {
      lines.push('initLimit=10', 'syncLimit=5');
      zkPorts.forEach((q, j) => lines.push(`server.${j + 1}=127.0.0.1:${q.quorum}:${q.election}`));
    }
    const propertiesFile = path.join(confDir, `zookeeper-${id}.properties`);
    fs.writeFileSync(propertiesFile, lines.join('\n') + '\n');
    return { id, propertiesFile, clientPort: p.client, myid: zkCount > 1 ? id : undefined };
  });

  const zkConnect = zookeeper.map((z) => `127.0.0.1:${z.clientPort}`).join(',');
  const rf = Math.min(3, brokerCount);
  const brokers: BrokerSpec[] = [];
  for (let id = 1; id <= brokerCount; id++) {
    const port = await take();
    const metricsPort = opts.metrics ? await take() : undefined;
    const props: Record<string, string> = {
      'broker.id': String(id),
      listeners: `PLAINTEXT://127.0.0.1:${port}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
      'log.dirs': path.join(dataDir, `kafka-${id}`),
      'zookeeper.connect': zkConnect,
      'num.partitions': '1',
      'default.replication.factor': '1',
      'offsets.topic.replication.factor': String(rf),
      'transaction.state.log.replication.factor': String(rf),
      'transaction.state.log.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
      ...(metricsPort !== undefined ? { 'metrics.prometheus.port': String(metricsPort) } : {}),
      ...opts.brokerProps,
    };
    const propertiesFile = path.join(confDir, `server-${id}.properties`);
    fs.writeFileSync(
      propertiesFile,
      Object.entries(props)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );
    brokers.push({ id, propertiesFile, overrides: [], host: '127.0.0.1', port, metricsPort });
  }
  return { rootDir, dataDir, logDir: path.join(dataDir, 'logs'), zookeeper, brokers, temporary: true };
}

export function bootstrapServers(layout: ClusterLayout): string {
  return layout.brokers.map((b) => `${b.host}:${b.port}`).join(',');
}

export function zookeeperConnect(layout: ClusterLayout): string {
  return layout.zookeeper.map((z) => `127.0.0.1:${z.clientPort}`).join(',');
}
