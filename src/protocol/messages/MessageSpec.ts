/**
 * The shape of a message description: Kafka's message schema format
 * (clients/src/main/resources/common/message/README.md) as TypeScript data, so that one description per
 * message gives every version's layout, and ./MessageCodec.ts derives decoding and encoding from it.
 */

/** A version range as Kafka writes it: "3+", "0-7", "5" or "none". */
export type VersionSpec = string;

export interface FieldSpec {
  /** Kafka's field name (PascalCase, a few camelCase); the decoded object uses it with a lower-case first letter. */
  readonly name: string;
  /** int8 int16 uint16 int32 int64 float64 bool string bytes uuid records, a struct name, or []element. */
  readonly type: string;
  readonly versions: VersionSpec;
  readonly nullableVersions?: VersionSpec;
  /** Versions in which the field is a tagged field (KIP-482) with number `tag`. */
  readonly taggedVersions?: VersionSpec;
  readonly tag?: number;
  /** Overrides the message's flexible versions for this field (only the header's ClientId uses it). */
  readonly flexibleVersions?: VersionSpec;
  /** Kafka's default, as written in the schema ("null", "-1", "true", "0x7fffffff"...). */
  readonly default?: string;
  /** Kafka may drop the field silently when writing a version that lacks it. */
  readonly ignorable?: boolean;
  /** The fields of a struct or of an array's struct elements. */
  readonly fields?: readonly FieldSpec[];
}

/** What every schema has, whatever its kind: what ./MessageCodec.ts needs to lay it out. */
export interface StructSpec {
  readonly name: string;
  readonly validVersions: VersionSpec;
  readonly flexibleVersions: VersionSpec;
  /** The last valid version is still in development in this Kafka release: not advertised. */
  readonly latestVersionUnstable?: boolean;
  readonly fields: readonly FieldSpec[];
}

export interface MessageSpec extends StructSpec {
  /** The API key, or for a metadata record its record type. */
  readonly apiKey: number;
  /** request/response: the wire protocol; metadata: a KRaft metadata record (schemas without an API key are DataSpecs). */
  readonly type: 'request' | 'response' | 'metadata';
}

/**
 * A standalone `"type": "data"` schema, which has no API key: control records (LeaderChangeMessage,
 * SnapshotHeaderRecord...), stored state (QuorumStateData).
 */
export interface DataSpec extends StructSpec {
  readonly type: 'data';
}

export interface VersionRange {
  readonly lowest: number;
  /** Infinity for "N+". */
  readonly highest: number;
}

const NONE: VersionRange = { lowest: Infinity, highest: -Infinity };

export function parseVersions(spec: VersionSpec): VersionRange {
  if (spec === 'none') return NONE;
  if (spec.endsWith('+')) return { lowest: Number(spec.slice(0, -1)), highest: Infinity };
  const dash = spec.indexOf('-');
  if (dash >= 0) return { lowest: Number(spec.slice(0, dash)), highest: Number(spec.slice(dash + 1)) };
  const v = Number(spec);
  return { lowest: v, highest: v };
}

export function inVersions(spec: VersionSpec | undefined, version: number): boolean {
  if (spec === undefined) return false;
  const r = parseVersions(spec);
  return version >= r.lowest && version <= r.highest;
}

/** 'ThrottleTimeMs' -> 'throttleTimeMs': the property name a decoded message uses for a field. */
export function propertyName(fieldName: string): string {
  return fieldName.charAt(0).toLowerCase() + fieldName.slice(1);
}
