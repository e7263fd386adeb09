/**
 * A frame that spans chunks is assembled in a buffer of its own size, filled as the chunks arrive (one copy, as
 * Kafka's NetworkReceive reads into a ByteBuffer of the announced size). With a pool, large frames are assembled
 * in recycled buffers: a fresh 1 MB buffer per produce request costs page faults, cold cache lines and GC
 * pressure (external memory) that cost more than the copy itself. The owner gives a frame back with `release`
 * only when nothing refers to its bytes any more.
 */
export class ReceiveBufferPool {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;
  /** Buffers handed out and not yet given back: only these may be released (a second release is ignored). */
  private readonly lent = new WeakSet<ArrayBuffer>();

  constructor(
    /** Frames smaller than this are allocated as before (small frames mostly arrive whole, as slices of a chunk). */
    readonly minSize = 32 * 1024,
    /** Larger frames are not pooled (socket.request.max.bytes may be 100 MB). */
    readonly maxSize = 16 * 1024 * 1024,
    /** What the free list may hold at most. */
    readonly maxFreeBytes = 32 * 1024 * 1024,
  ) {}

  /** A buffer of exactly `size` bytes (uninitialized): a slice of a pooled buffer when the size is pooled. */
  acquire(size: number): Buffer {
    if (size < this.minSize || size > this.maxSize) return Buffer.allocUnsafe(size);
    // 64 KB steps: requests of nearly the same size share buffers.
    const rounded = Math.ceil(size / 65536) * 65536;
    let buf: Buffer | undefined;
    for (let i = this.free.length - 1; i >= 0; i--) {
      const b = this.free[i];
      // Reuse a buffer that fits without wasting more than half of it.
      if (b.length >= size && b.length <= 2 * rounded) {
        buf = b;
        this.free.splice(i, 1);
        this.freeBytes -= b.length;
        break;
      }
    }
    buf ??= Buffer.allocUnsafeSlow(rounded);
    this.lent.add(buf.buffer);
    return buf.subarray(0, size);
  }

  /** Gives back a frame returned by `acquire`; anything else (or a second release) is ignored. */
  release(frame: Buffer): void {
    const ab = frame.buffer;
    if (!this.lent.has(ab)) return;
    this.lent.delete(ab);
    const whole = Buffer.from(ab, 0, ab.byteLength);
    if (this.freeBytes + whole.length > this.maxFreeBytes) return;
    this.free.push(whole);
    this.freeBytes += whole.length;
  }

  /** Bytes held in the free list. */
  get pooledBytes(): number {
    return this.freeBytes;
  }
}
