/**
 * Big-endian reader over one request/response buffer, with Kafka's primitive types
 * (org.apache.kafka.common.protocol.types). int64 values are returned as JS numbers:
 * offsets, timestamps and producer ids stay below 2^53 in practice, and numbers keep the
 * hot path free of BigInt allocation.
 */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const TWO_32 = 4294967296;

export class Reader {
  offset: number;
  constructor(
    readonly buf: Buffer,
    offset = 0,
    readonly end = buf.length,
  ) {
    this.offset = offset;
  }

  remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number): void {
    if (this.offset + n > this.end) {
      throw new ProtocolError(`buffer underflow: need ${n} bytes at ${this.offset}, have ${this.end - this.offset}`);
    }
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.offset++);
  }
  uint8(): number {
    this.need(1);
    return this.buf[this.offset++];
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  uint16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  int64(): number {
    this.need(8);
    const hi = this.buf.readInt32BE(this.offset);
    const lo = this.buf.readUInt32BE(this.offset + 4);
    this.offset += 8;
    return hi * TWO_32 + lo;
  }
  float64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }
  /** Unsigned LEB128 varint (flexible-version lengths and tags). */
  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      this.need(1);
      const b = this.buf[this.offset++];
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
      shift += 7;
    }
    throw new ProtocolError('uvarint longer than 5 bytes');
  }
  /** Zigzag signed varint (record fields). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  /** Zigzag signed varlong (record timestamp delta). Up to 10 bytes. */
  varlong(): number {
    let value = 0;
    let shift = 0;
    const start = this.offset;
    for (let i = 0; i < 10; i++) {
      this.need(1);
      const b = this.buf[this.offset++];
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (value < 2 ** 53) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
        return this.varlongBig(start);
      }
      shift += 7;
    }
    throw new ProtocolError('varlong longer than 10 bytes');
  }

  /** Exact decode through BigInt for zigzag values past 2^53 (rare: only extreme timestamps). */
  private varlongBig(start: number): number {
    let z = 0n;
    let shift = 0n;
    for (let i = start; i < this.offset; i++) {
      z |= BigInt(this.buf[i] & 0x7f) << shift;
      shift += 7n;
    }
    return Number((z & 1n) === 0n ? z >> 1n : -((z + 1n) >> 1n));
  }
  raw(n: number): Buffer {
    if (n < 0) throw new ProtocolError(`negative length ${n}`);
    this.need(n);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }
  /** Nullable string with int16 length (-1 = null). */
  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    this.need(len);
    const s = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return s;
  }
  string(): string {
    const s = this.nullableString();
    if (s === null) throw new ProtocolError('null in non-nullable string');
    return s;
  }
  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const len = n - 1;
    this.need(len);
    const s = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return s;
  }
  compactString(): string {
    const s = this.compactNullableString();
    if (s === null) throw new ProtocolError('null in non-nullable compact string');
    return s;
  }
  /** Nullable bytes with int32 length; returns a slice (no copy). */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    return this.raw(len);
  }
  bytes(): Buffer {
    const b = this.nullableBytes();
    if (b === null) throw new ProtocolError('null in non-nullable bytes');
    return b;
  }
  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.raw(n - 1);
  }
  compactBytes(): Buffer {
    const b = this.compactNullableBytes();
    if (b === null) throw new ProtocolError('null in non-nullable compact bytes');
    return b;
  }
  uuid(): Buffer {
    return this.raw(16);
  }
  /** Array with int32 count (-1 = null). */
  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const n = this.int32();
    if (n < 0) return null;
    this.checkCount(n);
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = item(this);
    return out;
  }
  array<T>(item: (r: Reader) => T): T[] {
    const a = this.nullableArray(item);
    if (a === null) throw new ProtocolError('null in non-nullable array');
    return a;
  }
  compactNullableArray<T>(item: (r: Reader) => T): T[] | null {
    const n = this.uvarint();
    if (n === 0) return null;
    this.checkCount(n - 1);
    const out: T[] = new Array(n - 1);
    for (let i = 0; i < n - 1; i++) out[i] = item(this);
    return out;
  }
  compactArray<T>(item: (r: Reader) => T): T[] {
    const a = this.compactNullableArray(item);
    if (a === null) throw new ProtocolError('null in non-nullable compact array');
    return a;
  }
  /** Skips a tagged-field section (KIP-482): we understand no tags, so all are skipped. */
  taggedFields(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint(); // tag
      const size = this.uvarint();
      this.raw(size);
    }
  }

  /** An element needs at least one byte, so a count above the remaining bytes is malformed. */
  private checkCount(n: number): void {
    if (n > this.end - this.offset) {
      throw new ProtocolError(`array count ${n} exceeds remaining ${this.end - this.offset} bytes`);
    }
  }
}
