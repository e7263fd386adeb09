/**
 * Kafka's generated *JsonConverter.write for metadata and control records, as kafka-dump-log prints them
 * (MetadataJsonConverters.writeJson, then Jackson's compact toString): one JSON object per struct with the
 * fields of that version in schema order under their camelCase names; a tagged field only when it differs from
 * its default; int8 to int64 as numbers, float64 as Java prints a double (1.0, 1.0E10), uuid as Kafka's base64
 * Uuid string, bytes as standard base64, null as null.
 */
import { javaDoubleToString } from '../common/config/ConfigDef';
import { Uuid } from '../common/Uuid';
import { FieldSpec, inVersions, propertyName, StructSpec } from '../protocol/messages/MessageSpec';

const INT_TYPES = new Set(['int8', 'int16', 'uint16', 'int32', 'int64']);

function isDefaultValue(spec: FieldSpec, v: unknown): boolean {
  const d = spec.default;
  if (v === null || v === undefined) return d === 'null' || v === undefined;
  if (d === 'null') return false;
  if (spec.type.startsWith('[]')) return Array.isArray(v) && v.length === 0;
  if (INT_TYPES.has(spec.type) || spec.type === 'float64') return v === (d === undefined ? 0 : Number(d));
  if (spec.type === 'bool') return v === (d === 'true');
  if (spec.type === 'string') return v === (d ?? '');
  if (spec.type === 'uuid') return Buffer.isBuffer(v) && v.equals(Uuid.ZERO_UUID.toBytes());
  if (spec.type === 'bytes') return Buffer.isBuffer(v) && v.length === 0;
  return false;
}

function scalarJson(type: string, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (INT_TYPES.has(type)) return String(v);
  if (type === 'float64') {
    const d = v as number;
    // Jackson quotes the non-numeric doubles by default (QUOTE_NON_NUMERIC_NUMBERS).
    return Number.isFinite(d) ? javaDoubleToString(d) : JSON.stringify(javaDoubleToString(d));
  }
  if (type === 'bool') return v ? 'true' : 'false';
  if (type === 'uuid') return JSON.stringify(Uuid.fromBytes(v as Buffer).toString());
  if (type === 'bytes' || type === 'records') return JSON.stringify((v as Buffer).toString('base64'));
  return JSON.stringify(String(v));
}

function fieldJson(spec: FieldSpec, v: unknown, version: number): string {
  if (v === null || v === undefined) return 'null';
  if (spec.type.startsWith('[]')) {
    const elem = spec.type.slice(2);
    const items = (v as unknown[]).map((e) => (spec.fields ? structJson(spec.fields, e as Record<string, unknown>, version) : scalarJson(elem, e)));
    return `[${items.join(',')}]`;
  }
  if (spec.fields) return structJson(spec.fields, v as Record<string, unknown>, version);
  return scalarJson(spec.type, v);
}

function structJson(fields: readonly FieldSpec[], o: Record<string, unknown>, version: number): string {
  const parts: string[] = [];
  for (const f of fields) {
    if (!inVersions(f.versions, version)) continue;
    const key = propertyName(f.name);
    const v = o[key];
    if (inVersions(f.taggedVersions, version) && isDefaultValue(f, v)) continue;
    parts.push(`${JSON.stringify(key)}:${fieldJson(f, v, version)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The JSON text Kafka's <Message>JsonConverter.write(message, version).toString() gives. */
export function messageToJson(spec: StructSpec, version: number, data: Record<string, unknown>): string {
  return structJson(spec.fields, data, version);
}
