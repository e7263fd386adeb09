/**
 * Plain TCP connections read into one buffer shared by every connection of the process (net.Socket's `onread`),
 * instead of a fresh 64 KB chunk per read. Node otherwise allocates each read's chunk outside the V8 heap; at
 * 200 MB/s of produce traffic that external memory made V8 run a scavenge or a full mark-compact every few
 * hundred milliseconds (a 15 MB heap collected only for "external memory pressure"), and each chunk was cold
 * memory to copy from. Kafka's Processor likewise reads into buffers it owns (NetworkReceive).
 *
 * Sharing one buffer is safe because a read's callback runs to completion on the event loop before the next read
 * of any socket: the receiver copies what it keeps (FrameDecoder with chunksReused) before returning.
 */
import * as net from 'net';

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
type AdoptOptions = net.SocketConstructorOpts & { handle: unknown; onread: { buffer: () => Buffer; callback: (nread: number, buf: Buffer) => boolean } };

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
 * Moves an accepted connection (from a server created with pauseOnConnect, so nothing was read yet) to a socket that
 * reads into the shared buffer, or straight into the frame being assembled once its size is known (a 1 MB produce
 * request is then copied once, by the kernel). `receiver` returns null until the connection exists. The accepted
 * socket object gives up its handle and is discarded. Returns null when the socket cannot be adopted (no handle,
 * e.g. it closed already): the caller then uses it as it is.
 */
export function adoptWithSharedReadBuffer(accepted: net.Socket, receiver: () => SharedReadReceiver | null): net.Socket | null {
  const internal = accepted as unknown as { _handle: { readStop?: () => number } | null };
  const handle = internal._handle;
  if (handle === null || typeof handle.readStop !== 'function' || accepted.destroyed) return null;
  const buffer = sharedBuffer();
  const opts: AdoptOptions = {
    handle,
    readable: true,
    writable: true,
    onread: {
      // Node calls this for each read's buffer: at the start and after every read (net.Socket's kBufferGen).
      buffer: (): Buffer => receiver()?.readTarget() ?? buffer,
      callback: (nread: number, buf: Buffer): boolean => {
        const r = receiver();
        if (r === null) return true;
        if (buf === buffer) r.receive(buffer.subarray(0, nread));
        else r.filledInPlace(nread);
        return true;
      },
    },
  };
  const sock = new net.Socket(opts as net.SocketConstructorOpts);
  // The accepted socket no longer owns the handle: destroying it closes nothing, only settles the server's count.
  internal._handle = null;
  accepted.destroy();
  return sock;
}
