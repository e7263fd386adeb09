import { expect } from 'chai';
import type { RequestContext, ResponseBody } from '../../../src/network/RequestContext';
import { CreateDelegationTokenApi, DescribeDelegationTokenApi, ExpireDelegationTokenApi, RenewDelegationTokenApi } from '../../../src/protocol/apis';
import type { ApiCodec } from '../../../src/protocol/apis/types';
import { ErrorCode } from '../../../src/protocol/errors';
import { Reader } from '../../../src/protocol/Reader';
import { Writer } from '../../../src/protocol/Writer';
import { AclOperation } from '../../../src/security/AclEntry';
import type { KafkaPrincipal } from '../../../src/security/auth/KafkaPrincipal';
import type { Action, AuthorizableRequestContext, Authorizer } from '../../../src/security/authorizer/Authorizer';
import { ResourceType } from '../../../src/security/authorizer/Authorizer';
import { DelegationTokenCache } from '../../../src/security/token/DelegationTokenCache';
import { DelegationTokenManager } from '../../../src/security/token/DelegationTokenManager';
import { decodeTokenInfo, DelegationTokenStore, encodeTokenInfo } from '../../../src/security/token/DelegationTokenZk';
import type { TokenInformation } from '../../../src/security/token/TokenInformation';
import { AuthHelper } from '../../../src/server/handlers/AuthHelper';
import { allowTokenRequests, DelegationTokenApis } from '../../../src/server/handlers/DelegationTokenApis';

class MemoryStore implements DelegationTokenStore {
  readonly nodes = new Map<string, Buffer>();
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
  async notifyChange(): Promise<void> {}
  async startChangeListener(): Promise<void> {}
  close(): void {}
}

const user = (name: string, tokenAuthenticated = false): KafkaPrincipal => ({ type: 'User', name, ...(tokenAuthenticated ? { tokenAuthenticated } : {}) });

function ctx(apiKey: number, apiVersion: number, principal: KafkaPrincipal, securityProtocol = 'SASL_PLAINTEXT'): RequestContext {
  return {
    header: { apiKey, apiVersion, correlationId: 1, clientId: 't' },
    listenerName: 'L',
    clientAddress: '127.0.0.1',
    connectionId: 'c',
    principal,
    securityProtocol,
  };
}

async function call<Req, Res>(
  codec: ApiCodec<Req, Res>,
  v: number,
  req: Req,
  handle: (c: RequestContext, r: Reader) => ResponseBody | Promise<ResponseBody>,
  c: RequestContext,
): Promise<Res> {
  const w = new Writer();
  codec.encodeRequest(w, v, req);
  const body = await handle(c, new Reader(w.toBuffer()));
  return codec.decodeResponse(new Reader(Buffer.concat(body!)), v);
}

/** Allows only the listed "principal op type name" actions. */
function authorizer(allowed: string[]): Authorizer {
  return {
    authorize: (c: AuthorizableRequestContext, actions: Action[]) =>
      actions.map((a) => allowed.includes(`${c.principal.name} ${a.operation} ${a.resourceType} ${a.resourceName}`)),
    authorizeByResourceType: () => false,
  };
}

