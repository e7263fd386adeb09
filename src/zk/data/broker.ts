/**
 * /brokers/ids/<id> (BrokerIdZNode), version 5, Scala 2.13 key order (zk-mode.md §0.2, §1.2):
 * `features, listener_security_protocol_map, endpoints, [rack,] jmx_port, port, host, version, timestamp`.
 * That is the mutable.HashMap order of Kafka's encode(); test/unit/zk checks it against our emulation.
 */
import { jsonString } from './json';

export interface EndPoint {
  listenerName: string;
  host: string | null;
  port: number;
  /** SecurityProtocol name: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL */
  securityProtocol: string;
}

interface SupportedVersionRange {
  minVersion: number;
  maxVersion: number;
}

/** Kafka's BrokerInfo (Broker + registration version + JMX port). */
export interface BrokerInfo {
  id: number;
  /** advertised listeners, in configuration order */
  endpoints: EndPoint[];
  rack?: string | null;
  /** -1 when JMX is off (Kafka's default) */
  jmxPort?: number;
  /** 5 for every 3.x IBP */
  version?: number;
  /** epoch millis as a string; defaults to now at encode time */
  timestamp?: string;
  /** always empty in ZK mode */
  features?: Record<string, SupportedVersionRange>;
}

/** A decoded registration: every field filled in, plus the legacy host/port (first PLAINTEXT endpoint). */
export interface BrokerRegistration extends Required<Omit<BrokerInfo, 'rack'>> {
  rack: string | null;
  host: string | null;
  port: number;
}

/** EndPoint.connectionString: `LISTENER://host:port`, IPv6 hosts in brackets (Utils.formatAddress). */
export function endpointConnectionString(ep: EndPoint): string {
  const hostPort = ep.host === null ? `:${ep.port}` : ep.host.includes(':') ? `[${ep.host}]:${ep.port}` : `${ep.host}:${ep.port}`;
  return `${ep.listenerName}://${hostPort}`;
}

const URI_PARSE = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;

/** EndPoint.createEndPoint: parse `LISTENER://host:port` with the listener → protocol map. */
function parseEndpoint(connectionString: string, protocolMap: Record<string, string> | null): EndPoint {
  const m = URI_PARSE.exec(connectionString);
  if (!m) throw new Error(`Unable to parse ${connectionString} to a broker endpoint`);
  const listenerName = m[1];
  const host = m[2] === '' ? null : m[2];
  const securityProtocol = protocolMap ? protocolMap[listenerName] : listenerName;
  if (securityProtocol === undefined) throw new Error(`No security protocol defined for listener ${listenerName}`);
  return { listenerName, host, port: Number(m[3]), securityProtocol };
}

/** BrokerInfo.toJsonBytes: host/port come from the first PLAINTEXT endpoint, else null/-1. */
export function encodeBrokerInfo(info: BrokerInfo): Buffer {
  const plaintext = info.endpoints.find((e) => e.securityProtocol === 'PLAINTEXT');
  const version = info.version ?? 5;
  const parts: string[] = [];
  if (version >= 5) {
    const f = info.features ?? {};
    parts.push(
      `"features":{${Object.keys(f)
        .map((k) => `${jsonString(k)}:{"min_version":${f[k].minVersion},"max_version":${f[k].maxVersion}}`)
        .join(',')}}`,
    );
  }
  if (version >= 4) {
    // Immutable map from the listeners: insertion order up to 4 entries (Map1..Map4). Duplicates collapse.
    const seen = new Map<string, string>();
    for (const e of info.endpoints) seen.set(e.listenerName, e.securityProtocol);
    parts.push(`"listener_security_protocol_map":{${[...seen].map(([k, v]) => `${jsonString(k)}:${jsonString(v)}`).join(',')}}`);
  }
  parts.push(`"endpoints":[${info.endpoints.map((e) => jsonString(endpointConnectionString(e))).join(',')}]`);
  if (info.rack != null && version >= 3) parts.push(`"rack":${jsonString(info.rack)}`);
  parts.push(`"jmx_port":${info.jmxPort ?? -1}`);
  parts.push(`"port":${plaintext ? plaintext.port : -1}`);
  parts.push(`"host":${plaintext && plaintext.host !== null ? jsonString(plaintext.host) : 'null'}`);
  parts.push(`"version":${version}`);
  parts.push(`"timestamp":${jsonString(info.timestamp ?? String(Date.now()))}`);
  return Buffer.from(`{${parts.join(',')}}`, 'utf8');
}

interface BrokerJson {
  version: number;
  host?: string | null;
  port?: number;
  jmx_port?: number;
  timestamp?: string;
  endpoints?: string[];
  listener_security_protocol_map?: Record<string, string>;
  rack?: string;
  features?: Record<string, { min_version: number; max_version: number }>;
}

/** BrokerIdZNode.decode (versions 1-5; v0 without endpoints is not supported). */
export function decodeBrokerInfo(id: number, data: Buffer): BrokerRegistration {
  const j = JSON.parse(data.toString('utf8')) as BrokerJson;
  const protocolMap = j.listener_security_protocol_map ?? null;
  const endpoints = (j.endpoints ?? []).map((s) => parseEndpoint(s, protocolMap));
  const features: Record<string, SupportedVersionRange> = {};
  for (const [k, v] of Object.entries(j.features ?? {})) features[k] = { minVersion: v.min_version, maxVersion: v.max_version };
  return {
    id,
    endpoints,
    rack: j.rack ?? null,
    jmxPort: j.jmx_port ?? -1,
    version: j.version,
    timestamp: j.timestamp ?? '',
    features,
    host: j.host ?? null,
    port: j.port ?? -1,
  };
}
