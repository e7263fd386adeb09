/**
 * Plain TCP connections read into one buffer shared by every connection of the process (net.Socket's `onread`),
 * instead of a fresh 64 KB chunk per read. Node otherwise allocates each read's chunk outside the V8 heap; at
 * 200 MB/s of produce traffic that external memory made V8 run a scavenge or a full mark-compact every few
 * hundred milliseconds (a 15 MB heap collected only for "external memory pressure"), and each chunk was cold
 * memory to copy from. Kafka's Processor likewise reads into buffers it owns (NetworkReceive).
 *
 * Sharing one buffer is safe because a read's callback runs to completion on the event loop before the next read
 * of any socket: the receiver copies what it keeps (FrameDecoder with chunksReused) before returning. The broker's
 * connections and NetworkClient's (the replica fetchers' responses) both read this way, with one FrameDecoder each.
 */
import * as net from 'net';
import { FrameDecoder } from '../protocol/FrameDecoder';

/** One read takes at most this much: a 1 MB produce request arrives in four reads. */
const SHARED_READ_SIZE = 256 * 1024;

let shared: Buffer | null = null;

/** The process's read buffer, allocated on first use (a broker with no client connection never needs it). */
function sharedBuffer(): Buffer {
  shared ??= Buffer.allocUnsafeSlow(SHARED_READ_SIZE);
  return shared;
}

/**
 * net.Socket's constructor options as Node 20 takes them: `handle` adopts an accepted connection (internal), `onread`
 * (documented since Node 12) reads into a caller's buffer; the installed @types/node lists neither.
 */
type AdoptOptions = net.SocketConstructorOpts & { handle: unknown; onread: OnReadOpts };

/** net.Socket's `onread` with a buffer chosen per read (Node's kBufferGen). */
export interface OnReadOpts {
  buffer: () => Buffer;
  callback: (nread: number, buf: Buffer) => boolean;
}

/** Where an adopted connection's reads go: its own buffer for the rest of a frame, else the shared buffer. */
export interface SharedReadReceiver {
  /** Bytes read into the shared buffer (valid only during the call). */
  receive(chunk: Buffer): void;
  /** The rest of the frame being assembled, to read into directly (no copy), or null. */
  readTarget(): Buffer | null;
  /** `n` bytes were read into the last readTarget(). */
  filledInPlace(n: number): void;
}

/**
 * net.Socket `onread` options reading into the shared buffer, or straight into the frame being assembled once its size
 * is known (a 1 MB produce request or fetch response is then copied once, by the kernel). Used by the broker's adopted
 * connections and by NetworkClient's plaintext connections (`net.connect({ onread })`), so both sides read one way.
 * `receiver` returns null until the connection exists (reads are then dropped: none happen before it does).
 * `readSize` caps a read into the shared buffer: the bytes of a frame that land there are copied into the frame, so a
 * connection receiving mostly large frames (NetworkClient: fetch responses) reads less there before switching to
 * in-place reads; one receiving many small frames (the broker: pipelined produce requests) takes more per read.
 */
export function sharedReadOpts(receiver: () => SharedReadReceiver | null, readSize = SHARED_READ_SIZE): OnReadOpts {
  // One view object, reused: callback tells shared-buffer reads from in-place ones by identity.
  const buffer = sharedBuffer().subarray(0, Math.min(readSize, SHARED_READ_SIZE));
  return {
    // Node calls this for each read's buffer: at the start and after every read (net.Socket's kBufferGen).
    buffer: (): Buffer => receiver()?.readTarget() ?? buffer,
    callback: (nread: number, buf: Buffer): boolean => {
      const r = receiver();
      if (r === null) return true;
      if (buf === buffer) r.receive(buffer.subarray(0, nread));
      else r.filledInPlace(nread);
      return true;
    },
  };
}

/**
 * A connection's receiver, on both sides (KafkaConnection, NetworkClient): one FrameDecoder (size parsing, in-place
 * assembly, copy-out of frames from the shared buffer, size limits, the >16 MB rule) handing each read's complete
 * frames to `onFrames`. A bad size field calls `onError` once (the caller closes that connection; Kafka's
 * NetworkReceive throws InvalidReceiveException) and the connection's later reads are ignored. TLS sockets feed their
 * 'data' chunks to receive() (with a decoder whose frames may be slices of those chunks).
 */
export class FrameReceiver implements SharedReadReceiver {
  private failed = false;

  constructor(
    private readonly decoder: FrameDecoder,
    private readonly onFrames: (frames: Buffer[]) => void,
    private readonly onError: (e: Error) => void,
  ) {}

  readTarget(): Buffer | null {
    return this.failed ? null : this.decoder.readTarget();
  }

  filledInPlace(n: number): void {
    this.onFrames(this.decoder.filledInPlace(n));
  }

  receive(chunk: Buffer): void {
    if (this.failed) return;
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (e) {
      this.failed = true;
      this.onError(e as Error);
      return;
    }
    this.onFrames(frames);
  }
}

/**
 * Moves an accepted connection (from a server created with pauseOnConnect, so nothing was read yet) to a socket that
 * reads with sharedReadOpts. Node 20 has no public way to give an accepted connection an `onread`: the new socket
 * adopts the accepted one's handle through net.Socket's internal `handle` option (what net.Server itself uses), and
 * the accepted socket object gives up its handle and is discarded. Returns null when the socket cannot be adopted (no
 * handle, e.g. it closed already): the caller then uses it as it is, with 'data' events.
 */
export function adoptWithSharedReadBuffer(accepted: net.Socket, receiver: () => SharedReadReceiver | null): net.Socket | null {
  const internal = accepted as unknown as { _handle: { readStop?: () => number } | null };
  const handle = internal._handle;
  if (handle === null || typeof handle.readStop !== 'function' || accepted.destroyed) return null;
  const opts: AdoptOptions = { handle, readable: true, writable: true, onread: sharedReadOpts(receiver) };
  const sock = new net.Socket(opts as net.SocketConstructorOpts);
  // The accepted socket no longer owns the handle: destroying it closes nothing, only settles the server's count.
  internal._handle = null;
  accepted.destroy();
  return sock;
}
