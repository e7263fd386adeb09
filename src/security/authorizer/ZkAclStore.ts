/**
 * AclAuthorizer's ZooKeeper storage as Kafka 3.7 lays it out (kafka.zk.ZkAclStore, ResourceZNode, ExtendedAclZNode,
 * LiteralAclChangeStore, ExtendedAclChangeStore):
 *  - LITERAL:  /kafka-acl/<ResourceType>/<name>, changes /kafka-acl-changes/acl_changes_<seq> with data `Topic:orders`;
 *  - PREFIXED: /kafka-acl-extended/prefixed/<ResourceType>/<name>, changes /kafka-acl-extended-changes/acl_changes_<seq>
 *    with `{"version":1,"resourceType":"Topic","name":"orders","patternType":"PREFIXED"}`.
 * ResourceType is spelled `Topic`, `Group`, `Cluster`, `TransactionalId`, `DelegationToken`, `User`.
 */
import { isZkError } from '../../zk/errors';
import type { KafkaZkClient } from '../../zk/KafkaZkClient';
import { AclChangeNotificationListener } from './AclChangeNotificationListener';
import { AccessControlEntry, ResourcePattern, decodeAcls, encodeAcls, parsePatternType, parseResourceType, resourceTypeName } from './AclBinding';
import { UNKNOWN_VERSION, VersionedAcls } from './AclCache';
import type { AclStore } from './AclStore';
import { PatternType, ResourceType } from './Authorizer';

export const LITERAL_ACL_PATH = '/kafka-acl';
export const LITERAL_ACL_CHANGE_PATH = '/kafka-acl-changes';
export const EXTENDED_ACL_PATH = '/kafka-acl-extended';
export const PREFIXED_ACL_PATH = '/kafka-acl-extended/prefixed';
export const EXTENDED_ACL_CHANGE_PATH = '/kafka-acl-extended-changes';
export const ACL_CHANGE_PREFIX = 'acl_changes_';

/** The resource types that have a znode (ResourceType.values minus UNKNOWN and ANY). */
const STORED_TYPES = [
  ResourceType.TOPIC,
  ResourceType.GROUP,
  ResourceType.CLUSTER,
  ResourceType.TRANSACTIONAL_ID,
  ResourceType.DELEGATION_TOKEN,
  ResourceType.USER,
];

function storePath(patternType: number): string {
  if (patternType === PatternType.LITERAL) return LITERAL_ACL_PATH;
  if (patternType === PatternType.PREFIXED) return PREFIXED_ACL_PATH;
  throw new Error(`Invalid pattern type: ${patternType}`);
}

/** ResourceZNode.path */
export function resourceZNodePath(p: ResourcePattern): string {
  if (p.name.includes('/') || p.name === '.' || p.name === '..') throw new Error(`Invalid resource name for ZooKeeper: ${p.name}`);
  return `${storePath(p.patternType)}/${resourceTypeName(p.resourceType)}/${p.name}`;
}

/** LiteralAclChangeStore.encode / ExtendedAclChangeStore.encode */
export function encodeAclChange(p: ResourcePattern): Buffer {
  if (p.patternType === PatternType.LITERAL) return Buffer.from(`${resourceTypeName(p.resourceType)}:${p.name}`, 'utf8');
  return Buffer.from(JSON.stringify({ version: 1, resourceType: resourceTypeName(p.resourceType), name: p.name, patternType: 'PREFIXED' }), 'utf8');
}

/** LiteralAclChangeStore.decode / ExtendedAclChangeStore.decode; null for unreadable data. */
export function decodeAclChange(literal: boolean, data: Buffer | null): ResourcePattern | null {
  if (data === null) return null;
  const text = data.toString('utf8');
  try {
    if (literal) {
      const i = text.indexOf(':');
      if (i <= 0) return null;
      const resourceType = parseResourceType(text.substring(0, i));
      return resourceType < 2 ? null : { resourceType, name: text.substring(i + 1), patternType: PatternType.LITERAL };
    }
    const j = JSON.parse(text) as { resourceType?: string; name?: string; patternType?: string };
    const resourceType = parseResourceType(String(j.resourceType));
    const patternType = parsePatternType(String(j.patternType));
    if (resourceType < 2 || patternType !== PatternType.PREFIXED || typeof j.name !== 'string') return null;
    return { resourceType, name: j.name, patternType };
  } catch {
    return null;
  }
}