describe('DelegationTokenApis (KafkaApis token handlers, ZooKeeper mode)', () => {
  const setup = async (secretKey: string | null = 'k', allowed: string[] | null = null) => {
    const m = new DelegationTokenManager(
      { secretKey, maxLifetimeMs: 10000, expiryTimeMs: 5000, expiryCheckIntervalMs: 3600000 },
      new DelegationTokenCache(),
      new MemoryStore(),
      1,
      () => true,
    );
    await m.startup();
    return { m, apis: new DelegationTokenApis(m, new AuthHelper(allowed === null ? undefined : authorizer(allowed))) };
  };

  it('allowTokenRequests: not on PLAINTEXT, not on SSL without a client certificate, not with a token; SASL and 2-way SSL yes', () => {
    expect(allowTokenRequests(ctx(38, 3, user('ANONYMOUS'), 'PLAINTEXT'))).to.equal(false);
    expect(allowTokenRequests(ctx(38, 3, user('ANONYMOUS'), 'SSL'))).to.equal(false);
    expect(allowTokenRequests(ctx(38, 3, user('CN=client'), 'SSL'))).to.equal(true);
    expect(allowTokenRequests(ctx(38, 3, user('alice'), 'SASL_SSL'))).to.equal(true);
    expect(allowTokenRequests(ctx(38, 3, user('alice', true), 'SASL_PLAINTEXT'))).to.equal(false);
  });

  it('CreateDelegationToken: errors carry the owner and requester with -1 timestamps; v3 owner, v0 the requester', async () => {
    const { m, apis } = await setup();
    const h = (c: RequestContext, r: Reader) => apis.handleCreateDelegationToken(c, r);
    const refused = await call(
      CreateDelegationTokenApi,
      3,
      { ownerPrincipalType: null, ownerPrincipalName: null, renewers: [], maxLifetimeMs: -1 },
      h,
      ctx(38, 3, user('ANONYMOUS'), 'PLAINTEXT'),
    );
    expect(refused).to.deep.include({
      errorCode: ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED,
      principalName: 'ANONYMOUS',
      tokenRequesterPrincipalName: 'ANONYMOUS',
      issueTimestampMs: -1,
      expiryTimestampMs: -1,
      maxTimestampMs: -1,
      tokenId: '',
    });
    expect(refused.hmac.length).to.equal(0);
    const groupRenewer = await call(
      CreateDelegationTokenApi,
      3,
      { ownerPrincipalType: null, ownerPrincipalName: null, renewers: [{ principalType: 'Group', principalName: 'g' }], maxLifetimeMs: -1 },
      h,
      ctx(38, 3, user('alice')),
    );
    expect(groupRenewer.errorCode).to.equal(ErrorCode.INVALID_PRINCIPAL_TYPE);
    const v0 = await call(
      CreateDelegationTokenApi,
      0,
      { ownerPrincipalType: null, ownerPrincipalName: null, renewers: [], maxLifetimeMs: 3000 },
      h,
      ctx(38, 0, user('alice')),
    );
    expect(v0).to.deep.include({ errorCode: 0, principalType: 'User', principalName: 'alice' });
    expect(v0.maxTimestampMs - v0.issueTimestampMs).to.equal(3000);
    const forBob = await call(
      CreateDelegationTokenApi,
      3,
      { ownerPrincipalType: 'User', ownerPrincipalName: 'bob', renewers: [], maxLifetimeMs: -1 },
      h,
      ctx(38, 3, user('alice')),
    );
    expect(forBob).to.deep.include({ errorCode: 0, principalName: 'bob', tokenRequesterPrincipalName: 'alice' });
    expect(m.cache.token(forBob.tokenId)?.tokenRequester).to.deep.equal(user('alice'));
    m.shutdown();
  });

  it('with an authorizer, another owner needs CREATE_TOKENS on User:<owner>', async () => {
    const { m, apis } = await setup('k', [`carol ${AclOperation.CREATE_TOKENS} ${ResourceType.USER} User:bob`]);
    const h = (c: RequestContext, r: Reader) => apis.handleCreateDelegationToken(c, r);
    const req = { ownerPrincipalType: 'User', ownerPrincipalName: 'bob', renewers: [], maxLifetimeMs: -1 };
    expect((await call(CreateDelegationTokenApi, 3, req, h, ctx(38, 3, user('alice')))).errorCode).to.equal(ErrorCode.DELEGATION_TOKEN_AUTHORIZATION_FAILED);
    expect((await call(CreateDelegationTokenApi, 3, req, h, ctx(38, 3, user('carol')))).errorCode).to.equal(ErrorCode.NONE);
    // Your own tokens need no ACL.
    expect((await call(CreateDelegationTokenApi, 3, { ...req, ownerPrincipalName: 'alice' }, h, ctx(38, 3, user('alice')))).errorCode).to.equal(ErrorCode.NONE);
    m.shutdown();
  });

  it('DescribeDelegationToken: disabled without a secret key; an empty owner list describes nothing; null describes what the requester may see', async () => {
    const disabled = await setup(null);
    const hd = (c: RequestContext, r: Reader) => disabled.apis.handleDescribeDelegationToken(c, r);
    expect((await call(DescribeDelegationTokenApi, 3, { owners: null }, hd, ctx(41, 3, user('alice')))).errorCode).to.equal(
      ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED,
    );
    const hc = (c: RequestContext, r: Reader) => disabled.apis.handleCreateDelegationToken(c, r);
    expect(
      (
        await call(
          CreateDelegationTokenApi,
          3,
          { ownerPrincipalType: null, ownerPrincipalName: null, renewers: [], maxLifetimeMs: -1 },
          hc,
          ctx(38, 3, user('a')),
        )
      ).errorCode,
    ).to.equal(ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED);

    const { m, apis } = await setup('k', []);
    const alices = await m.createToken(user('alice'), user('alice'), [user('bob')], -1);
    await m.createToken(user('carol'), user('carol'), [], -1);
    const h = (c: RequestContext, r: Reader) => apis.handleDescribeDelegationToken(c, r);
    expect((await call(DescribeDelegationTokenApi, 3, { owners: [] }, h, ctx(41, 3, user('alice')))).tokens).to.deep.equal([]);
    const bobSees = await call(DescribeDelegationTokenApi, 3, { owners: null }, h, ctx(41, 3, user('bob')));
    expect(bobSees.tokens.map((t) => t.tokenId)).to.deep.equal([alices.tokenId]);
    expect(bobSees.tokens[0]).to.deep.include({
      principalName: 'alice',
      tokenRequesterPrincipalName: 'alice',
      renewers: [{ principalType: 'User', principalName: 'bob' }],
    });
    expect(bobSees.tokens[0].hmac.equals(alices.hmac)).to.equal(true);
    const token = await call(DescribeDelegationTokenApi, 3, { owners: null }, h, ctx(41, 3, user('bob', true)));
    expect(token.errorCode).to.equal(ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED);
    m.shutdown();
    disabled.m.shutdown();
  });

  it('Renew/Expire: refused with a token or on PLAINTEXT (-1), else the manager answers', async () => {
    const { m, apis } = await setup();
    const t = await m.createToken(user('alice'), user('alice'), [], -1);
    const hr = (c: RequestContext, r: Reader) => apis.handleRenewDelegationToken(c, r);
    const he = (c: RequestContext, r: Reader) => apis.handleExpireDelegationToken(c, r);
    expect(await call(RenewDelegationTokenApi, 2, { hmac: t.hmac, renewPeriodMs: -1 }, hr, ctx(39, 2, user('alice', true)))).to.deep.include({
      errorCode: ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED,
      expiryTimestampMs: -1,
    });
    expect((await call(RenewDelegationTokenApi, 1, { hmac: t.hmac, renewPeriodMs: 1000 }, hr, ctx(39, 1, user('alice')))).errorCode).to.equal(0);
    expect(
      (await call(ExpireDelegationTokenApi, 0, { hmac: t.hmac, expiryTimePeriodMs: -1 }, he, ctx(40, 0, user('ANONYMOUS'), 'PLAINTEXT'))).errorCode,
    ).to.equal(ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED);
    expect((await call(ExpireDelegationTokenApi, 2, { hmac: t.hmac, expiryTimePeriodMs: -1 }, he, ctx(40, 2, user('bob')))).errorCode).to.equal(
      ErrorCode.DELEGATION_TOKEN_OWNER_MISMATCH,
    );
    expect((await call(ExpireDelegationTokenApi, 2, { hmac: t.hmac, expiryTimePeriodMs: -1 }, he, ctx(40, 2, user('alice')))).errorCode).to.equal(0);
    expect((await call(ExpireDelegationTokenApi, 2, { hmac: t.hmac, expiryTimePeriodMs: -1 }, he, ctx(40, 2, user('alice')))).errorCode).to.equal(
      ErrorCode.DELEGATION_TOKEN_NOT_FOUND,
    );
    m.shutdown();
  });
});
