/**
 * Broker wiring of delegation tokens (KafkaServer.startup's `tokenCache` / `tokenManager` /
 * `CredentialProvider(ScramMechanism.mechanismNames, tokenCache)`): the ZooKeeper-backed manager, and the SCRAM
 * credential source the SASL server uses: users' credentials from /config/users, tokens' from the token cache.
 */
import type { KafkaZkClient } from '../../zk/KafkaZkClient';
import type { ScramCredentialSource } from '../auth/ListenerSecurity';
import { DelegationTokenCache } from './DelegationTokenCache';
import { DelegationTokenManager, delegationTokenSettings } from './DelegationTokenManager';
import { ZkDelegationTokenStore } from './DelegationTokenZk';

export function createZkDelegationTokenManager(
  config: { brokerId: number; getString(name: string): string | null; getLong(name: string): number },
  zk: KafkaZkClient,
  isController: () => boolean,
): DelegationTokenManager {
  return new DelegationTokenManager(
    delegationTokenSettings(config),
    new DelegationTokenCache(),
    new ZkDelegationTokenStore(zk, config.brokerId),
    config.brokerId,
    isController,
  );
}

/** ScramServerCallbackHandler: ScramCredentialCallback from the users' cache, DelegationTokenCredentialCallback from the tokens'. */
export function withTokenCredentials(users: ScramCredentialSource, tokens: DelegationTokenManager | null): ScramCredentialSource {
  if (!tokens || !tokens.enabled) return users;
  const cache = tokens.cache;
  return {
    scramCredential: (mechanism, username) => users.scramCredential(mechanism, username),
    tokenCredential(mechanism, tokenId) {
      const info = cache.token(tokenId);
      if (!info) return undefined;
      return { credential: cache.credential(mechanism, tokenId), owner: info.owner.name, expiryTimestamp: info.expiryTimestamp };
    },
  };
}
