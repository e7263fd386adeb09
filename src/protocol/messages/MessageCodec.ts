import { ProtocolError, Reader } from '../Reader';
import { Writer } from '../Writer';
import { FieldSpec, inVersions, parseVersions, propertyName, StructSpec, VersionRange } from './MessageSpec';

/**
 * Decoding and encoding derived from a message description (./MessageSpec.ts), as Kafka's generated
 * *Data classes do it (org.apache.kafka.common.protocol.Message): each version's layout is compiled once, the
 * first time it is used, into field readers and writers and a generated function per struct that calls them
 * (CompiledStruct.generateReader), so decoding costs about what a hand-written codec costs.
 *
 * - A field absent from a version reads as its default and is not written.
 * - Flexible versions (KIP-482) use compact strings, bytes and arrays (uvarint length + 1) and end every struct
 *   with a tagged-field section. Tagged fields this version knows are decoded; unknown tags are skipped, as
 *   Kafka keeps them aside and ignores them. A tagged field is written only when it differs from its default.
 * - int64 values are JS numbers (see Reader); uuid and bytes are Buffers; records are a Buffer slice of the
 *   frame when decoded and a Buffer or list of Buffers (written by reference) when encoded.
 * - Writing null where the version does not allow it throws, like Kafka's NullPointerException: a handler bug
 *   must not put a malformed response on the wire.
 */
type ReadFn = (r: Reader) => unknown;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type WriteFn = (w: Writer, v: any) => void;

interface CompiledField {
  readonly key: string;
  readonly spec: FieldSpec;
  /** Present in this version and not tagged: part of the fixed layout. */
  readonly regular: boolean;
  /** A tagged field in this version. */
  readonly tagged: boolean;
  readonly read: ReadFn;
  readonly write: WriteFn;
  readonly makeDefault: () => unknown;
  readonly isDefault: (v: unknown) => boolean;
}

const ZERO_UUID = Buffer.alloc(16);
const EMPTY = Buffer.alloc(0);

const INT_TYPES = new Set(['int8', 'int16', 'uint16', 'int32', 'int64', 'float64']);

/**
 * With KAFKA_MESSAGE_CHECKS=1 (the test suite sets it, and the brokers it starts inherit it) every written
 * object is checked for properties its description does not have: a handler that spells a field differently
 * from Kafka's schema would otherwise send the field's default without a word.
 */
const STRICT = process.env.KAFKA_MESSAGE_CHECKS === '1';

/** Reader methods a fixed-size field calls directly in generated code. */
const DIRECT_READ: Readonly<Record<string, string>> = {
  int8: 'r.int8()',
  int16: 'r.int16()',
  uint16: 'r.uint16()',
  int32: 'r.int32()',
  int64: 'r.int64()',
  float64: 'r.float64()',
  bool: 'r.bool()',
};

class CompiledStruct {
  readonly regular: CompiledField[];
  readonly tagged: CompiledField[];
  private readonly byTag = new Map<number, CompiledField>();
  /** Generated for this layout: one object literal of a fixed shape, one call site per field (see generateReader). */
  readonly read: (r: Reader) => Record<string, unknown>;
  private readonly writeFields: (w: Writer, o: Record<string, unknown>) => void;

  constructor(
    readonly fields: CompiledField[],
    readonly flexible: boolean,
  ) {
    this.regular = fields.filter((f) => f.regular);
    this.tagged = fields.filter((f) => f.tagged).sort((a, b) => a.spec.tag! - b.spec.tag!);
    for (const f of this.tagged) this.byTag.set(f.spec.tag!, f);
    this.read = this.generateReader();
    this.writeFields = this.generateWriter();
  }

