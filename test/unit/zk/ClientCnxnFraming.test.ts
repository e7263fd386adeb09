import { expect } from 'chai';
import type * as zookeeper from 'node-zookeeper-client';
import { guardConnection } from '../../../src/zk/ClientCnxn';

function frame(body: string): Buffer {
  const b = Buffer.from(body);
  const out = Buffer.alloc(4 + b.length);
  out.writeInt32BE(b.length, 0);
  b.copy(out, 4);
  return out;
}

/** A stand-in for the driver's ConnectionManager: records what its onSocketData is given. */
function fakeClient(): { client: zookeeper.Client; seen: string[]; cm: { onSocketData(b: Buffer): void } } {
  const seen: string[] = [];
  const cm = {
    state: 2,
    socket: { destroyed: false, destroy() {} },
    pendingBuffer: null,
    connectTimeout: 1000,
    sessionTimeout: 6000,
    onSocketData(b: Buffer) {
      seen.push(b.subarray(4).toString());
    },
    onSocketConnected() {},
  };
  return { client: { connectionManager: cm } as unknown as zookeeper.Client, seen, cm };
}

describe('zk: ClientCnxn hands the driver whole response frames', () => {
  it('splits a chunk of many responses into frames and joins frames split across chunks', () => {
    const { client, seen, cm } = fakeClient();
    guardConnection(client, () => undefined);
    const all = Buffer.concat([frame('a'), frame('bb'), frame('ccc'), frame('dddd')]);
    cm.onSocketData(all.subarray(0, 7)); // 'a' whole, 2 bytes of the next size
    expect(seen).to.deep.equal(['a']);
    cm.onSocketData(all.subarray(7, 10)); // rest of the size and one 'b' of 'bb'
    expect(seen).to.deep.equal(['a']);
    cm.onSocketData(all.subarray(10)); // the rest: 'bb', 'ccc', 'dddd'
    expect(seen).to.deep.equal(['a', 'bb', 'ccc', 'dddd']);
    const many = Buffer.concat(Array.from({ length: 1000 }, (_, i) => frame(`r${i}`)));
    cm.onSocketData(many);
    expect(seen.length).to.equal(1004);
    expect(seen[1003]).to.equal('r999');
  });
});
