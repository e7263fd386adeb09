/**
 * kafka.security.authorizer.AclAuthorizer (ZooKeeper mode): decides each action from the ACLs stored in ZooKeeper,
 * kept in memory by AclCache and refreshed from change notifications (AclStore). Rules as Kafka 3.7:
 *  - super.users are always allowed;
 *  - the ACLs of a resource are those of the literal name, of the literal wildcard `*` and of every PREFIXED pattern
 *    the name starts with; none at all -> allow.everyone.if.no.acl.found;
 *  - a matching DENY wins over any ALLOW; an entry matches when its principal is the caller's or `User:*`, its host
 *    the caller's address or `*`, its operation the requested one or ALL;
 *  - DESCRIBE is implied by READ, WRITE, DELETE, ALTER; DESCRIBE_CONFIGS by ALTER_CONFIGS (ALLOW entries only).
 * Audit lines go to the `kafka.authorizer.logger` logger in Kafka's words.
 */
import { getLogger } from '../../common/logger';
import { API_NAMES } from '../../protocol/apiKeys';
import { AclOperation } from '../AclEntry';
import { principalToString, type KafkaPrincipal } from '../auth/KafkaPrincipal';
import {
  AccessControlEntry,
  AclBinding,
  AclBindingFilter,
  AclPermissionType,
  ResourcePattern,
  WILDCARD_HOST,
  WILDCARD_PRINCIPAL,
  WILDCARD_RESOURCE,
  bindingFilterMatches,
  entryFilterMatches,
  entryKey,
  invalidBindingReason,
  operationEnumName,
  operationName,
  permissionTypeEnumName,
  permissionTypeName,
  patternFilterMatches,
  patternKey,
  patternToString,
  resourceTypeName,
} from './AclBinding';
import { AclCache, UNKNOWN_VERSION, VersionedAcls } from './AclCache';
import { aclMatches, hostAddress, impliedBy } from './AclMatching';
import type { AclStore } from './AclStore';
import { Action, AuthorizableRequestContext, Authorizer, PatternType, ResourceType } from './Authorizer';

export const ACL_AUTHORIZER_CLASS = 'kafka.security.authorizer.AclAuthorizer';

export interface AclAuthorizerConfig {
  /** super.users: `User:a;User:b`. */
  superUsers: string;
  /** allow.everyone.if.no.acl.found */
  allowEveryoneIfNoAclFound: boolean;
}

/** Per-binding result of createAcls: null error = created. */
export interface AclCreateResult {
  error: Error | null;
}

/** Per-filter result of deleteAcls: the bindings it removed, each with the error of its removal (null = removed). */
export interface AclDeleteResult {
  error: Error | null;
  deleted: Array<AclBinding & { error: Error | null }>;
}

/** An error the handlers answer with INVALID_REQUEST (Kafka's InvalidRequestException from validateAclBinding). */
export class InvalidAclError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/** AclAuthorizer's maxUpdateRetries. */
const MAX_UPDATE_RETRIES = 10;

/** kafka.security.authorizer.AclAuthorizer.configure: parses super.users (`User:a;User:b`, blanks ignored). */
export function parseSuperUsers(value: string): Set<string> {
  const out = new Set<string>();
  for (const s of value.split(';')) {
    const t = s.trim();
    if (t === '') continue;
    if (t.indexOf(':') <= 0) throw new Error(`Invalid super.users entry ${t}: expected <type>:<name>, e.g. User:admin`);
    out.add(t);
  }
  return out;
}

