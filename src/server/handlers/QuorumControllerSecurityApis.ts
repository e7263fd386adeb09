/**
 * The security APIs of Kafka 3.7's kafka.server.ControllerApis (KRaft controller): AlterUserScramCredentials
 * (handleAlterUserScramCredentials: the quorum controller's ScramControlManager), AlterClientQuotas
 * (ClientQuotaControlManager), and CreateAcls / DeleteAcls /
 * DescribeAcls through the same AclApis a broker uses, with the controller's authorizer whose AclMutator is the
 * quorum controller (AclControlManager) and whose ACLs are the controller's committed image. Without
 * authorizer.class.name on the controller the ACL APIs answer SECURITY_DISABLED, as Kafka's do.
 *
 * Where it differs from Kafka 3.7: brokers forward these requests without an Envelope (no client principal reaches
 * the controller), so the broker checks the client's CLUSTER ALTER before forwarding and this listener authorizes
 * nothing itself (as for every other API it serves); protect it with SASL/TLS (ControllerClientSecurity).
 */
import type { HandlerResult, RequestContext } from '../../network/RequestContext';
import { AlterClientQuotasApi, AlterUserScramCredentialsApi } from '../../protocol/apis';
import type { AlterClientQuotasRequest, AlterClientQuotasResponse } from '../../protocol/apis/49-alter-client-quotas';
import type { AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse } from '../../protocol/apis/51-alter-user-scram-credentials';
import { ApiKey } from '../../protocol/apiKeys';
import { encodeResponse } from '../../protocol/apis/types';
import { KafkaError } from '../../protocol/errors';
import type { Reader } from '../../protocol/Reader';
import type { AclBinding, AclBindingFilter } from '../../security/authorizer/AclBinding';
import type { Action, AuthorizableRequestContext } from '../../security/authorizer/Authorizer';
import { AclApis, AclManagingAuthorizer } from './AclApis';
import { apiErrorOf } from './QuorumControllerApiErrors';

type Handler = (ctx: RequestContext, r: Reader) => HandlerResult;

/** What the controller's security APIs need (ControllerServer builds it over the QuorumController). */
export interface ControllerSecurityForApis {
  /** authorizer.class.name is set on this controller (StandardAuthorizer). */
  authorizerConfigured: boolean;
  alterUserScramCredentials(req: AlterUserScramCredentialsRequest): Promise<AlterUserScramCredentialsResponse>;
  createAcls(bindings: AclBinding[]): Promise<Array<{ error: Error | null }>>;
  deleteAcls(filters: AclBindingFilter[]): Promise<Array<{ error: Error | null; deleted: Array<AclBinding & { error: Error | null }> }>>;
  /** The ACLs of the committed image that the filter matches. */
  acls(filter: AclBindingFilter): AclBinding[];
  /** ClientQuotaControlManager.alterClientQuotas. */
  alterClientQuotas(req: AlterClientQuotasRequest): Promise<AlterClientQuotasResponse>;
}

/** AlterUserScramCredentialsRequest.getErrorResponse: each distinct user, sorted, with the error. */
export function alterScramError(req: AlterUserScramCredentialsRequest, code: number, message: string | null): AlterUserScramCredentialsResponse {
  const users = [...new Set([...req.deletions, ...req.upsertions].map((x) => x.name))].sort();
  return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: code, errorMessage: message })) };
}

/** A controller failure (NotControllerError, an ApiException) as one KafkaError per item. */
function asKafkaError(e: unknown): KafkaError {
  const err = apiErrorOf(e);
  return new KafkaError(err.code, err.message ?? undefined);
}

/** The AclApis view of the controller: ACL changes go to the quorum controller, reads come from its image. */
function controllerAclAuthorizer(s: ControllerSecurityForApis): AclManagingAuthorizer {
  return {
    // No per-request authorization on the controller listener (see the header).
    authorize: (_ctx: AuthorizableRequestContext, actions: Action[]) => actions.map(() => true),
    authorizeByResourceType: () => true,
    acls: (filter) => s.acls(filter),
    createAcls: async (bindings) => {
      try {
        return await s.createAcls(bindings);
      } catch (e) {
        const error = asKafkaError(e);
        return bindings.map(() => ({ error }));
      }
    },
    deleteAcls: async (filters) => {
      try {
        return await s.deleteAcls(filters);
      } catch (e) {
        const error = asKafkaError(e);
        return filters.map(() => ({ error, deleted: [] }));
      }
    },
  };
}

/** The handlers, by API key, for QuorumControllerApis to serve. */
export function controllerSecurityHandlers(s: ControllerSecurityForApis): Map<number, Handler> {
  const handlers = new Map<number, Handler>();
  handlers.set(ApiKey.AlterUserScramCredentials, async (ctx, r) => {
    const v = ctx.header.apiVersion;
    const req = AlterUserScramCredentialsApi.decodeRequest(r, v);
    let res: AlterUserScramCredentialsResponse;
    try {
      res = await s.alterUserScramCredentials(req);
    } catch (e) {
      const err = apiErrorOf(e);
      res = alterScramError(req, err.code, err.message);
    }
    return encodeResponse(AlterUserScramCredentialsApi, v, res);
  });
  // ControllerApis.handleAlterClientQuotas: every entry answered with the error when the controller fails.
  handlers.set(AlterClientQuotasApi.apiKey, async (ctx, r) => {
    const v = ctx.header.apiVersion;
    const req = AlterClientQuotasApi.decodeRequest(r, v);
    let res: AlterClientQuotasResponse;
    try {
      res = await s.alterClientQuotas(req);
    } catch (e) {
      const err = apiErrorOf(e);
      res = { throttleTimeMs: 0, entries: req.entries.map((x) => ({ errorCode: err.code, errorMessage: err.message, entity: x.entity })) };
    }
    return encodeResponse(AlterClientQuotasApi, v, res);
  });
  const acls = new AclApis(s.authorizerConfigured ? controllerAclAuthorizer(s) : undefined);
  handlers.set(ApiKey.DescribeAcls, (ctx, r) => acls.handleDescribeAcls(ctx, r));
  handlers.set(ApiKey.CreateAcls, (ctx, r) => acls.handleCreateAcls(ctx, r));
  handlers.set(ApiKey.DeleteAcls, (ctx, r) => acls.handleDeleteAcls(ctx, r));
  return handlers;
}
