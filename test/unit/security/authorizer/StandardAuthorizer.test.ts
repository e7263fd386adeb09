import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { configureLogging, shutdownLogging } from '../../../../src/common/logger';
import { AclOperation as O } from '../../../../src/security/AclEntry';
import { userPrincipal } from '../../../../src/security/auth/KafkaPrincipal';
import { AclBinding, AclBindingFilter, AclPermissionType as P } from '../../../../src/security/authorizer/AclBinding';
import { AuthorizableRequestContext, PatternType as PT, ResourceType as RT } from '../../../../src/security/authorizer/Authorizer';
import { AuthorizerNotReadyError, StandardAuthorizer } from '../../../../src/security/authorizer/StandardAuthorizer';

function ctx(user: string, host = '10.0.0.1', apiKey = 0): AuthorizableRequestContext {
  return {
    principal: userPrincipal(user),
    clientAddress: host,
    listenerName: 'SASL',
    securityProtocol: 'SASL_PLAINTEXT',
    apiKey,
    apiVersion: 9,
    clientId: 'c',
    correlationId: 1,
  };
}
function binding(
  name: string,
  principal: string,
  operation: number,
  permissionType: number = P.ALLOW,
  patternType: number = PT.LITERAL,
  host = '*',
): AclBinding {
  return { pattern: { resourceType: RT.TOPIC, name, patternType }, entry: { principal, host, operation, permissionType } };
}
const topic = (name: string, operation: number, logIfDenied = true) => ({
  operation,
  resourceType: RT.TOPIC,
  resourceName: name,
  logIfAllowed: true,
  logIfDenied,
});

function loaded(acls: AclBinding[], config = { superUsers: 'User:admin', allowEveryoneIfNoAclFound: false }): StandardAuthorizer {
  const a = new StandardAuthorizer(config, 1);
  a.loadSnapshot(acls.map((binding, i) => ({ id: `id${i}`, binding })));
  a.completeInitialLoad();
  return a;
}

