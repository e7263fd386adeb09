/**
 * kafka.cluster.EndPoint and the listener parsing of CoreUtils.listenerListToEndPoints /
 * KafkaConfig.listenerSecurityProtocolMap. Errors are ConfigExceptions naming the key being parsed.
 */
import { ConfigException } from '../common/config/ConfigDef';

/** org.apache.kafka.common.security.auth.SecurityProtocol's names. */
export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;

/** A listener. `host` '' means all interfaces (Kafka's `PLAINTEXT://:9092`, host null). */
export interface EndPoint {
  listenerName: string;
  securityProtocol: string;
  host: string;
  port: number;
}

/** EndPoint.uriParseExp: `NAME://host:port`, IPv6 hosts in brackets. */
const LISTENER_RE = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;
const CSV = /\s*,\s*/;

/** CoreUtils.parseCsvMap (split at the last ':') with names upper-cased (ListenerName.normalised). */
export function parseSecurityProtocolMap(value: string): Map<string, string> {
  const key = 'listener.security.protocol.map';
  const map = new Map<string, string>();
  if (value.trim() === '') return map;
  for (const entry of value.trim().split(CSV)) {
    const i = entry.lastIndexOf(':');
    if (i < 0) throw new ConfigException(`Error parsing configuration property '${key}': ${entry} is not a key:value pair`, key);
    const protocol = entry
      .substring(i + 1)
      .trim()
      .toUpperCase();
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
      throw new ConfigException(`Invalid security protocol \`${entry.substring(i + 1).trim()}\` defined in ${key}`, key);
    }
    map.set(entry.substring(0, i).trim().toUpperCase(), protocol);
  }
  return map;
}

/** CoreUtils.listenerListToEndPoints + EndPoint.createEndPoint, with its duplicate-name/port checks. */
export function listenerListToEndPoints(key: string, value: string, protocolMap: ReadonlyMap<string, string>, requireDistinctPorts: boolean): EndPoint[] {
  const specs =
    value.trim() === ''
      ? []
      : value
          .trim()
          .split(CSV)
          .filter((s) => s !== '');
  const endpoints = specs.map((s) => {
    const m = LISTENER_RE.exec(s);
    if (!m) throw new ConfigException(key, value, `Unable to parse ${s} to a broker endpoint`);
    const listenerName = m[1].toUpperCase();
    const securityProtocol = protocolMap.get(listenerName);
    if (!securityProtocol) throw new ConfigException(key, value, `No security protocol defined for listener ${listenerName}`);
    return { listenerName, securityProtocol, host: m[2], port: Number(m[3]) };
  });
  const text = `[${endpoints.map((e) => `EndPoint(${e.host === '' ? 'null' : e.host},${e.port},ListenerName(${e.listenerName}),${e.securityProtocol})`).join(', ')}]`;
  if (requireDistinctPorts && new Set(endpoints.map((e) => e.port)).size !== endpoints.length) {
    throw new ConfigException(key, value, `Each listener must have a different port, listeners: ${text}`);
  }
  if (new Set(endpoints.map((e) => e.listenerName)).size !== endpoints.length) {
    throw new ConfigException(key, value, `Each listener must have a different name, listeners: ${text}`);
  }
  return endpoints;
}
