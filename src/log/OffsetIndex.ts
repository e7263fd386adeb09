/**
 * Sparse index files of a segment (Kafka's `AbstractIndex` and `OffsetIndex`).
 *
 * Kafka maps the file; we keep the same on-disk format and life cycle with positional I/O:
 * - a new index file is preallocated to maxIndexSize rounded down to the entry size (a sparse file);
 * - entries are written through with one small positional write each (every log.index.interval.bytes);
 * - the file is trimmed to its real size when its segment rolls or the log closes (`trimToValidSize`);
 * - an existing file counts length / entrySize entries, as Kafka does, so a preallocated index left by an
 *   unclean shutdown fails the sanity check and is rebuilt by recovery.
 * The entries are mirrored in memory, loaded lazily on first use (Kafka's LazyIndex), for binary search.
 * No file descriptor is held until the index is read or written: Kafka closes an index file once it is
 * mapped, so a broker needs one descriptor per segment (its .log), not three; with 10,000 partitions on a
 * broker three each would pass a 20,000 open-file limit.
 */
import * as fs from 'fs';

export abstract class AbstractIndex {
  /** The open descriptor, or -1 while none is needed (see `fd`). */
  private _fd = -1;
  private closed = false;
  private mem: Buffer | null = null;
  protected _entries: number;
  private _maxEntries: number;
  private _length: number;

  constructor(
    readonly file: string,
    readonly baseOffset: number,
    public maxIndexSize: number,
    readonly entrySize: number,
  ) {
    const existed = fs.existsSync(file);
    const fd = fs.openSync(file, existed ? 'r+' : 'w+');
    try {
      if (existed) {
        this._length = fs.fstatSync(fd).size;
      } else {
        this._length = this.roundDown(maxIndexSize);
        fs.ftruncateSync(fd, this._length);
      }
    } finally {
      fs.closeSync(fd);
    }
    // A new file is preallocated: it holds no entries yet (Kafka's AbstractIndex sets _entries from the
    // mmap position, which is 0 for a new file and length/entrySize for an existing one).
    this._entries = existed ? Math.floor(this._length / entrySize) : 0;
    this._maxEntries = Math.floor((existed ? this._length : this.roundDown(maxIndexSize)) / entrySize);
  }

  /** The file's descriptor, opened on first use and kept until close(); using a closed index fails (EBADF). */
  protected get fd(): number {
    if (this._fd < 0) {
      if (this.closed) throw Object.assign(new Error(`EBADF: index ${this.file} is closed`), { code: 'EBADF' });
      this._fd = fs.openSync(this.file, 'r+');
    }
    return this._fd;
  }

  /** Sets the file's length without opening a descriptor only for that. */
  private truncateFile(length: number): void {
    if (this._fd >= 0 || this.closed) fs.ftruncateSync(this.fd, length);
    else fs.truncateSync(this.file, length);
  }

  get entries(): number {
    return this._entries;
  }
  get maxEntries(): number {
    return this._maxEntries;
  }
  /** Current file length in bytes (preallocated or trimmed). */
  get length(): number {
    return this._length;
  }
  get sizeInBytes(): number {
    return this._entries * this.entrySize;
  }
  isFull(): boolean {
    return this._entries >= this._maxEntries;
  }

  protected roundDown(n: number): number {
    return n - (n % this.entrySize);
  }

  /** Entry bytes, loaded from the file on first use. */
  protected buffer(): Buffer {
    if (this.mem === null) {
      const bytes = this._entries * this.entrySize;
      const mem = Buffer.alloc(Math.max(bytes, 64 * this.entrySize));
      let done = 0;
      while (done < bytes) {
        const n = fs.readSync(this.fd, mem, done, bytes - done, done);
        if (n === 0) break;
        done += n;
      }
      this.mem = mem;
    }
    return this.mem;
  }

  /** Appends one encoded entry; callers check isFull() (the time index keeps one spare slot). */
  protected writeEntry(entry: Buffer): void {
    if (this._entries >= this._maxEntries) throw new Error(`Attempt to append to a full index (size = ${this._entries}) ${this.file}`);
    let mem = this.buffer();
    const pos = this._entries * this.entrySize;
    if (pos + this.entrySize > mem.length) {
      const grown = Buffer.alloc(Math.min(mem.length * 2, this._maxEntries * this.entrySize) || this.entrySize);
      mem.copy(grown, 0, 0, pos);
      this.mem = mem = grown;
    }
    entry.copy(mem, pos, 0, this.entrySize);
    fs.writeSync(this.fd, mem, pos, this.entrySize, pos);
    this._entries++;
  }

