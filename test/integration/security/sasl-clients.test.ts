import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel, SASLOptions } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { MetadataApi } from '../../../src/protocol/apis';
import { SaslHandshakeApi } from '../../../src/protocol/apis/17-sasl-handshake';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { kcat, run } from '../../helpers/kcat';
import { freePort, waitFor } from '../../helpers/ports';
import { brokerSslProps, createTestPki, TestPki } from '../../helpers/tls';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const PLAIN_USERS = 'user_admin="admin-secret" user_alice="alice-secret"';

/**
 * SASL on a real broker (ZooKeeper mode): SASL_PLAINTEXT whose PLAIN users come from
 * listener.name.sasl_plaintext.plain.sasl.jaas.config, SASL_SSL whose JAAS comes from the JAAS file named in KAFKA_OPTS,
 * SCRAM users created with kafka-configs --zookeeper. Clients: kcat, kafkajs, kafka-python (SaslHandshake v0 and raw
 * tokens) and confluent-kafka-python (librdkafka 2.0.2).
 */
describe('integration: SASL PLAIN and SCRAM listeners (kcat, kafkajs, kafka-python, confluent-kafka)', function () {
  this.timeout(120000);
  let pki: TestPki;
  let cluster: TestCluster;
  let saslPort: number;
  let saslSslPort: number;
  const savedOpts = process.env.KAFKA_OPTS;

  before(async () => {
    pki = createTestPki();
    saslPort = await freePort();
    saslSslPort = await freePort();
    const jaasFile = path.join(pki.dir, 'kafka_server_jaas.conf');
    fs.writeFileSync(
      jaasFile,
      `KafkaServer {\n  org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" ${PLAIN_USERS};\n` +
        '  org.apache.kafka.common.security.scram.ScramLoginModule required;\n};\n',
    );
    process.env.KAFKA_OPTS = `-Djava.security.auth.login.config=${jaasFile}`;
    cluster = await TestCluster.start({
      overrides: {
        listeners: `PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:${saslPort},SASL_SSL://127.0.0.1:${saslSslPort}`,
        'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
        'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required ${PLAIN_USERS} user_bob="bob-secret";`,
        ...brokerSslProps(pki),
        'num.partitions': '1',
      },
    });
    const r = await run(
      process.execPath,
      [
        path.join(ROOT, 'dist', 'src', 'cli', 'kafka-configs.js'),
        '--zookeeper',
        cluster.connectString,
        '--alter',
        '--add-config',
        'SCRAM-SHA-256=[iterations=4096,password=carol-secret],SCRAM-SHA-512=[password=carol-secret]',
        '--entity-type',
        'users',
        '--entity-name',
        'carol',
      ],
      { timeoutMs: 30000 },
    );
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    // The broker learns of the new user through the /config/changes notification: wait until SCRAM works.
    await waitFor(
      "carol's SCRAM credentials to reach the broker",
      async () => (await kcat(['-L', ...saslPlaintext('SCRAM-SHA-512', 'carol', 'carol-secret'), '-m', '3'], { timeoutMs: 10000 })).code === 0,
      30000,
    );
  });

  after(async () => {
    if (savedOpts === undefined) delete process.env.KAFKA_OPTS;
    else process.env.KAFKA_OPTS = savedOpts;
    await cluster?.stop();
    pki?.cleanup();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  function saslPlaintext(mech: string, user: string, pw: string): string[] {
    return [
      '-b',
      `127.0.0.1:${saslPort}`,
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      `sasl.mechanisms=${mech}`,
      '-X',
      `sasl.username=${user}`,
      '-X',
      `sasl.password=${pw}`,
    ];
  }
  const saslSsl = (mech: string, user: string, pw: string) => [
    '-b',
    `127.0.0.1:${saslSslPort}`,
    '-X',
    'security.protocol=SASL_SSL',
    '-X',
    `ssl.ca.location=${pki.caPem}`,
    '-X',
    `sasl.mechanisms=${mech}`,
    '-X',
    `sasl.username=${user}`,
    '-X',
    `sasl.password=${pw}`,
  ];
  const lines = (s: string) => s.split('\n').filter((l) => l);

  it('kcat: PLAIN over SASL_PLAINTEXT (listener jaas config), then SCRAM-SHA-256 over SASL_SSL (kafka-configs user)', async () => {
    const p = await kcat(['-P', '-t', 'sasl-kcat', ...saslPlaintext('PLAIN', 'bob', 'bob-secret')], { input: 'x\ny\n', timeoutMs: 20000 });
    expect(p.code, p.stderr).to.equal(0);
    const c = await kcat(['-C', '-t', 'sasl-kcat', '-o', 'beginning', '-e', '-q', ...saslPlaintext('PLAIN', 'alice', 'alice-secret')], { timeoutMs: 20000 });
    expect(lines(c.stdout)).to.deep.equal(['x', 'y']);
    const s = await kcat(['-C', '-t', 'sasl-kcat', '-o', 'beginning', '-e', '-q', ...saslSsl('SCRAM-SHA-256', 'carol', 'carol-secret')], { timeoutMs: 20000 });
    expect(lines(s.stdout), s.stderr).to.deep.equal(['x', 'y']);
  });

  it('kafkajs: PLAIN and SCRAM-SHA-512 over SASL_SSL', async () => {
    const ca = [fs.readFileSync(pki.caPem, 'utf8')];
    const mechanisms: SASLOptions[] = [
      { mechanism: 'plain', username: 'alice', password: 'alice-secret' },
      { mechanism: 'scram-sha-512', username: 'carol', password: 'carol-secret' },
    ];
    for (const sasl of mechanisms) {
      const kafka = new Kafka({ clientId: 'it-sasl', brokers: [`127.0.0.1:${saslSslPort}`], ssl: { ca }, sasl, logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'sasl-kafkajs', messages: [{ value: sasl.mechanism }] });
      await producer.disconnect();
    }
    const c = await kcat(['-C', '-t', 'sasl-kafkajs', '-o', 'beginning', '-e', '-q', ...saslSsl('PLAIN', 'admin', 'admin-secret')], { timeoutMs: 20000 });
    expect(lines(c.stdout)).to.deep.equal(['plain', 'scram-sha-512']);
  });

  it('kafka-python: PLAIN with SaslHandshake v0 and raw tokens', async function () {
    const prog = `
import sys
from kafka import KafkaProducer, KafkaConsumer
conf = dict(bootstrap_servers=sys.argv[1], security_protocol='SASL_PLAINTEXT', sasl_mechanism='PLAIN', sasl_plain_username='alice', sasl_plain_password='alice-secret')
p = KafkaProducer(**conf)
for i in range(3):
    p.send('sasl-python', ('py-%d' % i).encode()).get(timeout=20)
p.close()
c = KafkaConsumer('sasl-python', auto_offset_reset='earliest', consumer_timeout_ms=5000, **conf)
print(','.join(m.value.decode() for m in c))
c.close()
`;
    const r = await run(PYTHON, ['-c', prog, `127.0.0.1:${saslPort}`], { timeoutMs: 60000 });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal('py-0,py-1,py-2');
  });

  it('confluent-kafka (librdkafka 2.0.2): SCRAM-SHA-512 over SASL_PLAINTEXT', async () => {
    const prog = `
import sys
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': sys.argv[1], 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'carol', 'sasl.password': 'carol-secret'})
errs = []
p.produce('sasl-confluent', b'ck', callback=lambda e, m: errs.append(e))
p.flush(20)
print('ok' if errs == [None] else 'failed %r' % errs)
`;
    const r = await run(PYTHON, ['-c', prog, `127.0.0.1:${saslPort}`], { timeoutMs: 60000 });
    expect(r.stdout.trim(), r.stderr).to.equal('ok');
  });

  it("a wrong password fails with Kafka's message and closes only that connection", async () => {
    const kafka = new Kafka({
      clientId: 'it-sasl-bad',
      brokers: [`127.0.0.1:${saslPort}`],
      sasl: { mechanism: 'plain', username: 'alice', password: 'wrong' },
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    let error = '';
    await producer.connect().catch((e: Error) => (error = e.message));
    expect(error).to.contain('Authentication failed: Invalid username or password');
    const scram = await kcat(['-L', ...saslPlaintext('SCRAM-SHA-256', 'carol', 'nope'), '-m', '5'], { timeoutMs: 20000 });
    expect(scram.code).to.not.equal(0);
    const ok = await kcat(['-L', ...saslPlaintext('SCRAM-SHA-256', 'carol', 'carol-secret')], { timeoutMs: 20000 });
    expect(ok.code, ok.stderr).to.equal(0);
  });

  it('refuses to start with GSSAPI (the default mechanism) or a JKS key store, saying what to do', async () => {
    const props = (extra: Record<string, string>) => {
      const file = path.join(pki.dir, `bad-${Object.keys(extra).length}-${Date.now()}.properties`);
      const base = { 'broker.id': '9', 'log.dirs': path.join(pki.dir, 'bad-logs'), 'zookeeper.connect': cluster.connectString };
      fs.writeFileSync(
        file,
        Object.entries({ ...base, ...extra })
          .map(([k, v]) => `${k}=${v}`)
          .join('\n') + '\n',
      );
      return file;
    };
    const gssapi = await cluster.runBrokerToExit([props({ listeners: 'SASL_PLAINTEXT://127.0.0.1:0', 'security.inter.broker.protocol': 'SASL_PLAINTEXT' })]);
    expect(gssapi.code).to.equal(1);
    expect(gssapi.out).to.contain('SASL mechanism GSSAPI (Kerberos) is not supported by this broker');
    const jks = await cluster.runBrokerToExit([
      props({
        listeners: 'SSL://127.0.0.1:0',
        'security.inter.broker.protocol': 'SSL',
        'ssl.keystore.location': path.join(pki.dir, 'server.jks'),
        'ssl.keystore.password': 'x',
      }),
    ]);
    expect(jks.code).to.equal(1);
    expect(jks.out).to.contain('ssl.keystore.type=JKS is not supported: JKS is a Java-only keystore format. Use PKCS12 or PEM');
  });

  it('an unknown mechanism gets UNSUPPORTED_SASL_MECHANISM; a request before authentication closes the connection', async () => {
    const c = new NetworkClient('127.0.0.1', saslPort, 'it-raw', 5000);
    const hs = await c.send(SaslHandshakeApi, 1, { mechanism: 'GSSAPI' });
    expect(hs).to.deep.equal({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    await waitFor('the broker to close the connection', async () => !c.isConnected, 5000, 20);
    c.close();
    const early = new NetworkClient('127.0.0.1', saslPort, 'it-raw', 5000);
    let error = '';
    await early.send(MetadataApi, 1, { topics: [], allowAutoTopicCreation: false }).catch((e: Error) => (error = e.message));
    early.close();
    expect(error).to.match(/closed/);
    const md = await cluster.metadata(1);
    expect(md.brokers.map((b) => b.nodeId)).to.deep.equal([1]);
  });
});
