/**
 * bin/kafka-acls as Kafka 3.7's AclCommand against two real brokers with AclAuthorizer: --bootstrap-server and
 * --authorizer-properties zookeeper.connect=..., the output text, the znodes as zkCli shows them, both brokers' caches.
 */
import { expect } from 'chai';
import * as path from 'path';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { DescribeAclsApi } from '../../../src/protocol/apis';
import { ZooKeeperClient } from '../../../src/zk/ZooKeeperClient';
import { TestCluster } from '../../helpers/cluster';
import { run } from '../../helpers/kcat';
import { waitFor } from '../../helpers/ports';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

describe('integration: kafka-acls (AclCommand) over both modes', function () {
  this.timeout(90000);
  let cluster: TestCluster;

  const acls = (args: string[]) => run(path.join(ROOT, 'bin', 'kafka-acls'), args, { timeoutMs: 30000 });
  const aclCount = async (id: number): Promise<number> => {
    const c = new NetworkClient('127.0.0.1', cluster.brokers.get(id)!.port, 'acl-it', 5000);
    try {
      const r = await c.send(DescribeAclsApi, 3, {
        resourceTypeFilter: 1,
        resourceNameFilter: null,
        patternTypeFilter: 1,
        principalFilter: null,
        hostFilter: null,
        operation: 1,
        permissionType: 1,
      });
      return r.resources.reduce((n, x) => n + x.acls.length, 0);
    } finally {
      c.close();
    }
  };

  before(async () => {
    cluster = await TestCluster.start({
      brokers: 2,
      overrides: { 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer', 'super.users': 'User:ANONYMOUS', 'num.partitions': '1' },
    });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('--bootstrap-server --add / --list / --remove --force print what AclCommand prints', async () => {
    const bootstrap = `127.0.0.1:${cluster.brokers.get(1)!.port}`;
    const add = await acls(['--bootstrap-server', bootstrap, '--add', '--allow-principal', 'User:alice', '--operation', 'Read', '--topic', 'orders']);
    expect(add.code, add.stderr).to.equal(0);
    const current =
      'Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: \n \t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW) \n\n';
    expect(add.stdout).to.equal(
      'Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: \n \t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW) \n\n' +
        current,
    );
    const list = await acls(['--bootstrap-server', bootstrap, '--list', '--topic', 'orders']);
    expect(list.stdout).to.equal(current);
    await waitFor('broker 2 to see the ACL', async () => (await aclCount(2)) === 1, 20000);

    const rm = await acls(['--bootstrap-server', bootstrap, '--remove', '--force', '--topic', 'orders']);
    expect(rm.code, rm.stderr).to.equal(0);
    expect(rm.stdout).to.equal('');
    await waitFor('both brokers to drop it', async () => (await aclCount(1)) === 0 && (await aclCount(2)) === 0, 20000);
  });

  it('--authorizer-properties zookeeper.connect writes the znodes and notifications the brokers follow', async () => {
    const add = await acls([
      '--authorizer-properties',
      `zookeeper.connect=${cluster.connectString}`,
      '--add',
      '--producer',
      '--topic',
      'fin-',
      '--resource-pattern-type',
      'prefixed',
      '--allow-principal',
      'User:bob',
    ]);
    expect(add.code, add.stderr).to.equal(0);
    expect(add.stderr).to.contain('Warning: support for ACL configuration directly through the authorizer is deprecated');
    expect(add.stdout).to.contain(
      'Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=fin-, patternType=PREFIXED)`: \n \t(principal=User:bob, host=*, operation=WRITE, permissionType=ALLOW)',
    );
    const zk = await ZooKeeperClient.connect(cluster.connectString, { sessionTimeoutMs: 6000, connectionTimeoutMs: 10000 });
    try {
      const stored = JSON.parse(String((await zk.getData('/kafka-acl-extended/prefixed/Topic/fin-')).data)) as {
        version: number;
        acls: Array<{ operation: string }>;
      };
      expect(stored.version).to.equal(1);
      expect(stored.acls.map((a) => a.operation).sort()).to.deep.equal(['Create', 'Describe', 'Write']);
      expect((await zk.getChildren('/kafka-acl-extended-changes')).children.length).to.be.greaterThan(0);
    } finally {
      await zk.close();
    }
    await waitFor('both brokers to load the 3 ACLs', async () => (await aclCount(1)) === 3 && (await aclCount(2)) === 3, 20000);
    const rm = await acls([
      '--authorizer-properties',
      `zookeeper.connect=${cluster.connectString}`,
      '--remove',
      '--force',
      '--topic',
      'fin-',
      '--resource-pattern-type',
      'prefixed',
    ]);
    expect(rm.code, rm.stderr).to.equal(0);
    await waitFor('both brokers to drop them', async () => (await aclCount(1)) === 0 && (await aclCount(2)) === 0, 20000);
  });
});
