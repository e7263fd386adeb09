import { expect } from 'chai';
import { decodeAcls, encodeAcls } from '../../../../src/security/authorizer/AclBinding';
import { PatternType as PT, ResourceType as RT } from '../../../../src/security/authorizer/Authorizer';
import { decodeAclChange, encodeAclChange, resourceZNodePath } from '../../../../src/security/authorizer/ZkAclStore';

describe('ZkAclStore znodes and change notifications (Kafka 3.7 layout)', () => {
  it('paths spell the resource type as Kafka does', () => {
    expect(resourceZNodePath({ resourceType: RT.TRANSACTIONAL_ID, name: 'tx', patternType: PT.LITERAL })).to.equal('/kafka-acl/TransactionalId/tx');
    expect(resourceZNodePath({ resourceType: RT.DELEGATION_TOKEN, name: 'd', patternType: PT.PREFIXED })).to.equal(
      '/kafka-acl-extended/prefixed/DelegationToken/d',
    );
    expect(() => resourceZNodePath({ resourceType: RT.TOPIC, name: 'a/b', patternType: PT.LITERAL })).to.throw(/Invalid resource name/);
  });

  it('change notifications round-trip; unreadable ones are ignored, never thrown', () => {
    const lit = { resourceType: RT.GROUP, name: 'g:1', patternType: PT.LITERAL };
    expect(encodeAclChange(lit).toString()).to.equal('Group:g:1');
    expect(decodeAclChange(true, encodeAclChange(lit))).to.deep.equal(lit);
    const pre = { resourceType: RT.TOPIC, name: 'fin-', patternType: PT.PREFIXED };
    expect(decodeAclChange(false, encodeAclChange(pre))).to.deep.equal(pre);
    for (const bad of ['', 'garbage', 'Nope:x', '{"version":1', '{"resourceType":"Topic","name":"x","patternType":"LITERAL"}']) {
      expect(decodeAclChange(bad.startsWith('{'), Buffer.from(bad))).to.equal(null);
    }
    expect(decodeAclChange(true, null)).to.equal(null);
  });

  it('ACL JSON: Kafka names (Allow, IdempotentWrite); unreadable data or unknown names give no entries', () => {
    const data = encodeAcls([{ principal: 'User:a', host: '*', operation: 12, permissionType: 3 }]);
    expect(data.toString()).to.equal('{"version":1,"acls":[{"principal":"User:a","permissionType":"Allow","operation":"IdempotentWrite","host":"*"}]}');
    expect(decodeAcls(data)).to.deep.equal([{ principal: 'User:a', host: '*', operation: 12, permissionType: 3 }]);
    expect(decodeAcls(Buffer.from('not json'))).to.deep.equal([]);
    expect(decodeAcls(Buffer.from('{"version":1,"acls":[{"principal":"User:a","permissionType":"Maybe","operation":"Read","host":"*"}]}'))).to.deep.equal([]);
  });
});
