/**
 * Inter-broker SASL/OAUTHBEARER (sasl.mechanism.inter.broker.protocol=OAUTHBEARER) on a 2-broker ZooKeeper-mode
 * cluster: each broker's own connections (controller channel, replica fetchers) log in with the unsecured token
 * OAuthBearerUnsecuredLoginCallbackHandler builds from the listener's JAAS options (unsecuredLoginStringClaim_sub
 * ="broker", unsecuredLoginLifetimeSeconds=5). The AclAuthorizer denies what no ACL allows and only User:broker
 * (and User:ANONYMOUS, the PLAINTEXT test listener) are super users, so replication works only if the brokers
 * authenticate as the token's principal. The 5-second token bounds each inter-broker session (KIP-368): the
 * brokers keep replicating after it has passed.
 */
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../../helpers/cluster';
import { freePort, waitFor } from '../../helpers/ports';

const MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

describe('integration: replication over an OAUTHBEARER inter-broker listener (unsecured JWS)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  const saslPorts: Record<number, number> = {};

  before(async () => {
    for (const id of [1, 2]) saslPorts[id] = await freePort();
    const brokerOverrides: Record<number, Record<string, string>> = {};
    for (const id of [1, 2]) brokerOverrides[id] = { listeners: `PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:${saslPorts[id]}` };
    cluster = await TestCluster.start({
      brokers: 2,
      overrides: {
        'inter.broker.listener.name': 'SASL_PLAINTEXT',
        'sasl.enabled.mechanisms': 'OAUTHBEARER',
        'sasl.mechanism.inter.broker.protocol': 'OAUTHBEARER',
        'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': `${MODULE} required unsecuredLoginStringClaim_sub="broker" unsecuredLoginLifetimeSeconds="5";`,
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        'super.users': 'User:broker;User:ANONYMOUS',
        'allow.everyone.if.no.acl.found': 'false',
        'replica.fetch.wait.max.ms': '200',
      },
      brokerOverrides,
    });
    await cluster.waitForBrokers([1, 2]);
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(cluster.dumpLogs());
  });

  it("a replicated topic gets its ISR and takes acks=all writes, also after the brokers' tokens have expired", async () => {
    const kafka = new Kafka({ clientId: 'it-oauth-ib', brokers: [`127.0.0.1:${cluster.broker(1).port}`], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'oauth-replicated', numPartitions: 2, replicationFactor: 2, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
      waitForLeaders: true,
    });
    const fullIsr = () =>
      waitFor(
        'both partitions of oauth-replicated to have 2 in-sync replicas',
        async () => {
          const m = await cluster.metadata(1, ['oauth-replicated']);
          return m.topics[0].partitions.length === 2 && m.topics[0].partitions.every((p) => p.isrNodes.length === 2) ? m : undefined;
        },
        20000,
      );
    await fullIsr();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'oauth-replicated', acks: -1, messages: [0, 1, 2, 3].map((i) => ({ key: `k${i}`, value: `v${i}` })) });
    // The inter-broker sessions end with the tokens (5 s): wait past that, then write again with acks=all.
    const expired = Date.now() + 6000;
    await waitFor('the first inter-broker tokens to expire', async () => Date.now() > expired, 10000, 100);
    await producer.send({ topic: 'oauth-replicated', acks: -1, messages: [4, 5, 6, 7].map((i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();
    const md = await fullIsr();
    expect(md.topics[0].partitions.map((p) => p.replicaNodes.length)).to.deep.equal([2, 2]);
    const offsets = await admin.fetchTopicOffsets('oauth-replicated');
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).to.equal(8);
    await admin.disconnect();
    const logs = [1, 2].map((id) => cluster.broker(id).output.join('\n')).join('\n');
    expect(logs).to.not.match(/Failed (re-)?authentication/);
  });
});
