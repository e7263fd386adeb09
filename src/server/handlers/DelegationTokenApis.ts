/**
 * KafkaApis' delegation token handlers (Kafka 3.7, ZooKeeper mode): CreateDelegationToken (38), RenewDelegationToken
 * (39), ExpireDelegationToken (40), DescribeDelegationToken (41), served by any broker through its
 * DelegationTokenManager. Token requests are refused (DELEGATION_TOKEN_REQUEST_NOT_ALLOWED) on PLAINTEXT, on SSL
 * without a client certificate, and on connections that authenticated with a token (allowTokenRequests): a token
 * cannot mint or extend tokens. Creating a token for another owner needs CREATE_TOKENS on that USER; describing
 * others' tokens needs DESCRIBE on the DELEGATION_TOKEN or DESCRIBE_TOKENS on the owner's USER.
 * A KRaft broker does not serve them yet (its tokens would live in metadata records).
 */
import { principalOf, RequestContext, ResponseBody } from '../../network/RequestContext';
import { CreateDelegationTokenApi, DescribeDelegationTokenApi, ExpireDelegationTokenApi, RenewDelegationTokenApi } from '../../protocol/apis';
import type { CreateDelegationTokenResponse } from '../../protocol/apis/38-create-delegation-token';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { AclOperation } from '../../security/AclEntry';
import { ANONYMOUS, KafkaPrincipal, principalToString } from '../../security/auth/KafkaPrincipal';
import { ResourceType } from '../../security/authorizer/Authorizer';
import { DelegationTokenManager, ERROR_TIMESTAMP, filterToken } from '../../security/token/DelegationTokenManager';
import { isUserPrincipal, samePrincipal } from '../../security/token/TokenInformation';
import { getLogger } from '../../common/logger';
import type { AuthHelper } from './AuthHelper';

const log = getLogger('kafka.server.KafkaApis');

/** KafkaApis.allowTokenRequests. */
export function allowTokenRequests(ctx: RequestContext): boolean {
  const protocol = ctx.securityProtocol ?? 'PLAINTEXT';
  const principal = principalOf(ctx);
  if (principal.tokenAuthenticated === true || protocol === 'PLAINTEXT') return false;
  // 1-way SSL (no client certificate) is anonymous: no tokens for it.
  return !(protocol === 'SSL' && samePrincipal(principal, ANONYMOUS));
}

export class DelegationTokenApis {
  constructor(
    private readonly manager: DelegationTokenManager,
    private readonly auth: AuthHelper,
  ) {}

  async handleCreateDelegationToken(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = CreateDelegationTokenApi.decodeRequest(r, v);
    const requester = principalOf(ctx);
    const ownerName = req.ownerPrincipalName ?? null;
    const owner: KafkaPrincipal = ownerName === null || ownerName === '' ? requester : { type: req.ownerPrincipalType ?? '', name: ownerName };
    const renewers = req.renewers.map((x) => ({ type: x.principalType, name: x.principalName }));
    const respond = (
      res: Omit<
        CreateDelegationTokenResponse,
        'throttleTimeMs' | 'principalType' | 'principalName' | 'tokenRequesterPrincipalType' | 'tokenRequesterPrincipalName'
      >,
    ) =>
      encodeResponse(CreateDelegationTokenApi, v, {
        throttleTimeMs: 0,
        principalType: owner.type,
        principalName: owner.name,
        tokenRequesterPrincipalType: requester.type,
        tokenRequesterPrincipalName: requester.name,
        ...res,
      });
    const failed = (errorCode: number) =>
      respond({ errorCode, issueTimestampMs: -1, expiryTimestampMs: -1, maxTimestampMs: -1, tokenId: '', hmac: Buffer.alloc(0) });
    if (!allowTokenRequests(ctx)) return failed(ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED);
    if (!samePrincipal(owner, requester) && !this.auth.authorize(ctx, AclOperation.CREATE_TOKENS, ResourceType.USER, principalToString(owner))) {
      return failed(ErrorCode.DELEGATION_TOKEN_AUTHORIZATION_FAILED);
    }
    if (renewers.some((p) => !isUserPrincipal(p))) return failed(ErrorCode.INVALID_PRINCIPAL_TYPE);
    try {
      const res = await this.manager.createToken(
        { type: owner.type, name: owner.name },
        { type: requester.type, name: requester.name },
        renewers,
        req.maxLifetimeMs,
      );
      return respond({
        errorCode: res.errorCode,
        issueTimestampMs: res.issueTimestamp,
        expiryTimestampMs: res.expiryTimestamp,
        maxTimestampMs: res.maxTimestamp,
        tokenId: res.tokenId,
        hmac: res.hmac,
      });
    } catch (e) {
      log.error(`Error while creating a delegation token for ${principalToString(owner)}`, e);
      return failed(ErrorCode.UNKNOWN_SERVER_ERROR);
    }
  }

