import { expect } from 'chai';
import { bootstrapRecords } from '../../../../src/metadata/bootstrap/BootstrapDirectory';
import { metadataVersionFromString } from '../../../../src/metadata/MetadataVersion';
import { imageToRecords } from '../../../../src/metadata/image/MetadataImageWriter';
import { MetadataImage } from '../../../../src/metadata/image/MetadataImage';
import { metadataRecordTypeById } from '../../../../src/metadata/records/MetadataRecordType';
import { ErrorCode } from '../../../../src/protocol/errors';
import { saltedPassword } from '../../../../src/security/scram/ScramCredential';
import { settle } from './FakeControllerRaft';
import { startEnv } from './ControllerTestEnv';

const SHA256 = 1;
const SHA512 = 2;
const SALT = Buffer.from('0123456789abcdef0123456789abcdef');
const upsertion = (name: string, mechanism = SHA256, iterations = 4096, password = 'pw') => ({
  name,
  mechanism,
  iterations,
  salt: SALT,
  saltedPassword: saltedPassword(mechanism === SHA256 ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512', password, SALT, iterations),
});
const binding = (name: string, principal = 'User:alice', operation = 4 /* WRITE */, permissionType = 3 /* ALLOW */, patternType = 3 /* LITERAL */) => ({
  pattern: { resourceType: 2 /* TOPIC */, name, patternType },
  entry: { principal, host: '*', operation, permissionType },
});
const anyFilter = { pattern: { resourceType: 1, name: null, patternType: 1 }, entry: { principal: null, host: null, operation: 1, permissionType: 1 } };

describe('QuorumController: SCRAM credentials (ScramControlManager) and ACLs (AclControlManager)', () => {
  it('AlterUserScramCredentials writes StoredKey/ServerKey records; Kafka 3.7 validation and result order', async () => {
    const env = await startEnv();
    const c = env.c();
    const r = await c.alterUserScramCredentials({
      deletions: [{ name: 'ghost', mechanism: SHA256 }],
      upsertions: [
        upsertion('alice'),
        upsertion('bob', SHA512, 8192),
        upsertion(''),
        upsertion('carol', 9),
        upsertion('dave', SHA256, 100),
        upsertion('eve', SHA256, 20000),
      ],
    });
    expect(r.results).to.deep.equal([
      { user: 'alice', errorCode: 0, errorMessage: null },
      { user: 'bob', errorCode: 0, errorMessage: null },
      { user: 'ghost', errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to delete a user credential that does not exist' },
      { user: '', errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Username must not be empty' },
      { user: 'carol', errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, errorMessage: 'Unknown SCRAM mechanism' },
      { user: 'dave', errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Too few iterations' },
      { user: 'eve', errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Too many iterations' },
    ]);
    const sec = c.image().security;
    expect(sec.scramCredential(SHA256, 'alice')!.iterations).to.equal(4096);
    expect(sec.scramCredential(SHA512, 'bob')!.iterations).to.equal(8192);
    expect(sec.scramCredential(SHA256, 'dave')).to.equal(undefined);
    // The record holds the derived keys, never the salted password.
    const recs = env.quorum.batches.flatMap((b) => b.records).filter((x) => metadataRecordTypeById(x.type)!.spec.name === 'UserScramCredentialRecord');
    expect(recs).to.have.length(2);
    expect(Object.keys(recs[0].data).sort()).to.deep.equal(['iterations', 'mechanism', 'name', 'salt', 'serverKey', 'storedKey']);

    // A user twice in one request (two mechanisms included) is DUPLICATE_RESOURCE, as in Kafka 3.7's KRaft mode.
    const dup = await c.alterUserScramCredentials({ deletions: [{ name: 'alice', mechanism: SHA256 }], upsertions: [upsertion('alice', SHA512)] });
    expect(dup.results).to.deep.equal([
      { user: 'alice', errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'A user credential cannot be altered twice in the same request' },
    ]);
    const del = await c.alterUserScramCredentials({ deletions: [{ name: 'alice', mechanism: SHA256 }], upsertions: [] });
    expect(del.results).to.deep.equal([{ user: 'alice', errorCode: 0, errorMessage: null }]);
    expect(c.image().security.scramCredential(SHA256, 'alice')).to.equal(undefined);
  });

  it('SCRAM needs metadata.version 3.5-IV2', async () => {
    const env = await startEnv({ overrides: { bootstrapRecords: bootstrapRecords(metadataVersionFromString('3.5-IV1')) } });
    const c = env.c();
    const r = await c.alterUserScramCredentials({ deletions: [], upsertions: [upsertion('alice')] });
    expect(r.results).to.deep.equal([
      { user: 'alice', errorCode: ErrorCode.UNSUPPORTED_VERSION, errorMessage: 'The current metadata version does not support SCRAM' },
    ]);
  });

  it('CreateAcls: validated, one record with a Uuid per new ACL, an existing ACL succeeds without a record; DeleteAcls by filter', async () => {
    const env = await startEnv();
    const c = env.c();
    const created = await c.createAcls([
      binding('t1'),
      binding('t1'), // the same ACL twice: one record
      binding('t2', 'User:bob', 3 /* READ */, 2 /* DENY */, 4 /* PREFIXED */),
      { ...binding('t3'), pattern: { resourceType: 1, name: 't3', patternType: 3 } },
      { ...binding('t4'), pattern: { resourceType: 2, name: 't4', patternType: 2 } },
      binding('t5', 'User:alice', 1 /* ANY */),
      binding('t6', 'User:alice', 4, 1),
      binding(''),
    ]);
    expect(created.map((x) => (x.error ? [x.error.code, x.error.message] : null))).to.deep.equal([
      null,
      null,
      null,
      [ErrorCode.INVALID_REQUEST, 'Invalid resourceType ANY'],
      [ErrorCode.INVALID_REQUEST, 'Invalid patternType MATCH'],
      [ErrorCode.INVALID_REQUEST, 'Invalid operation ANY'],
      [ErrorCode.INVALID_REQUEST, 'Invalid permissionType ANY'],
      [ErrorCode.INVALID_REQUEST, 'Resource name should not be empty'],
    ]);
    const acls = [...c.image().security.acls.values()];
    expect(acls.map((a) => a.acl.resourceName).sort()).to.deep.equal(['t1', 't2']);
    expect(acls[0].id).to.have.length(16);
    expect(acls[0].id.equals(acls[1].id)).to.equal(false);
    // Creating an existing ACL again writes nothing.
    const before = env.quorum.batches.length;
    expect((await c.createAcls([binding('t1')]))[0].error).to.equal(null);
    expect(env.quorum.batches.length).to.equal(before);

    const deleted = await c.deleteAcls([
      { ...anyFilter, entry: { ...anyFilter.entry, principal: 'User:bob' } },
      { ...anyFilter, pattern: { ...anyFilter.pattern, resourceType: 0 } },
      { ...anyFilter, entry: { ...anyFilter.entry, permissionType: 0 } },
    ]);
    expect(deleted[0].error).to.equal(null);
    expect(deleted[0].deleted.map((b) => [b.pattern.name, b.entry.principal])).to.deep.equal([['t2', 'User:bob']]);
    expect([deleted[1].error?.message, deleted[2].error?.message]).to.deep.equal(['Unknown patternFilter.', 'Unknown entryFilter.']);
    expect([...c.image().security.acls.values()].map((a) => a.acl.resourceName)).to.deep.equal(['t1']);
  });

  it('a standby replays the same credentials and ACLs; a snapshot carries them (MetadataImage.write)', async () => {
    const env = await startEnv({ nodes: [3001, 3002] });
    const c = env.c();
    await c.alterUserScramCredentials({ deletions: [], upsertions: [upsertion('alice')] });
    await c.createAcls([binding('t1')]);
    await settle();
    const standby = env.c(3002).image().security;
    expect(standby.scramCredential(SHA256, 'alice')).to.deep.equal(c.image().security.scramCredential(SHA256, 'alice'));
    expect([...standby.acls.keys()]).to.deep.equal([...c.image().security.acls.keys()]);

    const records = imageToRecords(c.image());
    const names = records.map((r) => metadataRecordTypeById(r.type)!.spec.name);
    expect(names.slice(-2)).to.deep.equal(['AccessControlEntryRecord', 'UserScramCredentialRecord']);
    const rebuilt = new MetadataImage();
    for (const r of records) rebuilt.replay(r);
    expect(rebuilt.security.scramCredential(SHA256, 'alice')).to.deep.equal(c.image().security.scramCredential(SHA256, 'alice'));
    expect([...rebuilt.security.acls.values()].map((a) => a.acl)).to.deep.equal([...c.image().security.acls.values()].map((a) => a.acl));
  });

  it('AlterClientQuotas (ClientQuotaControlManager): entity and key validation, removal only of set keys, unchanged values write nothing', async () => {
    const env = await startEnv();
    const c = env.c();
    const user = (name: string | null) => [{ entityType: 'user', entityName: name }];
    const set = (key: string, value: number) => ({ key, value, remove: false });
    const r = await c.alterClientQuotas(
      [
        { entity: user('alice'), ops: [set('producer_byte_rate', 1024), set('request_percentage', 12.5)] },
        {
          entity: [
            { entityType: 'user', entityName: null },
            { entityType: 'client-id', entityName: 'app' },
          ],
          ops: [set('consumer_byte_rate', 2048)],
        },
        { entity: [{ entityType: 'ip', entityName: '10.0.0.1' }], ops: [set('connection_creation_rate', 5)] },
        { entity: user('bob'), ops: [set('producer_byte_rate', 1.5)] },
        { entity: user('carol'), ops: [set('connection_creation_rate', 5)] },
        { entity: user('dave'), ops: [set('producer_byte_rate', 0)] },
        { entity: user('erin'), ops: [set('producer_byte_rate', 1), set('producer_byte_rate', 2)] },
        { entity: [{ entityType: 'ip', entityName: 'not an ip' }], ops: [set('connection_creation_rate', 5)] },
        {
          entity: [
            { entityType: 'ip', entityName: null },
            { entityType: 'user', entityName: 'x' },
          ],
          ops: [],
        },
        { entity: [{ entityType: 'group', entityName: 'g' }], ops: [] },
        { entity: user(''), ops: [] },
        { entity: [], ops: [] },
      ],
      false,
    );
    expect(r.map((x) => x.errorMessage)).to.deep.equal([
      null,
      null,
      null,
      'producer_byte_rate cannot be a fractional value.',
      'Invalid configuration key connection_creation_rate',
      'Quota producer_byte_rate must be greater than 0',
      'Ignoring duplicate entity ClientQuotaEntity(entries={user=erin})',
      'not an ip is not a valid IP or resolvable host.',
      'Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId',
      'Unhandled client quota entity type: group',
      'Empty user not supported',
      'Invalid empty client quota entity',
    ]);
    const quotas = c.image().security.quotas;
    expect([...quotas.values()].map((q) => [q.entity, Object.fromEntries(q.values)])).to.deep.equal([
      [user('alice'), { producer_byte_rate: 1024, request_percentage: 12.5 }],
      [
        [
          { entityType: 'user', entityName: null },
          { entityType: 'client-id', entityName: 'app' },
        ],
        { consumer_byte_rate: 2048 },
      ],
      [[{ entityType: 'ip', entityName: '10.0.0.1' }], { connection_creation_rate: 5 }],
    ]);
    // The same value again and the removal of a key that is not set write nothing; validateOnly writes nothing.
    const before = env.quorum.batches.length;
    await c.alterClientQuotas(
      [{ entity: user('alice'), ops: [set('producer_byte_rate', 1024), { key: 'consumer_byte_rate', value: 0, remove: true }] }],
      false,
    );
    await c.alterClientQuotas([{ entity: user('alice'), ops: [set('producer_byte_rate', 9)] }], true);
    expect(env.quorum.batches.length).to.equal(before);
    await c.alterClientQuotas([{ entity: user('alice'), ops: [{ key: 'producer_byte_rate', value: 0, remove: true }] }], false);
    expect(Object.fromEntries(quotas.get('user=alice')!.values)).to.deep.equal({ request_percentage: 12.5 });
  });
});
