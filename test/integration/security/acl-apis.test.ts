/**
 * CreateAcls / DescribeAcls / DeleteAcls on real brokers with kafka.security.authorizer.AclAuthorizer (ZooKeeper mode):
 * kafkajs' admin over SASL PLAIN (admin is a super user, alice is not), every broker's cache followed live through the
 * change notifications (DescribeAcls to each broker), and a restarted broker reloading the ACLs from ZooKeeper.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { DescribeAclsApi } from '../../../src/protocol/apis';
import { ErrorCode } from '../../../src/protocol/errors';
import { TestCluster } from '../../helpers/cluster';
import { run } from '../../helpers/kcat';
import { freePort, waitFor } from '../../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const USERS = 'user_admin="admin-secret" user_alice="alice-secret"';

describe('integration: ACL admin APIs with AclAuthorizer (kafkajs, two brokers)', function () {
  this.timeout(90000);
  let cluster: TestCluster;
  const saslPorts = new Map<number, number>();

  const admin = (user: string, brokerId = 1) =>
    new Kafka({
      clientId: 'acl-it',
      brokers: [`127.0.0.1:${saslPorts.get(brokerId)}`],
      sasl: { mechanism: 'plain', username: user, password: `${user}-secret` },
      logLevel: logLevel.NOTHING,
      retry: { retries: 2 },
    }).admin();

  /** DescribeAcls (v3) to one broker over its PLAINTEXT listener (User:ANONYMOUS, a super user here). */
  const describeOn = async (id: number) => {
    const c = new NetworkClient('127.0.0.1', cluster.brokers.get(id)!.port, 'acl-it', 5000);
    try {
      return await c.send(DescribeAclsApi, 3, {
        resourceTypeFilter: 1,
        resourceNameFilter: null,
        patternTypeFilter: 1,
        principalFilter: null,
        hostFilter: null,
        operation: 1,
        permissionType: 1,
      });
    } finally {
      c.close();
    }
  };
  const aclsOn = async (id: number): Promise<string[]> =>
    (await describeOn(id)).resources
      .flatMap((r) => r.acls.map((a) => `${r.resourceType}:${r.patternType}:${r.resourceName}:${a.principal}:${a.operation}:${a.permissionType}`))
      .sort();

  before(async () => {
    const brokerOverrides: Record<number, Record<string, string>> = {};
    for (const id of [1, 2]) {
      const port = await freePort();
      saslPorts.set(id, port);
      brokerOverrides[id] = { listeners: `PLAINTEXT://127.0.0.1:{port},SASL_PLAINTEXT://127.0.0.1:${port}` };
    }
    cluster = await TestCluster.start({
      brokers: 2,
      brokerOverrides,
      overrides: {
        'sasl.enabled.mechanisms': 'PLAIN',
        'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required ${USERS};`,
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        'super.users': 'User:admin;User:ANONYMOUS',
        'num.partitions': '1',
      },
    });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('admin creates ACLs on broker 1; both brokers describe them; alice may not; delete reaches both; a restart reloads', async () => {
    const a = admin('admin');
    await a.connect();
    try {
      await a.createAcls({
        acl: [
          {
            resourceType: AclResourceTypes.TOPIC,
            resourceName: 'orders',
            resourcePatternType: ResourcePatternTypes.LITERAL,
            principal: 'User:alice',
            host: '*',
            operation: AclOperationTypes.READ,
            permissionType: AclPermissionTypes.ALLOW,
          },
          {
            resourceType: AclResourceTypes.TOPIC,
            resourceName: 'fin-',
            resourcePatternType: ResourcePatternTypes.PREFIXED,
            principal: 'User:alice',
            host: '*',
            operation: AclOperationTypes.WRITE,
            permissionType: AclPermissionTypes.DENY,
          },
        ],
      });
      const expected = ['2:3:orders:User:alice:3:3', '2:4:fin-:User:alice:4:2'].sort();
      // kafkajs sends CreateAcls to any broker it knows: the other one learns the bindings from the change notifications
      // (/kafka-acl-changes for the literal one, /kafka-acl-extended-changes for the prefixed one), each in its own time.
      for (const id of [1, 2]) {
        await waitFor(`broker ${id} to describe the new ACLs`, async () => JSON.stringify(await aclsOn(id)) === JSON.stringify(expected), 20000);
      }

      const described = await a.describeAcls({
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'fin-orders',
        resourcePatternType: ResourcePatternTypes.MATCH,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      expect(described.resources.map((r) => r.resourceName)).to.deep.equal(['fin-']);

      // alice is not allowed CLUSTER ALTER / DESCRIBE
      const alice = admin('alice');
      await alice.connect();
      try {
        const err = await alice
          .describeAcls({
            resourceType: AclResourceTypes.ANY,
            resourcePatternType: ResourcePatternTypes.ANY,
            operation: AclOperationTypes.ANY,
            permissionType: AclPermissionTypes.ANY,
          })
          .then(
            () => null,
            (e: { type?: string }) => e,
          );
        expect(err?.type).to.equal('CLUSTER_AUTHORIZATION_FAILED');
      } finally {
        await alice.disconnect();
      }

      const deleted = await a.deleteAcls({
        filters: [
          {
            resourceType: AclResourceTypes.TOPIC,
            resourceName: 'orders',
            resourcePatternType: ResourcePatternTypes.LITERAL,
            operation: AclOperationTypes.ANY,
            permissionType: AclPermissionTypes.ANY,
          },
        ],
      });
      expect(deleted.filterResponses[0].matchingAcls.map((m) => m.principal)).to.deep.equal(['User:alice']);
      for (const id of [1, 2]) {
        await waitFor(`broker ${id} to drop the deleted ACL`, async () => (await aclsOn(id)).length === 1, 20000);
        expect(await aclsOn(id)).to.deep.equal(['2:4:fin-:User:alice:4:2']);
      }
    } finally {
      await a.disconnect();
    }

    await cluster.stopBroker(2);
    await cluster.startBroker(2);
    expect(await aclsOn(2)).to.deep.equal(['2:4:fin-:User:alice:4:2']);
    expect((await describeOn(2)).errorCode).to.equal(ErrorCode.NONE);
  });

  it('kafka-acls --command-config authenticates with SASL PLAIN: admin lists, alice is refused', async () => {
    const config = (user: string): string => {
      const f = path.join(cluster.root, `${user}.properties`);
      fs.writeFileSync(
        f,
        'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n' +
          `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${user}-secret";\n`,
      );
      return f;
    };
    const bootstrap = `127.0.0.1:${saslPorts.get(2)}`;
    const cmd = (user: string) =>
      run(
        path.join(ROOT, 'bin', 'kafka-acls'),
        ['--bootstrap-server', bootstrap, '--command-config', config(user), '--list', '--topic', 'fin-', '--resource-pattern-type', 'prefixed'],
        { timeoutMs: 30000 },
      );
    const ok = await cmd('admin');
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.equal(
      'Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=fin-, patternType=PREFIXED)`: \n \t(principal=User:alice, host=*, operation=WRITE, permissionType=DENY) \n\n',
    );
    const denied = await cmd('alice');
    expect(denied.code).to.equal(1);
    expect(denied.stdout).to.contain('Error while executing ACL command: Cluster authorization failed.');
  });
});
