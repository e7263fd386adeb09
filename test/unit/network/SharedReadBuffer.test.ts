import { expect } from 'chai';
import * as net from 'net';
import { adoptWithSharedReadBuffer, SharedReadReceiver } from '../../../src/network/SharedReadBuffer';
import { FrameDecoder } from '../../../src/protocol/FrameDecoder';
import { newFrameBufferPool } from '../../../src/common/BufferPool';
import { waitFor } from '../../helpers/ports';

/** A server whose connections are adopted: each read is copied out (the shared buffer is reused) and echoed back. */
async function echoServer(): Promise<{ server: net.Server; port: number; received: Buffer[]; sockets: net.Socket[] }> {
  const received: Buffer[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer({ pauseOnConnect: true }, (accepted) => {
    let sock: net.Socket | null = null;
    const receiver: SharedReadReceiver = {
      receive: (chunk) => {
        received.push(Buffer.from(chunk));
        sock!.write(Buffer.from(chunk));
      },
      readTarget: () => null,
      filledInPlace: () => expect.fail('no read target was given'),
    };
    sock = adoptWithSharedReadBuffer(accepted, () => receiver);
    expect(sock).to.not.equal(null);
    sockets.push(sock!);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port, received, sockets };
}

describe('SharedReadBuffer', () => {
  it('an adopted connection reads every byte in order, writes back, and closes the server cleanly', async () => {
    const { server, port, received, sockets } = await echoServer();
    const payload = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
    const echoed: Buffer[] = [];
    const client = net.connect(port, '127.0.0.1');
    client.on('data', (c: Buffer) => echoed.push(c));
    client.write(payload);
    await waitFor('echo of 3 MB', async () => Buffer.concat(echoed).length === payload.length, 10_000, 5);
    expect(Buffer.concat(received).equals(payload)).to.equal(true);
    expect(Buffer.concat(echoed).equals(payload)).to.equal(true);
    // Two connections share the buffer without mixing their bytes.
    const other = net.connect(port, '127.0.0.1');
    const otherEchoed: Buffer[] = [];
    other.on('data', (c: Buffer) => otherEchoed.push(c));
    other.write('second connection');
    client.write('first again');
    await waitFor('second echo', async () => Buffer.concat(otherEchoed).toString() === 'second connection', 5_000, 5);
    await waitFor('first echo', async () => Buffer.concat(echoed).length === payload.length + 'first again'.length, 5_000, 5);
    expect(sockets[0].remotePort).to.equal(client.localPort);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    client.destroy();
    other.destroy();
    await closed;
  });

  it('pause stops reading and resume delivers what arrived meanwhile', async () => {
    const { server, port, received, sockets } = await echoServer();
    const client = net.connect(port, '127.0.0.1');
    client.on('data', () => undefined);
    await waitFor('accepted', async () => sockets.length === 1, 5_000, 5);
    sockets[0].pause();
    client.write('held while paused');
    // A round trip on a second connection: the loop has had its chance to read the first one's bytes.
    const probe = net.connect(port, '127.0.0.1');
    const probeEchoed: Buffer[] = [];
    probe.on('data', (c: Buffer) => probeEchoed.push(c));
    probe.write('probe');
    await waitFor('probe echo', async () => Buffer.concat(probeEchoed).toString() === 'probe', 5_000, 5);
    expect(Buffer.concat(received).toString()).to.equal('probe');
    received.length = 0;
    sockets[0].resume();
    await waitFor('read after resume', async () => Buffer.concat(received).toString() === 'held while paused', 5_000, 5);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const x of sockets) x.destroy();
    client.destroy();
    probe.destroy();
    await closed;
  });

  it('frames read partly in place (the rest of an assembled frame) arrive intact, small, 1 MB and above the large-frame threshold', async () => {
    const frames: Buffer[] = [];
    let inPlaceBytes = 0;
    const sockets: net.Socket[] = [];
    const server = net.createServer({ pauseOnConnect: true }, (accepted) => {
      const dec = new FrameDecoder(64 * 1024 * 1024, newFrameBufferPool(), true);
      const receiver: SharedReadReceiver = {
        receive: (chunk) => frames.push(...dec.push(chunk)),
        readTarget: () => dec.readTarget(),
        filledInPlace: (n) => {
          inPlaceBytes += n;
          frames.push(...dec.filledInPlace(n));
        },
      };
      sockets.push(adoptWithSharedReadBuffer(accepted, () => receiver)!);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sizes = [10, 1024 * 1024, 3, 700 * 1024, 17 * 1024 * 1024, 0, 5000, 2 * 1024 * 1024 + 7];
    const payloads = sizes.map((n, k) => {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = (i * 7 + k) & 0xff;
      return b;
    });
    const wire = Buffer.concat(
      payloads.flatMap((p) => {
        const size = Buffer.alloc(4);
        size.writeInt32BE(p.length);
        return [size, p];
      }),
    );
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    client.write(wire);
    await waitFor('every frame', async () => frames.length === payloads.length, 20_000, 5);
    frames.forEach((f, i) => expect(f.equals(payloads[i]), `frame ${i} (${sizes[i]} bytes)`).to.equal(true));
    // The 1 MB, 700 KB and 2 MB frames are assembled: most of their bytes were read straight into them.
    expect(inPlaceBytes).to.be.greaterThan(1024 * 1024);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const x of sockets) x.destroy();
    client.destroy();
    await closed;
  });
});
