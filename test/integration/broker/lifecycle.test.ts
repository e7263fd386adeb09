import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { freePort, waitFor } from '../../helpers/ports';
import { fetchRaw } from '../../helpers/rawClient';
import { readPartition } from '../../helpers/readAll';
import { ZkReader } from '../../helpers/zkRead';

describe('integration: broker lifecycle, registration and crash recovery', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let zk: ZkReader;

  before(async () => {
    cluster = await TestCluster.start({ brokers: 1 });
    zk = await ZkReader.connect(cluster.connectString);
  });

  after(async () => {
    zk?.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('refuses to start when its broker id is held by a live broker', async () => {
    const port = await freePort();
    const logDir = fs.mkdtempSync(path.join(cluster.root, 'dup-'));
    const res = await cluster.runBrokerToExit(
      [cluster.broker(1).propsFile, '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${path.join(logDir, 'data')}`],
      { LOG_DIR: logDir },
    );
    expect(res.code).to.equal(1);
    expect(res.out).to.match(
      /Error while creating ephemeral at \/brokers\/ids\/1, node already exists and owner '0x[0-9a-f]+' does not match current session '0x[0-9a-f]+'/,
    );
    expect(res.out).to.contain('Fatal error during KafkaServer startup. Prepare to shutdown');
    // The live broker is untouched.
    expect(await zk.children('/brokers/ids')).to.deep.equal(['1']);
  });

  it('loses nothing acknowledged when SIGKILLed during produce, and recovers a torn tail on restart', async () => {
    const kafka = new Kafka({ clientId: 'it-crash', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'crash', numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const acked: string[] = [];
    let stop = false;
    const loop = (async () => {
      let i = 0;
      while (!stop) {
        const batch = Array.from({ length: 50 }, () => `m-${i++}`);
        try {
          await producer.send({ topic: 'crash', acks: 1, messages: batch.map((value) => ({ value })) });
          acked.push(...batch);
        } catch {
          return;
        }
      }
    })();
    await waitFor('some acknowledged batches', async () => acked.length >= 2000, 20000, 20);
    await cluster.stopBroker(1, 'SIGKILL');
    stop = true;
    await loop;
    await producer.disconnect().catch(() => undefined);
    // Simulate a torn write: half a batch header of garbage at the end of the active segment.
    const dir = path.join(cluster.broker(1).dataDir, 'crash-0');
    const logs = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort();
    const active = path.join(dir, logs[logs.length - 1]);
    const sizeBefore = fs.statSync(active).size;
    fs.appendFileSync(active, Buffer.from('00000000000000ff0000004cdeadbeef', 'hex'));
    expect(fs.existsSync(path.join(cluster.broker(1).dataDir, '.kafka_cleanshutdown'))).to.equal(false);

    // As with Apache Kafka, a restart succeeds only once ZooKeeper has expired the dead session's
    // /brokers/ids/1 (zookeeper.session.timeout.ms): until then the id is "held by another session".
    await waitFor('the dead session to expire', async () => !(await zk.exists('/brokers/ids/1')), 20000, 200);
    await cluster.startBroker(1);
    await cluster.waitForBrokers([1]);
    expect(fs.statSync(active).size, 'torn tail truncated').to.equal(sizeBefore);
    const consumerKafka = new Kafka({ clientId: 'it-crash-read', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const hw = await waitFor('partition led again', async () => {
      const r = await fetchRaw(cluster.broker(1).port, 'crash', 0, 0);
      return r.errorCode === 0 ? r.highWatermark : null;
    });
    expect(hw).to.be.at.least(acked.length);
    const admin2 = consumerKafka.admin();
    await admin2.connect();
    const offsets = await admin2.fetchTopicOffsets('crash');
    await admin2.disconnect();
    expect(Number(offsets[0].high)).to.equal(hw);
    const seen = new Set(await readPartition(cluster.broker(1).port, 'crash', 0, hw));
    for (const v of acked) expect(seen.has(v), `acknowledged ${v} survived`).to.equal(true);
    expect(cluster.broker(1).output.join('\n')).to.match(/Recover|recover/);
  });

  it('shuts down cleanly on SIGTERM: exit 0, clean-shutdown marker, registration gone', async () => {
    const code = await cluster.stopBroker(1, 'SIGTERM');
    expect(code).to.equal(0);
    const dataDir = cluster.broker(1).dataDir;
    expect(fs.existsSync(path.join(dataDir, '.kafka_cleanshutdown'))).to.equal(true);
    // Kafka's checkpoint files, each `0`, a count, then `topic partition offset` lines.
    for (const f of ['replication-offset-checkpoint', 'recovery-point-offset-checkpoint', 'log-start-offset-checkpoint']) {
      const lines = fs.readFileSync(path.join(dataDir, f), 'utf8').trim().split('\n');
      expect(lines[0], f).to.equal('0');
      expect(
        lines.slice(2).some((l) => /^crash 0 \d+$/.test(l)),
        `${f} lists crash-0`,
      ).to.equal(true);
    }
    const hw = fs.readFileSync(path.join(dataDir, 'replication-offset-checkpoint'), 'utf8').match(/^crash 0 (\d+)$/m)![1];
    const rp = fs.readFileSync(path.join(dataDir, 'recovery-point-offset-checkpoint'), 'utf8').match(/^crash 0 (\d+)$/m)![1];
    expect(Number(hw)).to.be.greaterThan(0);
    expect(rp, 'a clean shutdown flushes everything').to.equal(hw);
    await waitFor('/brokers/ids/1 removed with the session', async () => !(await zk.exists('/brokers/ids/1')), 10000);
    expect(cluster.broker(1).output.join('\n')).to.contain('[KafkaServer id=1] shut down completed');
    await cluster.startBroker(1);
    await cluster.waitForBrokers([1]);
    expect(fs.existsSync(path.join(cluster.broker(1).dataDir, '.kafka_cleanshutdown')), 'marker consumed at start-up').to.equal(false);
  });
});
