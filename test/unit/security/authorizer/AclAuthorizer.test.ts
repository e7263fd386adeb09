import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { configureLogging, shutdownLogging } from '../../../../src/common/logger';
import { AclOperation as O } from '../../../../src/security/AclEntry';
import { userPrincipal } from '../../../../src/security/auth/KafkaPrincipal';
import { AclAuthorizer, InvalidAclError, parseSuperUsers } from '../../../../src/security/authorizer/AclAuthorizer';
import { AclBinding, AclBindingFilter, AclPermissionType as P, decodeAcls, encodeAcls } from '../../../../src/security/authorizer/AclBinding';
import { AuthorizableRequestContext, PatternType as PT, ResourceType as RT } from '../../../../src/security/authorizer/Authorizer';
import { MemoryAclStore } from './MemoryAclStore';

function ctx(user: string, host = '10.0.0.1', apiKey = 0): AuthorizableRequestContext {
  return {
    principal: userPrincipal(user),
    clientAddress: host,
    listenerName: 'PLAINTEXT',
    securityProtocol: 'PLAINTEXT',
    apiKey,
    apiVersion: 9,
    clientId: 'c',
    correlationId: 1,
  };
}
function binding(
  resourceType: number,
  name: string,
  principal: string,
  operation: number,
  permissionType: number = P.ALLOW,
  host = '*',
  patternType: number = PT.LITERAL,
): AclBinding {
  return { pattern: { resourceType, name, patternType }, entry: { principal, host, operation, permissionType } };
}
const topicAction = (name: string, operation: number) => ({ operation, resourceType: RT.TOPIC, resourceName: name, logIfAllowed: true, logIfDenied: true });
const ANY_FILTER: AclBindingFilter = {
  pattern: { resourceType: RT.ANY, name: null, patternType: PT.ANY },
  entry: { principal: null, host: null, operation: O.ANY, permissionType: P.ANY },
};

async function authorizer(
  bindings: AclBinding[],
  opts: { superUsers?: string; allowEveryone?: boolean } = {},
): Promise<{ a: AclAuthorizer; store: MemoryAclStore }> {
  const store = new MemoryAclStore();
  const a = new AclAuthorizer({ superUsers: opts.superUsers ?? '', allowEveryoneIfNoAclFound: opts.allowEveryone ?? false }, store);
  await a.start();
  const results = await a.createAcls(bindings);
  for (const r of results) expect(r.error).to.equal(null);
  return { a, store };
}

