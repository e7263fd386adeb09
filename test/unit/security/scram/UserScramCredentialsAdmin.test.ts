import { expect } from 'chai';
import { desanitize, sanitize } from '../../../../src/common/Sanitizer';
import { ErrorCode } from '../../../../src/protocol/errors';
import {
  ScramCredentialCache,
  credentialFromPassword,
  credentialFromString,
  credentialToString,
  saltedPassword,
} from '../../../../src/security/scram/ScramCredential';
import { UserConfigStore, alterUserScramCredentials, describeUserScramCredentials } from '../../../../src/security/scram/UserScramCredentialsAdmin';
import { zkUserConfigStore } from '../../../../src/security/scram/ZkUserConfigStore';
import { UserConfigHandler } from '../../../../src/server/config/UserConfigHandler';

/** /config/users in memory, with the change notifications it would create. */
class FakeStore implements UserConfigStore {
  readonly users = new Map<string, Record<string, string>>();
  readonly notifications: string[] = [];
  async fetchUserConfig(u: string): Promise<Record<string, string>> {
    return { ...(this.users.get(u) ?? {}) };
  }
  async fetchAllUserConfigs(): Promise<Map<string, Record<string, string>>> {
    return new Map([...this.users].map(([u, c]) => [u, { ...c }]));
  }
  async changeUserConfig(u: string, c: Record<string, string>): Promise<void> {
    this.users.set(u, { ...c });
    this.notifications.push(`users/${u}`);
  }
}

const salt = Buffer.from('salty');
const upsert = (name: string, mechanism: number, iterations = 4096, password = 'pw') => ({
  name,
  mechanism,
  iterations,
  salt,
  saltedPassword: saltedPassword(mechanism === 2 ? 'SCRAM-SHA-512' : 'SCRAM-SHA-256', password, salt, Math.max(1, Math.min(iterations, 4096))),
});

