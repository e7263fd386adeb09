/**
 * org.apache.kafka.raft.RaftConfig's parsing of controller.quorum.voters (Kafka 3.7): `{id}@{host}:{port}` entries,
 * with its ConfigException messages. `0.0.0.0:0` is an address to be discovered later (UnknownAddressSpec).
 */
import { ConfigException, ConfigValue, Validator } from '../../common/config/ConfigDef';

export const QUORUM_VOTERS_CONFIG = 'controller.quorum.voters';

export interface VoterAddress {
  readonly host: string;
  readonly port: number;
  /** RaftConfig.UNKNOWN_ADDRESS_SPEC_INSTANCE: the entry was 0.0.0.0:0. */
  readonly unknown: boolean;
}

/** Utils.HOST_PORT_PATTERN: `host:port` or `[ipv6]:port`, anything before ignored. */
const HOST_PORT = /^.*?\[?([0-9a-zA-Z\-%._:]*)\]?:([0-9]+)$/;

const FORM = 'Each entry should be in the form `{id}@{host}:{port}`.';

/** Java's String.split: trailing empty strings are dropped. */
function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Integer.parseInt's accepted forms. */
function parseJavaInt(s: string): number | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= -0x80000000 && n <= 0x7fffffff ? n : null;
}

/** RaftConfig.parseVoterConnections: voter id → address, in the order given (a later duplicate id wins). */
export function parseVoterConnections(voterEntries: readonly string[]): Map<number, VoterAddress> {
  const voters = new Map<number, VoterAddress>();
  for (const entry of voterEntries) {
    const idAndAddress = javaSplit(entry, '@');
    if (idAndAddress.length !== 2) throw new ConfigException(`Invalid configuration value for ${QUORUM_VOTERS_CONFIG}. ${FORM}`, QUORUM_VOTERS_CONFIG);
    const id = parseJavaInt(idAndAddress[0]);
    if (id === null) throw new ConfigException(`Failed to parse voter ID as an integer from ${idAndAddress[0]}`, QUORUM_VOTERS_CONFIG);
    const m = HOST_PORT.exec(idAndAddress[1]);
    if (!m)
      throw new ConfigException(`Failed to parse host name from entry ${entry} for the configuration ${QUORUM_VOTERS_CONFIG}. ${FORM}`, QUORUM_VOTERS_CONFIG);
    const port = parseJavaInt(m[2]);
    if (port === null)
      throw new ConfigException(`Failed to parse host port from entry ${entry} for the configuration ${QUORUM_VOTERS_CONFIG}. ${FORM}`, QUORUM_VOTERS_CONFIG);
    // new InetSocketAddress(host, port)'s check.
    if (port > 65535) throw new ConfigException(`port out of range:${port}`, QUORUM_VOTERS_CONFIG);
    voters.set(id, { host: m[1], port, unknown: m[1] === '0.0.0.0' && port === 0 });
  }
  return voters;
}

/** RaftConfig.ControllerQuorumVotersValidator: the list must parse. */
export const controllerQuorumVotersValidator: Validator = {
  ensureValid(name: string, value: ConfigValue) {
    if (value === null) throw new ConfigException(name, null, 'Value must be non-null');
    parseVoterConnections(value as string[]);
  },
  toString: () => 'non-empty list',
};

/** Set.toString of the voter ids as Scala prints `voterAddressSpecsByNodeId.asScala.keySet.toSet`: Set(1, 2, 3). */
export function scalaSetString(ids: Iterable<number>): string {
  return `Set(${[...ids].join(', ')})`;
}
