/**
 * Incremental fetch sessions (KIP-227), as Kafka 3.7's kafka.server.FetchSession.scala: a FetchSessionCache of
 * sessions, and per request a FetchContext that says which partitions to read and shapes the response.
 *
 * - A full fetch (epoch 0) creates a session when the cache has room or can evict one (FullFetchContext);
 *   epoch -1 asks for no session (SessionlessFetchContext, what every pre-v7 request and kafkajs use).
 * - An incremental fetch (session id, epoch >= 1) names only the partitions that changed; the session
 *   remembers the others. The response carries only partitions with records, a new high watermark or log
 *   start offset, an error, a preferred read replica or a diverging epoch (CachedPartition.maybeUpdateResponseData).
 * - Unknown session -> FETCH_SESSION_ID_NOT_FOUND, wrong epoch -> INVALID_FETCH_SESSION_EPOCH, topic ids
 *   switched on or off within a session -> FETCH_SESSION_TOPIC_ID_ERROR (SessionErrorContext).
 */
import { ErrorCode } from '../protocol/errors';
import type { FetchPartitionData } from '../protocol/apis/01-fetch';
import type { FetchPartitionRequest } from './LocalLogReader';
import { CachedPartition, PartitionFetchData, PartitionReadOutcome, recordsSize, TopicIdPartition, TpMap, tpKey } from './FetchSessionPartition';

export { fetchPartitionRequest, tpKey, tpMap } from './FetchSessionPartition';
export type { PartitionFetchData, PartitionReadOutcome, TopicIdPartition, TpMap } from './FetchSessionPartition';

/** FetchMetadata's constants. */
export const INVALID_SESSION_ID = 0;
export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;

/** Kafka's KafkaServer.MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS: a session younger than this is not evictable by size. */
export const MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS = 120000;

/** FetchMetadata.nextEpoch: after FINAL_EPOCH comes FINAL_EPOCH; after Integer.MAX_VALUE comes 1. */
export function nextEpoch(prev: number): number {
  if (prev < 0) return FINAL_EPOCH;
  if (prev === 0x7fffffff) return 1;
  return prev + 1;
}

export class FetchSession {
  /** The partition count the cache last accounted for (-1 before the first touch). */
  cachedSize = -1;
  inEvictableByAll = false;
  inEvictableByPrivileged = false;

  constructor(
    readonly id: number,
    readonly privileged: boolean,
    /** Insertion-ordered; a partition that returned records moves to the end (fair rotation under max_bytes). */
    readonly partitionMap: Map<string, CachedPartition>,
    readonly usesTopicIds: boolean,
    readonly creationMs: number,
    public lastUsedMs: number,
    public epoch: number,
  ) {}

  get size(): number {
    return this.partitionMap.size;
  }

  getFetchOffset(tp: TopicIdPartition): number | undefined {
    return this.partitionMap.get(tpKey(tp))?.req.fetchOffset;
  }

  /** FetchSession.update: adds or updates the partitions the request names, removes the forgotten ones. */
  update(fetchData: TpMap<PartitionFetchData>, toForget: TopicIdPartition[]): { added: number; updated: number; removed: number } {
    let added = 0;
    let updated = 0;
    let removed = 0;
    for (const [key, { tp, data }] of fetchData) {
      const cached = this.partitionMap.get(key);
      if (cached) {
        cached.req = data;
        updated++;
      } else {
        this.partitionMap.set(key, new CachedPartition(key, tp, data));
        added++;
      }
    }
    for (const tp of toForget) if (this.partitionMap.delete(tpKey(tp))) removed++;
    return { added, updated, removed };
  }
}

/** Kafka's EvictableKey ordering: (privileged, size, id), unprivileged and small first. */
function compareEvictable(a: { privileged: boolean; size: number; id: number }, b: { privileged: boolean; size: number; id: number }): number {
  if (a.privileged !== b.privileged) return a.privileged ? 1 : -1;
  if (a.size !== b.size) return a.size - b.size;
  return a.id - b.id;
}

