/**
 * The security part of the KRaft metadata image: Kafka 3.7's ScramImage (UserScramCredentialRecord /
 * RemoveUserScramCredentialRecord), AclsImage (AccessControlEntryRecord / RemoveAccessControlEntryRecord, keyed by
 * the ACL's Uuid) and ClientQuotasImage (ClientQuotaRecord), with their deltas' replay rules. MetadataImage holds one
 * and hands these records to it; the broker's publisher reads it into the SCRAM credential cache and the
 * StandardAuthorizer, and the controller's managers validate against it.
 */
import type { ApiMessageAndVersion } from '../MetadataRecordSerde';
import { MetadataRecordTypeId as T } from '../records/MetadataRecordType';

/** ScramCredentialData: what UserScramCredentialRecord carries (the password itself never reaches the log). */
export interface ScramCredentialData {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

/** org.apache.kafka.metadata.authorizer.StandardAcl: one ACL as AccessControlEntryRecord holds it. */
export interface StandardAcl {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** One entity of a ClientQuotaRecord: `user`, `client-id` or `ip` with a name (null = the default entity). */
export interface QuotaEntityPart {
  entityType: string;
  entityName: string | null;
}

/** What replay changed in this part since the last takeChanges. */
export interface SecurityChanges {
  /** Users whose SCRAM credentials changed (any mechanism). */
  scramUsers: Set<string>;
  /** ACLs added or removed. */
  acls: boolean;
  /** Quota entity keys (quotaEntityKey) whose quotas changed. */
  quotaEntities: Set<string>;
}

export function emptySecurityChanges(): SecurityChanges {
  return { scramUsers: new Set(), acls: false, quotaEntities: new Set() };
}

/** Thrown when a record contradicts the image (Kafka's deltas throw the same way). */
export class SecurityReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecurityReplayError';
  }
}

/** A ClientQuotaEntity's identity: its parts sorted by type, `type=name` joined by `,` (null name shown as <default>). */
export function quotaEntityKey(entity: readonly QuotaEntityPart[]): string {
  return [...entity]
    .sort((a, b) => (a.entityType < b.entityType ? -1 : a.entityType > b.entityType ? 1 : 0))
    .map((e) => `${e.entityType}=${e.entityName === null ? '\u0000' : e.entityName}`)
    .join(',');
}

export function standardAclKey(a: StandardAcl): string {
  return [a.resourceType, a.resourceName, a.patternType, a.principal, a.host, a.operation, a.permissionType].join('\u0000');
}

/** StandardAcl.toString, as Kafka logs it ("Replayed AccessControlEntryRecord for <id>, setting StandardAcl(...)"). */
export function standardAclToString(a: StandardAcl): string {
  return (
    `StandardAcl(resourceType=${a.resourceType}, resourceName=${a.resourceName}, patternType=${a.patternType}, principal=${a.principal}, ` +
    `host=${a.host}, operation=${a.operation}, permissionType=${a.permissionType})`
  );
}

export class SecurityImage {
  /** ScramImage: mechanism type (1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512) -> user -> credential. */
  readonly scram = new Map<number, Map<string, ScramCredentialData>>();
  /** AclsImage: id (hex) -> the ACL and its id. */
  readonly acls = new Map<string, { id: Buffer; acl: StandardAcl }>();
  /** ClientQuotasImage: entity key -> { entity, quota key -> value }. */
  readonly quotas = new Map<string, { entity: QuotaEntityPart[]; values: Map<string, number> }>();
  private changes: SecurityChanges = emptySecurityChanges();

