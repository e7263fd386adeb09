/**
 * kafka.server.BrokerConfigHandler: a `brokers/<name>` change notification re-reads /config/brokers/<name> and hands
 * it to DynamicBrokerConfig: `<default>` is the cluster-wide level every broker applies, a broker id only its own
 * broker applies (the others ignore it). The replication throttles of that znode belong to the quota managers.
 */
import { BrokerConfigStore, DEFAULT_BROKER_ENTITY, DynamicBrokerConfig } from './DynamicBrokerConfig';

export class BrokerConfigHandler {
  constructor(
    private readonly brokerId: number,
    private readonly dynamicConfig: DynamicBrokerConfig,
    private readonly store: Pick<BrokerConfigStore, 'fetchBrokerConfig'>,
  ) {}

  async processConfigChanges(entityName: string): Promise<void> {
    if (entityName === DEFAULT_BROKER_ENTITY) {
      this.dynamicConfig.updateDefaultConfig(await this.store.fetchBrokerConfig(entityName));
    } else if (/^\s*\d+\s*$/.test(entityName) && Number(entityName.trim()) === this.brokerId) {
      this.dynamicConfig.updateBrokerConfig(this.brokerId, await this.store.fetchBrokerConfig(entityName));
    }
  }
}
