import { FieldSpec, inVersions, propertyName, StructSpec } from '../../src/protocol/messages/MessageSpec';

/**
 * A message of `version` with every field present in that version set to a pseudo-random value of its
 * type (deterministic per seed), for golden tests that compare two encoders of the same description.
 */
export function randomMessage(spec: StructSpec, version: number, seed = 1): Record<string, unknown> {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const str = (): string => ['', 'a', 'topic-1', 'ünï', 'x'.repeat(int(0, 40))][int(0, 4)];

  function value(f: FieldSpec, type: string): unknown {
    switch (type) {
      case 'int8':
        return int(-128, 127);
      case 'int16':
        return int(-32768, 32767);
      case 'uint16':
        return int(0, 65535);
      case 'int32':
        return int(-2147483648, 2147483647);
      case 'int64':
        return int(-(2 ** 40), 2 ** 40);
      case 'float64':
        return next() * 1000;
      case 'bool':
        return next() < 0.5;
      case 'string':
        return str();
      case 'bytes':
      case 'records':
        return Buffer.from(str());
      case 'uuid':
        return Buffer.from(Array.from({ length: 16 }, () => int(0, 255)));
    }
    throw new Error(`${f.name}: type ${type}`);
  }

  function field(f: FieldSpec): unknown {
    if (inVersions(f.nullableVersions, version) && next() < 0.2) return null;
    const isArray = f.type.startsWith('[]');
    const elem = isArray ? f.type.slice(2) : f.type;
    const one = (): unknown => (f.fields ? struct(f.fields) : value(f, elem));
    if (!isArray) return one();
    return Array.from({ length: int(0, 3) }, one);
  }

  function struct(fields: readonly FieldSpec[]): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (const f of fields) if (inVersions(f.versions, version)) o[propertyName(f.name)] = field(f);
    return o;
  }

  return struct(spec.fields);
}
