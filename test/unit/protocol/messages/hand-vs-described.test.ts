import { expect } from 'chai';
import * as codecs from '../../../../src/protocol/apis/codecs';
import { ApiCodec } from '../../../../src/protocol/apis/types';
import * as specs from '../../../../src/protocol/messages';
import { MessageCodec } from '../../../../src/protocol/messages/MessageCodec';
import { MessageSpec } from '../../../../src/protocol/messages/MessageSpec';
import { Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import { randomMessage } from '../../../helpers/randomMessage';

const byKey = new Map<number, { req: MessageSpec; res: MessageSpec }>();
for (const s of Object.values(specs) as MessageSpec[]) {
  const e = byKey.get(s.apiKey) ?? ({} as { req: MessageSpec; res: MessageSpec });
  if (s.type === 'request') e.req = s;
  else e.res = s;
  byKey.set(s.apiKey, e);
}

function bytes(f: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  f(w);
  return w.toBuffer();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
for (const api of Object.values(codecs) as Array<ApiCodec<any, any>>) {
  const pair = byKey.get(api.apiKey)!;
  describe(`${api.name}: the hand codec and the description agree`, () => {
    for (let v = api.minVersion; v <= api.maxVersion; v++) {
      for (const [kind, spec] of [
        ['request', pair.req],
        ['response', pair.res],
      ] as const) {
        it(`v${v} ${kind}`, () => {
          const mc = new MessageCodec<Record<string, unknown>>(spec);
          for (let seed = 1; seed <= 20; seed++) {
            const msg = randomMessage(spec, v, seed * 7919 + v);
            const described = bytes((w) => mc.write(w, v, msg));
            const decodedByHand = kind === 'request' ? api.decodeRequest(new Reader(described), v) : api.decodeResponse(new Reader(described), v);
            const hand = bytes((w) => (kind === 'request' ? api.encodeRequest(w, v, decodedByHand) : api.encodeResponse(w, v, decodedByHand)));
            expect(hand.toString('hex'), `seed ${seed}`).to.equal(described.toString('hex'));
            const back = mc.read(new Reader(hand), v);
            expect(bytes((w) => mc.write(w, v, back)).toString('hex')).to.equal(described.toString('hex'));
          }
        });
      }
    }
  });
}