/**
 * FetchSessionCache: at most maxEntries sessions. A new session may take the place of one unused for
 * evictionMs, else of the "least valuable" evictable one: sessions older than evictionMs are evictable by all;
 * unprivileged (consumer) sessions are also evictable by privileged (follower) ones; among those, an unprivileged
 * or smaller session goes first, and a session is only evicted for a new one at least as valuable (tryEvict).
 */
export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();
  private numPartitions = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly evictionMs: number = MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS,
    private readonly random: () => number = Math.random,
  ) {}

  get(id: number): FetchSession | undefined {
    return this.sessions.get(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  get totalPartitions(): number {
    return this.numPartitions;
  }

  /** A random id in [1, Integer.MAX_VALUE) not in use. */
  private newSessionId(): number {
    let id: number;
    do {
      id = 1 + Math.floor(this.random() * (0x7fffffff - 1));
    } while (this.sessions.has(id) || id === INVALID_SESSION_ID);
    return id;
  }

  /** The new session's id, or INVALID_SESSION_ID when the cache is full and nothing may be evicted for it. */
  maybeCreateSession(now: number, privileged: boolean, size: number, usesTopicIds: boolean, createPartitions: () => Map<string, CachedPartition>): number {
    if (this.sessions.size < this.maxEntries || this.tryEvict(privileged, { privileged, size, id: 0 }, now)) {
      const session = new FetchSession(this.newSessionId(), privileged, createPartitions(), usesTopicIds, now, now, nextEpoch(INITIAL_EPOCH));
      this.sessions.set(session.id, session);
      this.touch(session, now);
      return session.id;
    }
    return INVALID_SESSION_ID;
  }

  /** FetchSessionCache.tryEvict. */
  tryEvict(privileged: boolean, key: { privileged: boolean; size: number; id: number }, now: number): boolean {
    let lru: FetchSession | undefined;
    for (const s of this.sessions.values()) {
      if (!lru || s.lastUsedMs < lru.lastUsedMs || (s.lastUsedMs === lru.lastUsedMs && s.id < lru.id)) lru = s;
    }
    if (!lru) return false;
    if (now - lru.lastUsedMs > this.evictionMs) {
      this.remove(lru);
      return true;
    }
    let candidate: FetchSession | undefined;
    for (const s of this.sessions.values()) {
      if (!(privileged ? s.inEvictableByPrivileged : s.inEvictableByAll)) continue;
      if (!candidate || compareEvictable(this.evictableKey(s), this.evictableKey(candidate)) < 0) candidate = s;
    }
    if (!candidate || compareEvictable(key, this.evictableKey(candidate)) < 0) return false;
    this.remove(candidate);
    return true;
  }

  private evictableKey(s: FetchSession): { privileged: boolean; size: number; id: number } {
    return { privileged: s.privileged, size: s.cachedSize, id: s.id };
  }

  remove(sessionOrId: FetchSession | number): FetchSession | undefined {
    const session = typeof sessionOrId === 'number' ? this.sessions.get(sessionOrId) : sessionOrId;
    if (!session || this.sessions.get(session.id) !== session) return undefined;
    this.sessions.delete(session.id);
    session.inEvictableByAll = false;
    session.inEvictableByPrivileged = false;
    this.numPartitions -= session.cachedSize;
    return session;
  }

  /** FetchSessionCache.touch: records the use and re-files the session among the evictable ones. */
  touch(session: FetchSession, now: number): void {
    session.lastUsedMs = now;
    if (session.cachedSize !== -1) this.numPartitions -= session.cachedSize;
    session.cachedSize = session.size;
    const old = now - session.creationMs > this.evictionMs;
    session.inEvictableByPrivileged = !session.privileged || old;
    session.inEvictableByAll = old;
    this.numPartitions += session.cachedSize;
  }
}

/** What a context answers: the response's top-level error and session id, and the partitions to send in order. */
export interface FetchContextResponse {
  errorCode: number;
  sessionId: number;
  partitions: TpMap<FetchPartitionData>;
}

export abstract class FetchContext {
  abstract getFetchOffset(tp: TopicIdPartition): number | undefined;
  /**
   * The partitions to read, in order, each with its key (tpKey) and, in a session, the read request it keeps
   * while the fetcher's position is unchanged (null: the caller builds one).
   */
  abstract foreachPartition(fn: (tp: TopicIdPartition, data: PartitionFetchData, key: string, req: FetchPartitionRequest | null) => void): void;
  /**
   * Whether a read may be left out of the response before it is even shaped: only an incremental context says
   * yes, for a session partition that did not change (it would not be in the response, and nothing is updated).
   */
  canOmit(_key: string, _res: PartitionReadOutcome): boolean {
    return false;
  }
  /** How many partitions foreachPartition visits (arrays of the read are sized once). */
  abstract get partitionCount(): number;
  /** Updates the session from the read results and gives the partitions the response carries. */
  abstract updateAndGenerateResponseData(updates: TpMap<FetchPartitionData>): FetchContextResponse;
}

export class SessionErrorContext extends FetchContext {
  constructor(readonly error: number) {
    super();
  }
  getFetchOffset(): number | undefined {
    return undefined;
  }
  foreachPartition(): void {}
  get partitionCount(): number {
    return 0;
  }
  updateAndGenerateResponseData(): FetchContextResponse {
    return { errorCode: this.error, sessionId: INVALID_SESSION_ID, partitions: new Map() };
  }
}

export class SessionlessFetchContext extends FetchContext {
  constructor(private readonly fetchData: TpMap<PartitionFetchData>) {
    super();
  }
  getFetchOffset(tp: TopicIdPartition): number | undefined {
    return this.fetchData.get(tpKey(tp))?.data.fetchOffset;
  }
  foreachPartition(fn: (tp: TopicIdPartition, data: PartitionFetchData, key: string, req: FetchPartitionRequest | null) => void): void {
    for (const [key, { tp, data }] of this.fetchData) fn(tp, data, key, null);
  }
  get partitionCount(): number {
    return this.fetchData.size;
  }
  updateAndGenerateResponseData(updates: TpMap<FetchPartitionData>): FetchContextResponse {
    return { errorCode: ErrorCode.NONE, sessionId: INVALID_SESSION_ID, partitions: updates };
  }
}

export class FullFetchContext extends FetchContext {
  constructor(
    private readonly now: () => number,
    private readonly cache: FetchSessionCache,
    private readonly fetchData: TpMap<PartitionFetchData>,
    private readonly usesTopicIds: boolean,
    private readonly isFromFollower: boolean,
  ) {
    super();
  }
  getFetchOffset(tp: TopicIdPartition): number | undefined {
    return this.fetchData.get(tpKey(tp))?.data.fetchOffset;
  }
  foreachPartition(fn: (tp: TopicIdPartition, data: PartitionFetchData, key: string, req: FetchPartitionRequest | null) => void): void {
    for (const [key, { tp, data }] of this.fetchData) fn(tp, data, key, null);
  }
  get partitionCount(): number {
    return this.fetchData.size;
  }
  updateAndGenerateResponseData(updates: TpMap<FetchPartitionData>): FetchContextResponse {
    const create = (): Map<string, CachedPartition> => {
      const m = new Map<string, CachedPartition>();
      for (const [key, { tp, data }] of updates) {
        const req = this.fetchData.get(key)?.data;
        if (!req) continue;
        const c = new CachedPartition(key, tp, req);
        c.highWatermark = data.highWatermark;
        c.localLogStartOffset = data.logStartOffset;
        m.set(key, c);
      }
      return m;
    };
    const sessionId = this.cache.maybeCreateSession(this.now(), this.isFromFollower, updates.size, this.usesTopicIds, create);
    return { errorCode: ErrorCode.NONE, sessionId, partitions: updates };
  }
}

export class IncrementalFetchContext extends FetchContext {
  constructor(
    private readonly reqEpoch: number,
    private readonly session: FetchSession,
    private readonly topicName: (id: Buffer) => string | undefined,
  ) {
    super();
  }
  getFetchOffset(tp: TopicIdPartition): number | undefined {
    return this.session.getFetchOffset(tp);
  }
  foreachPartition(fn: (tp: TopicIdPartition, data: PartitionFetchData, key: string, req: FetchPartitionRequest | null) => void): void {
    for (const part of this.session.partitionMap.values()) {
      if (this.session.usesTopicIds) part.maybeResolveUnknownName(this.topicName);
      fn(part.tp, part.req, part.key, part.tp.topic === null ? null : part.fetchRequest());
    }
  }
  get partitionCount(): number {
    return this.session.size;
  }
  override canOmit(key: string, res: PartitionReadOutcome): boolean {
    // Only while the session is at this request's epoch; otherwise updateAndGenerateResponseData answers an error.
    if (this.session.epoch !== nextEpoch(this.reqEpoch)) return false;
    const cached = this.session.partitionMap.get(key);
    return cached !== undefined && cached.unchanged(res);
  }
  updateAndGenerateResponseData(updates: TpMap<FetchPartitionData>): FetchContextResponse {
    // The session moved on while this request was being served (a duplicate request): answer nothing.
    if (this.session.epoch !== nextEpoch(this.reqEpoch)) {
      return { errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: this.session.id, partitions: new Map() };
    }
    const out: TpMap<FetchPartitionData> = new Map();
    for (const [key, entry] of updates) {
      const cached = this.session.partitionMap.get(key);
      // Not in the session (an error entry for a partition the session dropped): Kafka would fail; we send it.
      if (!cached) {
        out.set(key, entry);
        continue;
      }
      if (cached.maybeUpdateResponseData(entry.data, true)) {
        out.set(key, entry);
        if (recordsSize(entry.data) > 0) {
          // Partitions that returned data go to the back, so the next request reads the others first.
          this.session.partitionMap.delete(key);
          this.session.partitionMap.set(key, cached);
        }
      }
    }
    return { errorCode: ErrorCode.NONE, sessionId: this.session.id, partitions: out };
  }
}

/** kafka.server.FetchManager: the context for one request. */
export class FetchManager {
  constructor(
    readonly cache: FetchSessionCache,
    private readonly now: () => number = Date.now,
  ) {}

  newContext(
    reqVersion: number,
    sessionId: number,
    epoch: number,
    isFollower: boolean,
    fetchData: TpMap<PartitionFetchData>,
    toForget: TopicIdPartition[],
    topicName: (id: Buffer) => string | undefined,
  ): FetchContext {
    if (epoch === INITIAL_EPOCH || epoch === FINAL_EPOCH) {
      // A full request closes the session it names, if any.
      if (sessionId !== INVALID_SESSION_ID) this.cache.remove(sessionId);
      if (epoch === FINAL_EPOCH) return new SessionlessFetchContext(fetchData);
      return new FullFetchContext(this.now, this.cache, fetchData, reqVersion >= 13, isFollower);
    }
    const session = this.cache.get(sessionId);
    if (!session) return new SessionErrorContext(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
    if (session.epoch !== epoch) return new SessionErrorContext(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    if (session.usesTopicIds !== reqVersion >= 13) return new SessionErrorContext(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR);
    session.update(fetchData, toForget);
    if (session.size === 0) {
      // Every partition forgotten: the session closes and this request is answered without one.
      this.cache.remove(session);
      return new SessionlessFetchContext(fetchData);
    }
    this.cache.touch(session, this.now());
    session.epoch = nextEpoch(session.epoch);
    return new IncrementalFetchContext(epoch, session, topicName);
  }
}
