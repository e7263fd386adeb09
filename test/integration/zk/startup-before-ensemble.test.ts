/**
 * A broker started before its ZooKeeper ensemble has formed waits for it, as Kafka's KafkaServer does
 * (ZooKeeperClient.waitUntilConnected, up to zookeeper.connection.timeout.ms, by default the session
 * timeout), and registers once a quorum serves; past that timeout it exits 1 with Kafka's message.
 */
import { expect } from 'chai';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { closeProbeClient, createProbeClient, waitForZooKeeper } from '../../../src/launcher/zookeeper';
import { freePort, waitFor } from '../../helpers/ports';
import { startZooKeeper, ZooKeeperHandle } from '../../helpers/zookeeper';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SERVER_START = path.join(ROOT, 'bin', 'kafka-server-start');

interface Broker {
  proc: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function brokerIds(connect: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const client = createProbeClient(connect);
    const timer = setTimeout(() => {
      closeProbeClient(client);
      reject(new Error('no session'));
    }, 5000);
    client.once('connected', () =>
      client.getChildren('/brokers/ids', (err, children) => {
        clearTimeout(timer);
        closeProbeClient(client);
        if (err) reject(err);
        else resolve(children);
      }),
    );
    client.connect();
  });
}

describe('broker started before the ZooKeeper ensemble has formed', function () {
  this.timeout(120000);
  let zk: ZooKeeperHandle;
  let root: string;
  const brokers: Broker[] = [];

  async function startBroker(id: number, props: Record<string, string>): Promise<Broker> {
    const port = await freePort();
    const file = path.join(root, `server-${id}.properties`);
    const all: Record<string, string> = {
      'broker.id': String(id),
      listeners: `PLAINTEXT://127.0.0.1:${port}`,
      'log.dirs': path.join(root, `kafka-${id}`),
      'zookeeper.connect': zk.connectString,
      ...props,
    };
    fs.writeFileSync(
      file,
      Object.entries(all)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );
    const logDir = path.join(root, `logs-${id}`);
    fs.mkdirSync(logDir, { recursive: true });
    const proc = spawn(process.execPath, [SERVER_START, file], { env: { ...process.env, LOG_DIR: logDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const keep = (d: Buffer) => output.push(...d.toString('utf8').split('\n').filter(Boolean));
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    const b = { proc, output, exited };
    brokers.push(b);
    return b;
  }

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-early-'));
    // One node of three: no quorum, so it accepts connections and drops them, as while an ensemble forms.
    zk = await startZooKeeper({ nodes: 3, dataRoot: path.join(root, 'zk'), initialNodes: [0] });
  });
  after(async () => {
    for (const b of brokers) b.proc.kill('SIGKILL');
    await zk?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') for (const b of brokers) console.log(b.output.slice(-40).join('\n'));
  });

  it('past zookeeper.connection.timeout.ms the broker exits 1 with ZooKeeperClientTimeoutException, no stack trace', async () => {
    const t0 = Date.now();
    const b = await startBroker(1, { 'zookeeper.connection.timeout.ms': '3000' });
    const code = await b.exited;
    expect(code).to.equal(1);
    expect(Date.now() - t0).to.be.greaterThan(3000);
    const out = b.output.join('\n');
    expect(out).to.match(
      /ERROR \[KafkaServer id=1\] Fatal error during KafkaServer startup\. Prepare to shutdown \(kafka\.server\.KafkaServer\)\nkafka\.zookeeper\.ZooKeeperClientTimeoutException: Timed out waiting for connection while in state: CONNECTING/,
    );
    expect(out).to.match(
      /ERROR Exiting Kafka due to fatal exception during startup\. \(kafka\.Kafka\$\)\nkafka\.zookeeper\.ZooKeeperClientTimeoutException: Timed out waiting for connection while in state: CONNECTING/,
    );
    expect(out).to.not.match(/^\s+at /m);
    expect(out).to.not.contain('Unknown code');
  });

  it('within the timeout it waits, then registers once the quorum serves', async () => {
    // Kafka 3.7's default zookeeper.connection.timeout.ms is the session timeout (18 s); set higher here
    // so that starting two JVMs on a busy machine fits in it.
    const b = await startBroker(2, { 'zookeeper.connection.timeout.ms': '90000' });
    await waitFor('the broker to wait for ZooKeeper', async () => b.output.some((l) => l.includes('Waiting until connected.')), 30000);
    zk.start(1);
    zk.start(2);
    await Promise.all(zk.ports.map((p) => waitForZooKeeper(`127.0.0.1:${p}`, 60000)));
    await waitFor('/brokers/ids/2', async () => (await brokerIds(zk.connectString)).includes('2'), 60000, 300);
    expect(b.proc.exitCode).to.equal(null);
    await waitFor('the broker to finish starting', async () => b.output.some((l) => /\[KafkaServer id=2\] started/.test(l)), 30000);
    b.proc.kill('SIGTERM');
    expect(await b.exited).to.equal(0);
  });
});
