/**
 * The client side of the controller listener (Kafka 3.7's KafkaConfig.controllerListeners / saslMechanismControllerProtocol
 * as RaftManager and NodeToControllerChannelManager use them): the Raft client's connections between voters and a
 * broker's connections to the controller use the security protocol of the first of controller.listener.names, with
 * `sasl.mechanism.controller.protocol` (default GSSAPI) and that listener's JAAS username/password, TLS from its
 * ssl.* settings. It is the inter-broker client security computed for the controller listener.
 */
import type { ClientSecurity } from '../../security/auth/ListenerSecurity';
import { interBrokerClientSecurity, SecurityConfigSource } from './KafkaConfigSecurity';

export interface ControllerSecuritySource extends SecurityConfigSource {
  readonly listenerSecurityProtocolMap: ReadonlyMap<string, string>;
}

export function controllerClientSecurity(
  c: ControllerSecuritySource,
  controllerListenerNames: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ClientSecurity {
  const name = controllerListenerNames[0];
  const protocol = name === undefined ? 'PLAINTEXT' : (c.listenerSecurityProtocolMap.get(name) ?? 'PLAINTEXT');
  if (protocol === 'PLAINTEXT') return { protocol: 'PLAINTEXT' };
  const view: SecurityConfigSource = {
    originals: c.originals,
    listeners: c.listeners,
    interBrokerListenerName: name,
    interBrokerSecurityProtocol: protocol,
    getString: (key) =>
      key === 'sasl.mechanism.inter.broker.protocol' ? String(c.originals['sasl.mechanism.controller.protocol'] ?? 'GSSAPI').trim() : c.getString(key),
    getList: (key) => c.getList(key),
    getLong: (key) => c.getLong(key),
    getInt: (key) => c.getInt(key),
    isSupplied: (key) => c.isSupplied(key),
  };
  return interBrokerClientSecurity(view, env);
}