export class ZkAclStore implements AclStore {
  private readonly listeners: AclChangeNotificationListener[] = [];

  constructor(
    private readonly zk: KafkaZkClient,
    private readonly brokerId: number,
  ) {}

  async createAclPaths(): Promise<void> {
    for (const root of [LITERAL_ACL_PATH, PREFIXED_ACL_PATH]) {
      await this.zk.makeSurePersistentPathExists(root);
      for (const t of STORED_TYPES) await this.zk.makeSurePersistentPathExists(`${root}/${resourceTypeName(t)}`);
    }
    await this.zk.makeSurePersistentPathExists(LITERAL_ACL_CHANGE_PATH);
    await this.zk.makeSurePersistentPathExists(EXTENDED_ACL_CHANGE_PATH);
  }

  async loadAll(): Promise<Array<{ pattern: ResourcePattern; versioned: VersionedAcls }>> {
    const out: Array<{ pattern: ResourcePattern; versioned: VersionedAcls }> = [];
    for (const patternType of [PatternType.LITERAL, PatternType.PREFIXED]) {
      for (const typeName of await this.zk.getChildren(storePath(patternType))) {
        const resourceType = parseResourceType(typeName);
        if (resourceType < 2) continue; // Kafka: "Ignoring unknown ResourceType"
        for (const name of await this.zk.getChildren(`${storePath(patternType)}/${typeName}`)) {
          const pattern = { resourceType, name, patternType };
          const versioned = await this.get(pattern);
          if (versioned.acls.length > 0) out.push({ pattern, versioned });
        }
      }
    }
    return out;
  }

  async get(pattern: ResourcePattern): Promise<VersionedAcls> {
    const r = await this.zk.getDataAndStat(resourceZNodePath(pattern));
    return r === null ? { acls: [], zkVersion: UNKNOWN_VERSION } : { acls: decodeAcls(r.data), zkVersion: r.stat.version };
  }

  async createIfNotExists(pattern: ResourcePattern, acls: AccessControlEntry[]): Promise<{ succeeded: boolean; version: number }> {
    try {
      await this.zk.retry(() => this.zk.zk.create(resourceZNodePath(pattern), encodeAcls(acls), 'PERSISTENT'));
      return { succeeded: true, version: 0 };
    } catch (e) {
      if (isZkError(e, 'NODEEXISTS')) return { succeeded: false, version: 0 };
      throw e;
    }
  }

  conditionalSet(pattern: ResourcePattern, acls: AccessControlEntry[], expectedVersion: number): Promise<{ succeeded: boolean; version: number }> {
    return this.zk.conditionalUpdatePath(resourceZNodePath(pattern), encodeAcls(acls), expectedVersion);
  }

  async conditionalDelete(pattern: ResourcePattern, expectedVersion: number): Promise<boolean> {
    try {
      await this.zk.retry(() => this.zk.zk.delete(resourceZNodePath(pattern), expectedVersion));
      return true;
    } catch (e) {
      if (isZkError(e, 'NONODE')) return true;
      if (isZkError(e, 'BADVERSION')) return false;
      throw e;
    }
  }

  async notifyChange(pattern: ResourcePattern): Promise<void> {
    const changePath = pattern.patternType === PatternType.LITERAL ? LITERAL_ACL_CHANGE_PATH : EXTENDED_ACL_CHANGE_PATH;
    await this.zk.retry(() => this.zk.zk.create(`${changePath}/${ACL_CHANGE_PREFIX}`, encodeAclChange(pattern), 'PERSISTENT_SEQUENTIAL'));
  }

  async startChangeListener(onChange: (pattern: ResourcePattern) => Promise<void>): Promise<void> {
    for (const literal of [true, false]) {
      const listener = new AclChangeNotificationListener(
        this.zk,
        literal ? LITERAL_ACL_CHANGE_PATH : EXTENDED_ACL_CHANGE_PATH,
        ACL_CHANGE_PREFIX,
        async (data) => {
          const pattern = decodeAclChange(literal, data);
          if (pattern) await onChange(pattern);
        },
        this.brokerId,
      );
      this.listeners.push(listener);
      await listener.startup();
    }
  }

  close(): void {
    for (const l of this.listeners) l.shutdown();
    this.listeners.length = 0;
  }
}
