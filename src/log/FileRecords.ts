/**
 * Kafka's FileRecords: the `.log` file of one segment, whole record batches back to back. Positional,
 * synchronous I/O on an fd kept open (the OS page cache is the cache); appends are one positional write.
 */
import * as fs from 'fs';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { HEADER_SIZE, LOG_OVERHEAD, batchSizeAt, lastOffsetAt, readInt64 } from '../protocol/records/RecordBatch';

const SCAN_CHUNK = 1 << 20;
/** Bytes needed to read baseOffset, length, magic and lastOffsetDelta. */
const PEEK = 27;
/** Batch boundaries remembered per segment: the ends of recent reads (consumers, followers) and so the high watermark. */
const KNOWN = 8;

function emptyAt(firstOffset: number, position: number): SegmentReadResult {
  return { records: Buffer.alloc(0), firstOffset, nextOffset: firstOffset, position, reachedEnd: false };
}

export interface SegmentReadResult {
  /** Whole batches (possibly empty). */
  records: Buffer;
  /** Base offset of the first returned batch (or of the batch that did not fit). */
  firstOffset: number;
  /** lastOffset + 1 of the last returned batch; firstOffset when nothing was returned. */
  nextOffset: number;
  /** Position of the first batch in the segment file. */
  position: number;
  /** True when the read consumed the segment up to its end: the caller may continue with the next segment. */
  reachedEnd: boolean;
}

/** One batch met by a walk: its bytes lie at `buf[off, off + size)` (headers only unless read whole). */
interface BatchRef {
  buf: Buffer;
  off: number;
  /** Position of the batch in the file. */
  pos: number;
  size: number;
}

export class FileRecords {
  private fd: number;
  private _size: number;
  private dirty = false;

  /** Opens `file`, created empty (and emptied) when `fresh`. */
  constructor(
    readonly file: string,
    fresh: boolean,
  ) {
    this.fd = fs.openSync(file, fresh ? 'w+' : 'r+');
    this._size = fs.fstatSync(this.fd).size;
  }

  get size(): number {
    return this._size;
  }
  get isDirty(): boolean {
    return this.dirty;
  }
  get isOpen(): boolean {
    return this.fd >= 0;
  }

  /** Writes `buf` at the end with one positional write; returns the position it starts at. */
  append(buf: Buffer): number {
    const start = this._size;
    let done = 0;
    while (done < buf.length) done += fs.writeSync(this.fd, buf, done, buf.length - done, start + done);
    this._size += buf.length;
    this.dirty = true;
    return start;
  }

  /** Up to `length` bytes from `position` (fewer at the end of the file). */
  readAt(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    const done = this.readInto(buf, position);
    return done === length ? buf : buf.subarray(0, done);
  }

  truncateTo(size: number): void {
    this.forgetKnownPositions();
    fs.ftruncateSync(this.fd, size);
    this._size = size;
    this.dirty = true;
  }

