import { expect } from 'chai';
import * as net from 'net';
import { RequestContext } from '../../../src/network/RequestContext';
import { RequestHandler, SocketServer } from '../../../src/network/SocketServer';
import { Reader } from '../../../src/protocol/Reader';
import { fetchReadBuffers } from '../../../src/common/BufferPool';
import { waitFor } from '../../helpers/ports';

const SIZE = 300_000;

/** Answers every request with a header chunk and one buffer from the fetch read pool, filled with the correlation id. */
class PooledHandler implements RequestHandler {
  readonly handedOut: Buffer[] = [];
  isFlexible(): boolean {
    return false;
  }
  handle(ctx: RequestContext, _body: Reader): Buffer[] {
    const b = fetchReadBuffers.alloc(SIZE);
    b.fill(ctx.header.correlationId & 0xff);
    this.handedOut.push(b);
    return [Buffer.from([1, 2, 3, 4]), b];
  }
}

/** ApiVersions v0 request frames (header v1, empty body) for the given correlation ids. */
function frames(ids: number[]): Buffer {
  return Buffer.concat(
    ids.map((id) => {
      const f = Buffer.alloc(4 + 2 + 2 + 4 + 2);
      f.writeInt32BE(f.length - 4, 0);
      f.writeInt16BE(18, 4);
      f.writeInt16BE(0, 6);
      f.writeInt32BE(id, 8);
      f.writeInt16BE(-1, 12);
      return f;
    }),
  );
}

describe('KafkaConnection: pooled read buffers of a response go back to the pool once written', function () {
  this.timeout(20000);
  let server: SocketServer;
  const handler = new PooledHandler();

  before(async () => {
    server = new SocketServer(1, 1 << 20, 60000, handler, null, 'ZK_BROKER', null);
    await server.startup([{ listenerName: 'PLAINTEXT', host: '127.0.0.1', port: 0, security: { listenerName: 'PLAINTEXT', protocol: 'PLAINTEXT' } }]);
  });
  after(async () => {
    await server.shutdown();
  });

  it('responses arrive intact, in order, and their pooled buffers are given back after the write', async () => {
    const port = server.boundPorts.get('PLAINTEXT')!;
    const sock = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let received = 0;
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      received += d.length;
    });
    const ids = [7, 8, 9, 10, 11, 12];
    const each = 4 + 4 + 4 + SIZE; // size prefix, correlation id, header chunk, pooled bytes
    // Sent in two rounds so the second round's responses reuse buffers the first round gave back.
    sock.write(frames(ids.slice(0, 3)));
    await waitFor('the first three responses', async () => received >= 3 * each, 10000, 5);
    await waitFor('the pooled buffers given back', async () => handler.handedOut.every((b) => !fetchReadBuffers.isOutstanding(b)), 10000, 5);
    sock.write(frames(ids.slice(3)));
    await waitFor('all responses', async () => received >= ids.length * each, 10000, 5);
    sock.destroy();
    const all = Buffer.concat(chunks);
    expect(all.length).to.equal(ids.length * each);
    for (let i = 0; i < ids.length; i++) {
      const r = all.subarray(i * each, (i + 1) * each);
      expect(r.readInt32BE(0)).to.equal(each - 4);
      expect(r.readInt32BE(4)).to.equal(ids[i]);
      const body = r.subarray(12);
      expect(
        body.every((x) => x === ids[i]),
        `response ${ids[i]}`,
      ).to.equal(true);
    }
    // The second round reused the first round's buffers (given back, not left to the GC).
    const first = new Set(handler.handedOut.slice(0, 3).map((b) => b.buffer));
    expect(handler.handedOut.slice(3).some((b) => first.has(b.buffer))).to.equal(true);
    await waitFor('the pooled buffers given back', async () => handler.handedOut.every((b) => !fetchReadBuffers.isOutstanding(b)), 10000, 5);
  });
});
