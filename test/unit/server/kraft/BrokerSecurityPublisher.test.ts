import { expect } from 'chai';
import { getLogger } from '../../../../src/common/logger';
import { MetadataImage } from '../../../../src/metadata/image/MetadataImage';
import { describeScramCredentials } from '../../../../src/metadata/image/ScramImageDescribe';
import { MetadataRecordTypeId as T } from '../../../../src/metadata/records/MetadataRecordType';
import { ErrorCode } from '../../../../src/protocol/errors';
import { userPrincipal } from '../../../../src/security/auth/KafkaPrincipal';
import { StandardAuthorizer } from '../../../../src/security/authorizer/StandardAuthorizer';
import { ScramCredentialCache } from '../../../../src/security/scram/ScramCredential';
import { BrokerSecurityPublisher } from '../../../../src/server/metadata/BrokerSecurityPublisher';
import { QuotaManagers } from '../../../../src/server/quota/QuotaManagers';

const cred = (name: string, mechanism: number, iterations: number) => ({
  type: T.USER_SCRAM_CREDENTIAL,
  version: 0,
  data: { name, mechanism, salt: Buffer.from('s'), storedKey: Buffer.from('k'), serverKey: Buffer.from('v'), iterations },
});
const acl = (id: number, resourceName: string) => ({
  type: T.ACCESS_CONTROL_ENTRY,
  version: 0,
  data: { id: Buffer.alloc(16, id), resourceType: 2, resourceName, patternType: 3, principal: 'User:alice', host: '*', operation: 4, permissionType: 3 },
});
const write = (topic: string) => [{ operation: 4, resourceType: 2, resourceName: topic, logIfAllowed: true, logIfDenied: false }];
const alice = {
  principal: userPrincipal('alice'),
  clientAddress: '127.0.0.1',
  listenerName: 'SASL',
  securityProtocol: 'SASL_PLAINTEXT',
  apiKey: 0,
  apiVersion: 9,
  clientId: 'c',
  correlationId: 1,
};

describe('KRaft broker: the SCRAM and ACL publishers, DescribeUserScramCredentials from the image', () => {
  it('each publish brings changed users into the credential cache and ACLs into the StandardAuthorizer; the first completes its load', () => {
    const image = new MetadataImage();
    const cache = new ScramCredentialCache();
    const authorizer = new StandardAuthorizer({ superUsers: '', allowEveryoneIfNoAclFound: false }, 1);
    const pub = new BrokerSecurityPublisher(cache, authorizer, getLogger('test'));
    image.replay(cred('alice', 1, 8192));
    image.replay(acl(1, 'orders'));
    pub.publish(image, image.takeChanges().security, true);
    expect(cache.scramCredential('SCRAM-SHA-256', 'alice')?.iterations).to.equal(8192);
    expect(authorizer.isReady()).to.equal(true);
    expect(authorizer.authorize(alice, write('orders'))).to.deep.equal([true]);

    image.replay({ type: T.REMOVE_USER_SCRAM_CREDENTIAL, version: 0, data: { name: 'alice', mechanism: 1 } });
    image.replay(cred('bob', 2, 4096));
    image.replay({ type: T.REMOVE_ACCESS_CONTROL_ENTRY, version: 0, data: { id: Buffer.alloc(16, 1) } });
    pub.publish(image, image.takeChanges().security, false);
    expect(cache.scramCredential('SCRAM-SHA-256', 'alice')).to.equal(undefined);
    expect(cache.scramCredential('SCRAM-SHA-512', 'bob')?.iterations).to.equal(4096);
    expect(authorizer.authorize(alice, write('orders'))).to.deep.equal([false]);
    // Removing what is not there is a corrupt log, as Kafka's deltas say.
    expect(() => image.replay({ type: T.REMOVE_ACCESS_CONTROL_ENTRY, version: 0, data: { id: Buffer.alloc(16, 1) } })).to.throw(/no acl with that ID/);
  });

  it('ScramImage.describe: every user, a named user, an unknown one, a duplicate', () => {
    const image = new MetadataImage();
    image.replay(cred('alice', 1, 8192));
    image.replay(cred('alice', 2, 4096));
    image.replay(cred('bob', 2, 4096));
    expect(describeScramCredentials(image.security, null).results.map((r) => [r.user, r.credentialInfos])).to.deep.equal([
      [
        'alice',
        [
          { mechanism: 1, iterations: 8192 },
          { mechanism: 2, iterations: 4096 },
        ],
      ],
      ['bob', [{ mechanism: 2, iterations: 4096 }]],
    ]);
    const r = describeScramCredentials(image.security, [{ name: 'bob' }, { name: 'nobody' }, { name: 'alice' }, { name: 'alice' }]).results;
    expect(r.map((x) => [x.user, x.errorCode, x.errorMessage])).to.deep.equal([
      ['bob', ErrorCode.NONE, null],
      ['nobody', ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to describe a user credential that does not exist: nobody'],
      ['alice', ErrorCode.DUPLICATE_RESOURCE, 'Cannot describe SCRAM credentials for the same user twice in a single request: alice'],
    ]);
  });

  it('client quotas of the image reach the quota managers (user, user+client-id, defaults); removed keys and entities are cleared', () => {
    const image = new MetadataImage();
    const quotas = new QuotaManagers({ numQuotaSamples: 11, quotaWindowSizeSeconds: 1 });
    const pub = new BrokerSecurityPublisher(new ScramCredentialCache(), null, getLogger('test'), quotas);
    const quota = (entity: Array<{ entityType: string; entityName: string | null }>, key: string, value: number, remove = false) =>
      image.replay({ type: T.CLIENT_QUOTA, version: 0, data: { entity, key, value, remove } });
    quota([{ entityType: 'user', entityName: 'alice' }], 'producer_byte_rate', 1024);
    quota([{ entityType: 'user', entityName: null }], 'consumer_byte_rate', 2048);
    quota(
      [
        { entityType: 'user', entityName: 'bob' },
        { entityType: 'client-id', entityName: 'app' },
      ],
      'request_percentage',
      50,
    );
    quota([{ entityType: 'ip', entityName: '10.0.0.1' }], 'connection_creation_rate', 5);
    pub.publish(image, image.takeChanges().security, true);
    expect(quotas.produce.quota('alice', 'any')).to.equal(1024);
    expect(quotas.fetch.quota('carol', 'any')).to.equal(2048); // the default user
    expect(quotas.request.quota('bob', 'app')).to.equal(50);
    quota([{ entityType: 'user', entityName: 'alice' }], 'producer_byte_rate', 0, true);
    pub.publish(image, image.takeChanges().security, false);
    expect(quotas.produce.quota('alice', 'any')).to.equal(Infinity); // no quota applies any more
  });
});
