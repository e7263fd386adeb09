import { expect } from 'chai';
import type { FetchPartitionData } from '../../../src/protocol/apis/01-fetch';
import { ErrorCode } from '../../../src/protocol/errors';
import {
  FetchManager,
  FetchSessionCache,
  FINAL_EPOCH,
  FullFetchContext,
  IncrementalFetchContext,
  INVALID_SESSION_ID,
  nextEpoch,
  PartitionFetchData,
  SessionErrorContext,
  SessionlessFetchContext,
  TopicIdPartition,
  TpMap,
  tpKey,
  tpMap,
} from '../../../src/server/FetchSession';
import { FetchSessionHandler, SessionPartition } from '../../../src/server/FetchSessionHandler';

const ZERO = Buffer.alloc(16);
const ID_A = Buffer.from('0a'.repeat(16), 'hex');

function tp(topic: string, partition: number, topicId: Buffer = ZERO): TopicIdPartition {
  return { topic, topicId, partition };
}

function req(fetchOffset: number): PartitionFetchData {
  return { fetchOffset, logStartOffset: -1, maxBytes: 1000, currentLeaderEpoch: -1, lastFetchedEpoch: -1 };
}

function res(partition: number, highWatermark: number, records: Buffer | null = null, errorCode = 0): FetchPartitionData {
  return {
    partitionIndex: partition,
    errorCode,
    highWatermark,
    lastStableOffset: highWatermark,
    logStartOffset: 0,
    abortedTransactions: [],
    preferredReadReplica: -1,
    records,
  };
}

function reqMap(...entries: Array<[TopicIdPartition, PartitionFetchData]>): TpMap<PartitionFetchData> {
  return tpMap(entries.map(([t, data]) => ({ tp: t, data })));
}

function resMap(...entries: Array<[TopicIdPartition, FetchPartitionData]>): TpMap<FetchPartitionData> {
  return tpMap(entries.map(([t, data]) => ({ tp: t, data })));
}

/** The partitions a context would read, as "topic-partition@offset". */
function reads(ctx: { foreachPartition(fn: (t: TopicIdPartition, d: PartitionFetchData) => void): void }): string[] {
  const out: string[] = [];
  ctx.foreachPartition((t, d) => out.push(`${t.topic}-${t.partition}@${d.fetchOffset}`));
  return out;
}

const noNames = (): string | undefined => undefined;

