/**
 * /config/users in ZooKeeper as Kafka's AdminZkClient reads and writes it: `{"version":1,"config":{...}}` per user
 * (SCRAM credentials and quotas side by side), and after each write a /config/changes/config_change_<n>
 * `{"version":2,"entity_path":"users/<sanitized user>"}` that every broker's config manager picks up.
 */
import type { KafkaZkClient } from '../../zk/KafkaZkClient';
import * as D from '../../zk/ZkData';
import type { UserConfigStore } from './UserScramCredentialsAdmin';

type UserZk = Pick<KafkaZkClient, 'getChildren' | 'getEntityConfigs' | 'setOrCreateEntityConfigs' | 'createConfigChangeNotification'>;

export function zkUserConfigStore(zk: UserZk): UserConfigStore {
  return {
    fetchUserConfig: (sanitizedUser) => zk.getEntityConfigs(D.ConfigType.User, sanitizedUser),
    async fetchAllUserConfigs() {
      const out = new Map<string, Record<string, string>>();
      for (const u of await zk.getChildren(D.ConfigEntityTypeZNode.path(D.ConfigType.User))) {
        out.set(u, await zk.getEntityConfigs(D.ConfigType.User, u));
      }
      return out;
    },
    async changeUserConfig(sanitizedUser, config) {
      await zk.setOrCreateEntityConfigs(D.ConfigType.User, sanitizedUser, config);
      await zk.createConfigChangeNotification(`${D.ConfigType.User}/${sanitizedUser}`);
    },
  };
}
