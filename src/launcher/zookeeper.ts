/**
 * Runs the real Apache ZooKeeper from Debian's `zookeeper` package (3.8): the jars in /usr/share/java and
 * the log4j config in /etc/zookeeper/conf. zookeeper.jar's manifest Class-Path names its dependencies
 * (netty, jute, slf4j-api, ...); we add the slf4j → log4j 1.2 binding so the server logs to the console.
 */
import { ChildProcess, SpawnOptions, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zookeeper from 'node-zookeeper-client';
import { dropClient, guardConnection } from '../zk/ClientCnxn';

const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
const CONF_DIR = '/etc/zookeeper/conf';
const LOG_BINDING = ['/usr/share/java/slf4j-log4j12.jar', '/usr/share/java/log4j-1.2.jar'];
const MAIN_CLASS = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';

class ZooKeeperNotInstalledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZooKeeperNotInstalledError';
  }
}

function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure Debian's ZooKeeper (and a JVM) are present. As root with apt-get it runs
 * `apt-get update && apt-get install -y zookeeper`; otherwise it throws ZooKeeperNotInstalledError whose
 * message is the one line telling how to get it.
 */
export function ensureZooKeeperInstalled(): void {
  if (fs.existsSync(ZOOKEEPER_JAR) && hasCommand('java')) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && hasCommand('apt-get')) {
    process.stderr.write('ZooKeeper is not installed: running apt-get install -y zookeeper\n');
    const r = spawnSync('sh', ['-c', 'apt-get update && apt-get install -y zookeeper'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status === 0 && fs.existsSync(ZOOKEEPER_JAR) && hasCommand('java')) return;
  }
  throw new ZooKeeperNotInstalledError(
    `Apache ZooKeeper not found (${ZOOKEEPER_JAR}): install it with "sudo apt-get update && sudo apt-get install -y zookeeper" (Debian/Ubuntu) or run ZooKeeper 3.8 with docker compose.`,
  );
}

/** The classpath: conf dir (log4j.properties), zookeeper.jar (its manifest pulls the rest), log binding. */
function zookeeperClasspath(): string {
  return [CONF_DIR, ZOOKEEPER_JAR, ...LOG_BINDING.filter((j) => fs.existsSync(j))].join(':');
}

interface SpawnZooKeeperOptions {
  stdio?: SpawnOptions['stdio'];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  detached?: boolean;
  /** log4j root logger, e.g. "WARN,CONSOLE" (default: $ZOO_LOG4J_PROP or "INFO,CONSOLE") */
  rootLogger?: string;
  /** extra JVM flags, placed after the defaults */
  jvmArgs?: string[];
}

/** JVM flags: small heap and a quick start (serial GC, C1 only, no perf data file, CDS). */
function zookeeperJvmArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const heap = env.ZK_HEAP_OPTS ? env.ZK_HEAP_OPTS.split(/\s+/).filter(Boolean) : ['-Xmx256m', '-Xms32m'];
  return [...heap, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-Xshare:auto', '-Djava.awt.headless=true'];
}

/** Starts `java ... QuorumPeerMain <propertiesFile>` (standalone or ensemble member, by the file). */
export function spawnZooKeeper(propertiesFile: string, opts: SpawnZooKeeperOptions = {}): ChildProcess {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const args = [
    ...zookeeperJvmArgs(env),
    `-Dzookeeper.root.logger=${opts.rootLogger ?? env.ZOO_LOG4J_PROP ?? 'INFO,CONSOLE'}`,
    `-Dzookeeper.log.dir=${env.ZOO_LOG_DIR ?? path.resolve(cwd, 'data')}`,
    ...(opts.jvmArgs ?? []),
    '-cp',
    zookeeperClasspath(),
    MAIN_CLASS,
    path.resolve(cwd, propertiesFile),
  ];
  return spawn(env.JAVA ?? 'java', args, { stdio: opts.stdio ?? 'inherit', env, cwd, detached: opts.detached });
}

/** Minimal java.util.Properties reader (key=value / key: value, # and ! comments). */
export function readProperties(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out.set(m[1], m[2].trim());
  }
  return out;
}