export class AclAuthorizer implements Authorizer {
  private readonly superUsers: Set<string>;
  private readonly allowEveryoneIfNoAclFound: boolean;
  private readonly cache = new AclCache();
  private readonly log = getLogger('kafka.security.authorizer.AclAuthorizer');
  private readonly authorizerLogger = getLogger('kafka.authorizer.logger');
  /** Kafka's `lock synchronized`: ACL updates and notification refreshes one at a time. */
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    config: AclAuthorizerConfig,
    private readonly store: AclStore,
  ) {
    this.superUsers = parseSuperUsers(config.superUsers);
    this.allowEveryoneIfNoAclFound = config.allowEveryoneIfNoAclFound;
  }

  /** configure + start: creates the ACL paths, loads every ACL, then follows change notifications. */
  async start(): Promise<void> {
    await this.store.createAclPaths();
    await this.serialized(async () => {
      for (const r of await this.store.loadAll()) this.cache.update(r.pattern, r.versioned);
    });
    await this.store.startChangeListener((pattern) => this.processAclChangeNotification(pattern));
  }

  close(): void {
    this.store.close();
  }

  // ---- authorization ---------------------------------------------------------------------------

  authorize(ctx: AuthorizableRequestContext, actions: Action[]): boolean[] {
    return actions.map((a) => this.authorizeAction(ctx, a));
  }

  private authorizeAction(ctx: AuthorizableRequestContext, action: Action): boolean {
    const principal = principalToString(ctx.principal);
    const host = hostAddress(ctx.clientAddress);
    const operation = action.operation;
    const aclsAllowAccess = (): boolean => {
      const acls = this.cache.matchingAcls(action.resourceType, action.resourceName);
      if (acls.length === 0) {
        if (this.authorizerLogger.isDebugEnabled())
          this.authorizerLogger.debug(
            `No acl found for resource ${patternToString({ resourceType: action.resourceType, name: action.resourceName, patternType: PatternType.LITERAL })}, authorized = ${this.allowEveryoneIfNoAclFound}`,
          );
        return this.allowEveryoneIfNoAclFound;
      }
      const resource = patternToString({ resourceType: action.resourceType, name: action.resourceName, patternType: PatternType.LITERAL });
      const deny = this.matchingAcl(resource, acls, principal, host, [operation], AclPermissionType.DENY);
      if (deny) return false;
      return this.matchingAcl(resource, acls, principal, host, impliedBy(operation), AclPermissionType.ALLOW) !== null;
    };
    const authorized = this.isSuperUser(ctx.principal) || aclsAllowAccess();
    this.logAuditMessage(ctx, action, PatternType.LITERAL, action.resourceName, authorized);
    return authorized;
  }

  private matchingAcl(
    resource: string,
    acls: AccessControlEntry[],
    principal: string,
    host: string,
    operations: number[],
    permissionType: number,
  ): AccessControlEntry | null {
    for (const op of operations) {
      const acl = acls.find((a) => aclMatches(a, principal, host, op, permissionType));
      if (acl) {
        if (this.authorizerLogger.isDebugEnabled()) {
          this.authorizerLogger.debug(
            `operation = ${operationEnumName(op)} on resource = ${resource} from host = ${host} is ${permissionTypeEnumName(permissionType)} based on acl = ${aclEntryToString(acl)}`,
          );
        }
        return acl;
      }
    }
    return null;
  }

  private isSuperUser(principal: KafkaPrincipal): boolean {
    const p = principalToString(principal);
    if (!this.superUsers.has(p)) return false;
    if (this.authorizerLogger.isDebugEnabled()) this.authorizerLogger.debug(`principal = ${p} is a super user, allowing operation without checking acls.`);
    return true;
  }

  /**
   * AclAuthorizer.logAuditMessage: allowed at DEBUG (TRACE if !logIfAllowed), denied at INFO (TRACE if !logIfDenied), to
   * kafka.authorizer.logger (kafka-authorizer.log). The line is built only when its level is on: this runs for every
   * action of every request.
   */
  private logAuditMessage(ctx: AuthorizableRequestContext, action: Action, patternType: number, name: string, authorized: boolean): void {
    const log = this.authorizerLogger;
    const level = authorized ? (action.logIfAllowed ? 'debug' : 'trace') : action.logIfDenied ? 'info' : 'trace';
    if (level === 'debug' && !log.isDebugEnabled()) return;
    if (level === 'trace' && !(log.isTraceEnabled?.() ?? false)) return;
    const msg =
      `Principal = ${principalToString(ctx.principal)} is ${authorized ? 'Allowed' : 'Denied'} Operation = ${operationName(action.operation)} ` +
      `from host = ${hostAddress(ctx.clientAddress)} on resource = ${resourceTypeName(action.resourceType)}:${patternTypeLabel(patternType)}:${name} ` +
      `for request = ${API_NAMES[ctx.apiKey] ?? String(ctx.apiKey)} with resourceRefCount = ${patternType === PatternType.UNKNOWN ? 0 : 1}`;
    log[level](msg);
  }

  /** AclAuthorizer.authorizeByResourceType (Kafka's own implementation, over resourceCache). */
  authorizeByResourceType(ctx: AuthorizableRequestContext, op: number, resourceType: number): boolean {
    if (resourceType === ResourceType.ANY || resourceType === ResourceType.UNKNOWN)
      throw new Error(`Must specify a non-filter resource type for authorizeByResourceType`);
    if (op === AclOperation.ANY || op === AclOperation.UNKNOWN) throw new Error(`Must specify a non-filter operation type for authorizeByResourceType`);
    const action: Action = { operation: op, resourceType, resourceName: 'NONE', logIfAllowed: true, logIfDenied: true };
    const result = (authorized: boolean): boolean => {
      this.logAuditMessage(ctx, action, PatternType.UNKNOWN, 'NONE', authorized);
      return authorized;
    };
    if (this.isSuperUser(ctx.principal)) return true;
    const principal = principalToString(ctx.principal);
    const host = hostAddress(ctx.clientAddress);
    const matching = (permission: number, patternType: number): Array<ReadonlySet<string>> => {
      const out: Array<ReadonlySet<string>> = [];
      for (const p of new Set([principal, WILDCARD_PRINCIPAL]))
        for (const h of new Set([host, WILDCARD_HOST]))
          for (const o of new Set([op, AclOperation.ALL])) {
            const names = this.cache.resourceNames({ principal: p, host: h, operation: o, permissionType: permission }, resourceType, patternType);
            if (names) out.push(names);
          }
      return out;
    };
    const denyLiterals = matching(AclPermissionType.DENY, PatternType.LITERAL);
    if (denyLiterals.some((s) => s.has(WILDCARD_RESOURCE))) return result(false);
    if (this.allowEveryoneIfNoAclFound) return result(true);
    const denyPrefixes = matching(AclPermissionType.DENY, PatternType.PREFIXED);
    const allowLiterals = matching(AclPermissionType.ALLOW, PatternType.LITERAL);
    const allowPrefixes = matching(AclPermissionType.ALLOW, PatternType.PREFIXED);
    if (denyLiterals.length === 0 && denyPrefixes.length === 0) return result(allowLiterals.length > 0 || allowPrefixes.length > 0);
    const dominantPrefixedDeny = (name: string): boolean => {
      for (let i = 1; i <= name.length; i++) if (denyPrefixes.some((s) => s.has(name.substring(0, i)))) return true;
      return false;
    };
    const allowLiteral = (name: string): boolean => name === WILDCARD_RESOURCE || (!denyLiterals.some((s) => s.has(name)) && !dominantPrefixedDeny(name));
    const any = (sets: Array<ReadonlySet<string>>, pred: (n: string) => boolean): boolean => sets.some((s) => [...s].some(pred));
    return result(any(allowPrefixes, (p) => !dominantPrefixedDeny(p)) || any(allowLiterals, allowLiteral));
  }

  // ---- ACL management (CreateAcls / DescribeAcls / DeleteAcls) ----------------------------------

  /** AclAuthorizer.acls(filter): every stored binding the filter matches. */
  acls(filter: AclBindingFilter): AclBinding[] {
    const out: AclBinding[] = [];
    for (const { pattern, acls } of this.cache.entries()) {
      if (!patternFilterMatches(filter.pattern, pattern)) continue;
      for (const entry of acls) {
        const b = { pattern, entry };
        if (bindingFilterMatches(filter, b)) out.push(b);
      }
    }
    return out;
  }

  /** AclAuthorizer.createAcls: validates each binding, then adds them per resource (one conditional write each). */
  async createAcls(bindings: AclBinding[]): Promise<AclCreateResult[]> {
    const results: AclCreateResult[] = bindings.map(() => ({ error: null }));
    const byResource = new Map<string, { pattern: ResourcePattern; items: Array<{ i: number; entry: AccessControlEntry }> }>();
    bindings.forEach((b, i) => {
      const reason = invalidBindingReason(b);
      if (reason !== null) {
        results[i].error = new InvalidAclError('Failed to create ACL', reason);
        return;
      }
      const k = patternKey(b.pattern);
      const group = byResource.get(k) ?? { pattern: b.pattern, items: [] };
      group.items.push({ i, entry: b.entry });
      byResource.set(k, group);
    });
    await this.serialized(async () => {
      for (const { pattern, items } of byResource.values()) {
        try {
          await this.updateResourceAcls(pattern, (current) => dedupe([...current, ...items.map((x) => x.entry)]));
        } catch (e) {
          for (const x of items) results[x.i].error = e instanceof Error ? e : new Error(String(e));
        }
      }
    });
    return results;
  }

  /**
   * AclAuthorizer.deleteAcls: removes the matching entries of every matching resource. Each removed binding is reported
   * under the first filter that matched it, with the error of its resource's update if that failed.
   */
  async deleteAcls(filters: AclBindingFilter[]): Promise<AclDeleteResult[]> {
    const results: AclDeleteResult[] = filters.map(() => ({ error: null, deleted: [] }));
    await this.serialized(async () => {
      for (const { pattern } of this.cache.entries()) {
        const matching = filters.map((f, i) => ({ f, i })).filter(({ f }) => patternFilterMatches(f.pattern, pattern));
        if (matching.length === 0) continue;
        const beingDeleted = new Map<string, { i: number; entry: AccessControlEntry }>();
        let error: Error | null = null;
        try {
          await this.updateResourceAcls(pattern, (current) => {
            beingDeleted.clear();
            return current.filter((entry) => {
              const first = matching.find(({ f }) => entryFilterMatches(f.entry, entry));
              if (first) beingDeleted.set(entryKey(entry), { i: first.i, entry });
              return first === undefined;
            });
          });
        } catch (e) {
          error = e instanceof Error ? e : new Error(String(e));
        }
        for (const { i, entry } of beingDeleted.values()) results[i].deleted.push({ pattern, entry, error });
      }
    });
    return results;
  }

  /**
   * AclAuthorizer.updateResourceAcls: read-modify-write with the znode version; on a conflict re-read from ZooKeeper
   * and retry (up to maxUpdateRetries). A change writes a change notification for the other brokers.
   */
  private async updateResourceAcls(pattern: ResourcePattern, getNewAcls: (current: AccessControlEntry[]) => AccessControlEntry[]): Promise<boolean> {
    let current: VersionedAcls = this.cache.get(pattern) ?? (await this.store.get(pattern));
    for (let retries = 0; retries <= MAX_UPDATE_RETRIES; retries++) {
      const newAcls = getNewAcls(current.acls);
      let r: { succeeded: boolean; version: number };
      if (newAcls.length > 0) {
        r =
          current.zkVersion !== UNKNOWN_VERSION
            ? await this.store.conditionalSet(pattern, newAcls, current.zkVersion)
            : await this.store.createIfNotExists(pattern, newAcls);
      } else {
        r = { succeeded: await this.store.conditionalDelete(pattern, current.zkVersion), version: UNKNOWN_VERSION };
      }
      if (!r.succeeded) {
        this.log.trace(`Failed to update ACLs for ${patternToString(pattern)}. Used version ${current.zkVersion}. Reading data and retrying update.`);
        current = await this.store.get(pattern);
        continue;
      }
      const changed = !sameEntries(newAcls, current.acls);
      this.cache.update(pattern, { acls: newAcls, zkVersion: r.version });
      if (changed) {
        this.log.info(`Updated ACLs for ${patternToString(pattern)} with new version ${r.version}`);
        await this.store.notifyChange(pattern);
      }
      return changed;
    }
    throw new Error(`Failed to update ACLs for ${patternToString(pattern)} after trying a maximum of ${MAX_UPDATE_RETRIES} times`);
  }

  /** AclChangedNotificationHandler: re-reads one resource's ACLs into the cache. */
  processAclChangeNotification(pattern: ResourcePattern): Promise<void> {
    return this.serialized(async () => {
      const versioned = await this.store.get(pattern);
      this.log.info(`Processing Acl change notification for ${patternToString(pattern)}, zkVersion : ${versioned.zkVersion}`);
      this.cache.update(pattern, versioned);
    });
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

/** kafka.security.authorizer.AclEntry.toString: `User:alice has Allow permission for operations: Read from hosts: *`. */
function aclEntryToString(e: AccessControlEntry): string {
  return `${e.principal} has ${permissionTypeName(e.permissionType)} permission for operations: ${operationName(e.operation)} from hosts: ${e.host}`;
}

function patternTypeLabel(code: number): string {
  return ['UNKNOWN', 'ANY', 'MATCH', 'LITERAL', 'PREFIXED'][code] ?? 'UNKNOWN';
}

function dedupe(entries: AccessControlEntry[]): AccessControlEntry[] {
  return [...new Map(entries.map((e) => [entryKey(e), e])).values()];
}

function sameEntries(a: AccessControlEntry[], b: AccessControlEntry[]): boolean {
  const ka = new Set(a.map(entryKey));
  const kb = new Set(b.map(entryKey));
  return ka.size === kb.size && [...ka].every((k) => kb.has(k));
}
