import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogManager } from '../../../src/log/LogManager';
import { ReplicaManager } from '../../../src/server/ReplicaManager';
import { partitionState, replicaManagerIn } from '../../helpers/replicaManager';
import { buildRecordBatch } from '../../../src/protocol/records/MemoryRecordsBuilder';
import type { Partition } from '../../../src/cluster/Partition';
import { getLogger } from '../../../src/common/logger';
import { LeaderEpochFileCache } from '../../../src/log/LeaderEpochFileCache';
import type { FetchPartitionData } from '../../../src/protocol/apis/01-fetch';
import { ErrorCode } from '../../../src/protocol/errors';
import {
  FetchManager,
  FetchSessionCache,
  FullFetchContext,
  IncrementalFetchContext,
  PartitionFetchData,
  TopicIdPartition,
  TpMap,
  tpMap,
} from '../../../src/server/FetchSession';
import { FetchSessionHandler, SessionPartition } from '../../../src/server/FetchSessionHandler';
import { FetchParams, FetchPartitionRequest, readFromLocalLog } from '../../../src/server/LocalLogReader';

/**
 * An idle follower's fetch: the session hands over the read requests it keeps, an unchanged partition is left out
 * of the incremental response before it is shaped, a follower at the log end is answered without reading the log,
 * and the follower side re-sends nothing for unchanged partitions.
 */
const ZERO = Buffer.alloc(16);
const tp = (topic: string, partition: number): TopicIdPartition => ({ topic, topicId: ZERO, partition });
const req = (fetchOffset: number): PartitionFetchData => ({ fetchOffset, logStartOffset: 0, maxBytes: 1000, currentLeaderEpoch: 3, lastFetchedEpoch: 3 });
const reqMap = (...e: Array<[TopicIdPartition, PartitionFetchData]>): TpMap<PartitionFetchData> => tpMap(e.map(([t, data]) => ({ tp: t, data })));

function answer(partition: number, highWatermark: number, records: Buffer[] = []): FetchPartitionData {
  return {
    partitionIndex: partition,
    errorCode: ErrorCode.NONE,
    highWatermark,
    lastStableOffset: highWatermark,
    logStartOffset: 0,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records,
  };
}
const outcome = (highWatermark: number, sizeInBytes = 0, errorCode: number = ErrorCode.NONE) => ({
  errorCode,
  highWatermark,
  logStartOffset: 0,
  sizeInBytes,
  divergingEpoch: null,
});

/** A session with t-0 and t-1, both answered with HW 10 by the full fetch; returns the manager and session id. */
function sessionOfTwo(): { fm: FetchManager; id: number } {
  const fm = new FetchManager(new FetchSessionCache(10), () => 1000);
  const full = fm.newContext(12, 0, 0, true, reqMap([tp('t', 0), req(10)], [tp('t', 1), req(10)]), [], () => undefined);
  expect(full).to.be.instanceOf(FullFetchContext);
  const out = full.updateAndGenerateResponseData(
    tpMap([
      { tp: tp('t', 0), data: answer(0, 10) },
      { tp: tp('t', 1), data: answer(1, 10) },
    ]),
  );
  return { fm, id: out.sessionId };
}

function collect(ctx: { foreachPartition: IncrementalFetchContext['foreachPartition'] }): Array<{ key: string; req: FetchPartitionRequest | null }> {
  const out: Array<{ key: string; req: FetchPartitionRequest | null }> = [];
  ctx.foreachPartition((_t, _d, key, r) => out.push({ key, req: r }));
  return out;
}

