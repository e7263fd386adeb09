/**
 * org.apache.kafka.metadata.authorizer.StandardAuthorizer (KRaft mode): the ACLs live in the metadata log
 * (AccessControlEntryRecord / RemoveAccessControlEntryRecord, each ACL with a Uuid) and reach this authorizer from
 * the node's metadata image (Kafka's AclPublisher). Creating and deleting ACLs goes to the active controller through
 * an AclMutator. Rules as StandardAuthorizerData:
 *  - super.users are always allowed;
 *  - until the first metadata load completes (completeInitialLoad) any other request fails with
 *    AuthorizerNotReadyException (the connection is closed here, the client retries);
 *  - the ACLs of a resource are those of its literal name, of the literal wildcard `*` and of every PREFIXED pattern
 *    the name starts with (the same matching as AclAuthorizer: ./AclMatching.ts); a DENY wins over any ALLOW; no
 *    ACL on the resource at all gives allow.everyone.if.no.acl.found (DefaultAllow / DefaultDeny);
 *  - authorizeByResourceType is the Authorizer interface's default implementation (Kafka's StandardAuthorizer does
 *    not override it).
 * Audit lines go to `kafka.authorizer.logger` in StandardAuthorizerData's words (`... based on rule ...`).
 */
import { getLogger, Logger } from '../../common/logger';
import { API_NAMES } from '../../protocol/apiKeys';
import { ErrorCode, KafkaError } from '../../protocol/errors';
import { principalToString } from '../auth/KafkaPrincipal';
import { AclOperation } from '../AclEntry';
import {
  AccessControlEntry,
  AclBinding,
  AclBindingFilter,
  AclPermissionType,
  WILDCARD_HOST,
  WILDCARD_PRINCIPAL,
  WILDCARD_RESOURCE,
  bindingFilterMatches,
  operationEnumName,
  patternTypeEnumName,
  permissionTypeEnumName,
  resourceTypeEnumName,
  resourceTypeName,
} from './AclBinding';
import { AclCache } from './AclCache';
import { aclMatches, hostAddress, impliedBy } from './AclMatching';
import { parseSuperUsers } from './AclAuthorizer';
import { Action, AuthorizableRequestContext, Authorizer, PatternType, ResourceType } from './Authorizer';

export const STANDARD_AUTHORIZER_CLASS = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

export interface StandardAuthorizerConfig {
  /** super.users: `User:a;User:b`. */
  superUsers: string;
  /** allow.everyone.if.no.acl.found (DefaultAllow) or not (DefaultDeny). */
  allowEveryoneIfNoAclFound: boolean;
}

/** One stored ACL with its id (StandardAclWithId). */
export interface AclWithId {
  id: string;
  binding: AclBinding;
}

export interface AclCreateResult {
  error: Error | null;
}

export interface AclDeleteResult {
  error: Error | null;
  deleted: Array<AclBinding & { error: Error | null }>;
}

/** org.apache.kafka.metadata.authorizer.AclMutator: where createAcls / deleteAcls go (the active controller). */
export interface AclMutator {
  createAcls(bindings: AclBinding[]): Promise<AclCreateResult[]>;
  deleteAcls(filters: AclBindingFilter[]): Promise<AclDeleteResult[]>;
}

/** AuthorizerNotReadyException: not in Kafka's Errors table, so a request that hits it is UNKNOWN_SERVER_ERROR. */
export class AuthorizerNotReadyError extends KafkaError {
  constructor() {
    super(ErrorCode.UNKNOWN_SERVER_ERROR, 'The authorizer is not ready: the metadata has not been loaded yet.');
    this.name = 'AuthorizerNotReadyException';
  }
}

interface Rule {
  allowed: boolean;
  text: string;
}

/** StandardAcl.toString: `StandardAcl(resourceType=TOPIC, resourceName=foo, patternType=LITERAL, ...)`. */
export function standardAclString(b: AclBinding): string {
  return (
    `StandardAcl(resourceType=${resourceTypeEnumName(b.pattern.resourceType)}, resourceName=${b.pattern.name}, ` +
    `patternType=${patternTypeEnumName(b.pattern.patternType)}, principal=${b.entry.principal}, host=${b.entry.host}, ` +
    `operation=${operationEnumName(b.entry.operation)}, permissionType=${permissionTypeEnumName(b.entry.permissionType)})`
  );
}

