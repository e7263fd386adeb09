/**
 * What a misbehaving "server" sends can close a ZooKeeper connection but never kill the process
 * (src/zk/ClientCnxn.ts). Fake peers are plain TCP servers speaking just enough of ZooKeeper's framing;
 * the real server is Debian's ZooKeeper. An uncaught exception would fail these tests (mocha reports it).
 */
import { expect } from 'chai';
import * as net from 'net';
import { closeProbeClient, createProbeClient } from '../../../src/launcher/zookeeper';
import { sessionIdHex, ZooKeeperClient } from '../../../src/zk/ZooKeeperClient';
import { waitFor } from '../../helpers/ports';
import { startZooKeeper, ZooKeeperHandle } from '../../helpers/zookeeper';

/** A session id whose low 32 bits, read as a reply header's error code, are -86310912 (0xFADB0000). */
const FAKE_SESSION_ID = Buffer.from('01000000fadb0000', 'hex');
const FAKE_ID = sessionIdHex(FAKE_SESSION_ID);
const UNKNOWN_CODE = -86310912;

function connectResponse(sessionId = FAKE_SESSION_ID, timeOut = 6000): Buffer {
  const b = Buffer.alloc(4 + 4 + 4 + 8 + 4 + 16);
  let o = b.writeInt32BE(b.length - 4, 0);
  o = b.writeInt32BE(0, o); // protocolVersion
  o = b.writeInt32BE(timeOut, o);
  o += sessionId.copy(b, o);
  b.writeInt32BE(16, o); // passwd
  return b;
}

function replyHeader(xid: number, err: number): Buffer {
  const b = Buffer.alloc(4 + 16);
  b.writeInt32BE(16, 0);
  b.writeInt32BE(xid, 4);
  b.writeBigInt64BE(0n, 8); // zxid
  b.writeInt32BE(err, 16);
  return b;
}

interface FakePeer {
  port: number;
  connections: number;
  closedByClient: number;
  close(): Promise<void>;
}