  /** True when the record is one of this part's (and was replayed). */
  replay(rec: ApiMessageAndVersion): boolean {
    const d = rec.data;
    switch (rec.type) {
      case T.USER_SCRAM_CREDENTIAL: {
        const mechanism = d.mechanism as number;
        let users = this.scram.get(mechanism);
        if (!users) this.scram.set(mechanism, (users = new Map()));
        users.set(d.name as string, {
          salt: Buffer.from(d.salt as Buffer),
          storedKey: Buffer.from(d.storedKey as Buffer),
          serverKey: Buffer.from(d.serverKey as Buffer),
          iterations: d.iterations as number,
        });
        this.changes.scramUsers.add(d.name as string);
        return true;
      }
      case T.REMOVE_USER_SCRAM_CREDENTIAL: {
        // ScramDelta.replay(RemoveUserScramCredentialRecord): removing what is not there is a corrupt log.
        const users = this.scram.get(d.mechanism as number);
        if (!users || !users.delete(d.name as string)) {
          throw new SecurityReplayError(`Unable to replay RemoveUserScramCredentialRecord: no credential of mechanism ${d.mechanism} for user ${d.name}`);
        }
        if (users.size === 0) this.scram.delete(d.mechanism as number);
        this.changes.scramUsers.add(d.name as string);
        return true;
      }
      case T.ACCESS_CONTROL_ENTRY: {
        const id = Buffer.from(d.id as Buffer);
        this.acls.set(id.toString('hex'), {
          id,
          acl: {
            resourceType: d.resourceType as number,
            resourceName: d.resourceName as string,
            patternType: d.patternType as number,
            principal: d.principal as string,
            host: d.host as string,
            operation: d.operation as number,
            permissionType: d.permissionType as number,
          },
        });
        this.changes.acls = true;
        return true;
      }
      case T.REMOVE_ACCESS_CONTROL_ENTRY: {
        const hex = Buffer.from(d.id as Buffer).toString('hex');
        // AclsDelta.replay(RemoveAccessControlEntryRecord): "no acl with that ID found".
        if (!this.acls.delete(hex)) throw new SecurityReplayError(`Unable to replay RemoveAccessControlEntryRecord ${hex}: no acl with that ID found.`);
        this.changes.acls = true;
        return true;
      }
      case T.CLIENT_QUOTA: {
        const entity = (d.entity as Array<{ entityType: string; entityName: string | null }>).map((e) => ({
          entityType: e.entityType,
          entityName: e.entityName ?? null,
        }));
        const key = quotaEntityKey(entity);
        let q = this.quotas.get(key);
        if (d.remove) {
          q?.values.delete(d.key as string);
          if (q && q.values.size === 0) this.quotas.delete(key);
        } else {
          if (!q) this.quotas.set(key, (q = { entity, values: new Map() }));
          q.values.set(d.key as string, d.value as number);
        }
        this.changes.quotaEntities.add(key);
        return true;
      }
      default:
        return false;
    }
  }

  scramCredential(mechanism: number, user: string): ScramCredentialData | undefined {
    return this.scram.get(mechanism)?.get(user);
  }

  /** Every user with at least one credential, and its credentials by mechanism type. */
  scramUsers(): Map<string, Map<number, ScramCredentialData>> {
    const out = new Map<string, Map<number, ScramCredentialData>>();
    for (const [mechanism, users] of this.scram) {
      for (const [user, cred] of users) {
        let m = out.get(user);
        if (!m) out.set(user, (m = new Map()));
        m.set(mechanism, cred);
      }
    }
    return out;
  }

  /** Forgets everything (a snapshot load), reporting what existed as changed. */
  clear(): void {
    for (const users of this.scram.values()) for (const u of users.keys()) this.changes.scramUsers.add(u);
    if (this.acls.size > 0) this.changes.acls = true;
    for (const k of this.quotas.keys()) this.changes.quotaEntities.add(k);
    this.scram.clear();
    this.acls.clear();
    this.quotas.clear();
  }

  takeChanges(): SecurityChanges {
    const c = this.changes;
    this.changes = emptySecurityChanges();
    return c;
  }

  copyInto(other: SecurityImage): void {
    for (const [m, users] of this.scram) other.scram.set(m, new Map(users));
    for (const [k, v] of this.acls) other.acls.set(k, v);
    for (const [k, q] of this.quotas) other.quotas.set(k, { entity: q.entity, values: new Map(q.values) });
  }

  /** ClientQuotasImage.write: one ClientQuotaRecord per entity and key. */
  quotaRecords(): ApiMessageAndVersion[] {
    const out: ApiMessageAndVersion[] = [];
    for (const q of this.quotas.values())
      for (const [key, value] of q.values)
        out.push({ type: T.CLIENT_QUOTA, version: 0, data: { entity: q.entity.map((e) => ({ ...e })), key, value, remove: false } });
    return out;
  }

  /** AclsImage.write then ScramImage.write (Kafka's MetadataImage.write order). */
  aclAndScramRecords(metadataVersion: number): ApiMessageAndVersion[] {
    const out: ApiMessageAndVersion[] = [];
    for (const { id, acl } of this.acls.values()) out.push({ type: T.ACCESS_CONTROL_ENTRY, version: 0, data: { id, ...acl } });
    // ScramImage.write: SCRAM records exist from 3.5-IV2 (feature level 11) only.
    if (metadataVersion >= SCRAM_SUPPORTED_LEVEL) {
      for (const [mechanism, users] of this.scram)
        for (const [name, c] of users)
          out.push({
            type: T.USER_SCRAM_CREDENTIAL,
            version: 0,
            data: { name, mechanism, salt: c.salt, storedKey: c.storedKey, serverKey: c.serverKey, iterations: c.iterations },
          });
    }
    return out;
  }
}

/** MetadataVersion.IBP_3_5_IV2.isScramSupported. */
export const SCRAM_SUPPORTED_LEVEL = 11;