  /**
   * Like Kafka's generated *Data.read, but built at run time: a loop over the fields would call every field's
   * reader from one call site (megamorphic, not inlinable) and grow each object property by property. The
   * generated function builds the object as one literal with every field in description order (absent fields
   * at their defaults), reads fixed-size fields with the Reader method itself, then reads the tag section.
   */
  private generateReader(): (r: Reader) => Record<string, unknown> {
    const props = this.fields.map((f, i) => {
      const direct = f.spec.type in DIRECT_READ && !f.spec.fields ? DIRECT_READ[f.spec.type] : null;
      const value = f.regular ? (direct ?? `R[${i}](r)`) : `D[${i}]()`;
      return `${JSON.stringify(f.key)}: ${value}`;
    });
    const body = `return function read(r) { const o = { ${props.join(', ')} }; ${this.flexible ? 'self.readTags(r, o); ' : ''}return o; };`;
    const make = new Function('R', 'D', 'self', body) as (R: ReadFn[], D: Array<() => unknown>, self: CompiledStruct) => (r: Reader) => Record<string, unknown>;
    return make(
      this.fields.map((f) => f.read),
      this.fields.map((f) => f.makeDefault),
      this,
    );
  }

  /** The writer's counterpart: one statement per field of the layout, in order; a missing property is its default. */
  private generateWriter(): (w: Writer, o: Record<string, unknown>) => void {
    const stmts = this.regular.map((f, i) => `v = o[${JSON.stringify(f.key)}]; W[${i}](w, v === undefined ? D[${i}]() : v);`);
    const body = `return function write(w, o) { let v; ${stmts.join(' ')} };`;
    const make = new Function('W', 'D', body) as (W: WriteFn[], D: Array<() => unknown>) => (w: Writer, o: Record<string, unknown>) => void;
    return make(
      this.regular.map((f) => f.write),
      this.regular.map((f) => f.makeDefault),
    );
  }

  readTags(r: Reader, o: Record<string, unknown>): void {
    const n = r.uvarint();
    for (let i = 0; i < n; i++) {
      const tag = r.uvarint();
      const size = r.uvarint();
      const start = r.offset;
      if (size > r.end - start) throw new ProtocolError(`tagged field ${tag} of ${size} bytes overruns the message`);
      const f = this.byTag.get(tag);
      if (f) {
        const sub = new Reader(r.buf, start, start + size);
        o[f.key] = f.read(sub);
        if (sub.offset !== sub.end) throw new ProtocolError(`tagged field ${f.spec.name} left ${sub.end - sub.offset} bytes unread`);
      }
      r.offset = start + size;
    }
  }

  write(w: Writer, o: Record<string, unknown>): void {
    if (STRICT) this.checkProperties(o);
    this.writeFields(w, o);
    if (this.flexible) this.writeTags(w, o);
  }

  private writeTags(w: Writer, o: Record<string, unknown>): void {
    let count = 0;
    for (const f of this.tagged) if (o[f.key] !== undefined && !f.isDefault(o[f.key])) count++;
    w.uvarint(count);
    if (count === 0) return;
    for (const f of this.tagged) {
      const v = o[f.key];
      if (v === undefined || f.isDefault(v)) continue;
      const tw = new Writer(64);
      f.write(tw, v);
      const body = tw.toBuffer();
      w.uvarint(f.spec.tag!).uvarint(body.length).raw(body);
    }
  }

  private checkProperties(o: Record<string, unknown>): void {
    for (const k of Object.keys(o)) {
      if (!this.fields.some((f) => f.key === k)) {
        throw new Error(`property ${k} is not a field of ${this.fields.map((f) => f.key).join(', ')}`);
      }
    }
  }

  makeDefault(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (const f of this.fields) o[f.key] = f.makeDefault();
    return o;
  }

  isDefault(o: Record<string, unknown>): boolean {
    for (const f of this.fields) if (o[f.key] !== undefined && !f.isDefault(o[f.key])) return false;
    return true;
  }
}

function nullError(spec: FieldSpec, version: number): ProtocolError {
  return new ProtocolError(`${spec.name} is null, which version ${version} does not allow`);
}

function primitiveReader(type: string): ReadFn {
  switch (type) {
    case 'int8':
      return (r) => r.int8();
    case 'int16':
      return (r) => r.int16();
    case 'uint16':
      return (r) => r.uint16();
    case 'int32':
      return (r) => r.int32();
    case 'int64':
      return (r) => r.int64();
    case 'float64':
      return (r) => r.float64();
    case 'bool':
      return (r) => r.bool();
    case 'uuid':
      // A copy, so a long-lived id does not pin the whole request frame.
      return (r) => Buffer.from(r.uuid());
  }
  throw new Error(`not a fixed-size type: ${type}`);
}

