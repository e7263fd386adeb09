/**
 * Splits a TCP byte stream into Kafka frames (int32 size + payload). Pure: feed it chunks, it
 * returns complete frames as slices of the input where possible (no copy when a frame lies
 * inside one chunk). Oversized or negative sizes raise FrameTooLargeError so the caller can close
 * that connection, as Kafka's NetworkReceive does with socket.request.max.bytes.
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

export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingLength = 0;

  constructor(private maxFrameSize: number) {}

  /** A new limit for the frames still to come (the SocketServer lowers it until SASL authentication completes). */
  setMaxFrameSize(max: number): void {
    this.maxFrameSize = max;
  }

  /** Bytes buffered but not yet part of a complete frame. */
  get buffered(): number {
    return this.pendingLength;
  }

  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let buf: Buffer;
    if (this.pendingLength === 0) {
      buf = chunk;
    } else {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      // Avoid re-concatenating a large frame on every chunk: wait until it is complete.
      if (this.pendingLength < 4) return frames;
      if (this.pending[0].length >= 4) {
        const size = this.pending[0].readInt32BE(0);
        if (size >= 0 && size <= this.maxFrameSize && this.pendingLength < 4 + size) return frames;
      }
      buf = Buffer.concat(this.pending, this.pendingLength);
      this.pending = [];
      this.pendingLength = 0;
    }
    let pos = 0;
    while (buf.length - pos >= 4) {
      const size = buf.readInt32BE(pos);
      if (size < 0) throw new InvalidFrameSizeError(size);
      if (size > this.maxFrameSize) throw new FrameTooLargeError(size, this.maxFrameSize);
      if (buf.length - pos - 4 < size) break;
      frames.push(buf.subarray(pos + 4, pos + 4 + size));
      pos += 4 + size;
    }
    if (pos < buf.length) {
      // Keep only the unconsumed tail. Copy it so a small tail does not pin a large chunk.
      const rest = Buffer.from(buf.subarray(pos));
      this.pending.push(rest);
      this.pendingLength = rest.length;
    }
    return frames;
  }
}
