import { expect } from 'chai';
import * as fs from 'fs';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { freePort, waitFor } from '../../helpers/ports';
import { brokerSslProps, createTestPki, TestPki } from '../../helpers/tls';

/**
 * A 3-broker ZooKeeper-mode cluster whose inter-broker listener is SASL_SSL (PLAIN, the broker's own username and
 * password from the listener's jaas config): the controller's channel and the replica fetchers connect over TLS and
 * authenticate, so a topic with replication factor 3 and min.insync.replicas=3 takes acks=all writes.
 */
describe('integration: replication over a SASL_SSL inter-broker listener', function () {
  this.timeout(120000);
  let pki: TestPki;
  let cluster: TestCluster;
  const saslPorts: Record<number, number> = {};

  before(async () => {
    pki = createTestPki();
    for (const id of [1, 2, 3]) saslPorts[id] = await freePort();
    const brokerOverrides: Record<number, Record<string, string>> = {};
    for (const id of [1, 2, 3]) brokerOverrides[id] = { listeners: `PLAINTEXT://127.0.0.1:{port},SASL_SSL://127.0.0.1:${saslPorts[id]}` };
    cluster = await TestCluster.start({
      brokers: 3,
      overrides: {
        'inter.broker.listener.name': 'SASL_SSL',
        'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
        'sasl.mechanism.inter.broker.protocol': 'PLAIN',
        'listener.name.sasl_ssl.plain.sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="broker-secret" user_broker="broker-secret" user_alice="alice-secret";',
        'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
        ...brokerSslProps(pki, { keystore: 'PKCS12', truststore: 'PKCS12' }),
        'replica.fetch.wait.max.ms': '200',
      },
      brokerOverrides,
    });
  });

  after(async () => {
    await cluster?.stop();
    pki?.cleanup();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('registers both listeners of each broker in /brokers/ids and answers Metadata per listener', async () => {
    const md = await cluster.metadata(1);
    expect(md.brokers.map((b) => b.port).sort()).to.deep.equal([1, 2, 3].map((id) => cluster.broker(id).port).sort());
    const r = await kcat(
      [
        '-L',
        '-J',
        '-b',
        `127.0.0.1:${saslPorts[1]}`,
        '-X',
        'security.protocol=SASL_SSL',
        '-X',
        `ssl.ca.location=${pki.caPem}`,
        '-X',
        'sasl.mechanisms=PLAIN',
        '-X',
        'sasl.username=alice',
        '-X',
        'sasl.password=alice-secret',
      ],
      { timeoutMs: 20000 },
    );
    expect(r.code, r.stderr).to.equal(0);
    const brokers = (JSON.parse(r.stdout) as { brokers: { name: string }[] }).brokers.map((b) => b.name).sort();
    expect(brokers).to.deep.equal([1, 2, 3].map((id) => `127.0.0.1:${saslPorts[id]}`).sort());
  });

  it('replicates: acks=all with min.insync.replicas=3 succeeds and every replica stays in the ISR', async () => {
    const kafka = new Kafka({
      clientId: 'it-interbroker',
      brokers: [`127.0.0.1:${saslPorts[2]}`],
      ssl: { ca: [fs.readFileSync(pki.caPem, 'utf8')] },
      sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' },
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'replicated', numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '3' }] }],
      waitForLeaders: true,
    });
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 5; i++) await producer.send({ topic: 'replicated', acks: -1, messages: [{ value: `m${i}` }, { value: `n${i}` }, { value: `o${i}` }] });
    await producer.disconnect();
    const md = await waitFor(
      'every partition of replicated to have 3 in-sync replicas',
      async () => {
        const m = await cluster.metadata(1, ['replicated']);
        return m.topics[0].partitions.length === 3 && m.topics[0].partitions.every((p) => p.isrNodes.length === 3) ? m : undefined;
      },
      20000,
    );
    expect(md.topics[0].partitions.map((p) => p.replicaNodes.length)).to.deep.equal([3, 3, 3]);
    const offsets = await admin.fetchTopicOffsets('replicated');
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).to.equal(15);
    await admin.disconnect();
  });

  it('commits a transaction: the coordinator writes its markers over the SASL_SSL listener, read_committed sees the records', async () => {
    const kafka = new Kafka({
      clientId: 'it-interbroker-txn',
      brokers: [`127.0.0.1:${saslPorts[1]}`],
      ssl: { ca: [fs.readFileSync(pki.caPem, 'utf8')] },
      sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' },
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'txn-secure', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ transactionalId: 'it-secure-txn', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic: 'txn-secure', messages: [0, 1, 2, 3, 4, 5].map((i) => ({ key: `k${i}`, value: `t${i}` })) });
    await txn.commit();
    await producer.disconnect();
    const sasl = [
      '-X',
      'security.protocol=SASL_SSL',
      '-X',
      `ssl.ca.location=${pki.caPem}`,
      '-X',
      'sasl.mechanisms=PLAIN',
      '-X',
      'sasl.username=alice',
      '-X',
      'sasl.password=alice-secret',
    ];
    const values = await waitFor(
      'the committed records to be visible to read_committed',
      async () => {
        const r = await kcat(
          ['-C', '-b', `127.0.0.1:${saslPorts[3]}`, ...sasl, '-X', 'isolation.level=read_committed', '-t', 'txn-secure', '-o', 'beginning', '-e', '-q'],
          {
            timeoutMs: 20000,
          },
        );
        const got = r.stdout.split('\n').filter((l) => l);
        return got.length === 6 ? got.sort() : undefined;
      },
      30000,
      500,
    );
    expect(values).to.deep.equal(['t0', 't1', 't2', 't3', 't4', 't5']);
  });
});