export class StandardAuthorizer implements Authorizer {
  private readonly superUsers: Set<string>;
  private readonly allowEveryoneIfNoAclFound: boolean;
  private readonly log: Logger;
  private readonly auditLog = getLogger('kafka.authorizer.logger');
  private cache = new AclCache();
  private byId = new Map<string, AclBinding>();
  private loadingComplete = false;
  private readyResolve: (() => void) | null = null;
  /** Resolves once completeInitialLoad has run (Kafka's initialLoadFuture). */
  readonly ready = new Promise<void>((r) => (this.readyResolve = r));

  constructor(
    config: StandardAuthorizerConfig,
    nodeId: number,
    private mutator: AclMutator | null = null,
  ) {
    this.superUsers = parseSuperUsers(config.superUsers);
    this.allowEveryoneIfNoAclFound = config.allowEveryoneIfNoAclFound;
    this.log = getLogger('org.apache.kafka.metadata.authorizer.StandardAuthorizerData', `[StandardAuthorizer ${nodeId}] `);
  }

  setAclMutator(mutator: AclMutator): void {
    this.mutator = mutator;
  }

  /** ClusterMetadataAuthorizer.loadSnapshot: the ACLs replace what the authorizer held. */
  loadSnapshot(acls: Iterable<AclWithId>): void {
    const cache = new AclCache();
    const byId = new Map<string, AclBinding>();
    const byPattern = new Map<string, { binding: AclBinding; entries: AccessControlEntry[] }>();
    for (const { id, binding } of acls) {
      byId.set(id, binding);
      const k = `${binding.pattern.resourceType}\u0000${binding.pattern.patternType}\u0000${binding.pattern.name}`;
      const g = byPattern.get(k) ?? { binding, entries: [] };
      g.entries.push(binding.entry);
      byPattern.set(k, g);
    }
    for (const { binding, entries } of byPattern.values()) cache.update(binding.pattern, { acls: entries, zkVersion: 0 });
    this.cache = cache;
    this.byId = byId;
    this.log.info(`Initialized with ${byId.size} acl(s).`);
  }

  /** ClusterMetadataAuthorizer.completeInitialLoad: the metadata is caught up; answer requests from now on. */
  completeInitialLoad(): void {
    if (this.loadingComplete) return;
    this.loadingComplete = true;
    this.log.info('Completed initial ACL load process.');
    this.readyResolve?.();
  }

  isReady(): boolean {
    return this.loadingComplete;
  }

  aclCount(): number {
    return this.byId.size;
  }

  // ---- authorization ---------------------------------------------------------------------------

  authorize(ctx: AuthorizableRequestContext, actions: Action[]): boolean[] {
    return actions.map((a) => this.authorizeAction(ctx, a, PatternType.LITERAL));
  }

  private authorizeAction(ctx: AuthorizableRequestContext, action: Action, patternType: number): boolean {
    const principal = principalToString(ctx.principal);
    let rule: Rule;
    if (this.superUsers.has(principal)) rule = { allowed: true, text: 'SuperUser' };
    else if (!this.loadingComplete) throw new AuthorizerNotReadyError();
    else rule = this.findAclRule(principal, hostAddress(ctx.clientAddress), action);
    this.logAuditMessage(ctx, action, patternType, rule);
    return rule.allowed;
  }

  /** StandardAuthorizerData.findAclRule: a matching DENY, else a matching ALLOW, else the default or DENY. */
  private findAclRule(principal: string, host: string, action: Action): Rule {
    const acls = this.cache.matchingBindings(action.resourceType, action.resourceName);
    if (acls.length === 0) return { allowed: this.allowEveryoneIfNoAclFound, text: this.allowEveryoneIfNoAclFound ? 'DefaultAllow' : 'DefaultDeny' };
    const deny = acls.find((x) => aclMatches(x.entry, principal, host, action.operation, AclPermissionType.DENY));
    if (deny) return { allowed: false, text: `MatchingAcl(acl=${standardAclString(deny)})` };
    for (const op of impliedBy(action.operation)) {
      const allow = acls.find((x) => aclMatches(x.entry, principal, host, op, AclPermissionType.ALLOW));
      if (allow) return { allowed: true, text: `MatchingAcl(acl=${standardAclString(allow)})` };
    }
    return { allowed: false, text: 'DefaultDeny' };
  }

