/**
 * The BrokerReconfigurables of a broker (Kafka's DynamicLogConfig, DynamicThreadPool, DynamicListenerConfig and the
 * SslFactory of each TLS listener), each validating a new KafkaConfig before DynamicBrokerConfig makes it current and
 * applying it after.
 */
import { ConfigException } from '../../common/config/ConfigDef';
import type { Log } from '../../log/Log';
import { SslConfigError, validateSslReconfiguration } from '../../security/ssl/SslFactory';
import type { SecureContextOptions } from 'tls';
import { DYNAMIC_SECURITY_CONFIGS, DYNAMIC_THREAD_POOL_CONFIGS } from './DynamicBrokerConfigDefs';
import type { BrokerReconfigurable } from './DynamicBrokerConfig';
import { KafkaConfig } from './KafkaConfig';
import { listenerSecurity } from './KafkaConfigSecurity';
import type { TopicConfigRepository } from './DynamicConfigManager';

/** DynamicLogConfig: the broker's log defaults changed, so every live log without an override follows them. */
export function dynamicLogConfig(topicConfigs: TopicConfigRepository, allLogs: () => readonly Log[]): BrokerReconfigurable {
  return {
    // Kafka validates only log.local.retention.* here (tiered storage, absent in this broker); names and types were checked.
    validateReconfiguration: () => undefined,
    reconfigure: (oldConfig, newConfig) => {
      if (JSON.stringify(oldConfig.logConfig()) !== JSON.stringify(newConfig.logConfig())) topicConfigs.reconfigureDefaults(newConfig.logConfig(), allLogs());
    },
  };
}

/**
 * DynamicThreadPool.validateReconfiguration: a thread count changes to at least 1, and by at most half or double.
 * Node serves requests on one event loop, so the counts are stored and described but size nothing here.
 */
export const dynamicThreadPool: BrokerReconfigurable = {
  validateReconfiguration: (oldConfig, newConfig) => {
    for (const k of DYNAMIC_THREAD_POOL_CONFIGS) {
      const oldValue = oldConfig.getInt(k);
      const newValue = newConfig.getInt(k);
      if (newValue === oldValue) continue;
      const errorMsg = `Dynamic thread count update validation failed for ${k}=${newValue}`;
      if (newValue <= 0) throw new ConfigException(`${errorMsg}, value should be at least 1`);
      if (newValue < Math.trunc(oldValue / 2)) throw new ConfigException(`${errorMsg}, value should be at least half the current value ${oldValue}`);
      if (newValue > oldValue * 2) throw new ConfigException(`${errorMsg}, value should not be greater than double the current value ${oldValue}`);
    }
  },
  reconfigure: () => undefined,
};

/** DataPlaneAcceptor / SocketServer listener keys that may change on an existing listener besides the SSL stores. */
const LISTENER_RECONFIGURABLE = new Set(['max.connections', 'max.connection.creation.rate', 'num.network.threads']);

function listenerPrefix(listenerName: string): string {
  return `listener.name.${listenerName.toLowerCase()}.`;
}

/** originalsWithPrefix(listener prefix) without the keys an existing listener may change. */
function immutableListenerConfigs(config: KafkaConfig, listenerName: string): string {
  const prefix = listenerPrefix(listenerName);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config.originals)) {
    if (!k.startsWith(prefix)) continue;
    const key = k.substring(prefix.length);
    if (DYNAMIC_SECURITY_CONFIGS.has(key) || LISTENER_RECONFIGURABLE.has(key)) continue;
    out[key] = String(v);
  }
  return JSON.stringify(Object.entries(out).sort());
}

function endpoints(config: KafkaConfig, advertised: boolean): string {
  return (advertised ? config.advertisedListeners : config.listeners)
    .map((e) => `${e.listenerName}://${e.host}:${e.port}/${e.securityProtocol}`)
    .sort()
    .join(',');
}

/**
 * DynamicListenerConfig.validateReconfiguration: an existing listener keeps its non-reconfigurable configs. Kafka can
 * also add and remove listeners live; this broker cannot (its listeners are bound at start-up), so a change of
 * listeners / advertised.listeners / listener.security.protocol.map is refused with a message that says so.
 */
