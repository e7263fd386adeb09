import { expect } from 'chai';
import { createHmac } from 'crypto';
import { ErrorCode } from '../../../../src/protocol/errors';
import { ScramSaslClient } from '../../../../src/security/sasl/SaslClient';
import { ScramSaslServer } from '../../../../src/security/sasl/ScramSaslServer';
import { SaslException } from '../../../../src/security/sasl/SaslServer';
import { ScramCredentialCache } from '../../../../src/security/scram/ScramCredential';
import { createTokenHmac, DelegationTokenCache, tokenScramCredentials } from '../../../../src/security/token/DelegationTokenCache';
import { DelegationTokenManager, delegationTokenSettings, filterToken, generateUuidAsBase64 } from '../../../../src/security/token/DelegationTokenManager';
import { decodeTokenInfo, DelegationTokenStore, encodeTokenInfo } from '../../../../src/security/token/DelegationTokenZk';
import { withTokenCredentials } from '../../../../src/security/token/TokenCredentialSource';
import { parseKafkaPrincipal, TokenInformation } from '../../../../src/security/token/TokenInformation';
import { waitFor } from '../../../helpers/ports';

const alice = { type: 'User', name: 'alice' };
const bob = { type: 'User', name: 'bob' };
const carol = { type: 'User', name: 'carol' };

/** /delegation_token in memory: znodes by id and the notifications written. */
class MemoryTokenStore implements DelegationTokenStore {
  readonly nodes = new Map<string, Buffer>();
  readonly notifications: string[] = [];
  listener: ((id: string) => Promise<void>) | null = null;
  async createPaths(): Promise<void> {}
  async tokenIds(): Promise<string[]> {
    return [...this.nodes.keys()];
  }
  async get(id: string): Promise<TokenInformation | null> {
    const b = this.nodes.get(id);
    return b ? decodeTokenInfo(b) : null;
  }
  async setOrCreate(t: TokenInformation): Promise<void> {
    this.nodes.set(t.tokenId, encodeTokenInfo(t));
  }
  async delete(id: string): Promise<void> {
    this.nodes.delete(id);
  }
  async notifyChange(id: string): Promise<void> {
    this.notifications.push(id);
  }
  async startChangeListener(onChange: (id: string) => Promise<void>): Promise<void> {
    this.listener = onChange;
  }
  close(): void {}
}

function settings(overrides: Partial<{ secretKey: string | null; maxLifetimeMs: number; expiryTimeMs: number }> = {}) {
  return { secretKey: 'secret', maxLifetimeMs: 10000, expiryTimeMs: 4000, expiryCheckIntervalMs: 3600000, ...overrides };
}

