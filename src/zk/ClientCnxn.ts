/**
 * Makes node-zookeeper-client's connection (its ConnectionManager) fail the way ZooKeeper's own
 * ClientCnxn.SendThread does: whatever goes wrong while reading a server's bytes closes that one socket
 * ("Closing socket connection. Attempting reconnect") and the driver's reconnect logic takes over.
 *
 * The driver parses server bytes inside its socket 'data' handler, so anything it throws there (an unknown
 * error code such as `Unknown code: -86310912`, a short frame's RangeError) became an uncaught exception
 * that killed the process. That happens for real while an ensemble forms: a client closed while still
 * waiting for its ConnectResponse has its closeSession queued as xid 0, and the late ConnectResponse is
 * then read as that request's reply header, its session id bytes as the error code.
 *
 * Also as ClientCnxn does: a server that accepted the TCP connection but sends no ConnectResponse within
 * connectTimeout (sessionTimeout / number of servers), or, once connected, nothing (not even a ping's
 * answer) within readTimeout (2/3 of the session timeout), is dropped and the next one tried; the driver
 * alone would wait for good on a frozen server. Bytes left over from a previous socket never prefix a
 * new one's.
 */
import type * as net from 'net';
import type * as zookeeper from 'node-zookeeper-client';

/** node-zookeeper-client's ConnectionManager internals we rely on (not in its typings). */
interface RawConnectionManager {
  state: number;
  socket?: net.Socket;
  pendingBuffer: Buffer | null;
  connectTimeout: number;
  sessionTimeout: number;
  onSocketData(buf: Buffer): void;
  onSocketConnected(): void;
}

/** ConnectionManager.STATES */
const CONNECTING = 1;
const CONNECTED = 2;
const CONNECTED_READ_ONLY = 3;
/** How often the read timeout is checked. */
const CHECK_INTERVAL_MS = 250;
const GUARDED = Symbol('ClientCnxnGuarded');
const DROPPED = Symbol('ClientCnxnDropped');

type GuardedConnectionManager = RawConnectionManager & { [GUARDED]?: true; [DROPPED]?: true };

function connectionManager(client: zookeeper.Client): GuardedConnectionManager | undefined {
  return (client as unknown as { connectionManager?: GuardedConnectionManager }).connectionManager;
}

const corked = new WeakSet<net.Socket>();

/**
 * Holds a client's writes until the current tick ends: the driver writes every request to the socket on its
 * own (one syscall each), so a controller's pipelined batch of thousands of writes goes out in a few
 * writev calls instead. Same bytes, same order, no later than the end of this tick.
 */
export function corkUntilNextTick(client: zookeeper.Client): void {
  const socket = rawSocket(client);
  if (!socket || corked.has(socket) || socket.destroyed) return;
  corked.add(socket);
  socket.cork();
  process.nextTick(() => {
    corked.delete(socket);
    socket.uncork();
  });
}

/** The raw socket of a driver client (to drop a connection that has no session to close). */
export function rawSocket(client: zookeeper.Client): net.Socket | undefined {
  return connectionManager(client)?.socket;
}

/** Closes a driver client without sending closeSession on a half-open connection: drops the socket too. */
export function dropClient(client: zookeeper.Client): void {
  // A reconnect the driver already scheduled (between two servers) would still open a socket and send a
  // ConnectRequest; a guarded client closes that socket instead.
  const cm = connectionManager(client);
  if (cm) cm[DROPPED] = true;
  try {
    client.close();
  } catch {
    /* already closed */
  }
  rawSocket(client)?.destroy();
}

/**
 * Installs the guard on a client before its connect(). `onError` gets each error that closed a socket
 * (the caller logs it); the driver then reconnects to the next server of the connect string.
 */
export function guardConnection(client: zookeeper.Client, onError: (e: Error, server: string) => void): void {
  const cm = connectionManager(client);
  if (!cm || cm[GUARDED]) return;
  cm[GUARDED] = true;
  const onSocketData = cm.onSocketData;
  const onSocketConnected = cm.onSocketConnected;
  const fail = (socket: net.Socket | undefined, e: unknown): void => {
    const server = socket?.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'unknown server';
    socket?.destroy();
    onError(e instanceof Error ? e : new Error(String(e)), server);
  };
  // The driver binds these per socket at connect() time (`self.onSocketData.bind(self)`), so instance
  // properties set here are the ones its sockets call.
  // The driver parses one response per call and recurses on the rest with Buffer.concat, copying the
  // remainder once per response: quadratic in the responses a chunk holds (thousands when a controller
  // pipelines its partition-state writes). It is given whole frames (4-byte size + body) one at a time.
  let parts: Buffer[] = [];
  let partsLength = 0;
  const feed = (cm: RawConnectionManager, frame: Buffer): void => {
    try {
      onSocketData.call(cm, frame);
    } catch (e) {
      cm.pendingBuffer = null;
      parts = [];
      partsLength = 0;
      fail(cm.socket, e);
    }
  };
  cm.onSocketData = function (this: GuardedConnectionManager, buf: Buffer): void {
    if (buf.length === 0) return feed(this, buf); // the driver's own recursion (never with whole frames)
    parts.push(buf);
    partsLength += buf.length;
    if (partsLength < 4) return;
    let chunk = parts.length === 1 ? parts[0] : Buffer.concat(parts, partsLength);
    parts = [];
    partsLength = 0;
    const socket = this.socket;
    let off = 0;
    while (chunk.length - off >= 4) {
      const size = chunk.readInt32BE(off);
      if (size < 0) {
        // Not a frame: let the driver meet it as it always did (and the guard close the socket).
        return feed(this, chunk.subarray(off));
      }
      if (chunk.length - off < 4 + size) break;
      feed(this, chunk.subarray(off, off + 4 + size));
      off += 4 + size;
      if (this.socket !== socket || socket?.destroyed) return; // dropped while handling that frame
    }
    if (off < chunk.length) {
      chunk = chunk.subarray(off);
      parts.push(chunk);
      partsLength = chunk.length;
    }
  };
  cm.onSocketConnected = function (this: GuardedConnectionManager): void {
    this.pendingBuffer = null;
    parts = [];
    partsLength = 0;
    const socket = this.socket;
    if (this[DROPPED]) return void socket?.destroy();
    try {
      onSocketConnected.call(this);
    } catch (e) {
      fail(socket, e);
      return;
    }
    if (!socket) return;
    // ClientCnxn.SendThread: to = (connected ? readTimeout : connectTimeout) - idleRecv; to <= 0 → reconnect.
    let lastRecv = Date.now();
    let lastTick = lastRecv;
    socket.on('data', () => (lastRecv = Date.now()));
    const timer = setInterval(() => {
      const now = Date.now();
      // A tick much later than due means this process was not running (a busy machine, a long GC-like
      // pause): data may be waiting unread, so judge on the next tick, after I/O had its turn.
      const late = now - lastTick > 4 * CHECK_INTERVAL_MS;
      lastTick = now;
      if (late || this.socket !== socket || socket.destroyed) return;
      const connected = this.state === CONNECTED || this.state === CONNECTED_READ_ONLY;
      const to = connected ? Math.floor((this.sessionTimeout * 2) / 3) : this.state === CONNECTING ? this.connectTimeout : Infinity;
      const idle = now - lastRecv;
      if (idle >= to) fail(socket, new Error(`Client session timed out, have not heard from server in ${idle}ms`));
    }, CHECK_INTERVAL_MS);
    timer.unref();
    socket.once('close', () => clearInterval(timer));
  };
}
