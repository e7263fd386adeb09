/**
 * kafka.server.QuotaFactory.QuotaManagers (the client part) and QuotaConfigHandler.updateQuotaConfig: the Produce,
 * Fetch and Request quota managers of one broker, fed from the quota keys of /config/users and /config/clients.
 * controller_mutation_rate is accepted and remembered but not enforced: CreateTopics/DeleteTopics/CreatePartitions
 * are not throttled by the controller mutation quota (KIP-599) here. Replication quotas (leader/follower
 * .replication.throttled.rate) are a different feature and are not implemented: follower fetches are never throttled.
 */
import { getLogger, Logger } from '../../common/logger';
import { desanitize } from '../../common/Sanitizer';
import { ClientQuotaManager, ClientQuotaManagerConfig } from './ClientQuotaManager';
import { EntityPart } from './QuotaCallback';

/** QuotaConfigs: the quota keys of a user / client-id entity's config. */
export const PRODUCER_BYTE_RATE = 'producer_byte_rate';
export const CONSUMER_BYTE_RATE = 'consumer_byte_rate';
export const REQUEST_PERCENTAGE = 'request_percentage';
export const CONTROLLER_MUTATION_RATE = 'controller_mutation_rate';

/** ConfigEntityName.Default */
export const DEFAULT_ENTITY_NAME = '<default>';

export class QuotaManagers {
  readonly produce: ClientQuotaManager;
  readonly fetch: ClientQuotaManager;
  readonly request: ClientQuotaManager;
  /** controller_mutation_rate per entity key: stored, not enforced. */
  readonly controllerMutation = new Map<string, number>();
  private readonly log: Logger;

  constructor(config: ClientQuotaManagerConfig, time: () => number = Date.now, brokerId = -1) {
    this.produce = new ClientQuotaManager('Produce', config, time);
    this.fetch = new ClientQuotaManager('Fetch', config, time);
    this.request = new ClientQuotaManager('Request', config, time);
    this.log = getLogger('kafka.server.ClientIdConfigHandler', `[QuotaConfigHandler broker=${brokerId}] `);
  }

  /** Whether any of the three has a quota configured: the request path checks this one flag first. */
  get anyEnabled(): boolean {
    return this.produce.quotasEnabled || this.fetch.quotasEnabled || this.request.quotasEnabled;
  }

  /**
   * QuotaConfigHandler.updateQuotaConfig: the entity's config as stored (sanitized user, sanitized client id; either
   * may be `<default>`), every quota key set, or removed when absent. Byte rates are longs (Kafka's `toLong`),
   * request_percentage a double; a value that is not a number leaves that quota as it was (Kafka's handler fails
   * on it and logs the error).
   */
  updateQuotaConfig(sanitizedUser: string | null, sanitizedClientId: string | null, config: Readonly<Record<string, string>>): void {
    const user: EntityPart =
      sanitizedUser === null ? null : sanitizedUser === DEFAULT_ENTITY_NAME ? { kind: 'default' } : { kind: 'name', name: sanitizedUser };
    const clientId: EntityPart =
      sanitizedClientId === null
        ? null
        : sanitizedClientId === DEFAULT_ENTITY_NAME
          ? { kind: 'default' }
          : { kind: 'name', name: desanitize(sanitizedClientId) };
    const apply = (m: ClientQuotaManager, key: string, integral: boolean): void => {
      const raw = config[key];
      if (raw === undefined) {
        // Removing a quota that was never set is a no-op; skip it to keep start-up quiet for SCRAM-only users.
        if (m.callback.has(user, clientId)) m.updateQuota(user, clientId, null);
        return;
      }
      const v = integral ? parseLong(raw) : Number(raw.trim());
      if (v === null || !Number.isFinite(v)) {
        this.log.error(`Invalid ${key} value ${JSON.stringify(raw)} for ${describe(sanitizedUser, sanitizedClientId)}: quota left unchanged`);
        return;
      }
      m.updateQuota(user, clientId, v);
    };
    apply(this.produce, PRODUCER_BYTE_RATE, true);
    apply(this.fetch, CONSUMER_BYTE_RATE, true);
    apply(this.request, REQUEST_PERCENTAGE, false);
    const key = `${sanitizedUser ?? ''}/${sanitizedClientId ?? ''}`;
    const mutation = config[CONTROLLER_MUTATION_RATE];
    if (mutation !== undefined && Number.isFinite(Number(mutation))) this.controllerMutation.set(key, Number(mutation));
    else this.controllerMutation.delete(key);
  }
}

/** java.lang.Long.parseLong as QuotaConfigs' LONG values are written (optional sign, digits). */
function parseLong(s: string): number | null {
  const t = s.trim();
  return /^[+-]?\d+$/.test(t) ? Number(t) : null;
}

function describe(user: string | null, clientId: string | null): string {
  if (user !== null && clientId !== null) return `users/${user}/clients/${clientId}`;
  return user !== null ? `users/${user}` : `clients/${clientId}`;
}
