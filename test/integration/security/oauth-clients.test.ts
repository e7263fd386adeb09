/**
 * SASL/OAUTHBEARER with Kafka's unsecured JWS on a real broker (ZooKeeper mode): SASL_PLAINTEXT and SASL_SSL
 * listeners whose OAuthBearerLoginModule options come from listener.name.<l>.oauthbearer.sasl.jaas.config, the
 * AclAuthorizer on, ACLs written to ZooKeeper as kafka-acls --authorizer-properties does. Clients: kcat and
 * confluent-kafka (librdkafka 2.0.2, enable.sasl.oauthbearer.unsecure.jwt) and kafkajs (an oauthBearerProvider
 * returning an unsecured JWS).
 */
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { MetadataApi } from '../../../src/protocol/apis';
import { SaslHandshakeApi } from '../../../src/protocol/apis/17-sasl-handshake';
import { SaslAuthenticateApi } from '../../../src/protocol/apis/36-sasl-authenticate';
import { ErrorCode } from '../../../src/protocol/errors';
import { formatClientInitialResponse } from '../../../src/security/sasl/OAuthBearerClientInitialResponse';
import { AclOperation as O } from '../../../src/security/AclEntry';
import { AclAuthorizer } from '../../../src/security/authorizer/AclAuthorizer';
import { AclPermissionType as P } from '../../../src/security/authorizer/AclBinding';
import { PatternType as PT, ResourceType as RT } from '../../../src/security/authorizer/Authorizer';
import { ZkAclStore } from '../../../src/security/authorizer/ZkAclStore';
import { KafkaZkClient } from '../../../src/zk/KafkaZkClient';
import { TestCluster } from '../../helpers/cluster';
import { kcat, run } from '../../helpers/kcat';
import { freePort, waitFor } from '../../helpers/ports';
import { brokerSslProps, createTestPki, TestPki } from '../../helpers/tls';

const PYTHON = '/usr/bin/python3';
const MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';
const ACL_TOPIC = 'oauth-acl';

/** An unsecured JWS as Kafka's OAuthBearerUnsecuredLoginCallbackHandler makes one (claims given as JSON text). */
function unsecuredJws(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
  return `${b64({ alg: 'none' })}.${b64(claims)}.`;
}