describe('StandardAuthorizer (KRaft)', () => {
  it('answers only super users until the initial load completes (AuthorizerNotReadyException)', async () => {
    const a = new StandardAuthorizer({ superUsers: 'User:admin', allowEveryoneIfNoAclFound: true }, 1);
    expect(a.authorize(ctx('admin'), [topic('t', O.WRITE)])).to.deep.equal([true]);
    expect(() => a.authorize(ctx('alice'), [topic('t', O.WRITE)])).to.throw(AuthorizerNotReadyError);
    a.completeInitialLoad();
    await a.ready;
    expect(a.authorize(ctx('alice'), [topic('t', O.WRITE)])).to.deep.equal([true]);
  });

  it('literal, wildcard and prefixed ACLs; DENY wins; implied DESCRIBE; host and User:* matching; the no-ACL default', () => {
    const a = loaded([
      binding('orders', 'User:alice', O.WRITE),
      binding('pay', 'User:alice', O.READ, P.ALLOW, PT.PREFIXED),
      binding('payroll', 'User:alice', O.READ, P.DENY),
      binding('*', 'User:*', O.DESCRIBE_CONFIGS),
      binding('audit', 'User:bob', O.ALL, P.ALLOW, PT.LITERAL, '10.0.0.9'),
    ]);
    const ok = (user: string, t: string, op: number, host?: string) => a.authorize(ctx(user, host), [topic(t, op)])[0];
    expect(ok('alice', 'orders', O.WRITE)).to.equal(true);
    expect(ok('alice', 'orders', O.DESCRIBE)).to.equal(true); // WRITE implies DESCRIBE
    expect(ok('alice', 'orders', O.READ)).to.equal(false);
    expect(ok('alice', 'payments', O.READ)).to.equal(true); // PREFIXED pay
    expect(ok('alice', 'payroll', O.READ)).to.equal(false); // literal DENY wins over the prefixed ALLOW
    expect(ok('carol', 'anything', O.DESCRIBE_CONFIGS)).to.equal(true); // wildcard resource and principal
    expect(ok('bob', 'audit', O.DELETE, '10.0.0.9')).to.equal(true);
    expect(ok('bob', 'audit', O.DELETE, '10.0.0.8')).to.equal(false);
    expect(ok('bob', 'audit', O.DELETE, '::ffff:10.0.0.9')).to.equal(true); // IPv4-mapped address
    expect(ok('alice', 'no-acl-topic', O.WRITE)).to.equal(false); // DefaultDeny
    expect(ok('admin', 'payroll', O.READ)).to.equal(true); // super user
    const open = loaded([binding('orders', 'User:alice', O.WRITE)], { superUsers: '', allowEveryoneIfNoAclFound: true });
    expect(open.authorize(ctx('bob'), [topic('other', O.WRITE), topic('orders', O.WRITE)])).to.deep.equal([true, false]);
  });

  it('authorizeByResourceType: the Authorizer default (super users, wildcard deny, dominated prefixes)', () => {
    const a = loaded([
      binding('t', 'User:alice', O.WRITE),
      binding('x', 'User:bob', O.WRITE, P.ALLOW, PT.PREFIXED),
      binding('x', 'User:bob', O.WRITE, P.DENY, PT.PREFIXED),
    ]);
    expect(a.authorizeByResourceType(ctx('alice'), O.WRITE, RT.TOPIC)).to.equal(true);
    expect(a.authorizeByResourceType(ctx('alice'), O.READ, RT.TOPIC)).to.equal(false);
    expect(a.authorizeByResourceType(ctx('bob'), O.WRITE, RT.TOPIC)).to.equal(false); // the ALLOW prefix is denied by the same prefix
    expect(a.authorizeByResourceType(ctx('admin'), O.WRITE, RT.TOPIC)).to.equal(true);
    const denyAll = loaded([binding('t', 'User:alice', O.WRITE), binding('*', 'User:alice', O.WRITE, P.DENY)]);
    expect(denyAll.authorizeByResourceType(ctx('alice'), O.WRITE, RT.TOPIC)).to.equal(false);
    expect(() => a.authorizeByResourceType(ctx('alice'), O.ANY, RT.TOPIC)).to.throw(/non-filter operation/);
  });

  it('acls(filter) lists the loaded ACLs; createAcls/deleteAcls go to the AclMutator; a new snapshot replaces the ACLs', async () => {
    const a = loaded([binding('orders', 'User:alice', O.WRITE), binding('pay', 'User:bob', O.READ, P.ALLOW, PT.PREFIXED)]);
    const filter: AclBindingFilter = {
      pattern: { resourceType: RT.TOPIC, name: 'payments', patternType: PT.MATCH },
      entry: { principal: null, host: null, operation: O.ANY, permissionType: P.ANY },
    };
    expect(a.acls(filter).map((b) => b.pattern.name)).to.deep.equal(['pay']);
    expect((await a.createAcls([binding('x', 'User:x', O.READ)]))[0].error?.message).to.match(/mutator/);
    const calls: string[] = [];
    a.setAclMutator({
      createAcls: async (bs) => (calls.push(`create ${bs.length}`), bs.map(() => ({ error: null }))),
      deleteAcls: async (fs) => (calls.push(`delete ${fs.length}`), fs.map(() => ({ error: null, deleted: [] }))),
    });
    await a.createAcls([binding('x', 'User:x', O.READ)]);
    await a.deleteAcls([filter]);
    expect(calls).to.deep.equal(['create 1', 'delete 1']);
    a.loadSnapshot([]);
    expect(a.aclCount()).to.equal(0);
    expect(a.authorize(ctx('alice'), [topic('orders', O.WRITE)])).to.deep.equal([false]);
  });

  describe('audit log (kafka.authorizer.logger)', () => {
    // Kafka's log4j.properties routes kafka.authorizer.logger to kafka-authorizer.log only (additivity false).
    let dir = '';
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'standard-audit-'));
      configureLogging({ logDir: dir, console: false, level: 'INFO' });
    });
    afterEach(async () => {
      await shutdownLogging();
      configureLogging({ files: false, stream: process.stdout, level: 'INFO' });
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("a denial is logged at INFO in StandardAuthorizerData's words, naming the rule", async () => {
      const a = loaded([binding('payroll', 'User:alice', O.READ, P.DENY)]);
      a.authorize(ctx('alice', '10.0.0.1', 1), [topic('payroll', O.READ)]);
      a.authorize(ctx('alice', '10.0.0.1', 1), [topic('quiet', O.READ, false)]);
      await shutdownLogging();
      const out = fs.readFileSync(path.join(dir, 'kafka-authorizer.log'), 'utf8');
      expect(out).to.contain(
        'Principal = User:alice is Denied operation = READ from host = 10.0.0.1 on resource = Topic:LITERAL:payroll for request = Fetch with resourceRefCount = 1 ' +
          'based on rule MatchingAcl(acl=StandardAcl(resourceType=TOPIC, resourceName=payroll, patternType=LITERAL, principal=User:alice, host=*, operation=READ, permissionType=DENY))',
      );
      expect(out).to.not.contain('quiet');
    });
  });
});