  /** Largest slot whose key <= target, or -1 (Kafka's largestLowerBoundSlotFor). */
  protected lowerBoundSlot(target: number, keyAt: (buf: Buffer, slot: number) => number): number {
    const n = this._entries;
    if (n === 0) return -1;
    const buf = this.buffer();
    if (keyAt(buf, 0) > target) return -1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (keyAt(buf, mid) <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Keeps the first `n` entries (the file keeps its length, as Kafka's truncateToEntries). */
  protected truncateToEntries(n: number): void {
    this._entries = Math.max(0, Math.min(n, this._entries));
    this.onTruncated();
  }

  protected onTruncated(): void {
    // subclasses refresh their cached last entry
  }

  /** Sets the file length (rounded down to the entry size); entries beyond it are dropped. */
  resize(newSize: number): void {
    const rounded = this.roundDown(newSize);
    if (rounded !== this._length) this.truncateFile(rounded);
    this._length = rounded;
    this._maxEntries = rounded / this.entrySize;
    if (this._entries > this._maxEntries) this.truncateToEntries(this._maxEntries);
  }

  trimToValidSize(): void {
    this.resize(this._entries * this.entrySize);
  }

  /** Removes every entry and preallocates again (recovery rebuilds from scratch). */
  reset(): void {
    this._entries = 0;
    this.mem = Buffer.alloc(64 * this.entrySize);
    this.onTruncated();
    this.truncateFile(0);
    this._length = 0;
    this.resize(this.maxIndexSize);
  }

  flush(): void {
    if (this._fd >= 0 || this.closed) {
      fs.fsyncSync(this.fd);
      return;
    }
    // fsync is per file, not per descriptor: one opened for it syncs what earlier descriptors wrote.
    const fd = fs.openSync(this.file, 'r+');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  close(): void {
    if (this.closed) return;
    this.trimToValidSize();
    this.closed = true;
    if (this._fd >= 0) fs.closeSync(this._fd);
    this._fd = -1;
    this.mem = null;
  }

  /** Closes and removes the file. */
  deleteIfExists(): void {
    this.closed = true;
    if (this._fd >= 0) {
      fs.closeSync(this._fd);
      this._fd = -1;
    }
    fs.rmSync(this.file, { force: true });
  }
}

interface OffsetPosition {
  offset: number;
  position: number;
}

const OFFSET_ENTRY_SIZE = 8;

/** `.index`: 4-byte offset relative to the segment's base offset + 4-byte position in the .log file. */
export class OffsetIndex extends AbstractIndex {
  private _lastOffset: number;
  private readonly scratch = Buffer.alloc(OFFSET_ENTRY_SIZE);

  constructor(file: string, baseOffset: number, maxIndexSize: number) {
    super(file, baseOffset, maxIndexSize, OFFSET_ENTRY_SIZE);
    this._lastOffset = this.readLastEntryFromFile().offset;
  }

  /** The last entry without loading the index (a single 8-byte read). */
  private readLastEntryFromFile(): OffsetPosition {
    if (this._entries === 0) return { offset: this.baseOffset, position: 0 };
    const b = Buffer.alloc(OFFSET_ENTRY_SIZE);
    fs.readSync(this.fd, b, 0, OFFSET_ENTRY_SIZE, (this._entries - 1) * OFFSET_ENTRY_SIZE);
    return { offset: this.baseOffset + b.readInt32BE(0), position: b.readInt32BE(4) };
  }

  protected override onTruncated(): void {
    this._lastOffset = this._entries === 0 ? this.baseOffset : this.entry(this._entries - 1).offset;
  }

  get lastOffset(): number {
    return this._lastOffset;
  }

  entry(slot: number): OffsetPosition {
    const buf = this.buffer();
    const p = slot * OFFSET_ENTRY_SIZE;
    return { offset: this.baseOffset + buf.readInt32BE(p), position: buf.readInt32BE(p + 4) };
  }

  /** Whether `offset` fits the 4-byte relative offset of this index. */
  canAppendOffset(offset: number): boolean {
    const rel = offset - this.baseOffset;
    return rel >= 0 && rel <= 0x7fffffff;
  }

  append(offset: number, position: number): void {
    if (this._entries !== 0 && offset <= this._lastOffset) {
      throw new Error(
        `Attempt to append an offset (${offset}) to position ${this._entries} no larger than the last offset appended (${this._lastOffset}) to ${this.file}.`,
      );
    }
    this.scratch.writeInt32BE(offset - this.baseOffset, 0);
    this.scratch.writeInt32BE(position, 4);
    this.writeEntry(this.scratch);
    this._lastOffset = offset;
  }

  /** Largest entry with offset <= target, or (baseOffset, 0). */
  lookup(targetOffset: number): OffsetPosition {
    const slot = this.lowerBoundSlot(targetOffset - this.baseOffset, (b, s) => b.readInt32BE(s * OFFSET_ENTRY_SIZE));
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(slot);
  }

  /** Removes entries with offset >= `offset`. */
  truncateTo(offset: number): void {
    const rel = offset - this.baseOffset;
    const slot = this.lowerBoundSlot(rel, (b, s) => b.readInt32BE(s * OFFSET_ENTRY_SIZE));
    const keep = slot < 0 ? 0 : this.buffer().readInt32BE(slot * OFFSET_ENTRY_SIZE) === rel ? slot : slot + 1;
    this.truncateToEntries(keep);
  }

  /**
   * Kafka's OffsetIndex.sanityCheck, plus: the last entry must point inside the .log file.
   * Throws when the file is not a valid index for this segment (the caller then rebuilds it).
   */
  sanityCheck(logSize: number): void {
    if (this._entries !== 0 && this._lastOffset < this.baseOffset) {
      throw new Error(
        `Corrupt index found, index file (${this.file}) has non-zero size but the last offset is ${this._lastOffset} which is less than the base offset ${this.baseOffset}.`,
      );
    }
    if (this.length % OFFSET_ENTRY_SIZE !== 0) {
      throw new Error(`Index file ${this.file} is corrupt, found ${this.length} bytes which is not a multiple of ${OFFSET_ENTRY_SIZE}.`);
    }
    if (this._entries !== 0) {
      const last = this.readLastEntryFromFile();
      // No entry ever points at position 0 (the first batch is never indexed): a zeroed, preallocated tail.
      if (last.position === 0 || last.position >= logSize) {
        throw new Error(`Corrupt index found, index file (${this.file}) has last entry at position ${last.position}, outside (0, ${logSize}).`);
      }
    }
  }
}