describe('UserScramCredentialsAdmin (ZkAdminManager.describe/alterUserScramCredentials)', () => {
  it('an upsertion stores the credential Kafka derives from salt and salted password, next to the user quotas', async () => {
    const store = new FakeStore();
    store.users.set('alice', { producer_byte_rate: '1024' });
    const res = await alterUserScramCredentials(store, { deletions: [], upsertions: [upsert('alice', 1, 8192), upsert('alice', 2)] });
    expect(res).to.deep.equal([{ user: 'alice', errorCode: 0, errorMessage: null }]);
    const cfg = store.users.get('alice')!;
    expect(Object.keys(cfg)).to.deep.equal(['producer_byte_rate', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
    const c = credentialFromString(cfg['SCRAM-SHA-256']);
    expect(c.iterations).to.equal(8192);
    expect(c.salt.toString()).to.equal('salty');
    // The same keys as the credential computed from the password (the salted password was Hi(pw, salt, 4096)).
    const fromPassword = credentialFromPassword('SCRAM-SHA-256', 'pw', 4096, salt);
    expect(c.storedKey.equals(fromPassword.storedKey)).to.equal(true);
    expect(store.notifications).to.deep.equal(['users/alice']);

    const d = await describeUserScramCredentials(store, null);
    expect(d).to.deep.equal({
      errorCode: 0,
      errorMessage: null,
      results: [
        {
          user: 'alice',
          errorCode: 0,
          errorMessage: null,
          credentialInfos: [
            { mechanism: 1, iterations: 8192 },
            { mechanism: 2, iterations: 4096 },
          ],
        },
      ],
    });

    const del = await alterUserScramCredentials(store, { deletions: [{ name: 'alice', mechanism: 2 }], upsertions: [] });
    expect(del).to.deep.equal([{ user: 'alice', errorCode: 0, errorMessage: null }]);
    expect(Object.keys(store.users.get('alice')!)).to.deep.equal(['producer_byte_rate', 'SCRAM-SHA-256']);
  });

  it('illegal requests fail the whole user with Kafka codes and messages', async () => {
    const store = new FakeStore();
    store.users.set('has256', { 'SCRAM-SHA-256': credentialToString(credentialFromPassword('SCRAM-SHA-256', 'x', 4096)) });
    const res = await alterUserScramCredentials(store, {
      deletions: [
        { name: 'unknownDel', mechanism: 9 },
        { name: '', mechanism: 1 },
        { name: 'has256', mechanism: 2 },
      ],
      upsertions: [upsert('few', 1, 4095), upsert('many', 2, 16385), upsert('unknownUp', 0), upsert('dup', 1), upsert('dup', 1), upsert('ok', 1)],
    });
    const byUser = Object.fromEntries(res.map((r) => [r.user, [r.errorCode, r.errorMessage]]));
    expect(byUser).to.deep.equal({
      unknownDel: [ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism'],
      '': [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty'],
      few: [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations'],
      many: [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations'],
      unknownUp: [ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism'],
      dup: [ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request'],
      has256: [ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist'],
      ok: [0, null],
    });
    expect(res).to.have.length(8);
    expect([...store.users.keys()].sort()).to.deep.equal(['has256', 'ok']);
    expect(store.notifications).to.deep.equal(['users/ok']);
  });

  it('describe: named users in request order, empty and duplicate names and users without credentials as errors', async () => {
    const store = new FakeStore();
    const cred = credentialToString(credentialFromPassword('SCRAM-SHA-512', 'x', 5000));
    store.users.set('bob', { 'SCRAM-SHA-512': cred });
    store.users.set(sanitize('a b*'), { 'SCRAM-SHA-512': cred });
    store.users.set('quotaOnly', { consumer_byte_rate: '1' });
    store.users.set('broken', { 'SCRAM-SHA-256': 'garbage' });
    const d = await describeUserScramCredentials(store, ['quotaOnly', 'bob', '', 'bob', 'a b*', 'broken', 'nobody']);
    expect(d.errorCode).to.equal(0);
    expect(d.results.map((r) => [r.user, r.errorCode, r.errorMessage, r.credentialInfos])).to.deep.equal([
      ['quotaOnly', ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to describe a user credential that does not exist: quotaOnly', []],
      ['bob', ErrorCode.DUPLICATE_RESOURCE, 'Cannot describe SCRAM credentials for the same user twice in a single request: bob', []],
      ['', ErrorCode.RESOURCE_NOT_FOUND, 'Username must not be empty', []],
      ['a b*', 0, null, [{ mechanism: 2, iterations: 5000 }]],
      ['broken', ErrorCode.UNKNOWN_SERVER_ERROR, 'The server experienced an unexpected error when processing the request.', []],
      ['nobody', ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to describe a user credential that does not exist: nobody', []],
    ]);
    // All users: only those with a credential, sorted by (desanitized) name.
    const all = await describeUserScramCredentials(store, []);
    expect(all.results.map((r) => r.user)).to.deep.equal(['a b*', 'bob', 'broken']);
  });

  it('Sanitizer matches Java URLEncoder with %20 and %2A; zkUserConfigStore writes the znode then the notification', async () => {
    expect(sanitize('User:CN=alice,O=x')).to.equal('User%3ACN%3Dalice%2CO%3Dx');
    expect(sanitize("a b*!'()~-._")).to.equal('a%20b%2A%21%27%28%29%7E-._');
    expect(desanitize('a+b%2A')).to.equal('a b*');
    const calls: string[] = [];
    const store = zkUserConfigStore({
      getChildren: async (p: string) => (calls.push(`ls ${p}`), ['u1']),
      getEntityConfigs: async (t: string, n: string) => (calls.push(`get ${t}/${n}`), { k: 'v' }),
      setOrCreateEntityConfigs: async (t: string, n: string, c: Readonly<Record<string, string>>) => void calls.push(`set ${t}/${n} ${JSON.stringify(c)}`),
      createConfigChangeNotification: async (p: string) => (calls.push(`notify ${p}`), '/config/changes/config_change_0000000000'),
    });
    expect(await store.fetchAllUserConfigs()).to.deep.equal(new Map([['u1', { k: 'v' }]]));
    await store.changeUserConfig('u%201', { a: 'b' });
    expect(calls).to.deep.equal(['ls /config/users', 'get users/u1', 'set users/u%201 {"a":"b"}', 'notify users/u%201']);
  });

  it('UserConfigHandler loads every user at start-up and refreshes one user per change (not <default>, not user/clients)', async () => {
    const store = new FakeStore();
    const c1 = credentialFromPassword('SCRAM-SHA-256', 'a', 4096);
    store.users.set(sanitize('al ice'), { 'SCRAM-SHA-256': credentialToString(c1) });
    store.users.set('<default>', { 'SCRAM-SHA-256': credentialToString(c1) });
    const cache = new ScramCredentialCache();
    const h = new UserConfigHandler(store, cache, 1);
    await h.loadAll();
    expect(cache.scramCredential('SCRAM-SHA-256', 'al ice')).to.deep.equal(c1);
    expect(cache.usernames('SCRAM-SHA-256')).to.deep.equal(['al ice']);
    store.users.set('bob', { 'SCRAM-SHA-512': credentialToString(credentialFromPassword('SCRAM-SHA-512', 'b', 4096)) });
    store.users.set(sanitize('al ice'), {});
    await h.processConfigChanges('bob');
    await h.processConfigChanges('bob/clients/c1');
    await h.processConfigChanges(sanitize('al ice'));
    expect(cache.scramCredential('SCRAM-SHA-512', 'bob')?.iterations).to.equal(4096);
    expect(cache.scramCredential('SCRAM-SHA-256', 'al ice')).to.equal(undefined);
  });
});