describe('delegation tokens (KIP-48)', () => {
  describe('HMAC, credentials and principals', () => {
    it('the HMAC is HmacSHA512 of the token id keyed with the UTF-8 secret', () => {
      expect(createTokenHmac('tok1', 'secret').equals(createHmac('sha512', Buffer.from('secret')).update('tok1').digest())).to.equal(true);
      expect(createTokenHmac('tok1', 'secret')).to.have.length(64);
    });

    it('token ids are CoreUtils.generateUuidAsBase64: 22 URL-safe base64 characters, unique', () => {
      const ids = new Set(Array.from({ length: 50 }, generateUuidAsBase64));
      expect(ids.size).to.equal(50);
      for (const id of ids) expect(id).to.match(/^[A-Za-z0-9_-]{22}$/);
    });

    it('SCRAM credentials for both mechanisms derive from the base64 HMAC with 4096 iterations (a SCRAM client with that password passes)', () => {
      const hmac = createTokenHmac('tok1', 'secret').toString('base64');
      const creds = tokenScramCredentials(hmac);
      expect([...creds.keys()]).to.deep.equal(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
      for (const [m, c] of creds) {
        expect(c.iterations, m).to.equal(4096);
        expect(c.salt.toString('utf8')).to.match(/^[0-9a-z]+$/);
      }
    });

    it('SecurityUtils.parseKafkaPrincipal splits at the first colon and rejects text without one', () => {
      expect(parseKafkaPrincipal('User:CN=a:b')).to.deep.equal({ type: 'User', name: 'CN=a:b' });
      expect(() => parseKafkaPrincipal('alice')).to.throw('expected a string in format principalType:principalName but got alice');
    });
  });

  describe('znode JSON', () => {
    const info: TokenInformation = {
      tokenId: 'abc_-123',
      owner: { type: 'User', name: 'al ice' },
      tokenRequester: bob,
      renewers: [carol, { type: 'User', name: 'x:y' }],
      issueTimestamp: 1000,
      maxTimestamp: 3000,
      expiryTimestamp: 2000,
    };

    it("is written in Kafka 3.7's key order (Scala immutable.HashMap) with sanitized principals", () => {
      expect(encodeTokenInfo(info).toString()).to.equal(
        '{"issueTimestamp":1000,"renewers":["User%3Acarol","User%3Ax%3Ay"],"tokenRequester":"User%3Abob","tokenId":"abc_-123","owner":"User%3Aal%20ice","expiryTimestamp":2000,"maxTimestamp":3000,"version":3}',
      );
    });

    it('round-trips, reads version 1/2 nodes with the owner as requester, and rejects malformed ones', () => {
      expect(decodeTokenInfo(encodeTokenInfo(info))).to.deep.equal(info);
      const v1 = Buffer.from('{"version":1,"owner":"User%3Aalice","renewers":[],"issueTimestamp":1,"maxTimestamp":3,"expiryTimestamp":2,"tokenId":"t"}');
      expect(decodeTokenInfo(v1)).to.deep.include({ owner: alice, tokenRequester: alice, renewers: [] });
      expect(decodeTokenInfo(null)).to.equal(null);
      expect(() => decodeTokenInfo(Buffer.from('{"version":4}'))).to.throw();
      expect(() => decodeTokenInfo(Buffer.from('{"version":3,"owner":"User%3Aa"}'))).to.throw();
      expect(() => decodeTokenInfo(Buffer.from('not json'))).to.throw();
    });
  });

  describe('DelegationTokenCache', () => {
    it('indexes tokens by id and HMAC with their credentials; removal drops all three', () => {
      const cache = new DelegationTokenCache();
      const hmac = createTokenHmac('t1', 's');
      const t: TokenInformation = { tokenId: 't1', owner: alice, tokenRequester: alice, renewers: [], issueTimestamp: 0, maxTimestamp: 10, expiryTimestamp: 5 };
      cache.updateCache({ tokenInfo: t, hmac }, tokenScramCredentials(hmac.toString('base64')));
      expect(cache.owner('t1')).to.equal('alice');
      expect(cache.tokenForHmac(hmac.toString('base64'))).to.equal(t);
      expect(cache.credential('SCRAM-SHA-512', 't1')).to.not.equal(undefined);
      cache.removeCache('t1');
      expect(cache.token('t1')).to.equal(undefined);
      expect(cache.tokenForHmac(hmac.toString('base64'))).to.equal(undefined);
      expect(cache.credential('SCRAM-SHA-256', 't1')).to.equal(undefined);
      expect(cache.allTokens()).to.deep.equal([]);
    });
  });

  describe('DelegationTokenManager', () => {
    let now = 100000;
    let ids = 0;
    const manager = (s = settings(), store = new MemoryTokenStore(), isController = () => true) =>
      new DelegationTokenManager(
        s,
        new DelegationTokenCache(),
        store,
        1,
        isController,
        () => now,
        () => `id${++ids}`,
      );

    it('settings: delegation.token.secret.key, else the deprecated master key; an empty key disables tokens', () => {
      const cfg = (vals: Record<string, string | null>) => ({
        getString: (n: string) => vals[n] ?? null,
        getLong: (n: string) =>
          ({ 'delegation.token.max.lifetime.ms': 1, 'delegation.token.expiry.time.ms': 2, 'delegation.token.expiry.check.interval.ms': 3 })[n]!,
      });
      expect(delegationTokenSettings(cfg({ 'delegation.token.master.key': 'm' }))).to.deep.equal({
        secretKey: 'm',
        maxLifetimeMs: 1,
        expiryTimeMs: 2,
        expiryCheckIntervalMs: 3,
      });
      expect(delegationTokenSettings(cfg({ 'delegation.token.secret.key': 's', 'delegation.token.master.key': 'm' })).secretKey).to.equal('s');
      expect(manager(settings({ secretKey: '' })).enabled).to.equal(false);
      expect(manager(settings({ secretKey: null })).enabled).to.equal(false);
    });

    it('without a secret key every operation is DELEGATION_TOKEN_AUTH_DISABLED and nothing is stored', async () => {
      const store = new MemoryTokenStore();
      const m = manager(settings({ secretKey: null }), store);
      await m.startup();
      expect((await m.createToken(alice, alice, [], -1)).errorCode).to.equal(ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED);
      expect(await m.renewToken(alice, Buffer.from('x'), -1)).to.deep.equal({ errorCode: ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED, expiryTimestamp: -1 });
      expect(await m.expireToken(alice, Buffer.from('x'), -1)).to.deep.equal({ errorCode: ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED, expiryTimestamp: -1 });
      expect(store.nodes.size).to.equal(0);
      expect(store.listener).to.equal(null);
    });

    it('create: expiry = min(max, issue + expiry.time.ms), max lifetime capped by delegation.token.max.lifetime.ms', async () => {
      const store = new MemoryTokenStore();
      const m = manager(settings(), store);
      await m.startup();
      const r = await m.createToken(alice, bob, [carol], -1);
      expect(r).to.deep.include({
        errorCode: 0,
        issueTimestamp: now,
        expiryTimestamp: now + 4000,
        maxTimestamp: now + 10000,
        owner: alice,
        tokenRequester: bob,
      });
      expect(r.hmac.equals(createTokenHmac(r.tokenId, 'secret'))).to.equal(true);
      expect(store.notifications).to.deep.equal([r.tokenId]);
      expect(decodeTokenInfo(store.nodes.get(r.tokenId)!)).to.deep.include({ renewers: [carol], expiryTimestamp: now + 4000 });
      expect((await m.createToken(alice, alice, [], 2000)).maxTimestamp).to.equal(now + 2000);
      expect((await m.createToken(alice, alice, [], 2000)).expiryTimestamp).to.equal(now + 2000);
      expect((await m.createToken(alice, alice, [], 99999)).maxTimestamp).to.equal(now + 10000);
    });

    it('renew and expire: owner or renewer only, NOT_FOUND for an unknown HMAC, EXPIRED past expiry, -1 expires at once', async () => {
      const store = new MemoryTokenStore();
      const m = manager(settings(), store);
      await m.startup();
      const r = await m.createToken(alice, alice, [bob], -1);
      expect(await m.renewToken(carol, r.hmac, -1)).to.deep.equal({ errorCode: ErrorCode.DELEGATION_TOKEN_OWNER_MISMATCH, expiryTimestamp: -1 });
      expect(await m.renewToken(bob, Buffer.from('nope'), -1)).to.deep.equal({ errorCode: ErrorCode.DELEGATION_TOKEN_NOT_FOUND, expiryTimestamp: -1 });
      now += 1000;
      expect(await m.renewToken(bob, r.hmac, -1)).to.deep.equal({ errorCode: 0, expiryTimestamp: now + 4000 });
      expect(await m.renewToken(alice, r.hmac, 100000)).to.deep.equal({ errorCode: 0, expiryTimestamp: r.maxTimestamp });
      expect(await m.expireToken(bob, r.hmac, 500)).to.deep.equal({ errorCode: 0, expiryTimestamp: now + 500 });
      now += 501;
      expect(await m.renewToken(alice, r.hmac, -1)).to.deep.equal({ errorCode: ErrorCode.DELEGATION_TOKEN_EXPIRED, expiryTimestamp: -1 });
      expect(await m.expireToken(alice, r.hmac, 10)).to.deep.equal({ errorCode: ErrorCode.DELEGATION_TOKEN_EXPIRED, expiryTimestamp: -1 });
      expect(await m.expireToken(alice, r.hmac, -1)).to.deep.equal({ errorCode: 0, expiryTimestamp: now });
      expect(store.nodes.has(r.tokenId)).to.equal(false);
      expect(m.cache.token(r.tokenId)).to.equal(undefined);
      expect(store.notifications.at(-1)).to.equal(r.tokenId);
    });

    it('expireTokens removes tokens past their expiry or max lifetime (znode, cache, notification) and keeps the others', async () => {
      const store = new MemoryTokenStore();
      const m = manager(settings(), store);
      await m.startup();
      const short = await m.createToken(alice, alice, [], 1000);
      const long = await m.createToken(alice, alice, [], -1);
      now += 1001;
      await m.expireTokens();
      expect([...store.nodes.keys()]).to.deep.equal([long.tokenId]);
      expect(m.cache.allTokens().map((t) => t.tokenId)).to.deep.equal([long.tokenId]);
      expect(store.notifications.at(-1)).to.equal(short.tokenId);
      m.shutdown();
    });

    it('the expiry scan runs every delegation.token.expiry.check.interval.ms, and only while this broker is the controller', async () => {
      const store = new MemoryTokenStore();
      let controller = false;
      let asked = 0;
      const m = new DelegationTokenManager(
        { ...settings(), expiryCheckIntervalMs: 20 },
        new DelegationTokenCache(),
        store,
        1,
        () => {
          asked++;
          return controller;
        },
        () => now,
      );
      await m.startup();
      const t = await m.createToken(alice, alice, [], 1000);
      now += 2000;
      await waitFor('three scan ticks', async () => asked >= 3, 5000, 5);
      expect(store.nodes.has(t.tokenId)).to.equal(true);
      controller = true;
      await waitFor('the controller removes the expired token', async () => !store.nodes.has(t.tokenId), 5000, 5);
      m.shutdown();
    });

    it('startup loads every stored token; change notifications update or remove cached tokens (another broker)', async () => {
      const store = new MemoryTokenStore();
      const first = manager(settings(), store);
      await first.startup();
      const a = await first.createToken(alice, alice, [], -1);
      const second = manager(settings(), store, () => false);
      await second.startup();
      expect(second.cache.token(a.tokenId)).to.deep.include({ owner: alice });
      expect(second.cache.tokenForHmac(a.hmac.toString('base64'))?.tokenId).to.equal(a.tokenId);
      const b = await first.createToken(bob, bob, [], -1);
      await store.listener!(b.tokenId);
      expect(second.cache.owner(b.tokenId)).to.equal('bob');
      await first.expireToken(alice, a.hmac, -1);
      await store.listener!(a.tokenId);
      expect(second.cache.token(a.tokenId)).to.equal(undefined);
      first.shutdown();
      second.shutdown();
    });

    it('filterToken: the owner filter matches owners and renewers; own tokens pass; others need DESCRIBE on the token or DESCRIBE_TOKENS on the owner', () => {
      const t: TokenInformation = {
        tokenId: 't',
        owner: alice,
        tokenRequester: alice,
        renewers: [bob],
        issueTimestamp: 0,
        maxTimestamp: 1,
        expiryTimestamp: 1,
      };
      const no = () => false;
      const yes = () => true;
      expect(filterToken(alice, null, t, no, no)).to.equal(true);
      expect(filterToken(bob, null, t, no, no)).to.equal(true);
      expect(filterToken(carol, null, t, no, no)).to.equal(false);
      expect(filterToken(carol, null, t, yes, no)).to.equal(true);
      expect(filterToken(carol, null, t, no, (o) => o.name === 'alice')).to.equal(true);
      expect(filterToken(alice, [carol], t, yes, yes)).to.equal(false);
      expect(filterToken(carol, [bob], t, yes, no)).to.equal(true);
    });
  });

  describe('SCRAM with tokenauth=true', () => {
    async function tokenSource() {
      const store = new MemoryTokenStore();
      const m = new DelegationTokenManager(settings(), new DelegationTokenCache(), store, 1, () => true);
      await m.startup();
      const r = await m.createToken(alice, alice, [], -1);
      return { m, r, source: withTokenCredentials(new ScramCredentialCache(), m) };
    }

    for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
      it(`${mechanism}: the token id and base64 HMAC authenticate as the owner, marked token-authenticated`, async () => {
        const { m, r, source } = await tokenSource();
        const server = new ScramSaslServer(mechanism, source);
        const client = new ScramSaslClient(mechanism, r.tokenId, r.hmac.toString('base64'), undefined, true);
        const first = client.initialResponse();
        expect(first.toString()).to.match(/,tokenauth=true$/);
        const last = client.evaluateChallenge(server.evaluateResponse(first))!;
        client.evaluateChallenge(server.evaluateResponse(last));
        expect(client.isComplete()).to.equal(true);
        expect(server.authorizationId()).to.equal('alice');
        expect(server.tokenAuthenticated).to.equal(true);
        expect(server.tokenExpiryTimestamp).to.equal(r.expiryTimestamp);
        m.shutdown();
      });
    }

    it('an unknown token id, or a token id without tokenauth, fails; a plain user is not token-authenticated', async () => {
      const { m, r, source } = await tokenSource();
      const unknown = new ScramSaslServer('SCRAM-SHA-256', source);
      expect(() => unknown.evaluateResponse(new ScramSaslClient('SCRAM-SHA-256', 'nope', 'x', undefined, true).initialResponse())).to.throw(
        SaslException,
        'Token Authentication failed: Invalid tokenId : nope',
      );
      const noExt = new ScramSaslServer('SCRAM-SHA-256', source);
      expect(() => noExt.evaluateResponse(new ScramSaslClient('SCRAM-SHA-256', r.tokenId, r.hmac.toString('base64')).initialResponse())).to.throw(
        SaslException,
        'Authentication failed: Invalid user credentials',
      );
      expect(new ScramSaslServer('SCRAM-SHA-256', source).tokenAuthenticated).to.equal(false);
      m.shutdown();
    });
  });
});