/** A TCP peer calling `onFrame(sock, frame, index, connection)` for every length-prefixed frame it reads. */
async function fakePeer(onFrame: (sock: net.Socket, frame: Buffer, index: number, connection: number) => void): Promise<FakePeer> {
  const sockets = new Set<net.Socket>();
  const peer: FakePeer = { port: 0, connections: 0, closedByClient: 0, close: async () => undefined };
  const server = net.createServer((sock) => {
    const connection = ++peer.connections;
    sockets.add(sock);
    let buf = Buffer.alloc(0);
    let index = 0;
    sock.on('error', () => undefined);
    sock.on('end', () => peer.closedByClient++); // the client's FIN (or RST, below)
    sock.on('error', () => peer.closedByClient++);
    sock.on('close', () => sockets.delete(sock));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + frame.length);
        onFrame(sock, frame, index++, connection);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  peer.port = (server.address() as net.AddressInfo).port;
  peer.close = () => {
    sockets.forEach((s) => s.destroy());
    return new Promise<void>((r) => server.close(() => r()));
  };
  return peer;
}

describe('ZooKeeper connection guard (ClientCnxn)', function () {
  this.timeout(60000);
  let real: ZooKeeperHandle;
  const peers: FakePeer[] = [];

  before(async () => {
    real = await startZooKeeper({ nodes: 1 });
  });
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
  });
  after(async () => {
    await real?.stop();
  });

  it('a reply whose error code is unknown closes that connection; the client then gets a session from the real server', async () => {
    // First connection: a valid ConnectResponse, then garbage in reply to the first request. Later
    // connections are dropped at once, like a node outside a quorum does.
    const fake = await fakePeer((sock, frame, index, connection) => {
      if (connection > 1) return void sock.destroy();
      if (index === 0) sock.write(connectResponse());
      else sock.write(replyHeader(frame.readInt32BE(0), UNKNOWN_CODE));
    });
    peers.push(fake);
    const connect = `127.0.0.1:${fake.port},${real.connectString}`;
    // The driver shuffles the connect string: retry until a client's first server was the fake.
    let z: ZooKeeperClient | null = null;
    for (let i = 0; i < 30 && !z; i++) {
      const c = await ZooKeeperClient.connect(connect, { sessionTimeoutMs: 6000, connectionTimeoutMs: 15000, logIdent: '[guard test] ' });
      if (c.sessionId === FAKE_ID) z = c;
      else await c.close();
    }
    expect(z, 'a client whose session came from the fake').to.not.equal(null);
    const client = z!;
    try {
      // The first request meets the garbage; the driver reconnects to the real server, which refuses the
      // fake session (expired), and the client re-creates its session there.
      await waitFor(
        'a create through the real server',
        async () => {
          await client.create('/guarded', Buffer.from('ok')).catch((e: Error & { code?: string }) => {
            if (e.code !== 'NODEEXISTS') throw e;
          });
          return true;
        },
        30000,
        200,
      );
      expect(client.previousSessionIds).to.include(FAKE_ID);
      expect(client.sessionId).to.not.equal(FAKE_ID);
      const check = await ZooKeeperClient.connect(real.connectString, { sessionTimeoutMs: 6000, connectionTimeoutMs: 15000 });
      try {
        expect((await check.getData('/guarded')).data?.toString()).to.equal('ok');
      } finally {
        await check.close();
      }
    } finally {
      await client.close();
    }
  });

  it('a client closed while waiting for its ConnectResponse survives the late answer (the launcher crash)', async () => {
    // The late ConnectResponse is read as the reply to the queued closeSession (xid 0): its session id's
    // low bytes become the error code "Unknown code: -86310912" that used to kill `npm start`.
    const late: net.Socket[] = [];
    let frames = 0;
    const fake = await fakePeer((sock, _frame, index) => {
      if (index === 0) late.push(sock);
      frames++;
    });
    peers.push(fake);
    const probe = createProbeClient(`127.0.0.1:${fake.port}`);
    probe.connect();
    await waitFor('the ConnectRequest', async () => frames >= 1, 10000, 20);
    probe.close(); // the raw driver's close() mid-handshake: queues closeSession on the half-open socket
    await waitFor('the queued closeSession to reach the fake', async () => frames >= 2, 5000, 20);
    late[0].write(connectResponse());
    await waitFor('the client to drop the connection', async () => fake.closedByClient >= 1, 10000);
    closeProbeClient(probe);
  });

  it('a client giving up on a silent server drops the socket (no closeSession on a half-open connection)', async () => {
    const fake = await fakePeer(() => undefined);
    peers.push(fake);
    const t0 = Date.now();
    const err = await ZooKeeperClient.connect(`127.0.0.1:${fake.port}`, { sessionTimeoutMs: 30000, connectionTimeoutMs: 500 }).catch((e: Error) => e);
    expect((err as Error).name).to.equal('ZooKeeperClientTimeoutError');
    expect((err as Error).message).to.equal('Timed out waiting for connection while in state: CONNECTING');
    expect(Date.now() - t0).to.be.lessThan(5000);
    await waitFor('the client to drop the connection', async () => fake.closedByClient >= 1, 5000);
  });

  it('a server that accepts but never answers is left for the next one after connectTimeout', async () => {
    const fake = await fakePeer(() => undefined);
    peers.push(fake);
    // sessionTimeout 4000 over 2 servers: the silent one is dropped after 2 s, as ClientCnxn does.
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      const c = await ZooKeeperClient.connect(`127.0.0.1:${fake.port},${real.connectString}`, { sessionTimeoutMs: 4000, connectionTimeoutMs: 20000 });
      expect(Date.now() - t0).to.be.lessThan(15000);
      expect(c.isConnected()).to.equal(true);
      await c.close();
    }
  });

  it('a session connected through a frozen server moves to another one after readTimeout (2/3 of the session timeout)', async () => {
    const ensemble = await startZooKeeper({ nodes: 3 });
    const z = await ZooKeeperClient.connect(ensemble.connectString, { sessionTimeoutMs: 6000, connectionTimeoutMs: 20000 });
    let frozen = -1;
    try {
      const server = z.connectedServer();
      frozen = ensemble.ports.findIndex((p) => server?.endsWith(`:${p}`));
      expect(frozen, `connected through ${server}`).to.be.greaterThan(-1);
      ensemble.pause(frozen);
      const t0 = Date.now();
      // Without a read timeout the driver would wait on the frozen server until it resumes.
      await waitFor(
        'a create through another server',
        async () => {
          await z.create('/after-freeze', Buffer.from('ok')).catch((e: Error & { code?: string }) => {
            if (e.code !== 'NODEEXISTS') throw e;
          });
          return true;
        },
        30000,
        200,
      );
      expect(Date.now() - t0).to.be.lessThan(25000);
      expect(z.connectedServer()).to.not.equal(server);
    } finally {
      if (frozen >= 0) ensemble.resume(frozen);
      await z.close();
      await ensemble.stop();
    }
  });
});
