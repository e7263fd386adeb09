import { expect } from 'chai';
import * as specs from '../../../../src/protocol/messages';
import { MessageCodec } from '../../../../src/protocol/messages/MessageCodec';
import { DataSpec, FieldSpec, inVersions, MessageSpec, parseVersions } from '../../../../src/protocol/messages/MessageSpec';
import { ProtocolError, Reader } from '../../../../src/protocol/Reader';
import { Writer } from '../../../../src/protocol/Writer';
import { randomMessage } from '../../../helpers/randomMessage';

function bytes(f: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  f(w);
  return w.toBuffer();
}

const ALL = Object.values(specs) as Array<MessageSpec | DataSpec>;
const APIS = ALL.filter((s): s is MessageSpec => s.type !== 'data');
/** The KRaft quorum APIs (listeners "controller", DescribeQuorum also "broker"): not zkBroker APIs. */
const RAFT_KEYS = [52, 53, 54, 55, 59];
/** The KRaft broker lifecycle APIs (BrokerRegistration, BrokerHeartbeat: "controller"; UnregisterBroker: "broker", "controller"). */
const KRAFT_BROKER_KEYS = [62, 63, 64];

describe('MessageCodec: every message description, every version', () => {
  it('describes the request and the response of all 62 zkBroker APIs of Kafka 3.7, of the 5 Raft quorum APIs and of the 3 KRaft broker lifecycle APIs', () => {
    const keys = new Set(APIS.map((s) => s.apiKey));
    expect([...keys].filter((k) => !RAFT_KEYS.includes(k) && !KRAFT_BROKER_KEYS.includes(k)).length).to.equal(62);
    expect(RAFT_KEYS.filter((k) => keys.has(k))).to.deep.equal(RAFT_KEYS);
    expect(KRAFT_BROKER_KEYS.filter((k) => keys.has(k))).to.deep.equal(KRAFT_BROKER_KEYS);
    for (const k of keys) expect(APIS.filter((s) => s.apiKey === k).map((s) => s.type)).to.have.members(['request', 'response']);
  });

  for (const spec of ALL) {
    const range = parseVersions(spec.validVersions);
    it(`${spec.name} ${spec.validVersions}: write, read and write again give the same bytes; every byte is read`, () => {
      const codec = new MessageCodec<Record<string, unknown>>(spec);
      for (let v = range.lowest; v <= range.highest; v++) {
        for (let seed = 1; seed <= 8; seed++) {
          const msg = randomMessage(spec, v, seed * 7919 + v);
          const b = bytes((w) => codec.write(w, v, msg));
          const r = new Reader(b);
          const back = codec.read(r, v);
          expect(r.remaining(), `v${v} seed ${seed}`).to.equal(0);
          expect(bytes((w) => codec.write(w, v, back)).equals(b), `v${v} seed ${seed}`).to.equal(true);
        }
      }
    });

    it(`${spec.name}: truncated or corrupted bytes fail with a ProtocolError, never anything else`, () => {
      const codec = new MessageCodec<Record<string, unknown>>(spec);
      let rng = 12345;
      const next = (n: number): number => {
        rng = (rng * 1103515245 + 12345) & 0x7fffffff;
        return rng % n;
      };
      for (let v = range.lowest; v <= range.highest; v++) {
        const b = bytes((w) => codec.write(w, v, randomMessage(spec, v, v + 3)));
        const attempts: Buffer[] = [];
        for (let cut = 0; cut < b.length; cut += Math.max(1, b.length >> 4)) attempts.push(b.subarray(0, cut));
        for (let i = 0; i < 16 && b.length > 0; i++) {
          const c = Buffer.from(b);
          c[next(c.length)] = next(256);
          attempts.push(c);
        }
        for (const a of attempts) {
          try {
            codec.read(new Reader(a), v);
          } catch (e) {
            expect(e, `v${v}: ${(e as Error).message}`).to.be.instanceOf(ProtocolError);
          }
        }
      }
    });
  }
});

