import { expect } from 'chai';
import * as net from 'net';
import { adoptWithSharedReadBuffer } from '../../../src/network/SharedReadBuffer';
import { waitFor } from '../../helpers/ports';

/** A server whose connections are adopted: each read is copied out (the shared buffer is reused) and echoed back. */
async function echoServer(): Promise<{ server: net.Server; port: number; received: Buffer[]; sockets: net.Socket[] }> {
  const received: Buffer[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer({ pauseOnConnect: true }, (accepted) => {
    let sock: net.Socket | null = null;
    sock = adoptWithSharedReadBuffer(accepted, (chunk) => {
      received.push(Buffer.from(chunk));
      sock!.write(Buffer.from(chunk));
    });
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
});
