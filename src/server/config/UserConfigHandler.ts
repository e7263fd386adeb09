/**
 * kafka.server.UserConfigHandler (the SCRAM part): a change of /config/users/<user> refreshes that user's SCRAM
 * credentials in the broker's CredentialCache, and at start-up every user's credentials are loaded before clients
 * can authenticate (DynamicConfigManager.startup fetches all entity configs first). <user>/clients/<client-id>
 * paths carry only quotas and leave the credentials alone. Quotas themselves come in a later round.
 */
import { getLogger, Logger } from '../../common/logger';
import { desanitize } from '../../common/Sanitizer';
import type { ScramCredentialCache } from '../../security/scram/ScramCredential';
import type { UserConfigStore } from '../../security/scram/UserScramCredentialsAdmin';

/** ConfigEntityName.Default: the znode of the users' default quotas, never a user with credentials. */
const DEFAULT_ENTITY = '<default>';

export class UserConfigHandler {
  private readonly log: Logger;

  constructor(
    private readonly store: Pick<UserConfigStore, 'fetchUserConfig' | 'fetchAllUserConfigs'>,
    private readonly credentials: ScramCredentialCache,
    brokerId: number,
  ) {
    this.log = getLogger('kafka.server.UserConfigHandler', `[UserConfigHandler broker=${brokerId}] `);
  }

  /** Every /config/users/<user> into the cache. */
  async loadAll(): Promise<void> {
    for (const [sanitized, config] of await this.store.fetchAllUserConfigs()) {
      if (sanitized !== DEFAULT_ENTITY) this.credentials.updateCredentials(desanitize(sanitized), config);
    }
  }

  /** A users/<sanitized>[/clients/<client>] change notification: re-read the user's znode. */
  async processConfigChanges(entityName: string): Promise<void> {
    if (entityName === '' || entityName.includes('/') || entityName === DEFAULT_ENTITY) return;
    const config = await this.store.fetchUserConfig(entityName);
    // Kafka logs the config with every value of a SCRAM key masked as [hidden].
    const loggable = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, k.startsWith('SCRAM-') ? '[hidden]' : v]));
    this.log.info(`Processing override for entityPath: users/${entityName} with config: ${JSON.stringify(loggable)}`);
    this.credentials.updateCredentials(desanitize(entityName), config);
  }
}