describe('MessageCodec: tagged fields (KIP-482)', () => {
  const base: MessageSpec = {
    apiKey: 1000,
    type: 'response',
    name: 'TestResponse',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
      { name: 'ErrorCode', type: 'int16', versions: '0+' },
      {
        name: 'Items',
        type: '[]Item',
        versions: '0+',
        fields: [
          { name: 'Id', type: 'int32', versions: '0+' },
          { name: 'Note', type: 'string', versions: '1+', nullableVersions: '1+', default: 'null', taggedVersions: '1+', tag: 0 },
        ],
      },
      { name: 'Epoch', type: 'int64', versions: '1+', default: '-1', taggedVersions: '1+', tag: 1 },
    ],
  };
  const withExtra = (fields: readonly FieldSpec[], extra: FieldSpec): FieldSpec[] => [...fields, extra];
  const extended: MessageSpec = {
    ...base,
    fields: [
      base.fields[0],
      { ...base.fields[1], fields: withExtra(base.fields[1].fields!, { name: 'Future', type: 'string', versions: '1+', taggedVersions: '1+', tag: 7 }) },
      base.fields[2],
      { name: 'Later', type: '[]int32', versions: '1+', taggedVersions: '1+', tag: 30 },
    ],
  };
  const codec = new MessageCodec<Record<string, unknown>>(base);
  const newer = new MessageCodec<Record<string, unknown>>(extended);

  it('writes a tagged field only when it is not at its default, in tag order', () => {
    const none = bytes((w) => codec.write(w, 1, { errorCode: 0, items: [{ id: 1 }] }));
    expect(none.toString('hex')).to.equal('0000' + '02' + '00000001' + '00' + '00');
    const some = bytes((w) => codec.write(w, 1, { errorCode: 0, items: [{ id: 1, note: 'x' }], epoch: 5 }));
    expect(some.toString('hex')).to.equal('0000' + '02' + '00000001' + '01' + '00' + '02' + '0278' + '01' + '01' + '08' + '0000000000000005');
    expect(codec.read(new Reader(some), 1)).to.deep.equal({ errorCode: 0, items: [{ id: 1, note: 'x' }], epoch: 5 });
  });

  it('skips tags it does not know, at the top level and inside structs', () => {
    const b = bytes((w) => newer.write(w, 1, { errorCode: 3, items: [{ id: 9, future: 'zzz' }], epoch: 2, later: [1, 2, 3] }));
    expect(codec.read(new Reader(b), 1)).to.deep.equal({ errorCode: 3, items: [{ id: 9, note: null }], epoch: 2 });
  });

  it('reads absent fields as their defaults and does not write them in versions that lack them', () => {
    expect(codec.read(new Reader(bytes((w) => codec.write(w, 0, { errorCode: 1, items: [{ id: 4, note: 'x' }], epoch: 9 }))), 0)).to.deep.equal({
      errorCode: 1,
      items: [{ id: 4, note: null }],
      epoch: -1,
    });
  });

  it('a tagged field whose size overruns the message is a ProtocolError', () => {
    const b = Buffer.from('0000' + '01' + '01' + '01' + '08' + '0000', 'hex');
    expect(() => codec.read(new Reader(b), 1)).to.throw(ProtocolError, /overruns/);
  });

  it('refuses to write null where the version does not allow it', () => {
    expect(() => codec.write(new Writer(), 0, { errorCode: 0, items: null })).to.throw(ProtocolError, /Items is null/);
  });

  it('knows which versions a field is in', () => {
    expect([inVersions('3+', 2), inVersions('3+', 3), inVersions('0-2', 2), inVersions('0-2', 3), inVersions('none', 0), inVersions('5', 5)]).to.deep.equal([
      false,
      true,
      true,
      false,
      false,
      true,
    ]);
  });
});