function primitiveWriter(type: string): WriteFn {
  switch (type) {
    case 'int8':
      return (w, v: number) => w.int8(v);
    case 'int16':
      return (w, v: number) => w.int16(v);
    case 'uint16':
      return (w, v: number) => w.uint16(v);
    case 'int32':
      return (w, v: number) => w.int32(v);
    case 'int64':
      return (w, v: number) => w.int64(v);
    case 'float64':
      return (w, v: number) => w.float64(v);
    case 'bool':
      return (w, v: boolean) => w.bool(v);
    case 'uuid':
      return (w, v: Buffer) => w.uuid(v);
  }
  throw new Error(`not a fixed-size type: ${type}`);
}

function primitiveDefault(spec: FieldSpec, type: string): unknown {
  const d = spec.default;
  if (type === 'bool') return d === 'true';
  if (type === 'uuid') return ZERO_UUID;
  if (INT_TYPES.has(type)) return d === undefined ? 0 : Number(d);
  throw new Error(`no default for ${type}`);
}

/** Reader and writer of one value of `type` (no array prefix), in this version's encoding. */
function valueCodec(spec: FieldSpec, type: string, version: number, flexible: boolean, nullable: boolean) {
  const name = spec.name;
  switch (type) {
    case 'string':
      return {
        read: flexible
          ? nullable
            ? (r: Reader) => r.compactNullableString()
            : (r: Reader) => r.compactString()
          : nullable
            ? (r: Reader) => r.nullableString()
            : (r: Reader) => r.string(),
        write: (w: Writer, v: string | null) => {
          if (v === null && !nullable) throw nullError(spec, version);
          if (flexible) w.compactNullableString(v);
          else w.nullableString(v);
        },
      };
    case 'bytes':
      return {
        read: flexible
          ? nullable
            ? (r: Reader) => r.compactNullableBytes()
            : (r: Reader) => r.compactBytes()
          : nullable
            ? (r: Reader) => r.nullableBytes()
            : (r: Reader) => r.bytes(),
        write: (w: Writer, v: Buffer | null) => {
          if (v === null && !nullable) throw nullError(spec, version);
          if (flexible) w.compactNullableBytes(v);
          else w.nullableBytes(v);
        },
      };
    case 'records':
      return {
        read: flexible ? (r: Reader) => r.compactNullableBytes() : (r: Reader) => r.nullableBytes(),
        write: (w: Writer, v: Buffer | Buffer[] | null) => {
          if (v === null && !nullable) throw nullError(spec, version);
          w.recordsChunks(v === null ? null : Array.isArray(v) ? v : [v], flexible);
        },
      };
  }
  if (INT_TYPES.has(type) || type === 'bool' || type === 'uuid') return { read: primitiveReader(type), write: primitiveWriter(type) };
  throw new Error(`${name}: unknown type ${type}`);
}

