/**
 * Where AclAuthorizer keeps its ACLs: ZooKeeper (ZkAclStore) in production, an in-memory fake in unit tests.
 * Versions are ZooKeeper data versions; UNKNOWN_VERSION (-2) = no znode.
 */
import type { AccessControlEntry, ResourcePattern } from './AclBinding';
import type { VersionedAcls } from './AclCache';

export interface AclStore {
  /** ZkAclStore.createAclPaths: the ACL roots, change paths and one child per resource type. */
  createAclPaths(): Promise<void>;
  /** AclAuthorizer.loadAllAcls: every stored resource with its entries. */
  loadAll(): Promise<Array<{ pattern: ResourcePattern; versioned: VersionedAcls }>>;
  /** getVersionedAclsForResource: no znode -> {acls: [], zkVersion: UNKNOWN_VERSION}. */
  get(pattern: ResourcePattern): Promise<VersionedAcls>;
  createIfNotExists(pattern: ResourcePattern, acls: AccessControlEntry[]): Promise<{ succeeded: boolean; version: number }>;
  conditionalSet(pattern: ResourcePattern, acls: AccessControlEntry[], expectedVersion: number): Promise<{ succeeded: boolean; version: number }>;
  /** True when deleted or already absent; false on a version conflict. */
  conditionalDelete(pattern: ResourcePattern, expectedVersion: number): Promise<boolean>;
  /** createAclChangeNotification: tells every broker to re-read this resource. */
  notifyChange(pattern: ResourcePattern): Promise<void>;
  /** Calls onChange for each change notification (already present and future ones). */
  startChangeListener(onChange: (pattern: ResourcePattern) => Promise<void>): Promise<void>;
  close(): void;
}
