import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { kcat } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

const SCRAM_JAAS = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
const STANDARD_AUTHORIZER = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

/**
 * Security in KRaft mode (Kafka 3.7): SCRAM credentials and ACLs live in the metadata log. kafka-configs and kafka-acls
 * talk to one broker, which forwards the change to the active controller (UserScramCredentialRecord,
 * AccessControlEntryRecord); every broker's image then feeds its SCRAM credential cache and its StandardAuthorizer, so
 * the other broker authenticates and authorizes with them. The PLAINTEXT listener (inter-broker, admin tools) is
 * User:ANONYMOUS, a super user; clients log in on the SASL_PLAINTEXT listener.
 */
describe('integration: KRaft security: SCRAM credentials and ACLs in the metadata log', function () {
  this.timeout(120000);
  let cluster: KRaftTestCluster;
  let plaintext: string;

  before(async () => {
    cluster = await KRaftTestCluster.start({
      controllers: 1,
      brokers: 2,
      brokerListener: 'SASL_PLAINTEXT',
      // kafka-storage format --add-scram: a credential in bootstrap.checkpoint, in the log from the first activation.
      formatArgs: ['--add-scram', 'SCRAM-SHA-512=[name=admin,password=admin-secret]'],
      overrides: {
        'authorizer.class.name': STANDARD_AUTHORIZER,
        'super.users': 'User:ANONYMOUS;User:admin',
        'sasl.enabled.mechanisms': 'SCRAM-SHA-256,SCRAM-SHA-512',
        'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': SCRAM_JAAS,
        'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': SCRAM_JAAS,
        'offsets.topic.replication.factor': '1',
      },
    });
    plaintext = `127.0.0.1:${cluster.node(1).brokerPort}`;
  });

  after(async () => {
    await cluster?.shutdown();
  });

  const saslAddress = (id: number) => `127.0.0.1:${cluster.node(id).extraPort}`;

  /** kcat -L on a broker's SASL listener: exit 0 once authenticated, else librdkafka's error. */
  const kcatMetadata = (id: number, mechanism: string, user: string, password: string, timeoutS = 3) =>
    kcat(
      [
        '-L',
        '-b',
        saslAddress(id),
        '-m',
        String(timeoutS),
        '-X',
        'security.protocol=SASL_PLAINTEXT',
        '-X',
        `sasl.mechanisms=${mechanism}`,
        '-X',
        `sasl.username=${user}`,
        '-X',
        `sasl.password=${password}`,
      ],
      { timeoutMs: 20000 },
    );

  const authenticates = (what: string, id: number, mechanism: string, user: string, password: string, ok: boolean) =>
    waitFor(
      what,
      async () => {
        const r = await kcatMetadata(id, mechanism, user, password, ok ? 3 : 1);
        return ok ? r.code === 0 : r.code !== 0 && /Authentication failed/i.test(r.stderr);
      },
      30000,
      200,
    );

  const saslClient = (user: string, password: string) =>
    new Kafka({
      clientId: `kraftsec-${user}`,
      brokers: [saslAddress(1), saslAddress(2)],
      sasl: { mechanism: 'scram-sha-256', username: user, password },
      logLevel: logLevel.NOTHING,
      retry: { retries: 2, initialRetryTime: 100 },
    });

  it('a SCRAM credential from kafka-storage format --add-scram logs in on every broker', async () => {
    for (const id of [1, 2]) {
      const r = await kcatMetadata(id, 'SCRAM-SHA-512', 'admin', 'admin-secret');
      expect(r.code, r.stderr).to.equal(0);
    }
    const wrong = await kcatMetadata(1, 'SCRAM-SHA-512', 'admin', 'wrong', 1);
    expect(wrong.stderr).to.match(/Authentication failed/i);
  });

  it('a SCRAM user created with kafka-configs --bootstrap-server logs in on the other broker (kcat), is described, and is deleted', async () => {
    const alter = (config: string) =>
      runTool('kafka-configs', ['--bootstrap-server', plaintext, '--alter', '--add-config', config, '--entity-type', 'users', '--entity-name', 'alice']);
    // Kafka 3.7's ScramControlManager keys a request's changes by user: two mechanisms of one user in one request are
    // DUPLICATE_RESOURCE (ZooKeeper mode accepts them).
    const both = await alter('SCRAM-SHA-256=[iterations=8192,password=alice-secret],SCRAM-SHA-512=[password=alice-512]');
    expect(both.code).to.not.equal(0);
    expect(both.stdout + both.stderr).to.contain('A user credential cannot be altered twice in the same request');
    const add = await alter('SCRAM-SHA-256=[iterations=8192,password=alice-secret]');
    expect(add.code, add.stderr).to.equal(0);
    const add512 = await alter('SCRAM-SHA-512=[password=alice-512]');
    expect(add512.code, add512.stderr).to.equal(0);
    expect(add.stdout).to.contain('Completed updating config for user alice.');
    await authenticates('alice logs in on broker 2 with SCRAM-SHA-256', 2, 'SCRAM-SHA-256', 'alice', 'alice-secret', true);
    await authenticates('alice logs in on broker 1 with SCRAM-SHA-512', 1, 'SCRAM-SHA-512', 'alice', 'alice-512', true);
    await authenticates('a wrong password is refused', 2, 'SCRAM-SHA-256', 'alice', 'not-her-password', false);

    // DescribeUserScramCredentials from broker 2's image: mechanisms and iterations, never the keys.
    const described = await runTool('kafka-configs', [
      '--bootstrap-server',
      `127.0.0.1:${cluster.node(2).brokerPort}`,
      '--describe',
      '--entity-type',
      'users',
      '--entity-name',
      'alice',
    ]);
    expect(described.code, described.stderr).to.equal(0);
    expect(described.stdout).to.contain('SCRAM-SHA-256=iterations=8192');
    expect(described.stdout).to.contain('SCRAM-SHA-512=iterations=4096');

    // A user quota through the controller (AlterClientQuotas forwarded, ClientQuotaRecord), described from broker 2's image.
    const quota = await runTool('kafka-configs', [
      '--bootstrap-server',
      plaintext,
      '--alter',
      '--add-config',
      'producer_byte_rate=1048576',
      '--entity-type',
      'users',
      '--entity-name',
      'alice',
    ]);
    expect(quota.code, quota.stderr).to.equal(0);
    await waitFor(
      'broker 2 describes the quota',
      async () => {
        const r = await runTool('kafka-configs', [
          '--bootstrap-server',
          `127.0.0.1:${cluster.node(2).brokerPort}`,
          '--describe',
          '--entity-type',
          'users',
          '--entity-name',
          'alice',
        ]);
        return r.stdout.includes('producer_byte_rate=1048576.0');
      },
      20000,
      200,
    );

    const del = await runTool('kafka-configs', [
      '--bootstrap-server',
      plaintext,
      '--alter',
      '--delete-config',
      'SCRAM-SHA-512',
      '--entity-type',
      'users',
      '--entity-name',
      'alice',
    ]);
    expect(del.code, del.stderr).to.equal(0);
    await authenticates('the deleted SCRAM-SHA-512 credential no longer logs in', 2, 'SCRAM-SHA-512', 'alice', 'alice-512', false);
    await authenticates('SCRAM-SHA-256 still does', 2, 'SCRAM-SHA-256', 'alice', 'alice-secret', true);
    // Deleting it again: the controller's ScramControlManager answers RESOURCE_NOT_FOUND.
    const again = await runTool('kafka-configs', [
      '--bootstrap-server',
      plaintext,
      '--alter',
      '--delete-config',
      'SCRAM-SHA-512',
      '--entity-type',
      'users',
      '--entity-name',
      'alice',
    ]);
    expect(again.code).to.not.equal(0);
    expect(again.stdout + again.stderr).to.match(/does not exist/);
  });

  it('ACLs created with kafka-acls through broker 1 are enforced by broker 2 (kafkajs over SCRAM), listed, and removed', async () => {
    await authenticates('alice can log in', 2, 'SCRAM-SHA-256', 'alice', 'alice-secret', true);
    const topics = await runTool('kafka-topics', [
      '--bootstrap-server',
      plaintext,
      '--create',
      '--topic',
      'allowed',
      '--partitions',
      '1',
      '--replication-factor',
      '2',
    ]);
    expect(topics.code, topics.stderr).to.equal(0);
    const other = await runTool('kafka-topics', [
      '--bootstrap-server',
      plaintext,
      '--create',
      '--topic',
      'forbidden',
      '--partitions',
      '1',
      '--replication-factor',
      '2',
    ]);
    expect(other.code, other.stderr).to.equal(0);

    const kafka = saslClient('alice', 'alice-secret');
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      // No ACL at all yet (allow.everyone.if.no.acl.found=false): alice may not write.
      const denied = await producer.send({ topic: 'allowed', messages: [{ value: 'x' }] }).then(
        () => null,
        (e: Error) => e,
      );
      expect(denied, 'no ACL: denied').to.not.equal(null);
      expect(String((denied as Error & { type?: string }).type ?? denied!.message)).to.match(/TOPIC_AUTHORIZATION_FAILED|authoriz/i);

      const add = await runTool('kafka-acls', [
        '--bootstrap-server',
        plaintext,
        '--add',
        '--allow-principal',
        'User:alice',
        '--operation',
        'Write',
        '--operation',
        'Describe',
        '--topic',
        'allowed',
      ]);
      expect(add.code, add.stderr).to.equal(0);
      expect(add.stdout).to.contain('Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=allowed, patternType=LITERAL)`');

      await waitFor(
        'broker 2 lets alice write to the allowed topic',
        () =>
          producer.send({ topic: 'allowed', messages: [{ value: 'hello' }] }).then(
            () => true,
            () => false,
          ),
        30000,
        200,
      );
      const forbidden = await producer.send({ topic: 'forbidden', messages: [{ value: 'x' }] }).then(
        () => null,
        (e: Error) => e,
      );
      expect(forbidden, 'another topic: denied').to.not.equal(null);

      // DescribeAcls answered by broker 2's StandardAuthorizer.
      const list = await runTool('kafka-acls', ['--bootstrap-server', `127.0.0.1:${cluster.node(2).brokerPort}`, '--list', '--topic', 'allowed']);
      expect(list.code, list.stderr).to.equal(0);
      expect(list.stdout).to.contain('(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW)');
      expect(list.stdout).to.contain('(principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)');

      // alice is not allowed to change ACLs (CLUSTER ALTER), checked by the broker before forwarding.
      const admin = kafka.admin();
      await admin.connect();
      try {
        const refused = await admin
          .createAcls({
            acl: [
              {
                resourceType: 2,
                resourceName: 'forbidden',
                resourcePatternType: 3,
                principal: 'User:alice',
                host: '*',
                operation: 4,
                permissionType: 3,
              },
            ],
          } as unknown as Parameters<typeof admin.createAcls>[0])
          .then(
            () => null,
            (e: Error) => e,
          );
        expect(refused, 'CreateAcls by alice').to.not.equal(null);
        expect(String((refused as Error & { type?: string }).type ?? refused!.message)).to.match(/CLUSTER_AUTHORIZATION_FAILED|authoriz/i);
      } finally {
        await admin.disconnect();
      }

      const remove = await runTool('kafka-acls', [
        '--bootstrap-server',
        plaintext,
        '--remove',
        '--force',
        '--allow-principal',
        'User:alice',
        '--operation',
        'Write',
        '--topic',
        'allowed',
      ]);
      expect(remove.code, remove.stderr).to.equal(0);
      await waitFor(
        'broker 2 refuses alice again',
        () =>
          producer.send({ topic: 'allowed', messages: [{ value: 'x' }] }).then(
            () => false,
            () => true,
          ),
        30000,
        200,
      );
    } finally {
      await producer.disconnect();
    }
  });

  it("forwarded admin requests are authorized with the client's principal: CreateTopics narrowed to the topics alice may create", async () => {
    const add = await runTool('kafka-acls', [
      '--bootstrap-server',
      plaintext,
      '--add',
      '--allow-principal',
      'User:alice',
      '--operation',
      'Create',
      '--resource-pattern-type',
      'prefixed',
      '--topic',
      'alice-',
    ]);
    expect(add.code, add.stderr).to.equal(0);
    const admin = saslClient('alice', 'alice-secret').admin();
    await admin.connect();
    try {
      await waitFor(
        'alice may create alice-1 (the ACL reached broker 1 and 2)',
        () =>
          admin.createTopics({ topics: [{ topic: 'alice-1', numPartitions: 1, replicationFactor: 1 }] }).then(
            () => true,
            () => false,
          ),
        30000,
        200,
      );
      // One request, one topic allowed and one denied: the denied one is TOPIC_AUTHORIZATION_FAILED, the other is created.
      const mixed = await admin
        .createTopics({
          topics: [
            { topic: 'alice-2', numPartitions: 1, replicationFactor: 1 },
            { topic: 'bobs-topic', numPartitions: 1, replicationFactor: 1 },
          ],
        })
        .then(
          () => null,
          (e: Error & { errors?: Array<{ type: string; topic?: string }> }) => e,
        );
      expect(mixed, 'the mixed request fails for bobs-topic').to.not.equal(null);
      expect(JSON.stringify(mixed!.errors ?? mixed!.message)).to.match(/TOPIC_AUTHORIZATION_FAILED/);
      const list = await runTool('kafka-topics', ['--bootstrap-server', plaintext, '--list']);
      expect(list.stdout.split('\n')).to.include.members(['alice-1', 'alice-2']);
      expect(list.stdout.split('\n')).to.not.include('bobs-topic');
      // Deleting needs DELETE, which alice does not have.
      const del = await admin.deleteTopics({ topics: ['alice-1'] }).then(
        () => null,
        (e: Error) => e,
      );
      expect(del, 'DeleteTopics by alice').to.not.equal(null);
    } finally {
      await admin.disconnect();
    }
  });

  it('the records are in the metadata log (kafka-dump-log --cluster-metadata-decoder)', async () => {
    const dir = path.join(cluster.dataDir(cluster.controllerIds[0]), '__cluster_metadata-0');
    const segment = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort()[0];
    const r = await runTool('kafka-dump-log', ['--cluster-metadata-decoder', '--files', path.join(dir, segment)]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('USER_SCRAM_CREDENTIAL_RECORD');
    expect(r.stdout).to.contain('REMOVE_USER_SCRAM_CREDENTIAL_RECORD');
    expect(r.stdout).to.contain('ACCESS_CONTROL_ENTRY_RECORD');
    expect(r.stdout).to.contain('REMOVE_ACCESS_CONTROL_ENTRY_RECORD');
    expect(r.stdout).to.contain('CLIENT_QUOTA_RECORD');
    // The salted keys are in the record, the password is not.
    expect(r.stdout).to.not.contain('alice-secret');
  });
});