  private logAuditMessage(ctx: AuthorizableRequestContext, action: Action, patternType: number, rule: Rule): void {
    const msg = (): string =>
      `Principal = ${principalToString(ctx.principal)} is ${rule.allowed ? 'Allowed' : 'Denied'} operation = ${operationEnumName(action.operation)} ` +
      `from host = ${hostAddress(ctx.clientAddress)} on resource = ${resourceTypeName(action.resourceType)}:${patternTypeEnumName(patternType)}:${action.resourceName} ` +
      `for request = ${API_NAMES[ctx.apiKey] ?? String(ctx.apiKey)} with resourceRefCount = ${patternType === PatternType.LITERAL ? 1 : 0} based on rule ${rule.text}`;
    if (rule.allowed) {
      if (action.logIfAllowed) this.auditLog.debug(msg());
      else this.auditLog.trace(msg());
    } else if (action.logIfDenied) this.auditLog.info(msg());
    else this.auditLog.trace(msg());
  }

  /** Authorizer.authorizeByResourceType's default implementation (StandardAuthorizer inherits it). */
  authorizeByResourceType(ctx: AuthorizableRequestContext, op: number, resourceType: number): boolean {
    if (resourceType === ResourceType.ANY || resourceType === ResourceType.UNKNOWN)
      throw new Error(`Must specify a non-filter resource type for authorizeByResourceType`);
    if (op === AclOperation.ANY || op === AclOperation.UNKNOWN) throw new Error(`Must specify a non-filter operation type for authorizeByResourceType`);
    // A hard-coded name first, so that super users are granted access regardless of DENY ACLs.
    const hardcode: Action = { operation: op, resourceType, resourceName: 'hardcode', logIfAllowed: true, logIfDenied: false };
    if (this.authorizeAction(ctx, hardcode, PatternType.LITERAL)) return true;
    const principal = principalToString(ctx.principal);
    const host = hostAddress(ctx.clientAddress);
    const deny = { literal: new Set<string>(), prefixed: new Set<string>() };
    const allow = { literal: new Set<string>(), prefixed: new Set<string>() };
    let wildcardAllow = false;
    for (const b of this.byId.values()) {
      if (b.pattern.resourceType !== resourceType) continue;
      const e = b.entry;
      if (e.host !== host && e.host !== WILDCARD_HOST) continue;
      if (e.principal !== principal && e.principal !== WILDCARD_PRINCIPAL) continue;
      if (e.operation !== op && e.operation !== AclOperation.ALL) continue;
      const literal = b.pattern.patternType === PatternType.LITERAL;
      const prefixed = b.pattern.patternType === PatternType.PREFIXED;
      if (e.permissionType === AclPermissionType.DENY) {
        if (literal && b.pattern.name === WILDCARD_RESOURCE) return false;
        if (literal) deny.literal.add(b.pattern.name);
        else if (prefixed) deny.prefixed.add(b.pattern.name);
        continue;
      }
      if (e.permissionType !== AclPermissionType.ALLOW) continue;
      if (literal && b.pattern.name === WILDCARD_RESOURCE) wildcardAllow = true;
      else if (literal) allow.literal.add(b.pattern.name);
      else if (prefixed) allow.prefixed.add(b.pattern.name);
    }
    if (wildcardAllow) return true;
    const dominatedByPrefixDeny = (name: string): boolean => {
      for (let i = 1; i <= name.length; i++) if (deny.prefixed.has(name.substring(0, i))) return true;
      return false;
    };
    for (const name of allow.literal) if (!deny.literal.has(name) && !dominatedByPrefixDeny(name)) return true;
    for (const name of allow.prefixed) if (!dominatedByPrefixDeny(name)) return true;
    return false;
  }

  // ---- ACL management (CreateAcls / DescribeAcls / DeleteAcls) ----------------------------------

  /** StandardAuthorizer.acls(filter): every loaded binding the filter matches. */
  acls(filter: AclBindingFilter): AclBinding[] {
    return [...this.byId.values()].filter((b) => bindingFilterMatches(filter, b));
  }

  /** StandardAuthorizer.createAcls: the AclMutator (the controller) writes them; not ready without one. */
  async createAcls(bindings: AclBinding[]): Promise<AclCreateResult[]> {
    if (!this.mutator) return bindings.map(() => ({ error: new KafkaError(ErrorCode.NOT_CONTROLLER, 'The ACL mutator is not set.') }));
    return this.mutator.createAcls(bindings);
  }

  async deleteAcls(filters: AclBindingFilter[]): Promise<AclDeleteResult[]> {
    if (!this.mutator) return filters.map(() => ({ error: new KafkaError(ErrorCode.NOT_CONTROLLER, 'The ACL mutator is not set.'), deleted: [] }));
    return this.mutator.deleteAcls(filters);
  }
}