  /**
   * Walks batches from `start` to the end of the file, reading 1 MiB at a time; `whole` makes each batch's
   * bytes available whole, else only its header. Throws CORRUPT_MESSAGE at a torn or undersized batch.
   */
  *batchesFrom(start: number, whole: boolean): Generator<BatchRef> {
    let chunk = Buffer.alloc(0);
    let chunkStart = start;
    let pos = start;
    const ref: BatchRef = { buf: chunk, off: 0, pos, size: 0 };
    while (pos < this._size) {
      let rel = pos - chunkStart;
      if (rel + HEADER_SIZE > chunk.length) {
        chunk = this.readAt(pos, Math.min(this._size - pos, SCAN_CHUNK));
        chunkStart = pos;
        rel = 0;
      }
      if (this._size - pos < LOG_OVERHEAD || chunk.length - rel < HEADER_SIZE) {
        throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Torn batch header at position ${pos} (${this._size - pos} bytes left)`);
      }
      const size = batchSizeAt(chunk, rel);
      if (size < HEADER_SIZE) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Record batch size ${size} is smaller than the minimum overhead ${HEADER_SIZE}`);
      if (pos + size > this._size) {
        throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Torn batch at position ${pos}: size ${size}, ${this._size - pos} bytes left`);
      }
      if (whole && rel + size > chunk.length) {
        chunk = this.readAt(pos, Math.min(this._size - pos, Math.max(SCAN_CHUNK, size)));
        chunkStart = pos;
        rel = 0;
      }
      ref.buf = chunk;
      ref.off = rel;
      ref.pos = pos;
      ref.size = size;
      yield ref;
      pos += size;
    }
  }

  /**
   * LogSegment.read's file part (searchForOffsetWithSize + slice): from `startPos` (an index lookup), skips to the
   * first batch with lastOffset >= startOffset, then returns whole batches below `end`, stopping before the
   * first batch whose lastOffset >= maxOffsetExclusive and before exceeding maxSize (except the first batch
   * when minOneMessage). Null when no batch has lastOffset >= startOffset.
   *
   * One positional read per call. When an earlier read ended where this one starts (a consumer or follower
   * continuing), the start is known exactly and so is the end when maxOffsetExclusive (the high watermark, the
   * LSO) is a batch boundary an earlier read met (Kafka's LogOffsetMetadata position): exactly the bytes up to
   * min(end, start + maxSize) are read. Otherwise the read covers the index interval to skip as well
   * (`chunkLen` bytes from the index entry). `alloc` supplies the buffer read into (the fetch path's pool).
   */
  read(
    startPos: number,
    startOffset: number,
    maxSize: number,
    end: number,
    minOneMessage: boolean,
    maxOffsetExclusive: number,
    chunkLen: number,
    alloc: (size: number) => Buffer = Buffer.allocUnsafe,
  ): SegmentReadResult | null {
    const knownEnd = this.knownPosition(maxOffsetExclusive);
    if (knownEnd >= 0 && knownEnd < end) end = knownEnd;
    const knownStart = this.knownPosition(startOffset);
    if (knownStart >= startPos) startPos = knownStart;
    const r =
      knownStart >= 0 && knownStart >= startPos ? this.readFromBatch(startPos, startOffset, maxSize, end, minOneMessage, maxOffsetExclusive, alloc) : undefined;
    const res = r !== undefined ? r : this.readAfterSkip(startPos, startOffset, maxSize, end, minOneMessage, maxOffsetExclusive, chunkLen, alloc);
    if (res !== null && res.records.length > 0) this.remember(res.nextOffset, res.position + res.records.length);
    return res;
  }

  /**
   * The read when `pos` is known to be the start of the batch holding startOffset: one read of exactly
   * min(end - pos, maxSize) bytes (a second only for a first batch larger than maxSize, KIP-74). Undefined
   * when the bytes there are not that batch (then the caller searches from the index).
   */
  private readFromBatch(
    pos: number,
    startOffset: number,
    maxSize: number,
    end: number,
    minOneMessage: boolean,
    maxOffsetExclusive: number,
    alloc: (size: number) => Buffer,
  ): SegmentReadResult | null | undefined {
    if (pos + PEEK > end) return null;
    let data = alloc(Math.min(end - pos, Math.max(maxSize, PEEK)));
    data = data.subarray(0, this.readInto(data, pos));
    if (data.length < PEEK || lastOffsetAt(data, 0) < startOffset || batchSizeAt(data, 0) < HEADER_SIZE) return undefined;
    const firstSize = batchSizeAt(data, 0);
    const firstBase = readInt64(data, 0);
    if (pos + firstSize > end || (firstSize > maxSize && !minOneMessage)) return emptyAt(firstBase, pos);
    if (firstSize > data.length) {
      // KIP-74: a first batch larger than maxSize is returned whole.
      data = alloc(firstSize);
      if (this.readInto(data, pos) < firstSize) return undefined;
    }
    return this.wholeBatches(data, pos, firstBase, maxOffsetExclusive);
  }

  /** The read from an index entry: skips the batches below startOffset within one read of `chunkLen` bytes. */
  private readAfterSkip(
    startPos: number,
    startOffset: number,
    maxSize: number,
    end: number,
    minOneMessage: boolean,
    maxOffsetExclusive: number,
    chunkLen: number,
    alloc: (size: number) => Buffer,
  ): SegmentReadResult | null {
    let pos = startPos;
    let chunk = Buffer.alloc(0);
    let chunkStart = pos;
    let firstSize: number;
    let firstBase: number;
    for (;;) {
      if (pos + PEEK > end) return null;
      let rel = pos - chunkStart;
      if (rel + PEEK > chunk.length) {
        const len = Math.min(end - pos, chunkLen);
        chunk = alloc(len);
        chunk = chunk.subarray(0, this.readInto(chunk, pos));
        chunkStart = pos;
        rel = 0;
        if (chunk.length < PEEK) return null;
      }
      const size = batchSizeAt(chunk, rel);
      if (size < HEADER_SIZE) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Record batch size ${size} is smaller than the minimum overhead ${HEADER_SIZE}`);
      if (lastOffsetAt(chunk, rel) >= startOffset) {
        firstSize = size;
        firstBase = readInt64(chunk, rel);
        break;
      }
      pos += size;
    }
    const budget = minOneMessage ? Math.max(maxSize, firstSize) : maxSize;
    if (pos + firstSize > end || firstSize > budget) return emptyAt(firstBase, pos);
    const limit = Math.min(end, pos + budget);
    let data: Buffer;
    if (chunkStart <= pos && chunkStart + chunk.length >= limit) {
      data = chunk.subarray(pos - chunkStart, limit - chunkStart);
    } else {
      data = alloc(limit - pos);
      data = data.subarray(0, this.readInto(data, pos));
    }
    return this.wholeBatches(data, pos, firstBase, maxOffsetExclusive);
  }

