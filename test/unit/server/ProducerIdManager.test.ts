import { expect } from 'chai';
import { ErrorCode, KafkaError } from '../../../src/protocol/errors';
import { RPCProducerIdManager, ZkProducerIdManager } from '../../../src/server/ProducerIdManager';

/** A controller that answers AllocateProducerIds from a script, one response per request. */
function fakeChannel(answers: Array<{ errorCode: number; producerIdStart: number; producerIdLen: number } | Error>) {
  const sent: unknown[] = [];
  const pending: Array<() => void> = [];
  return {
    sent,
    /** Delivers the oldest outstanding answer. */
    answer(): Promise<void> {
      pending.shift()!();
      return new Promise((r) => setImmediate(r));
    },
    channel: {
      send: (_codec: unknown, _v: number, req: unknown) => {
        sent.push(req);
        const a = answers.shift()!;
        return new Promise((resolve, reject) => pending.push(() => (a instanceof Error ? reject(a) : resolve({ throttleTimeMs: 0, ...a })))) as never;
      },
      shutdown: () => undefined,
    },
  };
}

async function codeOf(p: Promise<number>): Promise<number> {
  try {
    await p;
    return ErrorCode.NONE;
  } catch (e) {
    return (e as KafkaError).code;
  }
}

describe('RPCProducerIdManager (KIP-730)', () => {
  it('answers COORDINATOR_LOAD_IN_PROGRESS until the controller sends a block, then hands out its ids in order', async () => {
    const f = fakeChannel([{ errorCode: 0, producerIdStart: 1000, producerIdLen: 10 }]);
    const m = new RPCProducerIdManager(3, () => 42, f.channel);
    expect(await codeOf(m.generateProducerId())).to.equal(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(await codeOf(m.generateProducerId())).to.equal(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(f.sent).to.deep.equal([{ brokerId: 3, brokerEpoch: 42 }]); // one request in flight
    await f.answer();
    expect(await m.generateProducerId()).to.equal(1000);
    expect(await m.generateProducerId()).to.equal(1001);
  });

  it('asks for the next block at 90% of the current one and moves on to it seamlessly', async () => {
    const f = fakeChannel([
      { errorCode: 0, producerIdStart: 0, producerIdLen: 10 },
      { errorCode: 0, producerIdStart: 5000, producerIdLen: 10 },
    ]);
    const m = new RPCProducerIdManager(1, () => 1, f.channel);
    await codeOf(m.generateProducerId());
    await f.answer();
    const ids: number[] = [];
    for (let i = 0; i < 9; i++) ids.push(await m.generateProducerId());
    expect(f.sent).to.have.length(1);
    ids.push(await m.generateProducerId());
    expect(f.sent).to.have.length(2); // handing out id 9, at 90% of the block, asked for the next one
    await f.answer();
    ids.push(await m.generateProducerId());
    expect(ids).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 5000]);
  });

  it('backs off after an error and a stale epoch, then asks again', async () => {
    let now = 0;
    const f = fakeChannel([
      new Error('no controller known'),
      { errorCode: ErrorCode.STALE_BROKER_EPOCH, producerIdStart: -1, producerIdLen: 0 },
      { errorCode: 0, producerIdStart: 7, producerIdLen: 3 },
    ]);
    const m = new RPCProducerIdManager(
      1,
      () => 1,
      f.channel,
      () => now,
    );
    await codeOf(m.generateProducerId());
    await f.answer();
    await codeOf(m.generateProducerId());
    expect(f.sent).to.have.length(1); // within the 50 ms back-off
    now += 50;
    await codeOf(m.generateProducerId());
    await f.answer();
    now += 50;
    await codeOf(m.generateProducerId());
    await f.answer();
    expect(await m.generateProducerId()).to.equal(7);
  });

  it('ignores a block that goes backwards', async () => {
    let now = 0;
    const f = fakeChannel([
      { errorCode: 0, producerIdStart: 100, producerIdLen: 2 },
      { errorCode: 0, producerIdStart: 50, producerIdLen: 2 },
    ]);
    const m = new RPCProducerIdManager(
      1,
      () => 1,
      f.channel,
      () => now,
    );
    await codeOf(m.generateProducerId());
    await f.answer();
    expect(await m.generateProducerId()).to.equal(100);
    expect(await m.generateProducerId()).to.equal(101);
    expect(await codeOf(m.generateProducerId())).to.equal(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    await f.answer();
    now += 100;
    expect(await codeOf(m.generateProducerId())).to.equal(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
  });
});

describe('ZkProducerIdManager', () => {
  it('two brokers racing for /latest_producer_id_block get disjoint blocks', async () => {
    let data: Buffer | null = null;
    let version = 0;
    const zk = {
      getDataAndStat: () => Promise.resolve({ data, stat: { version } }),
      conditionalUpdatePath: (_p: string, d: Buffer, expect: number) => {
        if (expect !== version) return Promise.resolve({ succeeded: false, version });
        data = d;
        version++;
        return Promise.resolve({ succeeded: true, version });
      },
      makeSurePersistentPathExists: () => Promise.resolve(),
    };
    const a = new ZkProducerIdManager(1, zk);
    const b = new ZkProducerIdManager(2, zk);
    const ids = await Promise.all([a.generateProducerId(), b.generateProducerId(), a.generateProducerId(), b.generateProducerId()]);
    expect(new Set(ids.map((i) => Math.floor(i / 1000))).size).to.equal(2);
    expect(new Set(ids).size).to.equal(4);
    expect(JSON.parse(data!.toString())).to.include({ version: 1, block_start: '1000', block_end: '1999' });
  });
});
