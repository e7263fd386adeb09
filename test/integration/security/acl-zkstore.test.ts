/**
 * AclAuthorizer's ZooKeeper storage against a real ZooKeeper: the znodes as Kafka 3.7 writes them, the change
 * notifications, and a second authorizer (another broker) picking up changes live and loading everything at start.
 */
import { expect } from 'chai';
import { AclOperation as O } from '../../../src/security/AclEntry';
import { userPrincipal } from '../../../src/security/auth/KafkaPrincipal';
import { AclAuthorizer } from '../../../src/security/authorizer/AclAuthorizer';
import { AclBinding, AclPermissionType as P } from '../../../src/security/authorizer/AclBinding';
import { AuthorizableRequestContext, PatternType as PT, ResourceType as RT } from '../../../src/security/authorizer/Authorizer';
import { ZkAclStore } from '../../../src/security/authorizer/ZkAclStore';
import { KafkaZkClient } from '../../../src/zk/KafkaZkClient';
import { ZooKeeperClient } from '../../../src/zk/ZooKeeperClient';
import { waitFor } from '../../helpers/ports';
import { startZooKeeper, ZooKeeperHandle } from '../../helpers/zookeeper';

const ctx = (user: string): AuthorizableRequestContext => ({
  principal: userPrincipal(user),
  clientAddress: '127.0.0.1',
  listenerName: 'PLAINTEXT',
  securityProtocol: 'PLAINTEXT',
  apiKey: 0,
  apiVersion: 9,
  clientId: 'c',
  correlationId: 1,
});
const read = (name: string) => ({ operation: O.READ, resourceType: RT.TOPIC, resourceName: name, logIfAllowed: true, logIfDenied: true });
const allowRead = (name: string, principal: string, patternType: number = PT.LITERAL): AclBinding => ({
  pattern: { resourceType: RT.TOPIC, name, patternType },
  entry: { principal, host: '*', operation: O.READ, permissionType: P.ALLOW },
});

describe('AclAuthorizer over ZooKeeper (ZkAclStore, change notifications)', function () {
  this.timeout(30000);
  let server: ZooKeeperHandle;
  let root: ZooKeeperClient;
  const clients: KafkaZkClient[] = [];
  const authorizers: AclAuthorizer[] = [];

  const broker = async (id: number): Promise<AclAuthorizer> => {
    const zk = await KafkaZkClient.create(`${server.connectString}/acls`, 6000, 10000, '[test] ');
    clients.push(zk);
    const a = new AclAuthorizer({ superUsers: '', allowEveryoneIfNoAclFound: false }, new ZkAclStore(zk, id));
    await a.start();
    authorizers.push(a);
    return a;
  };
  const data = async (path: string): Promise<string> => String((await root.getData(`/acls${path}`)).data);

  before(async () => {
    server = await startZooKeeper({ nodes: 1 });
    root = await ZooKeeperClient.connect(server.connectString, { sessionTimeoutMs: 6000, connectionTimeoutMs: 10000 });
  });
  after(async () => {
    for (const a of authorizers) a.close();
    await Promise.all(clients.map((c) => c.close()));
    await root?.close();
    await server?.stop();
  });

  it('stores literal and prefixed ACLs as Kafka does, notifies, and every broker follows live', async () => {
    const b1 = await broker(1);
    const b2 = await broker(2);
    expect((await root.getChildren('/acls/kafka-acl')).children.sort()).to.deep.equal([
      'Cluster',
      'DelegationToken',
      'Group',
      'Topic',
      'TransactionalId',
      'User',
    ]);

    const [r1, r2] = await b1.createAcls([allowRead('orders', 'User:alice'), allowRead('fin-', 'User:bob', PT.PREFIXED)]);
    expect(r1.error).to.equal(null);
    expect(r2.error).to.equal(null);
    expect(JSON.parse(await data('/kafka-acl/Topic/orders'))).to.deep.equal({
      version: 1,
      acls: [{ principal: 'User:alice', permissionType: 'Allow', operation: 'Read', host: '*' }],
    });
    expect(await data('/kafka-acl/Topic/orders')).to.equal(
      '{"version":1,"acls":[{"principal":"User:alice","permissionType":"Allow","operation":"Read","host":"*"}]}',
    );
    expect(JSON.parse(await data('/kafka-acl-extended/prefixed/Topic/fin-')).acls[0].principal).to.equal('User:bob');
    const literalChanges = (await root.getChildren('/acls/kafka-acl-changes')).children;
    expect(literalChanges).to.have.length(1);
    expect(literalChanges[0]).to.match(/^acl_changes_\d{10}$/);
    expect(await data(`/kafka-acl-changes/${literalChanges[0]}`)).to.equal('Topic:orders');
    const extChanges = (await root.getChildren('/acls/kafka-acl-extended-changes')).children;
    expect(await data(`/kafka-acl-extended-changes/${extChanges[0]}`)).to.equal('{"version":1,"resourceType":"Topic","name":"fin-","patternType":"PREFIXED"}');

    // broker 2 learns both from the notifications
    await waitFor('broker 2 allows alice and bob', async () => b2.authorize(ctx('alice'), [read('orders')])[0] && b2.authorize(ctx('bob'), [read('fin-x')])[0]);

    // removing from broker 2: the znode goes when its last ACL does, broker 1 follows
    const [d] = await b2.deleteAcls([
      {
        pattern: { resourceType: RT.TOPIC, name: 'orders', patternType: PT.LITERAL },
        entry: { principal: null, host: null, operation: O.ANY, permissionType: P.ANY },
      },
    ]);
    expect(d.deleted).to.have.length(1);
    expect(await root.exists('/acls/kafka-acl/Topic/orders')).to.equal(null);
    await waitFor('broker 1 denies alice', async () => !b1.authorize(ctx('alice'), [read('orders')])[0]);

    // a broker starting now loads what is stored
    const b3 = await broker(3);
    expect(b3.authorize(ctx('bob'), [read('fin-y')])).to.deep.equal([true]);
    expect(b3.authorize(ctx('alice'), [read('orders')])).to.deep.equal([false]);
  });

  it('concurrent writers on one resource both land (conditional updates with the znode version)', async () => {
    const b1 = await broker(4);
    const b2 = await broker(5);
    const results = await Promise.all([b1.createAcls([allowRead('shared', 'User:a')]), b2.createAcls([allowRead('shared', 'User:b')])]);
    for (const [r] of results) expect(r.error).to.equal(null);
    const stored = JSON.parse(await data('/kafka-acl/Topic/shared')) as { acls: Array<{ principal: string }> };
    expect(stored.acls.map((a) => a.principal).sort()).to.deep.equal(['User:a', 'User:b']);
  });
});
