/**
 * Kafka 3.7's kafka.server.metadata.ScramPublisher and AclPublisher on a KRaft broker: each published metadata
 * image brings the SCRAM credentials of the users it changed into the broker's credential cache (what the SCRAM SASL
 * server authenticates against), and, when ACLs changed, the image's ACLs into the StandardAuthorizer. The first
 * publish (the broker has caught up with the metadata log) completes the authorizer's initial load, after which it
 * answers requests (AclPublisher: authorizer.completeInitialLoad()). The user / client-id quotas of the entities a
 * publish changed go to the quota managers (DynamicClientQuotaPublisher -> ClientQuotaMetadataManager), in the form
 * ZooKeeper mode's config handler gives them (sanitized names, `<default>` for a default entity); ip entities are
 * kept in the image only (no connection-rate quota here).
 */
import type { Logger } from '../../common/logger';
import type { MetadataImage } from '../../metadata/image/MetadataImage';
import type { SecurityChanges } from '../../metadata/image/SecurityImage';
import { SCRAM_MECHANISMS, ScramCredentialCache, scramMechanismType } from '../../security/scram/ScramCredential';
import type { StandardAuthorizer } from '../../security/authorizer/StandardAuthorizer';
import { bindingOf } from '../../controller/quorum/AclControlManager';
import { sanitize } from '../../common/Sanitizer';
import { DEFAULT_ENTITY_NAME, type QuotaManagers } from '../quota/QuotaManagers';

export class BrokerSecurityPublisher {
  constructor(
    private readonly credentials: ScramCredentialCache,
    private readonly authorizer: StandardAuthorizer | null,
    private readonly log: Logger,
    private readonly quotas: QuotaManagers | null = null,
  ) {}

  /** Quota entity keys applied to the quota managers (a full publish also clears the ones that disappeared). */
  private readonly appliedQuotas = new Map<string, { user: string | null; clientId: string | null }>();

  private publishQuotas(image: MetadataImage, security: SecurityChanges | undefined, full: boolean): void {
    const quotas = this.quotas;
    if (!quotas) return;
    const keys = new Set(security?.quotaEntities ?? []);
    if (full) for (const k of [...this.appliedQuotas.keys(), ...image.security.quotas.keys()]) keys.add(k);
    for (const key of keys) {
      const q = image.security.quotas.get(key);
      let target = this.appliedQuotas.get(key);
      if (q) {
        const names = new Map(q.entity.map((e) => [e.entityType, e.entityName]));
        if (names.has('ip')) continue;
        const part = (t: string): string | null => (!names.has(t) ? null : names.get(t) === null ? DEFAULT_ENTITY_NAME : sanitize(names.get(t)!));
        target = { user: part('user'), clientId: part('client-id') };
      }
      if (!target) continue;
      const config = Object.fromEntries([...(q?.values ?? [])].map(([k, v]) => [k, String(v)]));
      quotas.updateQuotaConfig(target.user, target.clientId, config);
      if (q) this.appliedQuotas.set(key, target);
      else this.appliedQuotas.delete(key);
    }
  }

  /** `full`: the first publish or a snapshot load (everything may have changed). */
  publish(image: MetadataImage, security: SecurityChanges | undefined, full: boolean): void {
    const users = new Set(security?.scramUsers ?? []);
    if (full) {
      for (const m of SCRAM_MECHANISMS) for (const u of this.credentials.usernames(m)) users.add(u);
      for (const byUser of image.security.scram.values()) for (const u of byUser.keys()) users.add(u);
    }
    for (const user of users) {
      for (const m of SCRAM_MECHANISMS) {
        const c = image.security.scramCredential(scramMechanismType(m), user);
        this.credentials.update(m, user, c ? { salt: c.salt, storedKey: c.storedKey, serverKey: c.serverKey, iterations: c.iterations } : null);
      }
    }
    if (users.size > 0) this.log.debug(`Updated the SCRAM credentials of ${users.size} user(s)`);
    this.publishQuotas(image, security, full);
    const authorizer = this.authorizer;
    if (!authorizer) return;
    if (full || security?.acls) {
      authorizer.loadSnapshot([...image.security.acls.entries()].map(([id, x]) => ({ id, binding: bindingOf(x.acl) })));
    }
    authorizer.completeInitialLoad();
  }
}