export const dynamicListenerConfig: BrokerReconfigurable = {
  validateReconfiguration: (oldConfig, newConfig) => {
    for (const l of newConfig.listeners) {
      if (!oldConfig.listeners.some((o) => o.listenerName === l.listenerName)) continue;
      if (immutableListenerConfigs(newConfig, l.listenerName) !== immutableListenerConfigs(oldConfig, l.listenerName)) {
        throw new ConfigException(
          `Configs cannot be updated dynamically for existing listener ListenerName(${l.listenerName}), restart broker or create a new listener for update`,
        );
      }
    }
    if (endpoints(oldConfig, false) !== endpoints(newConfig, false) || endpoints(oldConfig, true) !== endpoints(newConfig, true)) {
      throw new ConfigException('Listeners cannot be added, removed or changed dynamically on this broker: restart it with the new listeners');
    }
  },
  reconfigure: () => undefined,
};

/** The listener's view of the ten reconfigurable SSL keys (listener prefix over the base key), to see what changed. */
function sslValues(config: KafkaConfig, listenerName: string): string {
  const prefix = listenerPrefix(listenerName);
  return JSON.stringify([...DYNAMIC_SECURITY_CONFIGS].map((k) => config.originals[prefix + k] ?? config.originals[k] ?? null));
}

function booleanFor(config: KafkaConfig, listenerName: string, key: string): boolean {
  const v = config.originals[listenerPrefix(listenerName) + key] ?? config.originals[key];
  return v !== undefined && String(v).trim().toLowerCase() === 'true';
}

/** What DynamicBrokerConfig needs of the SocketServer. */
export interface TlsListeners {
  reconfigureListenerTls(listenerName: string, context: SecureContextOptions): boolean;
}

/**
 * The SslFactory of every TLS listener (Kafka's ChannelBuilder as a ListenerReconfigurable): a change of the listener's
 * keystore/truststore configs is validated (SslFactory.validateReconfiguration) and then installed for new
 * connections; reloadFiles re-reads unchanged paths (a keystore file replaced in place).
 */
export function listenerSslReconfigurable(socketServer: TlsListeners, currentConfig: () => KafkaConfig): BrokerReconfigurable {
  const tlsListeners = (c: KafkaConfig) => c.listeners.filter((l) => l.securityProtocol === 'SSL' || l.securityProtocol === 'SASL_SSL');
  const contextOf = (c: KafkaConfig, name: string, protocol: string): SecureContextOptions => {
    try {
      return listenerSecurity(c, name, protocol).tls!.context;
    } catch (e) {
      throw new SslConfigError(`Validation of dynamic config update of SSLFactory failed: ${(e as Error).message}`, 'ssl.keystore.location');
    }
  };
  const validate = (oldConfig: KafkaConfig, newConfig: KafkaConfig, name: string, protocol: string): SecureContextOptions => {
    const newContext = contextOf(newConfig, name, protocol);
    validateSslReconfiguration(
      contextOf(oldConfig, name, protocol),
      () => newContext,
      booleanFor(newConfig, name, 'ssl.allow.dn.changes'),
      booleanFor(newConfig, name, 'ssl.allow.san.changes'),
    );
    return newContext;
  };
  return {
    validateReconfiguration: (oldConfig, newConfig) => {
      for (const l of tlsListeners(newConfig)) {
        if (sslValues(oldConfig, l.listenerName) !== sslValues(newConfig, l.listenerName)) validate(oldConfig, newConfig, l.listenerName, l.securityProtocol);
      }
    },
    reconfigure: (oldConfig, newConfig) => {
      for (const l of tlsListeners(newConfig)) {
        if (sslValues(oldConfig, l.listenerName) !== sslValues(newConfig, l.listenerName)) {
          socketServer.reconfigureListenerTls(l.listenerName, contextOf(newConfig, l.listenerName, l.securityProtocol));
        }
      }
    },
    reloadFiles: (newConfig) => {
      const current = currentConfig();
      for (const l of tlsListeners(newConfig)) {
        // Only listeners whose configs stay the same: a changed one is reconfigured when the change notification arrives.
        if (sslValues(current, l.listenerName) !== sslValues(newConfig, l.listenerName)) continue;
        socketServer.reconfigureListenerTls(l.listenerName, validate(current, newConfig, l.listenerName, l.securityProtocol));
      }
    },
  };
}
