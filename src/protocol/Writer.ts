/**
 * Big-endian writer with Kafka's primitive types. Output is a list of buffers: small fields are
 * accumulated in a growing scratch buffer, while large payloads (record batches read from disk)
 * are appended with `rawChunk` and never copied (DESIGN.md §3: network buffers are not copied twice).
 */
const TWO_32 = 4294967296;

export class Writer {
  private chunks: Buffer[] = [];
  private chunksLength = 0;
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.chunksLength + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }
  uint8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }
  int64(v: number): this {
    this.ensure(8);
    const hi = Math.floor(v / TWO_32);
    const lo = v - hi * TWO_32;
    this.buf.writeInt32BE(hi, this.pos);
    this.buf.writeUInt32BE(lo, this.pos + 4);
    this.pos += 8;
    return this;
  }
  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }
  uvarint(v: number): this {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
    return this;
  }
  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  varlong(v: number): this {
    if (v < 2 ** 52 && v > -(2 ** 52)) return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
    // Past 2^52 the zigzag value no longer fits a double exactly: encode through BigInt.
    const b = BigInt(v);
    let z = b >= 0n ? b * 2n : -b * 2n - 1n;
    this.ensure(10);
    while (z >= 0x80n) {
      this.buf[this.pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.pos++] = Number(z);
    return this;
  }
  /** Copies small raw bytes into the scratch buffer. */
  raw(b: Buffer): this {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
    return this;
  }
  /** Appends a buffer by reference (no copy): for record data. */
  rawChunk(b: Buffer): this {
    if (b.length < 512) return this.raw(b);
    this.flushScratch();
    this.chunks.push(b);
    this.chunksLength += b.length;
    return this;
  }
  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    const len = Buffer.byteLength(s, 'utf8');
    this.int16(len);
    this.ensure(len);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += len;
    return this;
  }
  string(s: string): this {
    return this.nullableString(s);
  }
  compactNullableString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    const len = Buffer.byteLength(s, 'utf8');
    this.uvarint(len + 1);
    this.ensure(len);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += len;
    return this;
  }
  compactString(s: string): this {
    return this.compactNullableString(s);
  }
  nullableBytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    return this.rawChunk(b);
  }
  bytes(b: Buffer): this {
    return this.nullableBytes(b);
  }
  compactNullableBytes(b: Buffer | null): this {
    if (b === null) return this.uvarint(0);
    this.uvarint(b.length + 1);
    return this.rawChunk(b);
  }
  compactBytes(b: Buffer): this {
    return this.compactNullableBytes(b);
  }
  /** Record data given as several buffers (a fetch response over several batches/segments). */
  recordsChunks(parts: Buffer[] | null, compact = false): this {
    if (parts === null) return compact ? this.uvarint(0) : this.int32(-1);
    let total = 0;
    for (const p of parts) total += p.length;
    if (compact) this.uvarint(total + 1);
    else this.int32(total);
    for (const p of parts) this.rawChunk(p);
    return this;
  }
  uuid(b: Buffer): this {
    if (b.length !== 16) throw new Error('uuid must be 16 bytes');
    return this.raw(b);
  }
  nullableArray<T>(items: readonly T[] | null, item: (w: Writer, v: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const v of items) item(this, v);
    return this;
  }
  array<T>(items: readonly T[], item: (w: Writer, v: T) => void): this {
    return this.nullableArray(items, item);
  }
  compactNullableArray<T>(items: readonly T[] | null, item: (w: Writer, v: T) => void): this {
    if (items === null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const v of items) item(this, v);
    return this;
  }
  compactArray<T>(items: readonly T[], item: (w: Writer, v: T) => void): this {
    return this.compactNullableArray(items, item);
  }
  /** We never send tagged fields (protocol.md §0 item 4: librdkafka < 2.2 mis-skips them). */
  emptyTaggedFields(): this {
    return this.uint8(0);
  }

  private flushScratch(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.chunksLength += this.pos;
    this.buf = Buffer.allocUnsafe(Math.max(256, this.buf.length - this.pos));
    this.pos = 0;
  }

  /** The written bytes as a list of buffers (valid until the writer is reused). */
  toBuffers(): Buffer[] {
    this.flushScratch();
    return this.chunks;
  }

  /** The written bytes as one buffer (copies when there are several chunks). */
  toBuffer(): Buffer {
    const parts = this.toBuffers();
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, this.chunksLength);
  }
}
