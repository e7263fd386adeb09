import { expect } from 'chai';
import * as net from 'net';
import { NetworkClient } from '../../../src/network/NetworkClient';
import { BufferPool } from '../../../src/common/BufferPool';
import { ApiCodec } from '../../../src/protocol/apis/types';
import { Reader } from '../../../src/protocol/Reader';

const SIZE = 200_000;

/** A request carrying one byte; its response is SIZE bytes, each the request's byte (header v0: no tagged fields). */
const BlobApi: ApiCodec<number, Buffer> = {
  apiKey: 18,
  name: 'Blob',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: Infinity,
  decodeRequest: (r: Reader) => r.buf[r.end - 1],
  encodeRequest: (w, _v, req) => void w.int8(req),
  decodeResponse: (r: Reader) => r.buf.subarray(r.end - SIZE, r.end),
  encodeResponse: () => undefined,
};

/** Answers each request frame with a SIZE-byte response, written in small pieces so that it spans many chunks. */
function blobServer(): Promise<net.Server> {
  const server = net.createServer((sock) => {
    let pending = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const len = pending.readInt32BE(0);
        const frame = pending.subarray(4, 4 + len);
        pending = pending.subarray(4 + len);
        const res = Buffer.alloc(4 + 4 + SIZE, frame[frame.length - 1]);
        res.writeInt32BE(4 + SIZE, 0);
        res.writeInt32BE(frame.readInt32BE(4), 4); // correlation id
        for (let i = 0; i < res.length; i += 7000) sock.write(res.subarray(i, Math.min(res.length, i + 7000)));
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('NetworkClient: response frames assembled in a receive pool (replica fetcher responses)', function () {
  this.timeout(20000);
  let server: net.Server;
  before(async () => {
    server = await blobServer();
  });
  after(() => server.close());

  it('a frame given back is reused for the next response, whose bytes are its own', async () => {
    const pool = new BufferPool({ minSize: 32 << 10, maxSize: 16 << 20, maxIdleBytes: 32 << 20 });
    const client = new NetworkClient('127.0.0.1', (server.address() as net.AddressInfo).port, 'test', 10000);
    client.useReceivePool(pool);
    try {
      const first = await client.sendWithFrame(BlobApi, 0, 7);
      expect(first.response.length).to.equal(SIZE);
      expect(first.response.every((b) => b === 7)).to.equal(true);
      const firstMemory = first.frame.buffer;
      client.releaseFrame(first.frame);
      expect(pool.idle).to.be.greaterThan(0);
      const second = await client.sendWithFrame(BlobApi, 0, 9);
      expect(second.frame.buffer).to.equal(firstMemory);
      expect(second.response.every((b) => b === 9)).to.equal(true);
      // Not given back: the next response gets memory of its own and the held bytes stay intact.
      const third = await client.sendWithFrame(BlobApi, 0, 11);
      expect(third.frame.buffer).to.not.equal(second.frame.buffer);
      expect(second.response.every((b) => b === 9)).to.equal(true);
      expect(third.response.every((b) => b === 11)).to.equal(true);
    } finally {
      client.close();
    }
  });
});