describe('FetchSession (KIP-227, kafka.server.FetchSession)', () => {
  let now: number;
  let cache: FetchSessionCache;
  let mgr: FetchManager;
  beforeEach(() => {
    now = 1000;
    cache = new FetchSessionCache(3, 120000);
    mgr = new FetchManager(cache, () => now);
  });

  /** A full fetch that creates a session over `parts`; returns its id. */
  function createSession(parts: TopicIdPartition[], isFollower = false, version = 12): number {
    const data = reqMap(...parts.map((p): [TopicIdPartition, PartitionFetchData] => [p, req(0)]));
    const ctx = mgr.newContext(version, INVALID_SESSION_ID, 0, isFollower, data, [], noNames);
    expect(ctx).to.be.instanceOf(FullFetchContext);
    const out = ctx.updateAndGenerateResponseData(resMap(...parts.map((p): [TopicIdPartition, FetchPartitionData] => [p, res(p.partition, 10)])));
    expect(out.errorCode).to.equal(0);
    return out.sessionId;
  }

  it('nextEpoch follows FetchMetadata: -1 stays -1, MAX_VALUE wraps to 1', () => {
    expect([nextEpoch(0), nextEpoch(5), nextEpoch(-1), nextEpoch(0x7fffffff)]).to.deep.equal([1, 6, FINAL_EPOCH, 1]);
  });

  it('epoch -1 is sessionless: every partition is read and answered, no session id', () => {
    const data = reqMap([tp('t', 0), req(5)], [tp('t', 1), req(7)]);
    const ctx = mgr.newContext(11, INVALID_SESSION_ID, FINAL_EPOCH, false, data, [], noNames);
    expect(ctx).to.be.instanceOf(SessionlessFetchContext);
    expect(reads(ctx)).to.deep.equal(['t-0@5', 't-1@7']);
    const out = ctx.updateAndGenerateResponseData(resMap([tp('t', 0), res(0, 10)], [tp('t', 1), res(1, 10)]));
    expect([out.errorCode, out.sessionId, out.partitions.size]).to.deep.equal([0, 0, 2]);
    expect(cache.size).to.equal(0);
  });

  it('a full fetch (epoch 0) creates a session with a positive id and epoch 1', () => {
    const id = createSession([tp('t', 0), tp('t', 1)]);
    expect(id).to.be.greaterThan(0);
    expect(cache.size).to.equal(1);
    expect(cache.totalPartitions).to.equal(2);
    expect(cache.get(id)!.epoch).to.equal(1);
  });

  it('an incremental fetch reads every session partition but answers only the changed ones', () => {
    const a = tp('t', 0);
    const b = tp('t', 1);
    const id = createSession([a, b]);
    // The request names nothing: the session remembers both partitions.
    const ctx = mgr.newContext(12, id, 1, false, reqMap(), [], noNames);
    expect(ctx).to.be.instanceOf(IncrementalFetchContext);
    expect(reads(ctx)).to.deep.equal(['t-0@0', 't-1@0']);
    // a has new records, b is unchanged (same HW and log start, no records).
    const out = ctx.updateAndGenerateResponseData(resMap([a, res(0, 12, Buffer.from('xx'))], [b, res(1, 10, Buffer.alloc(0))]));
    expect(out.sessionId).to.equal(id);
    expect([...out.partitions.values()].map((e) => e.tp.partition)).to.deep.equal([0]);
    expect(cache.get(id)!.epoch).to.equal(2);
    // A partition that returned records moves to the back of the session (read last next time).
    const next = mgr.newContext(12, id, 2, false, reqMap([a, req(3)]), [], noNames);
    expect(reads(next)).to.deep.equal(['t-1@0', 't-0@3']);
  });

  it('an incremental response also carries a partition whose high watermark moved or that has an error', () => {
    const a = tp('t', 0);
    const b = tp('t', 1);
    const id = createSession([a, b]);
    const ctx = mgr.newContext(12, id, 1, false, reqMap(), [], noNames);
    const out = ctx.updateAndGenerateResponseData(resMap([a, res(0, 11)], [b, res(1, -1, null, ErrorCode.NOT_LEADER_OR_FOLLOWER)]));
    expect([...out.partitions.keys()]).to.deep.equal([tpKey(a), tpKey(b)]);
    // Next round: a unchanged (HW 11 was recorded); b's error reset its cached HW, so HW 10 is news.
    const ctx2 = mgr.newContext(12, id, 2, false, reqMap(), [], noNames);
    const out2 = ctx2.updateAndGenerateResponseData(resMap([a, res(0, 11)], [b, res(1, 10)]));
    expect([...out2.partitions.keys()]).to.deep.equal([tpKey(b)]);
  });

  it('forgotten partitions leave the session; forgetting them all closes it (sessionless answer)', () => {
    const a = tp('t', 0);
    const b = tp('t', 1);
    const id = createSession([a, b]);
    const ctx = mgr.newContext(12, id, 1, false, reqMap(), [a], noNames);
    expect(reads(ctx)).to.deep.equal(['t-1@0']);
    expect(cache.totalPartitions).to.equal(1);
    const last = mgr.newContext(12, id, 2, false, reqMap(), [b], noNames);
    expect(last).to.be.instanceOf(SessionlessFetchContext);
    expect(cache.get(id)).to.equal(undefined);
  });

  it('unknown session id -> FETCH_SESSION_ID_NOT_FOUND, wrong epoch -> INVALID_FETCH_SESSION_EPOCH', () => {
    const id = createSession([tp('t', 0)]);
    const unknown = mgr.newContext(12, id + 1, 1, false, reqMap(), [], noNames);
    expect(unknown).to.be.instanceOf(SessionErrorContext);
    expect(unknown.updateAndGenerateResponseData(new Map())).to.deep.equal({
      errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
      sessionId: 0,
      partitions: new Map(),
    });
    const stale = mgr.newContext(12, id, 5, false, reqMap(), [], noNames);
    expect(stale.updateAndGenerateResponseData(new Map()).errorCode).to.equal(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    // The session survives a bad epoch.
    expect(mgr.newContext(12, id, 1, false, reqMap(), [], noNames)).to.be.instanceOf(IncrementalFetchContext);
  });

  it('a duplicate incremental request answered after the session moved on gets INVALID_FETCH_SESSION_EPOCH', () => {
    const id = createSession([tp('t', 0)]);
    const first = mgr.newContext(12, id, 1, false, reqMap(), [], noNames);
    mgr.newContext(12, id, 2, false, reqMap(), [], noNames); // the session is at epoch 3 now
    const out = first.updateAndGenerateResponseData(resMap([tp('t', 0), res(0, 10)]));
    expect([out.errorCode, out.sessionId, out.partitions.size]).to.deep.equal([ErrorCode.INVALID_FETCH_SESSION_EPOCH, id, 0]);
  });

  it('switching topic ids on or off within a session -> FETCH_SESSION_TOPIC_ID_ERROR', () => {
    const id = createSession([tp('t', 0)], false, 12);
    const ctx = mgr.newContext(13, id, 1, false, reqMap(), [], noNames);
    expect(ctx.updateAndGenerateResponseData(new Map()).errorCode).to.equal(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR);
  });

  it('a full fetch naming a session closes it before creating a new one', () => {
    const id = createSession([tp('t', 0)]);
    const ctx = mgr.newContext(12, id, 0, false, reqMap([tp('t', 0), req(0)]), [], noNames);
    const out = ctx.updateAndGenerateResponseData(resMap([tp('t', 0), res(0, 10)]));
    expect(cache.get(id)).to.equal(undefined);
    expect(out.sessionId).to.not.equal(id);
    expect(cache.size).to.equal(1);
  });

  it('sessions by topic id resolve names for the partitions they read', () => {
    const names = (id: Buffer): string | undefined => (id.equals(ID_A) ? 'a' : undefined);
    const unknown = { topicId: ID_A, topic: null, partition: 0 };
    const ctx = mgr.newContext(13, 0, 0, false, reqMap([unknown, req(0)]), [], () => undefined);
    const id = ctx.updateAndGenerateResponseData(resMap([unknown, res(0, -1, null, ErrorCode.UNKNOWN_TOPIC_ID)])).sessionId;
    // The topic became known: the next incremental round reads it by name.
    expect(reads(mgr.newContext(13, id, 1, false, reqMap(), [], names))).to.deep.equal(['a-0@0']);
  });

  describe('FetchSessionCache.tryEvict', () => {
    function fill(privileged: boolean, sizes: number[]): number[] {
      return sizes.map((n) => cache.maybeCreateSession(now, privileged, n, false, () => new Map(Array.from({ length: n }, (_, i) => [`k${i}`, {} as never]))));
    }

    it('a full cache refuses new sessions while all are young', () => {
      fill(false, [1, 2, 3]);
      expect(cache.maybeCreateSession(now, false, 5, false, () => new Map())).to.equal(INVALID_SESSION_ID);
      expect(cache.size).to.equal(3);
    });

    it('a session unused for longer than the eviction time makes room for anyone', () => {
      const ids = fill(false, [1, 2, 3]);
      now += 60000;
      for (const id of ids.slice(1)) cache.touch(cache.get(id)!, now);
      now += 60001;
      // Only ids[0] has been unused for 120 s; even a consumer session may take its place.
      const id = cache.maybeCreateSession(now, false, 1, false, () => new Map());
      expect(id).to.not.equal(INVALID_SESSION_ID);
      expect(cache.get(ids[0])).to.equal(undefined);
      expect(ids.slice(1).map((i) => cache.get(i) !== undefined)).to.deep.equal([true, true]);
    });

    it('a follower (privileged) may evict a young consumer session; a consumer may not', () => {
      const ids = fill(false, [3, 1, 2]);
      expect(cache.maybeCreateSession(now, false, 10, false, () => new Map())).to.equal(INVALID_SESSION_ID);
      const id = cache.maybeCreateSession(now, true, 10, false, () => new Map());
      expect(id).to.not.equal(INVALID_SESSION_ID);
      // The smallest unprivileged session went.
      expect(cache.get(ids[1])).to.equal(undefined);
      expect(cache.get(ids[0])).to.not.equal(undefined);
    });

    it('young follower sessions are never evicted; old ones only for a session at least as valuable', () => {
      const followers = fill(true, [5, 5, 5]);
      expect(cache.maybeCreateSession(now, true, 100, false, () => new Map())).to.equal(INVALID_SESSION_ID);
      // Older than the eviction time, yet used recently: evictable by size, not by staleness.
      now += 120001;
      for (const id of followers) cache.touch(cache.get(id)!, now);
      expect(cache.maybeCreateSession(now, false, 2, false, () => new Map())).to.equal(INVALID_SESSION_ID);
      expect(cache.maybeCreateSession(now, true, 4, false, () => new Map())).to.equal(INVALID_SESSION_ID);
      expect(cache.maybeCreateSession(now, true, 6, false, () => new Map())).to.not.equal(INVALID_SESSION_ID);
      expect(cache.size).to.equal(3);
    });
  });
});

describe('FetchSessionHandler (the follower side of a session)', () => {
  const part = (partition: number, fetchOffset: number): SessionPartition => ({
    key: `t-${partition}`,
    topic: 't',
    topicId: ZERO,
    partition,
    data: req(fetchOffset),
  });

  it('sends everything in a full request, then only what changed, and forgets what was dropped', () => {
    const h = new FetchSessionHandler();
    const full = h.build([part(0, 0), part(1, 0)]);
    expect([full.sessionId, full.sessionEpoch, full.toSend.length]).to.deep.equal([0, 0, 2]);
    expect(h.handleResponse(0, 42)).to.equal(true);
    const inc = h.build([part(0, 5), part(1, 0)]);
    expect([inc.sessionId, inc.sessionEpoch]).to.deep.equal([42, 1]);
    expect(inc.toSend.map((p) => p.partition)).to.deep.equal([0]);
    expect(h.handleResponse(0, 42)).to.equal(true);
    const dropped = h.build([part(0, 5)]);
    expect([dropped.sessionEpoch, dropped.toSend.length, dropped.toForget.map((p) => p.partition)]).to.deep.equal([2, 0, [1]]);
  });

  it('a session error or a network error makes the next request full', () => {
    const h = new FetchSessionHandler();
    h.build([part(0, 0)]);
    h.handleResponse(0, 42);
    h.build([part(0, 0)]);
    expect(h.handleResponse(ErrorCode.INVALID_FETCH_SESSION_EPOCH, 0)).to.equal(false);
    const closing = h.build([part(0, 0)]);
    // Full request that names the old session, so the leader drops it (FetchMetadata.nextCloseExisting).
    expect([closing.sessionId, closing.sessionEpoch, closing.toSend.length]).to.deep.equal([42, 0, 1]);
    h.handleResponse(ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 0);
    expect(h.build([part(0, 0)]).sessionId).to.equal(0);
    h.handleResponse(0, 43);
    h.build([part(0, 0)]);
    h.handleError();
    expect(h.build([part(0, 0)]).sessionEpoch).to.equal(0);
  });

  it('a full response without a session id keeps the fetcher sessionless', () => {
    const h = new FetchSessionHandler();
    h.build([part(0, 0)]);
    h.handleResponse(0, 0);
    expect(h.build([part(0, 0)]).sessionEpoch).to.equal(0);
  });
});
