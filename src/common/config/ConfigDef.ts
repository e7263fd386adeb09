/**
 * A small port of org.apache.kafka.common.config.ConfigDef: typed keys with defaults, validators,
 * importance and documentation, parsed from string properties with Kafka's rules and error wording.
 * Split out of KafkaConfig.ts so the key table and the KafkaConfig class stay readable.
 */

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';

/** A parsed config value (Kafka's Object): numbers for INT/SHORT/LONG/DOUBLE, string[] for LIST. */
export type ConfigValue = string | number | boolean | string[] | null;

/** What a caller may pass for a key: Kafka's Properties hold strings; typed values are accepted like AbstractConfig does. */
export type RawValue = string | number | boolean | string[];

/**
 * ConfigException with Kafka's message shape: `Invalid value <v> for configuration <name>: <msg>`
 * (ConfigException(name, value, message)), or a free message. `name` always names the key involved.
 */
export class ConfigException extends Error {
  readonly configName: string | undefined;
  constructor(message: string, configName?: string);
  constructor(name: string, value: unknown, message: string);
  constructor(a: string, b?: unknown, c?: string) {
    if (c !== undefined) {
      super(`Invalid value ${javaToString(b)} for configuration ${a}: ${c}`);
      this.configName = a;
    } else {
      super(a);
      this.configName = typeof b === 'string' ? b : undefined;
    }
    this.name = 'ConfigException';
  }
}

export interface Validator {
  ensureValid(name: string, value: ConfigValue): void;
  toString(): string;
}

/** ConfigDef.Range: inclusive bounds, compared as doubles like Kafka. */
export function atLeast(min: number): Validator {
  return between(min, null);
}

function between(min: number | null, max: number | null): Validator {
  return {
    ensureValid(name, value) {
      if (value === null) throw new ConfigException(name, null, 'Value must be non-null');
      const n = value as number;
      if (min !== null && n < min) throw new ConfigException(name, value, `Value must be at least ${min}`);
      if (max !== null && n > max) throw new ConfigException(name, value, `Value must be no more than ${max}`);
    },
    toString: () => (max === null ? `[${min},...]` : min === null ? `[...,${max}]` : `[${min},...,${max}]`),
  };
}

/** ConfigDef.ValidString.in */
export function validString(...valid: string[]): Validator {
  return {
    ensureValid(name, value) {
      if (!valid.includes(value as string)) {
        throw new ConfigException(name, value, `String must be one of: ${valid.join(', ')}`);
      }
    },
    toString: () => `[${valid.join(', ')}]`,
  };
}

/** ConfigDef.ValidList.in: every element must be one of the valid strings (the element is reported). */
export function validList(...valid: string[]): Validator {
  const inner = validString(...valid);
  return {
    ensureValid(name, value) {
      for (const s of (value as string[] | null) ?? []) inner.ensureValid(name, s);
    },
    toString: () => inner.toString(),
  };
}

export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  /** Default in its property-file (string) form; null = no value (Kafka's `null` default). */
  readonly defaultValue: string | null;
  readonly validator?: Validator;
  readonly importance: Importance;
  readonly doc: string;
}

/** Kafka's (Java's) Integer/Short/Long.parseX accept an optional sign then decimal digits. */
const INTEGER_RE = /^[+-]?[0-9]+$/;
/** Java's Double.parseDouble forms we accept (decimal, exponent, NaN/Infinity, d/f suffix). */
const DOUBLE_RE = /^[+-]?(NaN|Infinity|(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)[fFdD]?)$/;
const COMMA_WITH_WHITESPACE = /\s*,\s*/;

const LIMITS: Record<'INT' | 'SHORT' | 'LONG', [bigint, bigint]> = {
  SHORT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  LONG: [-9223372036854775808n, 9223372036854775807n],
};

/** A parsed value plus the text Java's toString would print for it (exact for longs beyond 2^53). */
interface Parsed {
  value: ConfigValue;
  text: string;
}

/** ConfigDef.parseType: string values are trimmed; numbers must be in the type's range. */
export function parseType(name: string, raw: RawValue, type: ConfigType): Parsed {
  const notNumber = () => new ConfigException(name, raw, `Not a number of type ${type}`);
  const trimmed = typeof raw === 'string' ? raw.trim() : null;
  switch (type) {
    case 'BOOLEAN': {
      if (typeof raw === 'boolean') return { value: raw, text: String(raw) };
      const t = trimmed?.toLowerCase();
      if (t === 'true' || t === 'false') return { value: t === 'true', text: t };
      throw new ConfigException(name, raw, 'Expected value to be either true or false');
    }
    case 'STRING':
    case 'CLASS':
    case 'PASSWORD': {
      if (trimmed === null) {
        throw new ConfigException(name, raw, `Expected value to be a string, but it was a ${jsTypeName(raw)}`);
      }
      const text = type === 'PASSWORD' ? '[hidden]' : type === 'CLASS' ? `class ${trimmed}` : trimmed;
      return { value: trimmed, text };
    }
    case 'INT':
    case 'SHORT':
    case 'LONG': {
      let big: bigint;
      if (typeof raw === 'number' && Number.isInteger(raw)) big = BigInt(raw);
      else if (trimmed !== null && INTEGER_RE.test(trimmed)) big = BigInt(trimmed);
      else if (trimmed !== null) throw notNumber();
      else throw new ConfigException(name, raw, `Expected value to be a ${integerKind(type)}, but it was a ${jsTypeName(raw)}`);
      const [lo, hi] = LIMITS[type];
      if (big < lo || big > hi) throw notNumber();
      return { value: Number(big), text: big.toString() };
    }
    case 'DOUBLE': {
      let d: number;
      if (typeof raw === 'number') d = raw;
      else if (trimmed !== null && DOUBLE_RE.test(trimmed)) d = Number(trimmed.replace(/[fFdD]$/, ''));
      else if (trimmed !== null) throw notNumber();
      else throw new ConfigException(name, raw, `Expected value to be a double, but it was a ${jsTypeName(raw)}`);
      return { value: d, text: javaDoubleToString(d) };
    }
    case 'LIST': {
      let list: string[];
      if (Array.isArray(raw)) list = raw;
      else if (trimmed !== null) list = trimmed.length === 0 ? [] : trimmed.split(COMMA_WITH_WHITESPACE);
      else throw new ConfigException(name, raw, 'Expected a comma separated list.');
      return { value: list, text: `[${list.join(', ')}]` };
    }
  }
}

function integerKind(type: ConfigType): string {
  return type === 'INT' ? '32-bit integer' : type === 'SHORT' ? '16-bit integer (short)' : '64-bit integer (long)';
}

function jsTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'java.util.List';
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? 'java.lang.Integer' : 'java.lang.Double';
    case 'boolean':
      return 'java.lang.Boolean';
    case 'string':
      return 'java.lang.String';
    default:
      return typeof v;
  }
}

/** Java's String.valueOf for the values we print in messages (lists as `[a, b]`). */
function javaToString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return String(v);
}

/** Java's Double.toString: `1.0`, `0.5`, `1.0E7`, `1.7976931348623157E308`, `1.0E-4`. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, exp] = d.toExponential().split('e');
  const m = mant.includes('.') ? mant : `${mant}.0`;
  return `${m}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}