describe('integration: SASL/OAUTHBEARER unsecured JWS (kcat, confluent-kafka, kafka-python, kafkajs), ACLs on the token principal', function () {
  this.timeout(120000);
  let pki: TestPki;
  let cluster: TestCluster;
  let zk: KafkaZkClient;
  let acls: AclAuthorizer;
  let saslPort: number;
  let saslSslPort: number;

  const oauth = (principal: string, port = saslPort): string[] => [
    '-b',
    `127.0.0.1:${port}`,
    '-X',
    `security.protocol=${port === saslPort ? 'SASL_PLAINTEXT' : 'SASL_SSL'}`,
    ...(port === saslPort ? [] : ['-X', `ssl.ca.location=${pki.caPem}`]),
    '-X',
    'sasl.mechanisms=OAUTHBEARER',
    '-X',
    'enable.sasl.oauthbearer.unsecure.jwt=true',
    '-X',
    `sasl.oauthbearer.config=principal=${principal}`,
  ];
  const lines = (s: string) => s.split('\n').filter((l) => l);
  const kafkajs = (token: string, retries = 5) =>
    new Kafka({
      clientId: 'it-oauth',
      brokers: [`127.0.0.1:${saslPort}`],
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) },
      logLevel: logLevel.NOTHING,
      retry: { retries },
    });
  const brokerLog = () => cluster.broker(1).output.join('\n');

  before(async () => {
    pki = createTestPki();
    saslPort = await freePort();
    saslSslPort = await freePort();
    cluster = await TestCluster.start({
      overrides: {
        listeners: `PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:${saslPort},SASL_SSL://127.0.0.1:${saslSslPort}`,
        'sasl.enabled.mechanisms': 'OAUTHBEARER',
        'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': `${MODULE} required;`,
        'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="admin" unsecuredValidatorAllowableClockSkewMs="1000";`,
        ...brokerSslProps(pki),
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        'super.users': 'User:ANONYMOUS',
        'allow.everyone.if.no.acl.found': 'true',
        'num.partitions': '1',
      },
    });
    zk = await KafkaZkClient.create(cluster.connectString, 6000, 10000, '[kafka-acls] ');
    acls = new AclAuthorizer({ superUsers: '', allowEveryoneIfNoAclFound: false }, new ZkAclStore(zk, -1));
    await acls.start();
  });

  after(async () => {
    acls?.close();
    await zk?.close();
    await cluster?.stop();
    pki?.cleanup();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it('kcat (librdkafka unsecured JWT, principal=alice): produce and consume over SASL_PLAINTEXT and SASL_SSL', async () => {
    const p = await kcat(['-P', '-t', 'oauth-kcat', ...oauth('alice')], { input: 'a\nb\n', timeoutMs: 20000 });
    expect(p.code, p.stderr).to.equal(0);
    const c = await kcat(['-C', '-t', 'oauth-kcat', '-o', 'beginning', '-e', '-q', ...oauth('bob', saslSslPort)], { timeoutMs: 20000 });
    expect(lines(c.stdout), c.stderr).to.deep.equal(['a', 'b']);
  });

  it('confluent-kafka (librdkafka 2.0.2): produce, then consume in a group', async () => {
    const prog = `
import sys
from confluent_kafka import Producer, Consumer
conf = {'bootstrap.servers': sys.argv[1], 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': 'OAUTHBEARER',
        'enable.sasl.oauthbearer.unsecure.jwt': True, 'sasl.oauthbearer.config': 'principal=alice scope=kafka lifeSeconds=600'}
p = Producer(conf)
errs = []
for i in range(3):
    p.produce('oauth-confluent', ('ck-%d' % i).encode(), callback=lambda e, m: errs.append(e))
p.flush(20)
c = Consumer(dict(conf, **{'group.id': 'oauth-group', 'auto.offset.reset': 'earliest'}))
c.subscribe(['oauth-confluent'])
got = []
while len(got) < 3:
    m = c.poll(20)
    if m is None:
        break
    if m.error() is None:
        got.append(m.value().decode())
c.close()
print('ok' if errs == [None, None, None] else 'failed %r' % errs, ','.join(got))
`;
    const r = await run(PYTHON, ['-c', prog, `127.0.0.1:${saslPort}`], { timeoutMs: 60000 });
    expect(r.stdout.trim(), r.stderr).to.equal('ok ck-0,ck-1,ck-2');
  });

  it('kafka-python: SaslHandshake v0 and the raw OAUTHBEARER message from a token provider', async () => {
    const prog = `
import sys, time, json, base64
from kafka import KafkaProducer, KafkaConsumer
from kafka.oauth.abstract import AbstractTokenProvider
def b64(o):
    return base64.urlsafe_b64encode(json.dumps(o, separators=(',', ':')).encode()).decode().rstrip('=')
class Provider(AbstractTokenProvider):
    def token(self):
        # Whole milliseconds, as Kafka's own unsecured login writes iat: a sub-millisecond iat read by the broker
        # within the same millisecond would be "after the indicated time" (the validator compares with whole ms).
        now = int(time.time() * 1000) / 1000.0
        return '%s.%s.' % (b64({'alg': 'none'}), b64({'sub': 'dave', 'iat': now, 'exp': now + 600}))
conf = dict(bootstrap_servers=sys.argv[1], security_protocol='SASL_PLAINTEXT', sasl_mechanism='OAUTHBEARER', sasl_oauth_token_provider=Provider())
p = KafkaProducer(**conf)
for i in range(3):
    p.send('oauth-python', ('py-%d' % i).encode()).get(timeout=20)
p.close()
c = KafkaConsumer('oauth-python', auto_offset_reset='earliest', consumer_timeout_ms=5000, **conf)
print(','.join(m.value.decode() for m in c))
c.close()
`;
    const r = await run(PYTHON, ['-c', prog, `127.0.0.1:${saslPort}`], { timeoutMs: 60000 });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal('py-0,py-1,py-2');
  });

  it('kafkajs: an oauthBearerProvider returning an unsecured JWS produces and consumes', async () => {
    const token = unsecuredJws({ sub: 'carol', iat: Date.now() / 1000, exp: Date.now() / 1000 + 600 });
    const kafka = kafkajs(token);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'oauth-kafkajs', messages: [{ value: 'js-0' }, { value: 'js-1' }] });
    await producer.disconnect();
    const c = await kcat(['-C', '-t', 'oauth-kafkajs', '-o', 'beginning', '-e', '-q', ...oauth('alice')], { timeoutMs: 20000 });
    expect(lines(c.stdout)).to.deep.equal(['js-0', 'js-1']);
  });

  it('an expired token and a token without sub are refused with the error challenge; the broker logs the failed authentication', async () => {
    // librdkafka answers the challenge with \x01; the broker then fails the exchange with the JSON as its message.
    const noSub = await kcat(['-L', ...oauth('alice'), '-X', 'sasl.oauthbearer.config=principal=alice principalClaimName=name', '-m', '4'], {
      timeoutMs: 20000,
    });
    expect(noSub.code).to.not.equal(0);
    expect(noSub.stderr).to.contain('{"status":"invalid_token"}');
    const failedLine = /Failed authentication with \/127\.0\.0\.1 \(channelId=[^)]*\) \(\{"status":"invalid_token"\}\)/;
    await waitFor('the broker to log the failed authentication', async () => failedLine.test(brokerLog()), 10000);
    // confluent-kafka's oauth_cb hands librdkafka an expired token.
    const prog = `
import sys, time, json, base64
def b64(o):
    return base64.urlsafe_b64encode(json.dumps(o, separators=(',', ':')).encode()).decode().rstrip('=')
now = time.time()
token = '%s.%s.' % (b64({'alg': 'none'}), b64({'sub': 'alice', 'iat': now - 120, 'exp': now - 60}))
from confluent_kafka import Producer
errors = []
# The token callback and error_cb are served by poll().
p = Producer({'bootstrap.servers': sys.argv[1], 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': 'OAUTHBEARER',
              'oauth_cb': lambda conf: (token, now + 3600), 'error_cb': lambda e: errors.append(str(e))})
deadline = time.time() + 20
while time.time() < deadline and not any('invalid_token' in e for e in errors):
    p.poll(0.2)
print('\\n'.join(errors))
`;
    const r = await run(PYTHON, ['-c', prog, `127.0.0.1:${saslPort}`], { timeoutMs: 60000 });
    expect(r.stdout, r.stderr).to.contain('{"status":"invalid_token"}');
    // kafkajs sends no \x01: it takes the challenge for success, and its next request (Metadata) is answered
    // ILLEGAL_SASL_STATE in a Metadata response before the broker closes the connection. That response names no
    // error when the request names no topic (MetadataRequest.getErrorResponse), so kafkajs' connect "succeeds";
    // a send asks for its topic and gets the error.
    const now = Date.now() / 1000;
    const producer = kafkajs(unsecuredJws({ sub: 'carol', iat: now - 120, exp: now - 60 }), 0).producer();
    let error = '';
    await producer
      .connect()
      .then(() => producer.send({ topic: 'oauth-kafkajs', messages: [{ value: 'never' }] }))
      .catch((e: Error) => (error = `${e.name}: ${e.message}`));
    await producer.disconnect();
    expect(error).to.match(/SASL state/);
    const illegalLine =
      /Failed authentication with \/127\.0\.0\.1 \(channelId=[^)]*\) \(Unexpected Kafka request of type METADATA during SASL authentication\.\)/;
    await waitFor('the broker to log the request in the wrong SASL state', async () => illegalLine.test(brokerLog()), 10000);
  });

  it('ACLs on User:alice apply to the token principal: alice may write and read the topic, bob may not', async () => {
    const admin = kafkajs(unsecuredJws({ sub: 'admin', exp: Date.now() / 1000 + 600 })).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: ACL_TOPIC, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const grant = (resourceType: number, name: string, operation: number) => ({
      pattern: { resourceType, name, patternType: PT.LITERAL },
      entry: { principal: 'User:alice', host: '*', operation, permissionType: P.ALLOW },
    });
    await acls.createAcls([grant(RT.TOPIC, ACL_TOPIC, O.WRITE), grant(RT.TOPIC, ACL_TOPIC, O.READ), grant(RT.TOPIC, ACL_TOPIC, O.DESCRIBE)]);
    await waitFor(
      "alice's ACLs to reach the broker",
      async () => (await kcat(['-P', '-t', ACL_TOPIC, ...oauth('alice')], { input: 'from-alice\n', timeoutMs: 15000 })).code === 0,
      30000,
    );
    const denied = await kcat(['-P', '-t', ACL_TOPIC, ...oauth('bob')], { input: 'from-bob\n', timeoutMs: 15000 });
    expect(denied.code).to.not.equal(0);
    expect(denied.stderr).to.match(/authoriz/i);
    const c = await kcat(['-C', '-t', ACL_TOPIC, '-o', 'beginning', '-e', '-q', ...oauth('alice')], { timeoutMs: 20000 });
    expect(lines(c.stdout)).to.include('from-alice');
    expect(lines(c.stdout)).to.not.include('from-bob');
  });

  it("KIP-368: the session ends with the token's exp; re-authenticating with a fresh token for the same principal extends it", async () => {
    const login = async (c: NetworkClient, sub: string, lifetimeSeconds: number) => {
      expect((await c.send(SaslHandshakeApi, 1, { mechanism: 'OAUTHBEARER' })).errorCode).to.equal(0);
      const now = Date.now() / 1000;
      const bytes = formatClientInitialResponse(unsecuredJws({ sub, iat: now, exp: now + lifetimeSeconds }));
      return c.send(SaslAuthenticateApi, 2, { authBytes: bytes });
    };
    const md = (c: NetworkClient) => c.send(MetadataApi, 4, { topics: [], allowAutoTopicCreation: false });
    const renewed = new NetworkClient('127.0.0.1', saslPort, 'it-reauth', 5000, 5000, { protocol: 'PLAINTEXT' });
    const expiring = new NetworkClient('127.0.0.1', saslPort, 'it-reauth', 5000, 5000, { protocol: 'PLAINTEXT' });
    try {
      const first = await login(renewed, 'alice', 2);
      expect(first.errorCode).to.equal(0);
      expect(Number(first.sessionLifetimeMs)).to.be.within(1000, 2000);
      expect((await login(expiring, 'alice', 2)).errorCode).to.equal(0);
      const firstExpiry = Date.now() + 2000;
      await md(renewed);
      const again = await login(renewed, 'alice', 600);
      expect([again.errorCode, Number(again.sessionLifetimeMs) > 590000]).to.deep.equal([0, true]);
      await waitFor('the first tokens to expire', async () => Date.now() > firstExpiry + 200, 5000, 50);
      expect((await md(renewed)).brokers.length).to.equal(1);
      let error = '';
      await md(expiring).catch((e: Error) => (error = e.message));
      expect(error).to.match(/closed/);
      const other = await login(renewed, 'bob', 600);
      expect([other.errorCode, other.errorMessage]).to.deep.equal([
        ErrorCode.SASL_AUTHENTICATION_FAILED,
        'Cannot change principals during re-authentication from User.alice: User.bob',
      ]);
    } finally {
      renewed.close();
      expiring.close();
    }
  });

  it('SASL state errors: a second SaslHandshake gets ILLEGAL_SASL_STATE then the connection closes; SaslAuthenticate first closes unanswered', async () => {
    const twice = new NetworkClient('127.0.0.1', saslPort, 'it-state', 5000, 5000, { protocol: 'PLAINTEXT' });
    expect((await twice.send(SaslHandshakeApi, 1, { mechanism: 'OAUTHBEARER' })).errorCode).to.equal(0);
    expect(await twice.send(SaslHandshakeApi, 1, { mechanism: 'OAUTHBEARER' })).to.deep.equal({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] });
    await waitFor('the broker to close the connection', async () => !twice.isConnected, 5000, 20);
    twice.close();
    const early = new NetworkClient('127.0.0.1', saslPort, 'it-state', 5000, 5000, { protocol: 'PLAINTEXT' });
    let error = '';
    await early.send(SaslAuthenticateApi, 2, { authBytes: Buffer.from('n,,\u0001auth=Bearer x\u0001\u0001') }).catch((e: Error) => (error = e.message));
    early.close();
    expect(error).to.match(/closed/);
    for (const line of [
      /Failed authentication with \/127\.0\.0\.1 \(channelId=[^)]*\) \(Unexpected Kafka request of type SASL_HANDSHAKE during SASL authentication\.\)/,
      /Failed authentication with \/127\.0\.0\.1 \(channelId=[^)]*\) \(Unexpected Kafka request of type SASL_AUTHENTICATE during SASL handshake\.\)/,
    ]) {
      await waitFor(`the broker to log ${line.source}`, async () => line.test(brokerLog()), 10000);
    }
  });
});
