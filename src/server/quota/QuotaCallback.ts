/**
 * ClientQuotaManager.DefaultQuotaCallback: the quotas configured in /config/users and /config/clients for one
 * quota type, which entity a client's usage is measured under (its metric tags), and that entity's limit, in the
 * precedence order of Kafka's docs (ops.html "Quotas"):
 *   1. /config/users/<user>/clients/<client-id>     5. /config/users/<default>/clients/<default>
 *   2. /config/users/<user>/clients/<default>       6. /config/users/<default>
 *   3. /config/users/<user>                         7. /config/clients/<client-id>
 *   4. /config/users/<default>/clients/<client-id>  8. /config/clients/<default>
 * Users are sanitized (Sanitizer.sanitize of the principal name, as the znode names are), client ids are not.
 */

/** ClientQuotaManager.QuotaTypes: which levels have ever been configured (bits). */
export const QuotaTypes = { NoQuotas: 0, ClientIdQuotaEnabled: 1, UserQuotaEnabled: 2, UserClientIdQuotaEnabled: 4 } as const;

/** An entity level: a sanitized user / a client id, the `<default>` of its kind, or absent. */
export type EntityPart = { kind: 'name'; name: string } | { kind: 'default' } | null;

/** The user and client-id metric tags of a quota sensor ('' = not part of the entity). */
export interface QuotaMetricTags {
  user: string;
  clientId: string;
}

/** One map key per KafkaQuotaEntity(userEntity, clientIdEntity): names cannot collide with the markers. */
function partKey(p: EntityPart, prefix: string): string {
  if (p === null) return '';
  return p.kind === 'default' ? prefix.toUpperCase() : `${prefix}:${p.name}`;
}

export function entityKey(user: EntityPart, clientId: EntityPart): string {
  return `${partKey(user, 'u')}\u0000${partKey(clientId, 'c')}`;
}

const DEFAULT: EntityPart = { kind: 'default' };
const name = (n: string): EntityPart => ({ kind: 'name', name: n });

export class DefaultQuotaCallback {
  private readonly quotas = new Map<string, number>();
  /** Bits of QuotaTypes for the levels configured since start-up (Kafka never clears them either). */
  quotaTypesEnabled: number = QuotaTypes.NoQuotas;

  /** ClientQuotaManager.updateQuota's bookkeeping: a limit set (number) or removed (null) for one entity. */
  update(user: EntityPart, clientId: EntityPart, limit: number | null): void {
    const key = entityKey(user, clientId);
    if (limit === null) {
      this.quotas.delete(key);
      return;
    }
    // Kafka sets the bit even for a removal; we set it only when a limit is configured, so that a broker whose
    // /config/users holds only SCRAM credentials keeps its request path free of quota sensors.
    if (user !== null) this.quotaTypesEnabled |= clientId !== null ? QuotaTypes.UserClientIdQuotaEnabled : QuotaTypes.UserQuotaEnabled;
    else if (clientId !== null) this.quotaTypesEnabled |= QuotaTypes.ClientIdQuotaEnabled;
    this.quotas.set(key, limit);
  }

  /** Whether exactly this entity has a limit. */
  has(user: EntityPart, clientId: EntityPart): boolean {
    return this.quotas.has(entityKey(user, clientId));
  }

  private get(user: EntityPart, clientId: EntityPart): number | undefined {
    return this.quotas.get(entityKey(user, clientId));
  }

  /** DefaultQuotaCallback.quotaMetricTags: the entity a request of (user, client id) is measured under. */
  quotaMetricTags(sanitizedUser: string, clientId: string): QuotaMetricTags {
    switch (this.quotaTypesEnabled) {
      case QuotaTypes.NoQuotas:
      case QuotaTypes.ClientIdQuotaEnabled:
        return { user: '', clientId };
      case QuotaTypes.UserQuotaEnabled:
        return { user: sanitizedUser, clientId: '' };
      case QuotaTypes.UserClientIdQuotaEnabled:
        return { user: sanitizedUser, clientId };
    }
    // Several levels: the tags of the most specific configured entity.
    const u = name(sanitizedUser);
    const c = name(clientId);
    if (this.has(u, c) || this.has(u, DEFAULT)) return { user: sanitizedUser, clientId };
    if (this.has(u, null)) return { user: sanitizedUser, clientId: '' };
    if (this.has(DEFAULT, c) || this.has(DEFAULT, DEFAULT)) return { user: sanitizedUser, clientId };
    if (this.has(DEFAULT, null)) return { user: sanitizedUser, clientId: '' };
    return { user: '', clientId };
  }

  /** DefaultQuotaCallback.quotaLimit: the limit of the entity these tags name, undefined when none applies. */
  quotaLimit(tags: QuotaMetricTags): number | undefined {
    const { user, clientId } = tags;
    const u = name(user);
    const c = name(clientId);
    if (user !== '' && clientId !== '') {
      return this.get(u, c) ?? this.get(u, DEFAULT) ?? this.get(DEFAULT, c) ?? this.get(DEFAULT, DEFAULT);
    }
    if (user !== '') return this.get(u, null) ?? this.get(DEFAULT, null);
    if (clientId !== '') return this.get(null, c) ?? this.get(null, DEFAULT);
    return undefined;
  }
}
