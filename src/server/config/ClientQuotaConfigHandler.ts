/**
 * kafka.server.ClientIdConfigHandler and the quota part of UserConfigHandler: a change notification for
 * `clients/<client-id>`, `users/<user>` or `users/<user>/clients/<client-id>` re-reads that entity's znode and hands
 * its quota keys to the QuotaManagers (the SCRAM part of users stays in UserConfigHandler). At start-up every
 * entity is loaded first, as DynamicConfigManager.startup does (fetchAllEntityConfigs for clients and users,
 * fetchAllChildEntityConfigs for users/<u>/clients), before the socket server accepts clients.
 */
import { getLogger, Logger } from '../../common/logger';
import * as D from '../../zk/ZkData';
import type { QuotaManagers } from '../quota/QuotaManagers';

/** What the handlers read from ZooKeeper (KafkaZkClient). */
export interface QuotaConfigZk {
  getEntityConfigs(entityType: string, sanitizedName: string): Promise<Record<string, string>>;
  getChildren(path: string): Promise<string[]>;
}

const QUOTA_KEYS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'];

/** The quota keys of an entity's config (what Kafka logs and applies; SCRAM keys are not ours). */
function quotaPart(config: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of QUOTA_KEYS) if (config[k] !== undefined) out[k] = config[k];
  return out;
}

export class ClientQuotaConfigHandler {
  private readonly log: Logger;
  /** ZkConfigManager handler for `clients` notifications. */
  readonly clients = { processConfigChanges: (name: string) => this.processClient(name) };
  /** ZkConfigManager handler for `users` notifications (registered beside the SCRAM one). */
  readonly users = { processConfigChanges: (name: string) => this.processUser(name) };

  constructor(
    private readonly zk: QuotaConfigZk,
    private readonly quotas: QuotaManagers,
    brokerId: number,
  ) {
    this.log = getLogger('kafka.server.ClientIdConfigHandler', `[QuotaConfigHandler broker=${brokerId}] `);
  }

  /** Every /config/clients/<c>, /config/users/<u> and /config/users/<u>/clients/<c> with a quota key. */
  async loadAll(): Promise<void> {
    for (const c of await this.zk.getChildren(D.ConfigEntityTypeZNode.path(D.ConfigType.Client))) {
      this.apply(null, c, await this.zk.getEntityConfigs(D.ConfigType.Client, c), false);
    }
    for (const u of await this.zk.getChildren(D.ConfigEntityTypeZNode.path(D.ConfigType.User))) {
      this.apply(u, null, await this.zk.getEntityConfigs(D.ConfigType.User, u), false);
      for (const c of await this.zk.getChildren(`${D.ConfigEntityTypeZNode.path(D.ConfigType.User)}/${u}/clients`)) {
        this.apply(u, c, await this.zk.getEntityConfigs(D.ConfigType.User, `${u}/clients/${c}`), false);
      }
    }
  }

  /** ClientIdConfigHandler.processConfigChanges(sanitizedClientId). */
  private async processClient(sanitizedClientId: string): Promise<void> {
    if (sanitizedClientId === '' || sanitizedClientId.includes('/')) return;
    this.apply(null, sanitizedClientId, await this.zk.getEntityConfigs(D.ConfigType.Client, sanitizedClientId), true);
  }

  /** UserConfigHandler.processConfigChanges: the entity path is `<user>` or `<user>/clients/<client-id>`. */
  private async processUser(entityPath: string): Promise<void> {
    const parts = entityPath.split('/');
    if (parts.length === 1 && parts[0] !== '') {
      this.apply(parts[0], null, await this.zk.getEntityConfigs(D.ConfigType.User, parts[0]), true);
    } else if (parts.length === 3 && parts[1] === 'clients' && parts[0] !== '' && parts[2] !== '') {
      this.apply(parts[0], parts[2], await this.zk.getEntityConfigs(D.ConfigType.User, entityPath), true);
    } else {
      // Kafka throws IllegalArgumentException("Invalid quota entity path: ..."), which the listener logs.
      this.log.error(`Invalid quota entity path: ${entityPath}`);
    }
  }

  private apply(sanitizedUser: string | null, sanitizedClientId: string | null, config: Record<string, string>, live: boolean): void {
    const quota = quotaPart(config);
    if (live) {
      const path =
        sanitizedUser === null ? `clients/${sanitizedClientId}` : `users/${sanitizedUser}${sanitizedClientId === null ? '' : `/clients/${sanitizedClientId}`}`;
      this.log.info(`Processing quota override for entityPath: ${path} with config: ${JSON.stringify(quota)}`);
    }
    this.quotas.updateQuotaConfig(sanitizedUser, sanitizedClientId, quota);
  }
}