function compileField(spec: FieldSpec, version: number, msgFlexible: boolean): CompiledField {
  const key = propertyName(spec.name);
  const present = inVersions(spec.versions, version);
  const tagged = present && msgFlexible && inVersions(spec.taggedVersions, version);
  const flexible = spec.flexibleVersions !== undefined ? inVersions(spec.flexibleVersions, version) : msgFlexible;
  const nullable = inVersions(spec.nullableVersions, version);
  const nullDefault = spec.default === 'null';
  const isArray = spec.type.startsWith('[]');
  const elementType = isArray ? spec.type.slice(2) : spec.type;
  const isStruct = spec.fields !== undefined;

  let read: ReadFn;
  let write: WriteFn;
  let makeDefault: () => unknown;
  let isDefault: (v: unknown) => boolean;

  if (isStruct) {
    const struct = new CompiledStruct(
      spec.fields!.map((f) => compileField(f, version, flexible)),
      flexible,
    );
    if (isArray) {
      const readElem = (r: Reader) => struct.read(r);
      const writeElem = (w: Writer, v: Record<string, unknown>) => struct.write(w, v);
      read = arrayReader(flexible, nullable, readElem);
      write = arrayWriter(spec, version, flexible, nullable, writeElem);
      makeDefault = nullDefault ? () => null : () => [];
      isDefault = nullDefault ? (v) => v === null : (v) => Array.isArray(v) && v.length === 0;
    } else {
      // A nullable struct is preceded by an int8: -1 null, 1 present (Kafka's generated code).
      read = nullable ? (r) => (r.int8() < 0 ? null : struct.read(r)) : (r) => struct.read(r);
      write = (w, v: Record<string, unknown> | null) => {
        if (v === null) {
          if (!nullable) throw nullError(spec, version);
          w.int8(-1);
          return;
        }
        if (nullable) w.int8(1);
        struct.write(w, v);
      };
      makeDefault = nullDefault ? () => null : () => struct.makeDefault();
      isDefault = nullDefault ? (v) => v === null : (v) => v !== null && struct.isDefault(v as Record<string, unknown>);
    }
  } else if (isArray) {
    const elem = valueCodec(spec, elementType, version, flexible, false);
    read = arrayReader(flexible, nullable, elem.read);
    write = arrayWriter(spec, version, flexible, nullable, elem.write);
    makeDefault = nullDefault ? () => null : () => [];
    isDefault = nullDefault ? (v) => v === null : (v) => Array.isArray(v) && v.length === 0;
  } else {
    const codec = valueCodec(spec, elementType, version, flexible, nullable);
    read = codec.read;
    write = codec.write;
    if (elementType === 'string') {
      const d = nullDefault ? null : (spec.default ?? '');
      makeDefault = () => d;
      isDefault = (v) => v === d;
    } else if (elementType === 'bytes' || elementType === 'records') {
      const d = nullDefault || elementType === 'records' ? null : EMPTY;
      makeDefault = () => d;
      isDefault = d === null ? (v) => v === null : (v) => Buffer.isBuffer(v) && v.length === 0;
    } else if (elementType === 'uuid') {
      makeDefault = () => ZERO_UUID;
      isDefault = (v) => Buffer.isBuffer(v) && v.equals(ZERO_UUID);
    } else {
      const d = primitiveDefault(spec, elementType);
      makeDefault = () => d;
      isDefault = (v) => v === d;
    }
  }
  return { key, spec, regular: present && !tagged, tagged, read, write, makeDefault, isDefault };
}

function arrayReader(flexible: boolean, nullable: boolean, elem: ReadFn): ReadFn {
  if (flexible) return nullable ? (r) => r.compactNullableArray(elem) : (r) => r.compactArray(elem);
  return nullable ? (r) => r.nullableArray(elem) : (r) => r.array(elem);
}

function arrayWriter(spec: FieldSpec, version: number, flexible: boolean, nullable: boolean, elem: WriteFn): WriteFn {
  return (w, v: unknown[] | null) => {
    if (v === null && !nullable) throw nullError(spec, version);
    if (flexible) w.compactNullableArray(v, elem);
    else w.nullableArray(v, elem);
  };
}

/** One message (a request or a response body, or a standalone data schema) in every version its description gives. */
export class MessageCodec<T> {
  readonly versions: VersionRange;
  private readonly flexibleVersions: VersionRange;
  private readonly compiled: Array<CompiledStruct | undefined> = [];

  constructor(readonly spec: StructSpec) {
    this.versions = parseVersions(spec.validVersions);
    this.flexibleVersions = parseVersions(spec.flexibleVersions);
  }

  /** The first flexible version, or Infinity. */
  get firstFlexibleVersion(): number {
    return this.flexibleVersions.lowest;
  }

  isFlexible(version: number): boolean {
    return version >= this.flexibleVersions.lowest && version <= this.flexibleVersions.highest;
  }

  read(r: Reader, version: number): T {
    return this.layout(version).read(r) as T;
  }

  write(w: Writer, version: number, value: T): void {
    this.layout(version).write(w, value as Record<string, unknown>);
  }

  /** A message of this version with every field at its default. */
  defaults(version: number): T {
    return this.layout(version).makeDefault() as T;
  }

  private layout(version: number): CompiledStruct {
    let s = this.compiled[version];
    if (s) return s;
    if (!(version >= this.versions.lowest && version <= this.versions.highest)) {
      throw new ProtocolError(`${this.spec.name} has no version ${version} (valid ${this.spec.validVersions})`);
    }
    const flexible = this.isFlexible(version);
    s = new CompiledStruct(
      this.spec.fields.map((f) => compileField(f, version, flexible)),
      flexible,
    );
    this.compiled[version] = s;
    return s;
  }
}
