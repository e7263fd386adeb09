/**
 * The command-line tools over TLS and SASL with Kafka's client property files: kafka-topics, kafka-console-producer,
 * kafka-console-consumer, kafka-consumer-groups and kafka-broker-api-versions against a broker with PLAINTEXT (inter-broker),
 * SSL and SASL_SSL listeners and the ACL authorizer on (super.users=User:admin;User:ANONYMOUS). admin has SCRAM-SHA-256
 * credentials written by kafka-configs --zookeeper; alice is a PLAIN user of the SASL_SSL listener with no ACLs.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { TestCluster } from '../../helpers/cluster';
import { kcat } from '../../helpers/kcat';
import { freePort, waitFor } from '../../helpers/ports';
import { brokerSslProps, createTestPki, TestPki } from '../../helpers/tls';
import { runTool, ToolResult } from './cliSupport';

const PLAIN = (user: string, pw: string) => `org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${pw}";`;
const SCRAM = (user: string, pw: string) => `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${pw}";`;

describe('integration: --command-config / --producer.config / --consumer.config over SSL and SASL_SSL', function () {
  this.timeout(120000);
  let pki: TestPki;
  let cluster: TestCluster;
  let sslPort: number;
  let saslSslPort: number;
  const file = (name: string, props: Record<string, string>): string => {
    const f = path.join(pki.dir, name);
    fs.writeFileSync(
      f,
      Object.entries(props)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );
    return f;
  };
  let adminScram: string;
  let sslOnly: string;
  let alicePlain: string;
  const ok = (r: ToolResult): ToolResult => {
    expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).to.equal(0);
    return r;
  };

  before(async () => {
    pki = createTestPki();
    sslPort = await freePort();
    saslSslPort = await freePort();
    cluster = await TestCluster.start({
      overrides: {
        listeners: `PLAINTEXT://127.0.0.1:{port},SSL://127.0.0.1:${sslPort},SASL_SSL://127.0.0.1:${saslSslPort}`,
        'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,OAUTHBEARER',
        'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
        'listener.name.sasl_ssl.plain.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";',
        'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        'super.users': 'User:admin;User:ANONYMOUS',
        ...brokerSslProps(pki),
        'num.partitions': '1',
      },
    });
    ok(
      await runTool('kafka-configs', [
        '--zookeeper',
        cluster.connectString,
        '--alter',
        '--add-config',
        'SCRAM-SHA-256=[iterations=4096,password=admin-secret]',
        '--entity-type',
        'users',
        '--entity-name',
        'admin',
      ]),
    );
    const trustP12 = { 'ssl.truststore.location': pki.caP12, 'ssl.truststore.password': pki.password, 'ssl.truststore.type': 'PKCS12' };
    adminScram = file('admin.properties', {
      'security.protocol': 'SASL_SSL',
      ...trustP12,
      'sasl.mechanism': 'SCRAM-SHA-256',
      'sasl.jaas.config': SCRAM('admin', 'admin-secret'),
    });
    sslOnly = file('ssl.properties', { 'security.protocol': 'SSL', 'ssl.truststore.location': pki.caPem, 'ssl.truststore.type': 'PEM' });
    alicePlain = file('alice.properties', {
      'security.protocol': 'SASL_SSL',
      'ssl.truststore.location': pki.caPem,
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config': PLAIN('alice', 'alice-secret'),
    });
    // The broker learns of admin's credentials through /config/changes.
    await waitFor(
      "admin's SCRAM credentials to reach the broker",
      async () =>
        (
          await kcat(
            [
              '-L',
              '-b',
              `127.0.0.1:${saslSslPort}`,
              '-X',
              'security.protocol=SASL_SSL',
              '-X',
              `ssl.ca.location=${pki.caPem}`,
              '-X',
              'sasl.mechanisms=SCRAM-SHA-256',
              '-X',
              'sasl.username=admin',
              '-X',
              'sasl.password=admin-secret',
              '-m',
              '3',
            ],
            { timeoutMs: 10000 },
          )
        ).code === 0,
      30000,
    );
  });

  after(async () => {
    await cluster?.stop();
    pki?.cleanup();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('kafka-topics and kafka-broker-api-versions as admin over SASL_SSL (SCRAM-SHA-256, PKCS12 truststore)', async () => {
    const bs = `127.0.0.1:${saslSslPort}`;
    const c = ok(
      await runTool('kafka-topics', ['--bootstrap-server', bs, '--command-config', adminScram, '--create', '--topic', 'secure-t', '--partitions', '2']),
    );
    expect(c.stdout.trim()).to.equal('Created topic secure-t.');
    const l = ok(await runTool('kafka-topics', ['--bootstrap-server', bs, '--command-config', adminScram, '--list']));
    expect(l.stdout.split('\n')).to.include('secure-t');
    // Our own NetworkClient requests (ApiVersions to every broker, at the SASL_SSL endpoint Metadata gave).
    const v = ok(await runTool('kafka-broker-api-versions', ['--bootstrap-server', bs, '--command-config', adminScram]));
    expect(v.stdout).to.match(new RegExp(`^127\\.0\\.0\\.1:${saslSslPort} \\(id: 1 rack: null\\) -> \\(`));
    expect(v.stdout).to.contain('SaslAuthenticate(36)');
    // SSL with a PEM truststore: Metadata answers with the SSL endpoint, host name checked against the SAN 127.0.0.1.
    const d = ok(
      await runTool('kafka-topics', ['--bootstrap-server', `127.0.0.1:${sslPort}`, '--command-config', sslOnly, '--describe', '--topic', 'secure-t']),
    );
    expect(d.stdout).to.match(/Topic: secure-t\s+TopicId: \S+\s+PartitionCount: 2/);
  });

  it('OAUTHBEARER (unsecured JWS, sub=admin) for kafkajs-based and NetworkClient-based tools', async () => {
    const oauth = file('oauth.properties', {
      'security.protocol': 'SASL_SSL',
      'ssl.truststore.location': pki.caPem,
      'sasl.mechanism': 'OAUTHBEARER',
      'sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";',
    });
    const bs = `127.0.0.1:${saslSslPort}`;
    const l = ok(await runTool('kafka-topics', ['--bootstrap-server', bs, '--command-config', oauth, '--list']));
    expect(l.stdout.split('\n')).to.include('secure-t');
    const v = ok(await runTool('kafka-broker-api-versions', ['--bootstrap-server', bs, '--command-config', oauth]));
    expect(v.stdout).to.match(new RegExp(`^127\\.0\\.0\\.1:${saslSslPort} \\(id: 1 rack: null\\) -> \\(`));
  });

  it('console producer over SSL (--producer.config), console consumer and kafka-consumer-groups over SASL_SSL', async () => {
    const p = ok(
      await runTool('kafka-console-producer', ['--bootstrap-server', `127.0.0.1:${sslPort}`, '--topic', 'secure-c', '--producer.config', sslOnly], {
        input: 'one\ntwo\nthree\n',
      }),
    );
    expect(p.stderr).to.equal('');
    const c = ok(
      await runTool('kafka-console-consumer', [
        '--bootstrap-server',
        `127.0.0.1:${saslSslPort}`,
        '--topic',
        'secure-c',
        '--from-beginning',
        '--max-messages',
        '3',
        '--group',
        'secure-g',
        '--consumer.config',
        adminScram,
      ]),
    );
    expect(c.stdout.split('\n').filter((x) => x)).to.deep.equal(['one', 'two', 'three']);
    expect(c.stderr).to.contain('Processed a total of 3 messages');
    expect(c.stderr).not.to.contain('ignored');
    const g = ok(
      await runTool('kafka-consumer-groups', [
        '--bootstrap-server',
        `127.0.0.1:${saslSslPort}`,
        '--command-config',
        adminScram,
        '--describe',
        '--group',
        'secure-g',
      ]),
    );
    expect(g.stdout).to.match(/secure-g\s+secure-c\s+0\s+3\s+3\s+0/);
  });

  it('--consumer-property security settings; a user without ACLs is denied and kafka-authorizer.log records it', async () => {
    const r = await runTool(
      'kafka-console-producer',
      ['--bootstrap-server', `127.0.0.1:${saslSslPort}`, '--topic', 'secure-c', '--producer.config', alicePlain],
      {
        input: 'nope\n',
      },
    );
    expect(r.code).to.equal(1);
    expect(r.stdout + r.stderr, r.stdout + r.stderr).to.match(/Not authorized to access topics|TopicAuthorization/);
    const log = path.join(cluster.broker(1).logDir, 'kafka-authorizer.log');
    await waitFor(
      'the denied Write in kafka-authorizer.log',
      async () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('Principal = User:alice is Denied Operation ='),
      10000,
    );
    expect(fs.readFileSync(log, 'utf8')).to.match(
      /INFO Principal = User:alice is Denied Operation = (Describe|Write) from host = 127\.0\.0\.1 on resource = Topic:LITERAL:secure-c for request = (Metadata|Produce) with resourceRefCount = \d+ \(kafka\.authorizer\.logger\)/,
    );
    const c = ok(
      await runTool('kafka-console-consumer', [
        '--bootstrap-server',
        `127.0.0.1:${sslPort}`,
        '--topic',
        'secure-c',
        '--from-beginning',
        '--max-messages',
        '1',
        '--consumer-property',
        'security.protocol=SSL',
        '--consumer-property',
        `ssl.truststore.location=${pki.caPem}`,
      ]),
    );
    expect(c.stdout.trim()).to.equal('one');
    // alice may not read the topic, then (once granted Read on it) may not use a consumer group: KafkaConsumer.poll's
    // exception ends ConsoleConsumer with its count, the error, exit code 1.
    const aliceConsumer = () =>
      runTool('kafka-console-consumer', ['--bootstrap-server', `127.0.0.1:${saslSslPort}`, '--topic', 'secure-c', '--consumer.config', alicePlain]);
    const t = await aliceConsumer();
    expect(t.code).to.equal(1);
    expect(t.stderr, t.stderr).to.match(
      /Processed a total of 0 messages\nUnknown error when running consumer: \norg\.apache\.kafka\.common\.errors\.TopicAuthorizationException: Not authorized to access topics: \[secure-c\]\n$/,
    );
    const bs = `127.0.0.1:${saslSslPort}`;
    ok(
      await runTool('kafka-acls', [
        '--bootstrap-server',
        bs,
        '--command-config',
        adminScram,
        '--add',
        '--allow-principal',
        'User:alice',
        '--operation',
        'Read',
        '--topic',
        'secure-c',
      ]),
    );
    const g = await waitFor(
      'the Read ACL to reach the broker',
      async () => {
        const r = await aliceConsumer();
        return r.stderr.includes('TopicAuthorizationException') ? null : r;
      },
      20000,
    );
    expect(g.code).to.equal(1);
    expect(g.stderr, g.stderr).to.match(
      /Processed a total of 0 messages\nUnknown error when running consumer: \norg\.apache\.kafka\.common\.errors\.GroupAuthorizationException: Not authorized to access group: console-consumer-\d+\n$/,
    );
  });

  it('a wrong password, a missing file and an unknown mechanism fail with one clear line', async () => {
    const bad = file('bad.properties', {
      'security.protocol': 'SASL_SSL',
      'ssl.truststore.location': pki.caPem,
      'sasl.mechanism': 'SCRAM-SHA-256',
      'sasl.jaas.config': SCRAM('admin', 'wrong'),
    });
    const t = await runTool('kafka-topics', ['--bootstrap-server', `127.0.0.1:${saslSslPort}`, '--command-config', bad, '--list'], { timeoutMs: 30000 });
    expect(t.code).to.equal(1);
    // Kafka's TopicCommand: "Error while executing topic command : " + the broker's SaslAuthenticate message.
    expect(t.stdout.trim()).to.equal(
      'Error while executing topic command : Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256',
    );
    const v = await runTool('kafka-broker-api-versions', ['--bootstrap-server', `127.0.0.1:${saslSslPort}`, '--command-config', bad]);
    expect(v.code).to.equal(1);
    expect(v.stdout.trim()).to.equal('Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256');
    const m = await runTool('kafka-topics', [
      '--bootstrap-server',
      `127.0.0.1:${saslSslPort}`,
      '--command-config',
      path.join(pki.dir, 'none.properties'),
      '--list',
    ]);
    expect(m.code).to.equal(1);
    expect(m.stdout + m.stderr).to.contain('none.properties (No such file or directory)');
    const u = await runTool('kafka-console-producer', [
      '--bootstrap-server',
      `127.0.0.1:${saslSslPort}`,
      '--topic',
      'x',
      '--producer-property',
      'security.protocol=SASL_SSL',
      '--producer-property',
      'sasl.mechanism=GSSAPI',
    ]);
    expect(u.code).to.equal(1);
    expect(u.stderr.trim()).to.match(/^Failed to construct kafka producer: SASL mechanism GSSAPI is not supported by this client/);
  });
});
