/** An in-memory AclStore with ZooKeeper's version semantics, for AclAuthorizer unit tests. */
import { AccessControlEntry, ResourcePattern, patternKey } from '../../../../src/security/authorizer/AclBinding';
import { UNKNOWN_VERSION, VersionedAcls } from '../../../../src/security/authorizer/AclCache';
import type { AclStore } from '../../../../src/security/authorizer/AclStore';

export class MemoryAclStore implements AclStore {
  readonly nodes = new Map<string, { pattern: ResourcePattern; acls: AccessControlEntry[]; version: number }>();
  readonly notifications: ResourcePattern[] = [];
  /** Writes to fail with a version conflict before succeeding (another writer got there first). */
  conflicts = 0;

  async createAclPaths(): Promise<void> {}
  async loadAll(): Promise<Array<{ pattern: ResourcePattern; versioned: VersionedAcls }>> {
    return [...this.nodes.values()].map((n) => ({ pattern: n.pattern, versioned: { acls: n.acls, zkVersion: n.version } }));
  }
  async get(pattern: ResourcePattern): Promise<VersionedAcls> {
    const n = this.nodes.get(patternKey(pattern));
    return n ? { acls: [...n.acls], zkVersion: n.version } : { acls: [], zkVersion: UNKNOWN_VERSION };
  }
  async createIfNotExists(pattern: ResourcePattern, acls: AccessControlEntry[]): Promise<{ succeeded: boolean; version: number }> {
    if (this.nodes.has(patternKey(pattern))) return { succeeded: false, version: 0 };
    this.nodes.set(patternKey(pattern), { pattern, acls, version: 0 });
    return { succeeded: true, version: 0 };
  }
  async conditionalSet(pattern: ResourcePattern, acls: AccessControlEntry[], expectedVersion: number): Promise<{ succeeded: boolean; version: number }> {
    const n = this.nodes.get(patternKey(pattern));
    if (this.conflicts > 0 && n) {
      this.conflicts--;
      n.version++;
      return { succeeded: false, version: -1 };
    }
    if (!n || n.version !== expectedVersion) return { succeeded: false, version: -1 };
    n.acls = acls;
    n.version++;
    return { succeeded: true, version: n.version };
  }
  async conditionalDelete(pattern: ResourcePattern, expectedVersion: number): Promise<boolean> {
    const n = this.nodes.get(patternKey(pattern));
    if (!n) return true;
    if (n.version !== expectedVersion) return false;
    this.nodes.delete(patternKey(pattern));
    return true;
  }
  async notifyChange(pattern: ResourcePattern): Promise<void> {
    this.notifications.push(pattern);
  }
  async startChangeListener(): Promise<void> {}
  close(): void {}
}