  /** The whole batches at the front of `data` (read at `pos`) below maxOffsetExclusive. */
  private wholeBatches(data: Buffer, pos: number, firstBase: number, maxOffsetExclusive: number): SegmentReadResult {
    let q = 0;
    let nextOffset = firstBase;
    let stoppedByOffset = false;
    while (q + PEEK <= data.length) {
      const size = batchSizeAt(data, q);
      if (size < HEADER_SIZE || q + size > data.length) break;
      const last = lastOffsetAt(data, q);
      if (last >= maxOffsetExclusive) {
        stoppedByOffset = true;
        break;
      }
      nextOffset = last + 1;
      q += size;
    }
    return {
      records: data.subarray(0, q),
      firstOffset: firstBase,
      nextOffset,
      position: pos,
      reachedEnd: !stoppedByOffset && pos + q >= this._size,
    };
  }

  /** Fills `buf` from `position` (less at the end of the file); returns the bytes read. */
  private readInto(buf: Buffer, position: number): number {
    let done = 0;
    while (done < buf.length) {
      const n = fs.readSync(this.fd, buf, done, buf.length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  /**
   * Batch boundaries met by reads, most recent first: the first batch with lastOffset >= knownOffsets[i] starts at
   * knownPositions[i]. They hold until a truncation (appends only add batches after them).
   */
  private readonly knownOffsets: number[] = new Array<number>(KNOWN).fill(-1);
  private readonly knownPositions: number[] = new Array<number>(KNOWN).fill(-1);
  private knownNext = 0;

  /** Position of the first batch with lastOffset >= `offset` if a read met it; -1 when unknown. */
  knownPosition(offset: number): number {
    const o = this.knownOffsets;
    for (let i = 0; i < KNOWN; i++) if (o[i] === offset) return this.knownPositions[i];
    return -1;
  }

  private remember(offset: number, position: number): void {
    if (this.knownPosition(offset) >= 0) return;
    this.knownOffsets[this.knownNext] = offset;
    this.knownPositions[this.knownNext] = position;
    this.knownNext = (this.knownNext + 1) % KNOWN;
  }

  private forgetKnownPositions(): void {
    this.knownOffsets.fill(-1);
    this.knownPositions.fill(-1);
  }

  /** FileRecords.searchForOffsetWithSize: position of the first batch from `startPos` with lastOffset >= offset, or null. */
  searchForOffset(offset: number, startPos: number): number | null {
    for (const b of this.batchesFrom(startPos, false)) {
      if (lastOffsetAt(b.buf, b.off) >= offset) return b.pos;
    }
    return null;
  }

  flush(): void {
    if (!this.dirty) return;
    fs.fsyncSync(this.fd);
    this.dirty = false;
  }

  /** fsync in the libuv pool (Kafka flushes a rolled segment asynchronously). */
  flushAsync(): void {
    if (!this.dirty) return;
    this.dirty = false;
    fs.fsync(this.fd, () => undefined);
  }

  close(): void {
    if (this.fd < 0) return;
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  /** Closes and removes the file. */
  deleteIfExists(): void {
    this.close();
    fs.rmSync(this.file, { force: true });
  }
}
