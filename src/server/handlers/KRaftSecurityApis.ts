/**
 * The security APIs of a KRaft broker (Kafka 3.7's KafkaApis with a KRaft metadata cache):
 *  - DescribeUserScramCredentials answered from the broker's metadata image (ScramImage.describe), after the
 *    CLUSTER DESCRIBE check (ClusterOperationGate);
 *  - AlterUserScramCredentials forwarded to the active controller (ScramControlManager), after the CLUSTER ALTER check;
 *  - DescribeAcls answered by the broker's StandardAuthorizer (AclApis);
 *  - CreateAcls / DeleteAcls forwarded to the controller (AclControlManager). Kafka forwards them in an Envelope and
 *    the controller's AclApis checks CLUSTER ALTER for the client's principal; we forward without one, so the broker
 *    makes that check here first, and answers SECURITY_DISABLED itself when it has no authorizer;
 *  - DescribeClientQuotas answered from the image (ClientQuotasImage.describe) after CLUSTER DESCRIBE_CONFIGS, and
 *    AlterClientQuotas forwarded (ClientQuotaControlManager) after CLUSTER ALTER_CONFIGS, checked here for the same
 *    reason.
 */
import type { HandlerResult, RequestContext, ResponseBody } from '../../network/RequestContext';
import { AlterClientQuotasApi, CreateAclsApi, DeleteAclsApi, DescribeClientQuotasApi, DescribeUserScramCredentialsApi } from '../../protocol/apis';
import { describeClientQuotas } from '../../metadata/image/ClientQuotasImageDescribe';
import { ApiKey } from '../../protocol/apiKeys';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode, errorInfo } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { AclOperation } from '../../security/AclEntry';
import { CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import type { SecurityImage } from '../../metadata/image/SecurityImage';
import { describeScramCredentials } from '../../metadata/image/ScramImageDescribe';
import { AclApis, AclManagingAuthorizer } from './AclApis';
import type { AuthHelper } from './AuthHelper';

type Handler = (ctx: RequestContext, r: Reader) => HandlerResult;

const NO_AUTHORIZER = 'No Authorizer is configured.';

export interface KRaftSecurityDeps {
  auth: AuthHelper;
  /** The broker's StandardAuthorizer, when authorizer.class.name is set. */
  authorizer: AclManagingAuthorizer | undefined;
  /** The security part of the broker's metadata image. */
  image: () => SecurityImage;
  forward: (ctx: RequestContext, r: Reader) => Promise<ResponseBody>;
}

/** CreateAcls / DeleteAcls before forwarding: the error response when the client may not, or ACLs are off. */
function aclChangeRefused(d: KRaftSecurityDeps, ctx: RequestContext, r: Reader): ResponseBody | null {
  const allowed = d.auth.authorize(ctx, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME);
  if (allowed && d.authorizer) return null;
  const errorCode = allowed ? ErrorCode.SECURITY_DISABLED : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
  const errorMessage = allowed ? NO_AUTHORIZER : errorInfo(errorCode).message;
  const v = ctx.header.apiVersion;
  const copy = new Reader(r.buf, r.offset, r.end);
  if (ctx.header.apiKey === ApiKey.CreateAcls) {
    const req = CreateAclsApi.decodeRequest(copy, v);
    return encodeResponse(CreateAclsApi, v, { throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode, errorMessage })) });
  }
  const req = DeleteAclsApi.decodeRequest(copy, v);
  return encodeResponse(DeleteAclsApi, v, { throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })) });
}

export function kraftSecurityHandlers(d: KRaftSecurityDeps): Map<number, Handler> {
  const handlers = new Map<number, Handler>();
  handlers.set(ApiKey.DescribeUserScramCredentials, (ctx, r) => {
    const v = ctx.header.apiVersion;
    const req = DescribeUserScramCredentialsApi.decodeRequest(r, v);
    return encodeResponse(DescribeUserScramCredentialsApi, v, describeScramCredentials(d.image(), req.users));
  });
  handlers.set(ApiKey.AlterUserScramCredentials, (ctx, r) => d.forward(ctx, r));
  const acls = new AclApis(d.authorizer);
  handlers.set(ApiKey.DescribeAcls, (ctx, r) => acls.handleDescribeAcls(ctx, r));
  handlers.set(ApiKey.CreateAcls, (ctx, r) => aclChangeRefused(d, ctx, r) ?? d.forward(ctx, r));
  handlers.set(ApiKey.DeleteAcls, (ctx, r) => aclChangeRefused(d, ctx, r) ?? d.forward(ctx, r));
  const denied = { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: errorInfo(ErrorCode.CLUSTER_AUTHORIZATION_FAILED).message };
  handlers.set(DescribeClientQuotasApi.apiKey, (ctx, r) => {
    const v = ctx.header.apiVersion;
    const req = DescribeClientQuotasApi.decodeRequest(r, v);
    if (!d.auth.authorize(ctx, AclOperation.DESCRIBE_CONFIGS, ResourceType.CLUSTER, CLUSTER_NAME))
      return encodeResponse(DescribeClientQuotasApi, v, { throttleTimeMs: 0, ...denied, entries: null });
    return encodeResponse(DescribeClientQuotasApi, v, describeClientQuotas(d.image(), req));
  });
  handlers.set(AlterClientQuotasApi.apiKey, (ctx, r) => {
    if (d.auth.authorize(ctx, AclOperation.ALTER_CONFIGS, ResourceType.CLUSTER, CLUSTER_NAME)) return d.forward(ctx, r);
    const v = ctx.header.apiVersion;
    const req = AlterClientQuotasApi.decodeRequest(r, v);
    return encodeResponse(AlterClientQuotasApi, v, { throttleTimeMs: 0, entries: req.entries.map((e) => ({ ...denied, entity: e.entity })) });
  });
  return handlers;
}
