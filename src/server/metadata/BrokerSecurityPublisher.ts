/**
 * Kafka 3.7's kafka.server.metadata.ScramPublisher and AclPublisher on a KRaft broker: each published metadata
 * image brings the SCRAM credentials of the users it changed into the broker's credential cache (what the SCRAM SASL
 * server authenticates against), and, when ACLs changed, the image's ACLs into the StandardAuthorizer. The first
 * publish (the broker has caught up with the metadata log) completes the authorizer's initial load, after which it
 * answers requests (AclPublisher: authorizer.completeInitialLoad()).
 */
import type { Logger } from '../../common/logger';
import type { MetadataImage } from '../../metadata/image/MetadataImage';
import type { SecurityChanges } from '../../metadata/image/SecurityImage';
import { SCRAM_MECHANISMS, ScramCredentialCache, scramMechanismType } from '../../security/scram/ScramCredential';
import type { StandardAuthorizer } from '../../security/authorizer/StandardAuthorizer';
import { bindingOf } from '../../controller/quorum/AclControlManager';

export class BrokerSecurityPublisher {
  constructor(
    private readonly credentials: ScramCredentialCache,
    private readonly authorizer: StandardAuthorizer | null,
    private readonly log: Logger,
  ) {}

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
    const authorizer = this.authorizer;
    if (!authorizer) return;
    if (full || security?.acls) {
      authorizer.loadSnapshot([...image.security.acls.entries()].map(([id, x]) => ({ id, binding: bindingOf(x.acl) })));
    }
    authorizer.completeInitialLoad();
  }
}