  async handleRenewDelegationToken(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = RenewDelegationTokenApi.decodeRequest(r, v);
    const respond = (errorCode: number, expiryTimestampMs: number) =>
      encodeResponse(RenewDelegationTokenApi, v, { throttleTimeMs: 0, errorCode, expiryTimestampMs });
    if (!allowTokenRequests(ctx)) return respond(ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED, ERROR_TIMESTAMP);
    try {
      const res = await this.manager.renewToken(principalOf(ctx), req.hmac, req.renewPeriodMs);
      return respond(res.errorCode, res.expiryTimestamp);
    } catch (e) {
      log.error('Error while renewing a delegation token', e);
      return respond(ErrorCode.UNKNOWN_SERVER_ERROR, ERROR_TIMESTAMP);
    }
  }

  async handleExpireDelegationToken(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = ExpireDelegationTokenApi.decodeRequest(r, v);
    const respond = (errorCode: number, expiryTimestampMs: number) =>
      encodeResponse(ExpireDelegationTokenApi, v, { throttleTimeMs: 0, errorCode, expiryTimestampMs });
    if (!allowTokenRequests(ctx)) return respond(ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED, ERROR_TIMESTAMP);
    try {
      const res = await this.manager.expireToken(principalOf(ctx), req.hmac, req.expiryTimePeriodMs);
      return respond(res.errorCode, res.expiryTimestamp);
    } catch (e) {
      log.error('Error while expiring a delegation token', e);
      return respond(ErrorCode.UNKNOWN_SERVER_ERROR, ERROR_TIMESTAMP);
    }
  }

  handleDescribeDelegationToken(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = DescribeDelegationTokenApi.decodeRequest(r, v);
    const respond = (errorCode: number, tokens = this.manager.getTokens(() => false)) =>
      encodeResponse(DescribeDelegationTokenApi, v, {
        throttleTimeMs: 0,
        errorCode,
        tokens: tokens.map(({ tokenInfo: t, hmac }) => ({
          tokenId: t.tokenId,
          principalType: t.owner.type,
          principalName: t.owner.name,
          tokenRequesterPrincipalType: t.tokenRequester.type,
          tokenRequesterPrincipalName: t.tokenRequester.name,
          issueTimestamp: t.issueTimestamp,
          maxTimestamp: t.maxTimestamp,
          expiryTimestamp: t.expiryTimestamp,
          hmac,
          renewers: t.renewers.map((p) => ({ principalType: p.type, principalName: p.name })),
        })),
      });
    if (!allowTokenRequests(ctx)) return respond(ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED);
    if (!this.manager.enabled) return respond(ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED);
    // DescribeDelegationTokenRequest.ownersListEmpty: an empty (not null) owner list describes nothing.
    if (req.owners !== null && req.owners.length === 0) return respond(ErrorCode.NONE);
    const owners = req.owners === null ? null : req.owners.map((o) => ({ type: o.principalType, name: o.principalName }));
    const requester = principalOf(ctx);
    const authorizeToken = (tokenId: string) => this.auth.authorize(ctx, AclOperation.DESCRIBE, ResourceType.DELEGATION_TOKEN, tokenId);
    const authorizeRequester = (owner: KafkaPrincipal) => this.auth.authorize(ctx, AclOperation.DESCRIBE_TOKENS, ResourceType.USER, principalToString(owner));
    return respond(
      ErrorCode.NONE,
      this.manager.getTokens((t) => filterToken(requester, owners, t, authorizeToken, authorizeRequester)),
    );
  }
}
