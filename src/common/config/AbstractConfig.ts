/**
 * org.apache.kafka.common.config.AbstractConfig: properties parsed against a ConfigDef-like key table, typed
 * getters that throw ConfigException naming the key, and the text forms DescribeConfigs and the start-up log
 * show. KafkaConfig builds the broker's derived values on top of it.
 */
import { ConfigException, ConfigKey, ConfigType, ConfigValue, RawValue, parseType } from './ConfigDef';

export type Props = Readonly<Record<string, RawValue>>;

export class AbstractConfig {
  /** The properties as supplied (after overrides), including unknown keys. */
  readonly originals: Readonly<Record<string, RawValue>>;
  private readonly values = new Map<string, ConfigValue>();
  private readonly texts = new Map<string, string>();

  constructor(
    protected readonly defs: ReadonlyMap<string, ConfigKey>,
    props: Props,
  ) {
    this.originals = Object.freeze({ ...props });
    for (const key of defs.values()) this.parseKey(key, props);
  }

  // ---- typed getters (AbstractConfig.getX); they throw for unknown keys or a type mismatch ----
  getInt(name: string): number {
    return this.typed(name, ['INT']) as number;
  }
  getShort(name: string): number {
    return this.typed(name, ['SHORT']) as number;
  }
  getLong(name: string): number {
    return this.typed(name, ['LONG']) as number;
  }
  getDouble(name: string): number {
    return this.typed(name, ['DOUBLE']) as number;
  }
  getBoolean(name: string): boolean {
    return this.typed(name, ['BOOLEAN']) as boolean;
  }
  getString(name: string): string | null {
    return this.typed(name, ['STRING', 'PASSWORD', 'CLASS']) as string | null;
  }
  getList(name: string): string[] {
    return (this.typed(name, ['LIST']) as string[] | null) ?? [];
  }

  /** The value as Kafka's ConfigDef.convertToString gives it (DescribeConfigs): lists joined by ",", null if unset. */
  valueString(name: string): string | null {
    const key = this.key(name);
    const v = this.values.get(name) ?? null;
    if (v === null) return null;
    if (key.type === 'LIST') return (v as string[]).join(',');
    if (key.type === 'CLASS' || key.type === 'PASSWORD') return String(v);
    return this.texts.get(name) ?? String(v);
  }

  /** Whether the key was supplied (AbstractConfig.originals().containsKey). */
  isSupplied(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.originals, name);
  }

  /** Supplied keys that are not configs of this kind (Kafka logs "was supplied but isn't a known config"). */
  unknownKeys(): string[] {
    return Object.keys(this.originals)
      .filter((k) => !this.defs.has(k))
      .sort();
  }

  /** AbstractConfig.logAll: "<class> values: " then sorted `\tkey = value` lines (Java toString forms). */
  logValues(): string {
    const lines = [`${this.constructor.name} values: `];
    for (const name of [...this.defs.keys()].sort()) lines.push(`\t${name} = ${this.texts.get(name) ?? 'null'}`);
    return lines.join('\n') + '\n';
  }

  private parseKey(key: ConfigKey, props: Props): void {
    const given = Object.prototype.hasOwnProperty.call(props, key.name) ? (props[key.name] as RawValue | undefined) : undefined;
    const raw: RawValue | null = given !== undefined ? given : key.defaultValue;
    if (raw === null) {
      this.values.set(key.name, null);
      this.texts.set(key.name, 'null');
      return;
    }
    const parsed = parseType(key.name, raw, key.type);
    key.validator?.ensureValid(key.name, parsed.value);
    this.values.set(key.name, parsed.value);
    this.texts.set(key.name, parsed.text);
  }

  private key(name: string): ConfigKey {
    const key = this.defs.get(name);
    if (!key) throw new ConfigException(`Unknown configuration '${name}'`, name);
    return key;
  }

  private typed(name: string, types: ConfigType[]): ConfigValue {
    const key = this.key(name);
    if (!types.includes(key.type)) throw new ConfigException(`${name} is of type ${key.type}, not ${types[0]}`, name);
    return this.values.get(name) ?? null;
  }

  protected getOptional(name: string): number | null {
    return (this.values.get(name) as number | null | undefined) ?? null;
  }
}