describe('AclAuthorizer (kafka.security.authorizer.AclAuthorizer rules)', () => {
  it('no ACL on the resource: denied unless allow.everyone.if.no.acl.found', async () => {
    const { a } = await authorizer([]);
    expect(a.authorize(ctx('alice'), [topicAction('orders', O.READ)])).to.deep.equal([false]);
    const { a: open } = await authorizer([], { allowEveryone: true });
    expect(open.authorize(ctx('alice'), [topicAction('orders', O.READ)])).to.deep.equal([true]);
  });

  it('allow.everyone.if.no.acl.found does not apply once the resource has any ACL', async () => {
    const { a } = await authorizer([binding(RT.TOPIC, 'orders', 'User:bob', O.READ)], { allowEveryone: true });
    expect(a.authorize(ctx('alice'), [topicAction('orders', O.READ)])).to.deep.equal([false]);
    expect(a.authorize(ctx('alice'), [topicAction('other', O.READ)])).to.deep.equal([true]);
  });

  it('a literal ALLOW grants only its principal, operation and resource', async () => {
    const { a } = await authorizer([binding(RT.TOPIC, 'orders', 'User:alice', O.READ)]);
    expect(a.authorize(ctx('alice'), [topicAction('orders', O.READ), topicAction('orders', O.WRITE), topicAction('orders2', O.READ)])).to.deep.equal([
      true,
      false,
      false,
    ]);
    expect(a.authorize(ctx('bob'), [topicAction('orders', O.READ)])).to.deep.equal([false]);
    // the same name on another resource type is another resource
    expect(
      a.authorize(ctx('alice'), [{ operation: O.READ, resourceType: RT.GROUP, resourceName: 'orders', logIfAllowed: true, logIfDenied: true }]),
    ).to.deep.equal([false]);
  });

  it('the wildcard resource `*` and the wildcard principal `User:*` match everything', async () => {
    const { a } = await authorizer([binding(RT.TOPIC, '*', 'User:alice', O.WRITE), binding(RT.TOPIC, 'public', 'User:*', O.READ)]);
    expect(a.authorize(ctx('alice'), [topicAction('anything', O.WRITE)])).to.deep.equal([true]);
    expect(a.authorize(ctx('carol'), [topicAction('public', O.READ), topicAction('anything', O.WRITE)])).to.deep.equal([true, false]);
  });

  it('PREFIXED bindings match every name starting with the prefix', async () => {
    const { a } = await authorizer([binding(RT.TOPIC, 'fin-', 'User:alice', O.READ, P.ALLOW, '*', PT.PREFIXED)]);
    expect(
      a.authorize(ctx('alice'), [topicAction('fin-orders', O.READ), topicAction('fin-', O.READ), topicAction('fi', O.READ), topicAction('xfin-a', O.READ)]),
    ).to.deep.equal([true, true, false, false]);
  });

  it('DENY wins over ALLOW, including a wildcard or prefixed DENY over a literal ALLOW', async () => {
    const { a } = await authorizer([
      binding(RT.TOPIC, 'orders', 'User:alice', O.ALL),
      binding(RT.TOPIC, 'orders', 'User:alice', O.WRITE, P.DENY),
      binding(RT.TOPIC, 'secret-', 'User:*', O.READ, P.DENY, '*', PT.PREFIXED),
      binding(RT.TOPIC, 'secret-x', 'User:alice', O.READ),
    ]);
    expect(a.authorize(ctx('alice'), [topicAction('orders', O.READ), topicAction('orders', O.WRITE), topicAction('secret-x', O.READ)])).to.deep.equal([
      true,
      false,
      false,
    ]);
  });

  it('host: `*` matches every client, an address only that client', async () => {
    const { a } = await authorizer([
      binding(RT.TOPIC, 'orders', 'User:alice', O.READ, P.ALLOW, '10.0.0.1'),
      binding(RT.TOPIC, 'orders', 'User:alice', O.READ, P.DENY, '10.0.0.9'),
    ]);
    expect(a.authorize(ctx('alice', '10.0.0.1'), [topicAction('orders', O.READ)])).to.deep.equal([true]);
    expect(a.authorize(ctx('alice', '10.0.0.2'), [topicAction('orders', O.READ)])).to.deep.equal([false]);
    expect(a.authorize(ctx('alice', '10.0.0.9'), [topicAction('orders', O.READ)])).to.deep.equal([false]);
  });

  it('implied operations: ALL implies all; READ/WRITE/DELETE/ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS', async () => {
    const { a } = await authorizer([
      binding(RT.TOPIC, 'all', 'User:alice', O.ALL),
      binding(RT.TOPIC, 'r', 'User:alice', O.READ),
      binding(RT.TOPIC, 'w', 'User:alice', O.WRITE),
      binding(RT.TOPIC, 'd', 'User:alice', O.DELETE),
      binding(RT.TOPIC, 'a', 'User:alice', O.ALTER),
      binding(RT.TOPIC, 'ac', 'User:alice', O.ALTER_CONFIGS),
      binding(RT.TOPIC, 'c', 'User:alice', O.CREATE),
    ]);
    const c = ctx('alice');
    expect(a.authorize(c, [topicAction('all', O.WRITE), topicAction('all', O.DESCRIBE_CONFIGS)])).to.deep.equal([true, true]);
    expect(
      a.authorize(
        c,
        ['r', 'w', 'd', 'a'].map((t) => topicAction(t, O.DESCRIBE)),
      ),
    ).to.deep.equal([true, true, true, true]);
    expect(
      a.authorize(c, [topicAction('ac', O.DESCRIBE_CONFIGS), topicAction('ac', O.DESCRIBE), topicAction('c', O.DESCRIBE), topicAction('r', O.WRITE)]),
    ).to.deep.equal([true, false, false, false]);
  });

  it('a DENY of DESCRIBE is not overridden by an implied READ', async () => {
    const { a } = await authorizer([binding(RT.TOPIC, 't', 'User:alice', O.READ), binding(RT.TOPIC, 't', 'User:alice', O.DESCRIBE, P.DENY)]);
    expect(a.authorize(ctx('alice'), [topicAction('t', O.DESCRIBE), topicAction('t', O.READ)])).to.deep.equal([false, true]);
  });

  it('super.users are allowed everything, even against a DENY', async () => {
    const { a } = await authorizer([binding(RT.TOPIC, 'orders', 'User:*', O.ALL, P.DENY)], { superUsers: 'User:admin; User:ops' });
    expect(a.authorize(ctx('admin'), [topicAction('orders', O.WRITE)])).to.deep.equal([true]);
    expect(a.authorize(ctx('ops'), [topicAction('orders', O.WRITE)])).to.deep.equal([true]);
    expect(a.authorize(ctx('alice'), [topicAction('orders', O.WRITE)])).to.deep.equal([false]);
    expect(() => parseSuperUsers('admin')).to.throw(/super.users/);
  });

  it('authorizeByResourceType as Kafka: any allowed resource of the type, unless denied by a wildcard or dominant prefix', async () => {
    const { a } = await authorizer([
      binding(RT.TOPIC, 'fin-', 'User:alice', O.WRITE, P.ALLOW, '*', PT.PREFIXED),
      binding(RT.TOPIC, 'fin', 'User:alice', O.WRITE, P.DENY, '*', PT.PREFIXED),
      binding(RT.TOPIC, 'ops', 'User:bob', O.WRITE),
      binding(RT.TOPIC, '*', 'User:carol', O.WRITE, P.DENY),
      binding(RT.TOPIC, 'x', 'User:carol', O.WRITE),
      binding(RT.TRANSACTIONAL_ID, 'tx', 'User:dave', O.WRITE),
    ]);
    expect(a.authorizeByResourceType(ctx('alice'), O.WRITE, RT.TOPIC)).to.equal(false);
    expect(a.authorizeByResourceType(ctx('bob'), O.WRITE, RT.TOPIC)).to.equal(true);
    expect(a.authorizeByResourceType(ctx('bob'), O.READ, RT.TOPIC)).to.equal(false);
    expect(a.authorizeByResourceType(ctx('carol'), O.WRITE, RT.TOPIC)).to.equal(false);
    expect(a.authorizeByResourceType(ctx('dave'), O.WRITE, RT.TRANSACTIONAL_ID)).to.equal(true);
    expect(a.authorizeByResourceType(ctx('dave'), O.WRITE, RT.TOPIC)).to.equal(false);
  });

  it('createAcls validates, deduplicates and writes one notification per changed resource; acls(filter) lists them', async () => {
    const { a, store } = await authorizer([]);
    const results = await a.createAcls([
      binding(RT.TOPIC, 'orders', 'User:alice', O.READ),
      binding(RT.TOPIC, 'orders', 'User:alice', O.READ),
      binding(RT.TOPIC, 'orders', 'User:bob', O.WRITE),
      binding(RT.TOPIC, '', 'User:bob', O.WRITE),
      binding(RT.TOPIC, 'x', 'User:bob', O.ANY),
      binding(RT.TOPIC, '*', 'User:bob', O.READ, P.ALLOW, '*', PT.PREFIXED),
    ]);
    expect(results.map((r) => r.error === null)).to.deep.equal([true, true, true, false, false, false]);
    expect(results[3].error).to.be.instanceOf(InvalidAclError);
    expect(store.notifications).to.have.length(1);
    expect(a.acls(ANY_FILTER)).to.have.length(2);
    expect(decodeAcls(encodeAcls(store.nodes.values().next().value!.acls))).to.have.length(2);
    // again: no change, no notification
    await a.createAcls([binding(RT.TOPIC, 'orders', 'User:alice', O.READ)]);
    expect(store.notifications).to.have.length(1);
  });

  it('filters: ANY, MATCH (literal, wildcard and prefixes applying to a name), null fields', async () => {
    const { a } = await authorizer([
      binding(RT.TOPIC, 'fin-orders', 'User:alice', O.READ),
      binding(RT.TOPIC, '*', 'User:bob', O.READ),
      binding(RT.TOPIC, 'fin-', 'User:carol', O.WRITE, P.DENY, '*', PT.PREFIXED),
      binding(RT.TOPIC, 'other', 'User:alice', O.READ),
      binding(RT.GROUP, 'fin-orders', 'User:alice', O.READ),
    ]);
    const f = (resourceType: number, name: string | null, patternType: number, principal: string | null = null): AclBindingFilter => ({
      pattern: { resourceType, name, patternType },
      entry: { principal, host: null, operation: O.ANY, permissionType: P.ANY },
    });
    expect(a.acls(f(RT.TOPIC, 'fin-orders', PT.MATCH))).to.have.length(3);
    expect(a.acls(f(RT.TOPIC, 'fin-orders', PT.ANY))).to.have.length(1);
    expect(a.acls(f(RT.TOPIC, 'fin-', PT.PREFIXED))).to.have.length(1);
    expect(a.acls(f(RT.ANY, null, PT.LITERAL, 'User:alice'))).to.have.length(3);
    expect(a.acls(f(RT.TOPIC, null, PT.ANY))).to.have.length(4);
  });

  it('deleteAcls removes what each filter matches, deletes emptied resources and reports the removed bindings', async () => {
    const { a, store } = await authorizer([
      binding(RT.TOPIC, 'orders', 'User:alice', O.READ),
      binding(RT.TOPIC, 'orders', 'User:bob', O.READ),
      binding(RT.GROUP, 'g', 'User:alice', O.READ),
    ]);
    const aliceFilter: AclBindingFilter = { ...ANY_FILTER, entry: { ...ANY_FILTER.entry, principal: 'User:alice' } };
    const [r] = await a.deleteAcls([aliceFilter]);
    expect(r.error).to.equal(null);
    expect(r.deleted.map((b) => b.pattern.name).sort()).to.deep.equal(['g', 'orders']);
    expect(a.acls(ANY_FILTER).map((b) => b.entry.principal)).to.deep.equal(['User:bob']);
    expect([...store.nodes.values()].map((n) => n.pattern.name)).to.deep.equal(['orders']);
    expect(a.authorize(ctx('alice'), [topicAction('orders', O.READ)])).to.deep.equal([false]);
  });

  it('a version conflict re-reads the znode and retries (updateResourceAcls)', async () => {
    const { a, store } = await authorizer([binding(RT.TOPIC, 'orders', 'User:alice', O.READ)]);
    store.conflicts = 2;
    const [r] = await a.createAcls([binding(RT.TOPIC, 'orders', 'User:bob', O.READ)]);
    expect(r.error).to.equal(null);
    expect(store.nodes.values().next().value!.acls).to.have.length(2);
  });

  it('a change notification refreshes the resource from the store', async () => {
    const { a, store } = await authorizer([]);
    store.nodes.set('x', {
      pattern: { resourceType: RT.TOPIC, name: 'orders', patternType: PT.LITERAL },
      acls: [binding(RT.TOPIC, 'orders', 'User:alice', O.READ).entry],
      version: 0,
    });
    store.nodes.set(`${RT.TOPIC}:${PT.LITERAL}:orders`, store.nodes.get('x')!);
    store.nodes.delete('x');
    expect(a.authorize(ctx('alice'), [topicAction('orders', O.READ)])).to.deep.equal([false]);
    await a.processAclChangeNotification({ resourceType: RT.TOPIC, name: 'orders', patternType: PT.LITERAL });
    expect(a.authorize(ctx('alice'), [topicAction('orders', O.READ)])).to.deep.equal([true]);
  });

  describe('audit log on kafka.authorizer.logger', () => {
    // Kafka's log4j.properties routes kafka.authorizer.logger to kafka-authorizer.log only (additivity false).
    let dir = '';
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acl-audit-'));
      configureLogging({ logDir: dir, console: false, level: 'INFO' });
    });
    afterEach(async () => {
      await shutdownLogging();
      configureLogging({ files: false, stream: process.stdout, level: 'INFO' });
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('a denied action is logged at INFO in Kafka words; a denial with logIfDenied=false is not', async () => {
      const { a } = await authorizer([]);
      a.authorize(ctx('alice', '127.0.0.1', 0), [topicAction('orders', O.WRITE)]);
      a.authorize(ctx('alice', '127.0.0.1', 0), [{ ...topicAction('quiet', O.WRITE), logIfDenied: false }]);
      await shutdownLogging();
      const out = fs.readFileSync(path.join(dir, 'kafka-authorizer.log'), 'utf8');
      expect(out).to.contain(
        'INFO Principal = User:alice is Denied Operation = Write from host = 127.0.0.1 on resource = Topic:LITERAL:orders for request = Produce with resourceRefCount = 1 (kafka.authorizer.logger)',
      );
      expect(out).not.to.contain('quiet');
    });
  });
});
