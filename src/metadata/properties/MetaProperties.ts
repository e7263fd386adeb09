/**
 * org.apache.kafka.metadata.properties.MetaProperties (Kafka 3.7): what a log directory's meta.properties says.
 * Version 0 (ZooKeeper mode): cluster.id and broker.id, both optional. Version 1 (KRaft): cluster.id and node.id
 * required, plus 3.7's directory.id (KIP-858: the id a broker reports for each log directory). File I/O lives with
 * the callers (src/server/BrokerMetadataCheckpoint.ts); this module is the pure format.
 */
import { Uuid } from '../../common/Uuid';

export const META_PROPERTIES_NAME = 'meta.properties';

export type MetaPropertiesVersion = 0 | 1;

/** MetaPropertiesVersion.fromNumberString, with Kafka's messages. */
export function metaPropertiesVersion(numberString: string): MetaPropertiesVersion {
  const t = numberString.trim();
  if (!/^[+-]?\d+$/.test(t) || !Number.isSafeInteger(Number(t))) throw new Error(`Invalid meta.properties version string '${numberString}'`);
  const n = Number(t);
  if (n !== 0 && n !== 1) throw new Error(`Unknown meta.properties version number ${n}`);
  return n;
}

/** PropertiesUtils.loadRequiredIntProp */
function requiredInt(props: Readonly<Record<string, string>>, key: string): number {
  const v = props[key];
  if (v === undefined) throw new Error(`Failed to find ${key}`);
  if (!/^[+-]?\d+$/.test(v) || Number(v) > 0x7fffffff || Number(v) < -0x80000000) throw new Error(`Unable to read ${key} as a base-10 number.`);
  return Number(v);
}

/** DirectoryId.reserved: UNASSIGNED (zero), LOST (one) and MIGRATING (two) are not directory ids. */
export function isReservedDirectoryId(id: Uuid): boolean {
  const b = id.toBytes();
  return b.subarray(0, 15).every((x) => x === 0) && b[15] <= 2;
}

export class MetaProperties {
  constructor(
    readonly version: MetaPropertiesVersion,
    readonly clusterId: string | null,
    readonly nodeId: number | null,
    readonly directoryId: Uuid | null,
  ) {
    // Builder.build: a v1 file always has both ids.
    if (version !== 0) {
      if (clusterId === null) throw new Error('cluster.id was not found.');
      if (nodeId === null) throw new Error('node.id was not found.');
    }
  }

  /** new MetaProperties.Builder(Properties).build(): a missing `version` means 0. */
  static fromProperties(props: Readonly<Record<string, string>>): MetaProperties {
    const version = metaPropertiesVersion(props['version'] ?? '0');
    let nodeId: number | null = null;
    if (version === 0) {
      if (props['broker.id'] !== undefined) nodeId = requiredInt(props, 'broker.id');
    } else {
      nodeId = requiredInt(props, 'node.id');
    }
    let directoryId: Uuid | null = null;
    if (props['directory.id'] !== undefined) {
      try {
        directoryId = Uuid.fromString(props['directory.id']);
      } catch (e) {
        throw new Error(`Unable to read directory.id as a Uuid: ${(e as Error).message}`);
      }
    }
    return new MetaProperties(version, props['cluster.id'] ?? null, nodeId, directoryId);
  }

  /** MetaProperties.toProperties, in its insertion order: version, cluster.id, broker.id or node.id, directory.id. */
  toProperties(): Array<[string, string]> {
    const out: Array<[string, string]> = [['version', String(this.version)]];
    if (this.clusterId !== null) out.push(['cluster.id', this.clusterId]);
    if (this.version === 0) {
      if (this.nodeId !== null) out.push(['broker.id', String(this.nodeId)]);
    } else {
      out.push(['node.id', String(this.nodeId)]);
    }
    if (this.directoryId !== null) out.push(['directory.id', this.directoryId.toString()]);
    return out;
  }

  withDirectoryId(directoryId: Uuid | null): MetaProperties {
    return new MetaProperties(this.version, this.clusterId, this.nodeId, directoryId);
  }

  equals(o: MetaProperties): boolean {
    const dirEq = this.directoryId === null ? o.directoryId === null : o.directoryId !== null && this.directoryId.equals(o.directoryId);
    return this.version === o.version && this.clusterId === o.clusterId && this.nodeId === o.nodeId && dirEq;
  }

  /** MetaProperties.toString */
  toString(): string {
    let s = `MetaProperties(version=${this.version}`;
    if (this.clusterId !== null) s += `, clusterId=${this.clusterId}`;
    if (this.nodeId !== null) s += `, nodeId=${this.nodeId}`;
    if (this.directoryId !== null) s += `, directoryId=${this.directoryId.toString()}`;
    return `${s})`;
  }
}

/** String.hashCode */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The order java.util.Properties.store writes entries in on Java 9+ (Kafka 3.7's usual runtimes): Properties keeps
 * them in a ConcurrentHashMap of 16 bins, iterated bin by bin (spread(hashCode) & 15), each bin in insertion order.
 * So a KRaft file reads node.id, directory.id, version, cluster.id, as Kafka 3.7 writes it.
 */
export function javaPropertiesOrder(entries: ReadonlyArray<[string, string]>): Array<[string, string]> {
  const bin = (k: string) => {
    const h = javaHash(k);
    return (h ^ (h >>> 16)) & 0x7fffffff & 15;
  };
  return entries
    .map((e, i) => ({ e, i, b: bin(e[0]) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.e);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** java.util.Date.toString: "EEE MMM dd HH:mm:ss zzz yyyy" in local time ("Mon Dec 07 06:46:29 UTC 2026"). */
export function javaDateString(d: Date): string {
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zone === 'GMT' ? 'UTC' : zone} ${d.getFullYear()}`;
}

/** Properties.saveConvert for keys and values written by Kafka (ids and numbers): escapes the specials. */
function escape(s: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ' ' && (isKey || i === 0)) out += '\\ ';
    else if (c === '\\' || c === '=' || c === ':' || c === '#' || c === '!') out += `\\${c}`;
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\f') out += '\\f';
    else if (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e) out += `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

/** PropertiesUtils.writePropertiesFile's text: Properties.store(writer, "") — an empty comment line, the date, the entries. */
export function metaPropertiesText(meta: MetaProperties, now: Date = new Date()): string {
  const lines = ['#', `#${javaDateString(now)}`];
  for (const [k, v] of javaPropertiesOrder(meta.toProperties())) lines.push(`${escape(k, true)}=${escape(v, false)}`);
  return lines.join('\n') + '\n';
}
