/**
 * kafka.server.AuthHelper: the request handlers' view of the authorizer. Without one (authorizer.class.name empty)
 * every check passes and authorizedOperations answers every operation the resource type supports, as Kafka's
 * `authorizer.forall` / `case None` branches do.
 */
import { principalOf, RequestContext } from '../../network/RequestContext';
import { AclOperation as O, AclResourceType, supportedOperations, to32BitField } from '../../security/AclEntry';
import { Action, AuthorizableRequestContext, Authorizer, CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import { ErrorCode } from '../../protocol/errors';

const TYPE_NAMES: Record<number, AclResourceType> = {
  [ResourceType.TOPIC]: 'TOPIC',
  [ResourceType.GROUP]: 'GROUP',
  [ResourceType.CLUSTER]: 'CLUSTER',
  [ResourceType.TRANSACTIONAL_ID]: 'TRANSACTIONAL_ID',
  [ResourceType.DELEGATION_TOKEN]: 'DELEGATION_TOKEN',
  [ResourceType.USER]: 'USER',
};

/** RequestContext as the authorizer sees it (Kafka passes its RequestContext, which implements AuthorizableRequestContext). */
export function authorizableContext(ctx: RequestContext): AuthorizableRequestContext {
  return {
    principal: principalOf(ctx),
    clientAddress: ctx.clientAddress,
    listenerName: ctx.listenerName,
    securityProtocol: ctx.securityProtocol ?? 'PLAINTEXT',
    apiKey: ctx.header.apiKey,
    apiVersion: ctx.header.apiVersion,
    clientId: ctx.header.clientId ?? '',
    correlationId: ctx.header.correlationId,
  };
}

export class AuthHelper {
  constructor(readonly authorizer: Authorizer | undefined) {}

  /** AuthHelper.authorize: one operation on one literal resource. */
  authorize(ctx: RequestContext, operation: number, resourceType: number, resourceName: string, logIfAllowed = true, logIfDenied = true): boolean {
    if (!this.authorizer) return true;
    const action: Action = { operation, resourceType, resourceName, logIfAllowed, logIfDenied };
    return this.authorizer.authorize(authorizableContext(ctx), [action])[0] === true;
  }

  /** AuthHelper.authorizeByResourceType: the operation on at least one resource of the type. */
  authorizeByResourceType(ctx: RequestContext, operation: number, resourceType: number): boolean {
    if (!this.authorizer) return true;
    return this.authorizer.authorizeByResourceType(authorizableContext(ctx), operation, resourceType);
  }

  /** AuthHelper.filterByAuthorized: the names (each asked once) the principal may do `operation` on. */
  filterByAuthorized<T>(
    ctx: RequestContext,
    operation: number,
    resourceType: number,
    resources: Iterable<T>,
    resourceName: (r: T) => string,
    logIfAllowed = true,
    logIfDenied = true,
  ): Set<string> {
    const names = new Set<string>();
    for (const r of resources) names.add(resourceName(r));
    if (!this.authorizer) return names;
    const list = [...names];
    const actions: Action[] = list.map((resourceName) => ({ operation, resourceType, resourceName, logIfAllowed, logIfDenied }));
    const results = this.authorizer.authorize(authorizableContext(ctx), actions);
    return new Set(list.filter((_, i) => results[i] === true));
  }

  /** AuthHelper.partitionSeqByAuthorized: [authorized, unauthorized], request order kept within each. */
  partitionByAuthorized<T>(
    ctx: RequestContext,
    operation: number,
    resourceType: number,
    resources: readonly T[],
    resourceName: (r: T) => string,
    logIfAllowed = true,
    logIfDenied = true,
  ): [T[], T[]] {
    if (!this.authorizer) return [[...resources], []];
    const allowed = this.filterByAuthorized(ctx, operation, resourceType, resources, resourceName, logIfAllowed, logIfDenied);
    return [resources.filter((r) => allowed.has(resourceName(r))), resources.filter((r) => !allowed.has(resourceName(r)))];
  }

  /**
   * AuthHelper.authorizedOperations: the 32-bit field of the supported operations the principal may do on the
   * resource (Metadata v8+, DescribeGroups v3+, DescribeCluster), asked without audit logging.
   */
  authorizedOperations(ctx: RequestContext, resourceType: number, resourceName: string): number {
    const supported = supportedOperations(TYPE_NAMES[resourceType]);
    if (!this.authorizer) return to32BitField(supported);
    const actions: Action[] = supported.map((operation) => ({ operation, resourceType, resourceName, logIfAllowed: false, logIfDenied: false }));
    const results = this.authorizer.authorize(authorizableContext(ctx), actions);
    return to32BitField(supported.filter((_, i) => results[i] === true));
  }
}

/**
 * KafkaApis.handleInitProducerIdRequest's authorization: a transactional id needs WRITE on it
 * (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); an idempotent producer IDEMPOTENT_WRITE on the cluster or WRITE on some
 * topic (KIP-679; CLUSTER_AUTHORIZATION_FAILED). NONE when allowed.
 */
export function initProducerIdAuthorization(auth: AuthHelper, ctx: RequestContext, transactionalId: string | null): number {
  if (transactionalId !== null) {
    return auth.authorize(ctx, O.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId) ? ErrorCode.NONE : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  }
  if (auth.authorize(ctx, O.IDEMPOTENT_WRITE, ResourceType.CLUSTER, CLUSTER_NAME, true, false)) return ErrorCode.NONE;
  return auth.authorizeByResourceType(ctx, O.WRITE, ResourceType.TOPIC) ? ErrorCode.NONE : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
}

/** ConfigResource.Type codes KafkaApis authorizes: TOPIC by name, BROKER and BROKER_LOGGER on the cluster. */
const CONFIG_TOPIC = 2;
const CONFIG_BROKER = 4;
const CONFIG_BROKER_LOGGER = 8;

/**
 * KafkaApis' DescribeConfigs / AlterConfigs / IncrementalAlterConfigs check for one resource with `operation`
 * (DESCRIBE_CONFIGS or ALTER_CONFIGS): NONE, TOPIC_AUTHORIZATION_FAILED or CLUSTER_AUTHORIZATION_FAILED. Other types
 * pass here and get the handler's INVALID_REQUEST.
 */
export function configResourceAuthorizer(
  auth: AuthHelper,
  ctx: RequestContext,
  operation: number,
): ((resourceType: number, name: string) => number) | undefined {
  if (!auth.authorizer) return undefined;
  return (resourceType, name) => {
    if (resourceType === CONFIG_TOPIC) return auth.authorize(ctx, operation, ResourceType.TOPIC, name) ? ErrorCode.NONE : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    if (resourceType === CONFIG_BROKER || resourceType === CONFIG_BROKER_LOGGER) {
      return auth.authorize(ctx, operation, ResourceType.CLUSTER, CLUSTER_NAME) ? ErrorCode.NONE : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
    }
    return ErrorCode.NONE;
  };
}
