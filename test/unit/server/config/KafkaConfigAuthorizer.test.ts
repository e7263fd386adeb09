import { expect } from 'chai';
import { ACL_AUTHORIZER_CLASS_NAME, STANDARD_AUTHORIZER_CLASS_NAME, authorizerSettings } from '../../../../src/server/config/KafkaConfigAuthorizer';

describe('authorizer.class.name, super.users, allow.everyone.if.no.acl.found', () => {
  it('empty class name: no authorizer', () => {
    expect(authorizerSettings('', {}, false)).to.equal(null);
    expect(authorizerSettings(null, {}, false)).to.equal(null);
  });
  it('AclAuthorizer with its defaults and settings', () => {
    expect(authorizerSettings(ACL_AUTHORIZER_CLASS_NAME, {}, false)).to.deep.equal({
      className: ACL_AUTHORIZER_CLASS_NAME,
      superUsers: '',
      allowEveryoneIfNoAclFound: false,
    });
    expect(authorizerSettings(ACL_AUTHORIZER_CLASS_NAME, { 'super.users': 'User:a;User:b', 'allow.everyone.if.no.acl.found': 'true' }, false)).to.deep.equal({
      className: ACL_AUTHORIZER_CLASS_NAME,
      superUsers: 'User:a;User:b',
      allowEveryoneIfNoAclFound: true,
    });
  });
  it('StandardAuthorizer in KRaft mode (brokers and controllers); refused in ZooKeeper mode', () => {
    expect(authorizerSettings(STANDARD_AUTHORIZER_CLASS_NAME, { 'super.users': 'User:admin' }, true)).to.deep.equal({
      className: STANDARD_AUTHORIZER_CLASS_NAME,
      superUsers: 'User:admin',
      allowEveryoneIfNoAclFound: false,
    });
    expect(() => authorizerSettings(STANDARD_AUTHORIZER_CLASS_NAME, {}, false)).to.throw(/not supported in ZooKeeper mode/);
  });
  it('any other class, KRaft mode, a bad super.users or boolean: refused with a message naming the config', () => {
    expect(() => authorizerSettings('com.example.MyAuthorizer', {}, false)).to.throw(/com.example.MyAuthorizer cannot be found/);
    expect(() => authorizerSettings(ACL_AUTHORIZER_CLASS_NAME, {}, true)).to.throw(/not supported in KRaft mode.*StandardAuthorizer/);
    expect(() => authorizerSettings(ACL_AUTHORIZER_CLASS_NAME, { 'super.users': 'admin' }, false)).to.throw(/super.users/);
    expect(() => authorizerSettings(ACL_AUTHORIZER_CLASS_NAME, { 'allow.everyone.if.no.acl.found': 'yes' }, false)).to.throw(/allow.everyone.if.no.acl.found/);
  });
});