/**
 * Creates dataDir (and dataLogDir), relative paths resolved against baseDir (default: cwd, where the
 * JVM runs). Ensemble configs (server.N lines) need `<dataDir>/myid`: written from `myid` when given,
 * else it must already exist.
 */
export function prepareZooKeeperDataDir(propertiesFile: string, myid?: number, baseDir: string = process.cwd()): void {
  const props = readProperties(propertiesFile);
  const dataDirProp = props.get('dataDir');
  if (!dataDirProp) throw new Error(`${propertiesFile}: dataDir is not set`);
  const dataDir = path.resolve(baseDir, dataDirProp);
  fs.mkdirSync(dataDir, { recursive: true });
  const dataLogDir = props.get('dataLogDir');
  if (dataLogDir) fs.mkdirSync(path.resolve(baseDir, dataLogDir), { recursive: true });
  const servers = [...props.keys()].filter((k) => /^server\.\d+$/.test(k)).map((k) => Number(k.substring(7)));
  if (servers.length === 0) return;
  const myidFile = path.join(dataDir, 'myid');
  if (myid !== undefined) {
    if (!servers.includes(myid)) throw new Error(`${propertiesFile}: myid ${myid} has no server.${myid} line`);
    fs.writeFileSync(myidFile, `${myid}\n`);
  } else if (!fs.existsSync(myidFile)) {
    throw new Error(`${propertiesFile} describes an ensemble but ${myidFile} does not exist: pass --myid N (one of ${servers.join(', ')})`);
  }
}

/**
 * Resolves when the server at hostPort accepts a session (in an ensemble: once it is part of a quorum).
 * Uses the client protocol, so it works with four-letter words disabled (3.8's default).
 */
export async function waitForZooKeeper(hostPort: string, timeoutMs: number, onError?: ProbeErrorListener): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Fresh client per attempt: a connection the server drops while starting ("ZooKeeperServer not
  // running") can leave the driver waiting for good.
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`ZooKeeper at ${hostPort} did not accept a session within ${timeoutMs} ms`);
    // A forming ensemble's first sessions can take seconds on a busy machine (a quorum write each).
    if (await tryZooKeeperSession(hostPort, Math.min(left, 5000), onError)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A driver client for the launcher's and the tests' short-lived probes, guarded (ClientCnxn.ts) so that
 * what a forming ensemble sends can close its socket but never throw out of the driver.
 */
export function createProbeClient(connectString: string, opts: Partial<zookeeper.Option> = {}, onError?: ProbeErrorListener): zookeeper.Client {
  const client = zookeeper.createClient(connectString, { sessionTimeout: 10000, spinDelay: 100, retries: 0, ...opts });
  guardConnection(client, (e, server) => onError?.(e, server));
  return client;
}

/** Told of each error that closed a probe's connection (the probe itself reconnects or retries). */
export type ProbeErrorListener = (e: Error, server: string) => void;

/** A listener writing one line per kind of error (numbers aside), so a flapping server does not flood. */
export function logProbeErrorsOnce(log: (line: string) => void): ProbeErrorListener {
  const seen = new Set<string>();
  return (e, server) => {
    const key = e.message.replace(/\d+/g, 'N');
    if (seen.has(key)) return;
    seen.add(key);
    log(`ZooKeeper connection to ${server} closed after an error, retrying: ${e.message}`);
  };
}

/** Closes a probe: closeSession when connected, else just drop the socket (never queue a close mid-handshake). */
export function closeProbeClient(client: zookeeper.Client): void {
  const s = client.getState();
  if (s === zookeeper.State.SYNC_CONNECTED || s === zookeeper.State.CONNECTED_READ_ONLY) client.close();
  else dropClient(client);
}

function tryZooKeeperSession(hostPort: string, timeoutMs: number, onError?: ProbeErrorListener): Promise<boolean> {
  return new Promise((resolve) => {
    const client = createProbeClient(hostPort, {}, onError);
    const timer = setTimeout(() => {
      client.removeAllListeners('connected');
      dropClient(client);
      resolve(false);
    }, timeoutMs);
    client.once('connected', () => {
      clearTimeout(timer);
      client.close();
      resolve(true);
    });
    client.connect();
  });
}
