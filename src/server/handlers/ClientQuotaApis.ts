/**
 * DescribeClientQuotas (48) and AlterClientQuotas (49) of KafkaApis in ZooKeeper mode: any broker reads and writes
 * the quota znodes itself (ZkAdminManager). Describe needs DESCRIBE_CONFIGS on the cluster, Alter ALTER_CONFIGS;
 * denied, the request's getErrorResponse(CLUSTER_AUTHORIZATION_FAILED). A KRaft broker does not use this class
 * (its quotas are metadata records; AlterClientQuotas is forwarded to the controller).
 */
import type { RequestContext, ResponseBody } from '../../network/RequestContext';
import { AlterClientQuotasApi, DescribeClientQuotasApi } from '../../protocol/apis';
import { MatchType, type ClientQuotaEntityData, type DescribeClientQuotasComponent } from '../../protocol/apis/48-describe-client-quotas';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode, errorInfo } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import { AclOperation } from '../../security/AclEntry';
import { CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import { ClientQuotaAdmin, ClientQuotaError, type FilterComponent, type QuotaEntity } from '../ClientQuotaAdmin';
import type { AuthHelper } from './AuthHelper';
import { getLogger } from '../../common/logger';

const log = getLogger('kafka.server.ZkAdminManager');

/** ApiError.fromThrowable: our ClientQuotaError as it is, anything else UNKNOWN_SERVER_ERROR without a message. */
function apiError(e: unknown): { errorCode: number; errorMessage: string | null } {
  if (e instanceof ClientQuotaError) return { errorCode: e.code, errorMessage: e.errorMessage };
  return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: null };
}

/** DescribeClientQuotasRequest.filter: each component's match type; a bad one fails the request. */
function filterComponent(c: DescribeClientQuotasComponent): FilterComponent {
  switch (c.matchType) {
    case MatchType.EXACT:
      // ClientQuotaFilterComponent.ofEntity(type, null): a NullPointerException in Kafka.
      if (c.match === null) throw new ClientQuotaError(ErrorCode.UNKNOWN_SERVER_ERROR, null);
      return { entityType: c.entityType, match: c.match };
    case MatchType.DEFAULT:
      return { entityType: c.entityType, match: null };
    case MatchType.SPECIFIED:
      return { entityType: c.entityType, match: undefined };
    default:
      // IllegalArgumentException("Unexpected match type: ..."): UNKNOWN_SERVER_ERROR.
      throw new ClientQuotaError(ErrorCode.UNKNOWN_SERVER_ERROR, null);
  }
}

/**
 * AlterClientQuotasRequest.entries: each entry's entity as a map (a repeated entity type keeps its last name), and
 * entries naming the same entity answered once (KafkaApis collects the results in a map keyed by the entity).
 */
function entityOf(data: readonly ClientQuotaEntityData[]): QuotaEntity {
  const m = new Map<string, string | null>();
  for (const e of data) m.set(e.entityType, e.entityName);
  return [...m];
}
const entityKey = (entity: QuotaEntity): string => JSON.stringify([...entity].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export class ClientQuotaApis {
  private readonly admin: ClientQuotaAdmin;

  constructor(
    admin: ClientQuotaAdmin,
    private readonly auth: AuthHelper,
  ) {
    this.admin = admin;
  }

  async handleDescribeClientQuotas(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = DescribeClientQuotasApi.decodeRequest(r, v);
    const error = (errorCode: number, errorMessage: string | null) =>
      encodeResponse(DescribeClientQuotasApi, v, { throttleTimeMs: 0, errorCode, errorMessage, entries: null });
    if (!this.auth.authorize(ctx, AclOperation.DESCRIBE_CONFIGS, ResourceType.CLUSTER, CLUSTER_NAME)) {
      return error(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorInfo(ErrorCode.CLUSTER_AUTHORIZATION_FAILED).message);
    }
    try {
      const described = await this.admin.describeClientQuotas(req.components.map(filterComponent), req.strict);
      const entries = described.map((d) => ({
        entity: d.entity.map(([entityType, entityName]) => ({ entityType, entityName })),
        values: d.values.map(([key, value]) => ({ key, value })),
      }));
      return encodeResponse(DescribeClientQuotasApi, v, { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, entries });
    } catch (e) {
      if (!(e instanceof ClientQuotaError)) log.error('Error describing client quotas', e);
      const { errorCode, errorMessage } = apiError(e);
      return error(errorCode, errorMessage);
    }
  }

  async handleAlterClientQuotas(ctx: RequestContext, r: Reader): Promise<ResponseBody> {
    const v = ctx.header.apiVersion;
    const req = AlterClientQuotasApi.decodeRequest(r, v);
    if (!this.auth.authorize(ctx, AclOperation.ALTER_CONFIGS, ResourceType.CLUSTER, CLUSTER_NAME)) {
      // AlterClientQuotasRequest.getErrorResponse: every entry as sent, with Errors.message().
      const message = errorInfo(ErrorCode.CLUSTER_AUTHORIZATION_FAILED).message;
      const entries = req.entries.map((e) => ({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: message, entity: e.entity }));
      return encodeResponse(AlterClientQuotasApi, v, { throttleTimeMs: 0, entries });
    }
    const results = new Map<string, { entity: QuotaEntity; errorCode: number; errorMessage: string | null }>();
    for (const entry of req.entries) {
      const entity = entityOf(entry.entity);
      const ops = entry.ops.map((op) => ({ key: op.key, value: op.remove ? null : op.value }));
      let result: { errorCode: number; errorMessage: string | null };
      try {
        await this.admin.alterEntityQuotas(entity, ops, req.validateOnly);
        result = { errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (e) {
        log.info(`Error encountered while updating client quotas: ${(e as Error).message}`);
        result = apiError(e);
      }
      results.set(entityKey(entity), { entity, ...result });
    }
    const entries = [...results.values()].map(({ entity, errorCode, errorMessage }) => ({
      errorCode,
      errorMessage,
      entity: entity.map(([entityType, entityName]) => ({ entityType, entityName })),
    }));
    return encodeResponse(AlterClientQuotasApi, v, { throttleTimeMs: 0, entries });
  }
}
