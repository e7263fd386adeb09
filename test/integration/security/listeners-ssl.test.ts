import { expect } from 'chai';
import * as fs from 'fs';
import * as net from 'net';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { freePort } from '../../helpers/ports';
import { brokerSslProps, createTestPki, TestPki } from '../../helpers/tls';
import { ZkReader } from '../../helpers/zkRead';

/**
 * SSL listeners on a real broker (ZooKeeper mode): a PLAINTEXT listener, an SSL one (PKCS12 keystore, PKCS12
 * truststore, as listener overrides) and CLIENTCERT, an SSL listener under a custom name requiring client certificates
 * (the broker-wide PEM key store).
 * Produced and consumed with kcat (librdkafka) and kafkajs over TLS.
 */
describe('integration: SSL listeners (kcat, kafkajs)', function () {
  this.timeout(90000);
  let pki: TestPki;
  let cluster: TestCluster;
  let sslPort: number;
  let certPort: number;
  let client: { certPem: string; keyPem: string };

  before(async () => {
    pki = createTestPki();
    client = pki.identity('kcat-client', '/O=kafka-zk-ts/OU=clients/CN=kcat-client');
    sslPort = await freePort();
    certPort = await freePort();
    cluster = await TestCluster.start({
      overrides: {
        listeners: `PLAINTEXT://127.0.0.1:{port},SSL://127.0.0.1:${sslPort},CLIENTCERT://127.0.0.1:${certPort}`,
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SSL:SSL,CLIENTCERT:SSL',
        // Broker-wide: PEM key store and trust store; the SSL listener overrides them with PKCS12 ones.
        ...brokerSslProps(pki, { keystore: 'PEM', truststore: 'PEM', clientAuth: 'none' }),
        ...Object.fromEntries(Object.entries(brokerSslProps(pki, { keystore: 'PKCS12', truststore: 'PKCS12' })).map(([k, v]) => [`listener.name.ssl.${k}`, v])),
        'listener.name.clientcert.ssl.client.auth': 'required',
        'num.partitions': '1',
      },
    });
  });

  after(async () => {
    await cluster?.stop();
    pki?.cleanup();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  const ssl = (port: number, extra: string[] = []) => [
    '-b',
    `127.0.0.1:${port}`,
    '-X',
    'security.protocol=SSL',
    '-X',
    `ssl.ca.location=${pki.caPem}`,
    ...extra,
  ];
  const withCert = () => ['-X', `ssl.certificate.location=${client.certPem}`, '-X', `ssl.key.location=${client.keyPem}`];

  it('answers Metadata with the endpoints of the listener the client came in on', async () => {
    const r = await kcat(['-L', '-J', ...ssl(sslPort)], { timeoutMs: 20000 });
    expect(r.code, r.stderr).to.equal(0);
    const md = JSON.parse(r.stdout) as { brokers: { id: number; name: string }[] };
    expect(md.brokers.map((b) => b.name)).to.deep.equal([`127.0.0.1:${sslPort}`]);
  });

  it('registers every listener in /brokers/ids/<id>, with the security protocol map', async () => {
    const zk = await ZkReader.connect(cluster.connectString);
    try {
      const info = JSON.parse((await zk.get('/brokers/ids/1')).data!) as { endpoints: string[]; listener_security_protocol_map: Record<string, string> };
      expect(info.endpoints).to.deep.equal([
        `PLAINTEXT://127.0.0.1:${cluster.broker(1).port}`,
        `SSL://127.0.0.1:${sslPort}`,
        `CLIENTCERT://127.0.0.1:${certPort}`,
      ]);
      expect(info.listener_security_protocol_map).to.deep.equal({ PLAINTEXT: 'PLAINTEXT', SSL: 'SSL', CLIENTCERT: 'SSL' });
    } finally {
      zk.close();
    }
  });

  it('kcat produces and consumes over SSL, and with a client certificate over CLIENTCERT', async () => {
    const produced = await kcat(['-P', '-t', 'tls-kcat', ...ssl(sslPort)], { input: 'one\ntwo\nthree\n', timeoutMs: 20000 });
    expect(produced.code, produced.stderr).to.equal(0);
    const consumed = await kcat(['-C', '-t', 'tls-kcat', '-o', 'beginning', '-e', '-q', ...ssl(sslPort)], { timeoutMs: 20000 });
    expect(consumed.stdout.split('\n').filter((l) => l)).to.deep.equal(['one', 'two', 'three']);
    const viaCert = await kcat(['-C', '-t', 'tls-kcat', '-o', 'beginning', '-e', '-q', ...ssl(certPort, withCert())], { timeoutMs: 20000 });
    expect(viaCert.stdout.split('\n').filter((l) => l)).to.deep.equal(['one', 'two', 'three']);
  });

  it('CLIENTCERT (ssl.client.auth=required) refuses a client without a certificate; the broker keeps serving', async () => {
    const r = await kcat(['-L', ...ssl(certPort), '-m', '5'], { timeoutMs: 20000 });
    expect(r.code).to.not.equal(0);
    const ok = await kcat(['-L', ...ssl(certPort, withCert())], { timeoutMs: 20000 });
    expect(ok.code, ok.stderr).to.equal(0);
  });

  it('kafkajs produces and consumes over SSL', async () => {
    const kafka = new Kafka({
      clientId: 'it-ssl',
      brokers: [`127.0.0.1:${sslPort}`],
      ssl: { ca: [fs.readFileSync(pki.caPem, 'utf8')] },
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'tls-kafkajs', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'it-ssl-group' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'tls-kafkajs', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.push(message.value!.toString());
            if (seen.length === 2) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(seen).to.deep.equal(['a', 'b']);
  });

  it('garbage and a half handshake on the TLS port close only that connection', async () => {
    for (const bytes of [Buffer.from('GET / HTTP/1.0\r\n\r\n'), Buffer.alloc(64, 0xff)]) {
      const sock = net.connect(sslPort, '127.0.0.1');
      await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
      sock.write(bytes);
      await new Promise<void>((resolve) => sock.once('close', () => resolve()));
    }
    const half = net.connect(sslPort, '127.0.0.1');
    await new Promise<void>((resolve) => half.once('connect', () => resolve()));
    half.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x80]));
    const r = await kcat(['-L', ...ssl(sslPort)], { timeoutMs: 20000 });
    half.destroy();
    expect(r.code, r.stderr).to.equal(0);
    expect(cluster.broker(1).proc).to.not.equal(null);
  });
});
