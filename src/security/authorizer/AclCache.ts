/**
 * AclAuthorizer's two in-memory views of the stored ACLs: aclCache (pattern -> its entries and znode version) and
 * resourceCache ((entry, resource type, pattern type) -> resource names), the latter for authorizeByResourceType.
 * Both are replaced per resource by updateCache, as Kafka's AclAuthorizer.updateCache does.
 */
import { PatternType } from './Authorizer';
import { AccessControlEntry, AclBinding, ResourcePattern, WILDCARD_RESOURCE, entryKey, patternKey } from './AclBinding';

/** ZkVersion.UnknownVersion: the resource has no znode. */
export const UNKNOWN_VERSION = -2;

export interface VersionedAcls {
  acls: AccessControlEntry[];
  zkVersion: number;
}

export class AclCache {
  private readonly acls = new Map<string, { pattern: ResourcePattern; versioned: VersionedAcls }>();
  private readonly resources = new Map<string, Set<string>>();

  get(pattern: ResourcePattern): VersionedAcls | undefined {
    return this.acls.get(patternKey(pattern))?.versioned;
  }

  /** Every pattern with its entries (for acls(filter)). */
  entries(): Array<{ pattern: ResourcePattern; acls: AccessControlEntry[] }> {
    return [...this.acls.values()].map((v) => ({ pattern: v.pattern, acls: v.versioned.acls }));
  }

  update(pattern: ResourcePattern, versioned: VersionedAcls): void {
    const key = patternKey(pattern);
    const current = new Map((this.acls.get(key)?.versioned.acls ?? []).map((e) => [entryKey(e), e]));
    const next = new Map(versioned.acls.map((e) => [entryKey(e), e]));
    for (const [k, e] of next) {
      if (current.has(k)) continue;
      const rk = resourceTypeKey(e, pattern.resourceType, pattern.patternType);
      const names = this.resources.get(rk) ?? new Set<string>();
      names.add(pattern.name);
      this.resources.set(rk, names);
    }
    for (const [k, e] of current) {
      if (next.has(k)) continue;
      const rk = resourceTypeKey(e, pattern.resourceType, pattern.patternType);
      const names = this.resources.get(rk);
      if (!names) continue;
      names.delete(pattern.name);
      if (names.size === 0) this.resources.delete(rk);
    }
    if (versioned.acls.length > 0) this.acls.set(key, { pattern, versioned: { acls: [...next.values()], zkVersion: versioned.zkVersion } });
    else this.acls.delete(key);
  }

  /**
   * AclAuthorizer.matchingAcls: the entries of the wildcard literal `*`, of the literal name, and of every PREFIXED
   * pattern the name starts with.
   */
  matchingAcls(resourceType: number, name: string): AccessControlEntry[] {
    const out: AccessControlEntry[] = [];
    const add = (n: string, patternType: number): void => {
      const v = this.acls.get(patternKey({ resourceType, name: n, patternType }));
      if (v) out.push(...v.versioned.acls);
    };
    add(WILDCARD_RESOURCE, PatternType.LITERAL);
    if (name !== WILDCARD_RESOURCE) add(name, PatternType.LITERAL);
    for (let i = 1; i <= name.length; i++) add(name.substring(0, i), PatternType.PREFIXED);
    return out;
  }

  /** matchingAcls with each entry's pattern (StandardAuthorizer names the matching ACL in its audit lines). */
  matchingBindings(resourceType: number, name: string): AclBinding[] {
    const out: AclBinding[] = [];
    const add = (n: string, patternType: number): void => {
      const v = this.acls.get(patternKey({ resourceType, name: n, patternType }));
      if (v) for (const entry of v.versioned.acls) out.push({ pattern: v.pattern, entry });
    };
    add(WILDCARD_RESOURCE, PatternType.LITERAL);
    if (name !== WILDCARD_RESOURCE) add(name, PatternType.LITERAL);
    for (let i = 1; i <= name.length; i++) add(name.substring(0, i), PatternType.PREFIXED);
    return out;
  }

  /** Resource names of one (entry, resource type, pattern type) key, or undefined. */
  resourceNames(entry: AccessControlEntry, resourceType: number, patternType: number): ReadonlySet<string> | undefined {
    return this.resources.get(resourceTypeKey(entry, resourceType, patternType));
  }
}

function resourceTypeKey(e: AccessControlEntry, resourceType: number, patternType: number): string {
  return `${entryKey(e)}\u0000${resourceType}\u0000${patternType}`;
}