describe('Fetch sessions of an idle follower (nothing per partition when nothing changed)', () => {
  it('an incremental context hands over the same read request while the position is unchanged, a new one when it moved', () => {
    const { fm, id } = sessionOfTwo();
    const first = collect(fm.newContext(12, id, 1, true, reqMap(), [], () => undefined));
    expect(first.map((e) => e.req?.fetchOffset)).to.deep.equal([10, 10]);
    expect(first[0].req).to.include({ topic: 't', partition: 0, key: 't-0', partitionMaxBytes: 1000, currentLeaderEpoch: 3, lastFetchedEpoch: 3 });
    const second = collect(fm.newContext(12, id, 2, true, reqMap([tp('t', 1), req(12)]), [], () => undefined));
    expect(second[0].req).to.equal(first[0].req); // same object: t-0 did not move
    expect(second[1].req).to.not.equal(first[1].req);
    expect(second[1].req!.fetchOffset).to.equal(12);
  });

  it('an unchanged partition may be left out of an incremental response; one whose HW moved, with records or an error may not', () => {
    const { fm, id } = sessionOfTwo();
    const ctx = fm.newContext(12, id, 1, true, reqMap(), [], () => undefined);
    const [k0, k1] = collect(ctx).map((e) => e.key);
    expect(ctx.canOmit(k0, outcome(10))).to.equal(true);
    expect(ctx.canOmit(k1, outcome(11))).to.equal(false); // HW propagation to the follower
    expect(ctx.canOmit(k1, outcome(10, 50))).to.equal(false);
    expect(ctx.canOmit(k1, outcome(10, 0, ErrorCode.NOT_LEADER_OR_FOLLOWER))).to.equal(false);
    expect(ctx.canOmit(k1, { ...outcome(10), logStartOffset: 5 })).to.equal(false);
    // The response of what was not omitted: t-1 with its new HW; the session remembers it, so next time it is unchanged.
    const out = ctx.updateAndGenerateResponseData(tpMap([{ tp: tp('t', 1), data: answer(1, 11) }]));
    expect([...out.partitions.values()].map((e) => `${e.tp.topic}-${e.tp.partition}:${e.data.highWatermark}`)).to.deep.equal(['t-1:11']);
    const next = fm.newContext(12, id, 2, true, reqMap(), [], () => undefined);
    expect(next.canOmit(k1, outcome(11))).to.equal(true);
    expect(next.canOmit(k0, outcome(10))).to.equal(true);
  });

  it('full and sessionless contexts never omit, and a stale incremental context (duplicate request) does not either', () => {
    const { fm, id } = sessionOfTwo();
    const stale = fm.newContext(12, id, 1, true, reqMap(), [], () => undefined);
    const key = collect(stale)[0].key;
    fm.newContext(12, id, 2, true, reqMap(), [], () => undefined); // the session moved on
    expect(stale.canOmit(key, outcome(10))).to.equal(false);
    expect(stale.updateAndGenerateResponseData(new Map()).errorCode).to.equal(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    const sessionless = fm.newContext(12, 0, -1, false, reqMap([tp('t', 0), req(10)]), [], () => undefined);
    const e = collect(sessionless);
    expect(e[0].req).to.equal(null); // the caller builds its own
    expect(sessionless.canOmit(e[0].key, outcome(10))).to.equal(false);
  });
});

describe('LocalLogReader: a fetcher at its limit is answered from the partition offsets', () => {
  function partition(reads: number[]): Partition {
    const cache = new LeaderEpochFileCache('/nonexistent');
    cache.assignNoFlush(5, 0);
    return {
      key: 't-0',
      leaderEpoch: 5,
      isLeader: () => true,
      logStartOffset: 10,
      logEndOffset: 100,
      highWatermark: 90,
      lastStableOffset: 90,
      log: {
        leaderEpochCache: cache,
        read: (offset: number) => {
          reads.push(offset);
          return { records: [Buffer.alloc(10)], sizeInBytes: 10 };
        },
      },
    } as unknown as Partition;
  }
  const params = (replicaId: number): FetchParams => ({
    replicaId,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1000,
    hardMaxBytesLimit: false,
    fetchOnlyFromLeader: true,
  });
  const request = (fetchOffset: number): FetchPartitionRequest => ({
    topic: 't',
    partition: 0,
    fetchOffset,
    partitionMaxBytes: 1000,
    currentLeaderEpoch: -1,
    lastFetchedEpoch: 5,
  });

  it('a follower at the log end gets no records, the HW and log start offset, and the log is not read', () => {
    const reads: number[] = [];
    const [r] = readFromLocalLog(() => partition(reads), params(2), [request(100)], getLogger('test'));
    expect(r).to.include({ errorCode: ErrorCode.NONE, highWatermark: 90, lastStableOffset: 90, logStartOffset: 10, sizeInBytes: 0 });
    expect(r.records).to.deep.equal([]);
    expect(reads).to.deep.equal([]);
    // Behind the log end it reads.
    readFromLocalLog(() => partition(reads), params(2), [request(95)], getLogger('test'));
    expect(reads).to.deep.equal([95]);
  });

  it('a consumer at the HW or between the HW and the log end gets nothing yet, without a read', () => {
    const reads: number[] = [];
    for (const offset of [90, 95]) {
      const [r] = readFromLocalLog(() => partition(reads), params(-1), [request(offset)], getLogger('test'));
      expect(r).to.include({ errorCode: ErrorCode.NONE, highWatermark: 90, sizeInBytes: 0 });
    }
    expect(reads).to.deep.equal([]);
  });
});

describe('FetchSessionHandler: an idle follower re-sends nothing', () => {
  const sp = (partition: number, fetchOffset: number): SessionPartition => ({
    key: `t-${partition}`,
    topic: 't',
    topicId: ZERO,
    partition,
    data: req(fetchOffset),
  });

  it('the same or equal partitions send nothing; a moved one is sent, a dropped one forgotten', () => {
    const h = new FetchSessionHandler();
    const a = sp(0, 10);
    const b = sp(1, 10);
    expect(h.build([a, b]).toSend).to.deep.equal([a, b]);
    expect(h.handleResponse(ErrorCode.NONE, 7)).to.equal(true);
    let built = h.build([a, b]);
    expect(built).to.deep.include({ sessionId: 7, sessionEpoch: 1, toSend: [], toForget: [] });
    h.handleResponse(ErrorCode.NONE, 7);
    built = h.build([a, sp(1, 10)]); // an equal new object is not a change
    expect(built.toSend).to.deep.equal([]);
    h.handleResponse(ErrorCode.NONE, 7);
    const moved = sp(1, 12);
    built = h.build([moved]);
    expect(built.toSend).to.deep.equal([moved]);
    expect(built.toForget).to.deep.equal([a]);
    h.handleResponse(ErrorCode.NONE, 7);
    built = h.build([moved, sp(2, 0)]);
    expect(built.toSend.map((p) => p.key)).to.deep.equal(['t-2']);
    expect(built.toForget).to.deep.equal([]);
  });
});

describe('ReplicaManager.fetchMessages: a follower at the log end', () => {
  let dir: string;
  let rm: ReplicaManager;
  let logManager: LogManager;
  const fetch = (fetchOffset: number, lastFetchedEpoch = 0) =>
    rm.fetchMessages({ replicaId: 2, maxWaitMs: 30, minBytes: 1, maxBytes: 1 << 20, hardMaxBytesLimit: false, fetchOnlyFromLeader: true }, [
      { topic: 't', partition: 0, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: 0, lastFetchedEpoch, key: 't-0' },
    ]);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-idle-'));
    ({ rm, logManager } = replicaManagerIn(dir));
    const state = partitionState('t', 0);
    rm.becomeLeaderOrFollower(0, 1, [{ topic: 't', partition: 0, topicId: null, state }], []);
  });

  afterEach(async () => {
    await rm.shutdown();
    logManager.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is parked, still counts as caught up, moves the HW, and gets no records (with the HW) at max_wait', async () => {
    const produced = rm.appendRecords(9, -1, 30000, [
      { topic: 't', partition: 0, records: buildRecordBatch({ records: [{ key: null, value: Buffer.from('v'), timestamp: 1 }] }) },
    ]);
    const before = Date.now();
    const parked = fetch(1); // at the leader's log end
    expect(parked).to.be.instanceOf(Promise);
    const p = rm.getPartition('t', 0)!;
    // Partition.updateFollowerFetchState ran: the follower is at the log end (HW moved to 1) and caught up now.
    expect(p.highWatermark).to.equal(1);
    expect(p.outOfSyncReplicas(before + 1000, 1000)).to.deep.equal([]);
    const [acked] = await (produced as Promise<Array<{ errorCode: number }>>);
    expect(acked.errorCode).to.equal(ErrorCode.NONE);
    const [res] = await parked;
    expect(res).to.include({ errorCode: ErrorCode.NONE, highWatermark: 1, logStartOffset: 0, sizeInBytes: 0 });
    expect(res.records).to.deep.equal([]);
  });

  it('past the log end it is answered at once, not parked: a diverging epoch, or OFFSET_OUT_OF_RANGE without a last epoch', () => {
    const diverged = fetch(5);
    expect(Array.isArray(diverged)).to.equal(true);
    expect((diverged as Array<{ divergingEpoch: unknown }>)[0].divergingEpoch).to.deep.equal({ epoch: 0, endOffset: 0 });
    const out = fetch(5, -1);
    expect(Array.isArray(out)).to.equal(true);
    expect((out as Array<{ errorCode: number }>)[0].errorCode).to.equal(ErrorCode.OFFSET_OUT_OF_RANGE);
  });
});
