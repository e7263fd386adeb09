import { BufferPool } from '../common/BufferPool';

/** Frames above this size are not allocated on the size field's word alone: their buffer grows as the bytes arrive. */
const LARGE_FRAME = 16 * 1024 * 1024;
/** Where size fields and small frames are read; a large frame's first bytes land here too and are copied once. */
const SCRATCH_SIZE = 16 * 1024;

/**
 * Reads Kafka frames (int32 size + payload) from a socket straight into the buffers that hold them, as Kafka's
 * NetworkReceive reads into a ByteBuffer of the announced size: the socket's `onread` asks `nextBuffer()` where to
 * put the next bytes and reports how many arrived with `onRead(n)`. Size fields and small frames go to a scratch
 * buffer (small frames are copied out of it); once a frame's size is known, the rest of it is read into the frame
 * itself (from the pool), so a large fetch response is not read into 64 KB chunks and copied again. Bytes never
 * land past the frame being read, so no frame shares a buffer with the next.
 */
export class DirectReceive {
  private readonly scratch = Buffer.allocUnsafeSlow(SCRATCH_SIZE);
  /** Unconsumed bytes of the scratch buffer: [start, end). */
  private start = 0;
  private end = 0;
  /** The frame being read in place, its announced size and how much of it has arrived. */
  private frame: Buffer | null = null;
  private frameSize = 0;
  private filled = 0;

  constructor(
    private readonly pool: BufferPool | null,
    private readonly onFrame: (frame: Buffer) => void,
  ) {}

  /** Where the socket reads next: never empty (an empty buffer fails the read with ENOBUFS). */
  nextBuffer(): Buffer {
    if (this.frame !== null) return this.frame.subarray(this.filled);
    if (this.end === this.scratch.length) {
      // At most 3 bytes of a size field are left: move them to the front.
      this.scratch.copy(this.scratch, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    return this.scratch.subarray(this.end);
  }

  /**
   * `n` bytes arrived in the buffer nextBuffer() gave last. Throws on a negative size field (the caller closes the
   * connection); complete frames go to onFrame in order.
   */
  onRead(n: number): void {
    if (this.frame !== null) {
      this.filled += n;
      if (this.filled === this.frame.length && this.filled < this.frameSize) this.grow();
      if (this.filled === this.frameSize) this.completeFrame();
      return;
    }
    this.end += n;
    while (this.end - this.start >= 4) {
      const size = this.scratch.readInt32BE(this.start);
      if (size < 0) throw new Error(`invalid negative frame size ${size}`);
      const avail = this.end - this.start - 4;
      if (avail >= size) {
        // Copied out: the scratch buffer is overwritten by the next read, and the frame may be kept past it.
        const f = Buffer.allocUnsafe(size);
        this.scratch.copy(f, 0, this.start + 4, this.start + 4 + size);
        this.start += 4 + size;
        this.onFrame(f);
        continue;
      }
      // The frame continues beyond what arrived: its remaining bytes are read into it directly.
      this.frameSize = size;
      this.frame =
        size > LARGE_FRAME ? Buffer.allocUnsafe(Math.max(avail, SCRATCH_SIZE)) : this.pool !== null ? this.pool.alloc(size) : Buffer.allocUnsafe(size);
      this.scratch.copy(this.frame, 0, this.start + 4, this.end);
      this.filled = avail;
      this.start = this.end = 0;
      return;
    }
    if (this.start === this.end) this.start = this.end = 0;
  }

  /** A frame above LARGE_FRAME filled its buffer: double it (up to its announced size). */
  private grow(): void {
    const bigger = Buffer.allocUnsafe(Math.min(this.frameSize, this.frame!.length * 2));
    this.frame!.copy(bigger, 0, 0, this.filled);
    this.frame = bigger;
  }

  private completeFrame(): void {
    const f = this.frame!;
    this.frame = null;
    this.filled = this.frameSize = 0;
    this.onFrame(f);
  }
}
