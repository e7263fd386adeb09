import { BufferPool } from '../common/BufferPool';

/**
 * Splits a TCP byte stream into Kafka frames (int32 size + payload). Pure: feed it chunks, it
 * returns complete frames as slices of the input where possible (no copy when a frame lies
 * inside one chunk); a frame spanning chunks is copied once into a buffer of its size (from a pool if given).
 * Oversized or negative sizes raise FrameTooLargeError so the caller can close that connection, as Kafka's NetworkReceive does with socket.request.max.bytes.
 */
export class FrameTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(`frame size ${size} is larger than socket.request.max.bytes (${max})`);
    this.name = 'FrameTooLargeError';
  }
}

export class InvalidFrameSizeError extends Error {
  constructor(readonly size: number) {
    super(`invalid negative frame size ${size}`);
    this.name = 'InvalidFrameSizeError';
  }
}

/** Frames above this size are gathered chunk by chunk and joined once complete, not allocated up front. */
const LARGE_FRAME = 16 * 1024 * 1024;

export class FrameDecoder {
  /** Up to 3 bytes of a size field split across chunks. */
  private readonly header = Buffer.alloc(4);
  private headerLength = 0;
  /** The frame being assembled across chunks (exactly its size), and how much of it has arrived. */
  private partial: Buffer | null = null;
  private partialFilled = 0;
  /** A frame too large to allocate before it arrived: its chunks, joined when complete. */
  private largeChunks: Buffer[] | null = null;
  private largeSize = 0;

  constructor(
    private maxFrameSize: number,
    /** Where frames spanning chunks are assembled; without one, a fresh buffer each. */
    private readonly pool: BufferPool | null = null,
    /**
     * The caller reuses each chunk's memory once push() returns (a socket reading into one shared buffer): every
     * frame is then copied out of it, none is a slice of a chunk.
     */
    private readonly chunksReused = false,
  ) {}

  /** A new limit for the frames still to come (the SocketServer lowers it until SASL authentication completes). */
  setMaxFrameSize(max: number): void {
    this.maxFrameSize = max;
  }

  /** Bytes buffered but not yet part of a complete frame. */
  get buffered(): number {
    return this.partial !== null || this.largeChunks !== null ? 4 + this.partialFilled : this.headerLength;
  }

  /**
   * Gives a frame back to the pool once nothing refers to its bytes (the caller knows: e.g. a produce request
   * whose records were written). Frames that were slices of a chunk, or not from the pool, are ignored.
   */
  release(frame: Buffer): void {
    this.pool?.release(frame);
  }

  /**
   * Where the next bytes of the stream may be read in place: the rest of the frame being assembled (a socket reading
   * exactly that much, as Kafka's NetworkReceive reads into the payload buffer once it knows the size), or null.
   * After such a read, call filledInPlace with the byte count instead of push.
   */
  readTarget(): Buffer | null {
    return this.partial !== null ? this.partial.subarray(this.partialFilled) : null;
  }

  /** `n` bytes were read into readTarget(): returns the frame when it is complete. */
  filledInPlace(n: number): Buffer[] {
    const p = this.partial;
    if (p === null || n > p.length - this.partialFilled) throw new Error(`filledInPlace(${n}) without room for it`);
    this.partialFilled += n;
    if (this.partialFilled < p.length) return [];
    this.partial = null;
    this.partialFilled = 0;
    return [p];
  }

  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let pos = 0;
    const end = chunk.length;
    if (this.largeChunks !== null) {
      const n = Math.min(this.largeSize - this.partialFilled, end);
      this.largeChunks.push(this.chunksReused ? Buffer.from(chunk.subarray(0, n)) : chunk.subarray(0, n));
      this.partialFilled += n;
      if (this.partialFilled < this.largeSize) return frames;
      frames.push(Buffer.concat(this.largeChunks, this.largeSize));
      this.largeChunks = null;
      this.partialFilled = 0;
      pos = n;
    } else if (this.partial !== null) {
      const p = this.partial;
      const n = Math.min(p.length - this.partialFilled, end);
      chunk.copy(p, this.partialFilled, 0, n);
      this.partialFilled += n;
      if (this.partialFilled < p.length) return frames;
      frames.push(p);
      this.partial = null;
      this.partialFilled = 0;
      pos = n;
    } else if (this.headerLength > 0) {
      const n = Math.min(4 - this.headerLength, end);
      chunk.copy(this.header, this.headerLength, 0, n);
      this.headerLength += n;
      if (this.headerLength < 4) return frames;
      this.headerLength = 0;
      pos = this.startFrame(this.checkedSize(this.header.readInt32BE(0)), chunk, n, frames);
    }
    while (pos < end) {
      if (end - pos < 4) {
        chunk.copy(this.header, 0, pos, end);
        this.headerLength = end - pos;
        break;
      }
      pos = this.startFrame(this.checkedSize(chunk.readInt32BE(pos)), chunk, pos + 4, frames);
    }
    return frames;
  }

  private checkedSize(size: number): number {
    if (size < 0) throw new InvalidFrameSizeError(size);
    if (size > this.maxFrameSize) throw new FrameTooLargeError(size, this.maxFrameSize);
    return size;
  }

  /** A frame of `size` bytes whose payload starts at `pos`: a slice when the chunk holds it all, else assembled. */
  private startFrame(size: number, chunk: Buffer, pos: number, frames: Buffer[]): number {
    const avail = chunk.length - pos;
    if (avail >= size) {
      if (this.chunksReused) {
        const f = this.pool !== null ? this.pool.alloc(size) : Buffer.allocUnsafe(size);
        chunk.copy(f, 0, pos, pos + size);
        frames.push(f);
      } else {
        frames.push(chunk.subarray(pos, pos + size));
      }
      return pos + size;
    }
    if (size > LARGE_FRAME) {
      // Not allocated on the size field's word alone: a peer announcing 100 MB must send them first.
      this.largeChunks = [Buffer.from(chunk.subarray(pos))];
      this.largeSize = size;
      this.partialFilled = avail;
      return chunk.length;
    }
    const p = this.pool !== null ? this.pool.alloc(size) : Buffer.allocUnsafe(size);
    chunk.copy(p, 0, pos, chunk.length);
    this.partial = p;
    this.partialFilled = avail;
    return chunk.length;
  }
}
