/**
 * The per-partition state of an incremental fetch session (KIP-227), as Kafka's kafka.server.CachedPartition, and
 * the keys and request shapes the session, the fetch handler and the replica manager share (split out of
 * FetchSession.ts).
 */
import { ErrorCode } from '../protocol/errors';
import type { FetchPartitionData } from '../protocol/apis/01-fetch';
import { tpKey as partitionKey } from '../cluster/Partition';
import type { FetchPartitionRequest } from './LocalLogReader';

const ZERO_UUID = Buffer.alloc(16);

/** A TopicIdPartition: topic is null when a v13+ request named a topic id this broker does not know. */
export interface TopicIdPartition {
  topicId: Buffer;
  topic: string | null;
  partition: number;
}

/** CachedPartition's identity: the topic id when there is one, else the name. */
export function tpKey(tp: TopicIdPartition): string {
  return tp.topicId.equals(ZERO_UUID) ? `n:${tp.topic}:${tp.partition}` : `i:${tp.topicId.toString('hex')}:${tp.partition}`;
}

/** FetchRequest.PartitionData. */
export interface PartitionFetchData {
  fetchOffset: number;
  logStartOffset: number;
  maxBytes: number;
  currentLeaderEpoch: number;
  lastFetchedEpoch: number;
}

/** An ordered map keyed by tpKey, like Kafka's LinkedHashMap[TopicIdPartition, _]. */
export type TpMap<T> = Map<string, { tp: TopicIdPartition; data: T }>;

export function tpMap<T>(entries: Array<{ tp: TopicIdPartition; data: T }> = []): TpMap<T> {
  const m: TpMap<T> = new Map();
  for (const e of entries) m.set(tpKey(e.tp), e);
  return m;
}

/** What a read answered for one partition, as far as an incremental response cares (FetchPartitionResult's fields). */
export interface PartitionReadOutcome {
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  sizeInBytes: number;
  divergingEpoch: { epoch: number } | null;
}

export class CachedPartition {
  highWatermark = -1;
  localLogStartOffset = -1;
  private _req: PartitionFetchData;
  /** The read request built from `req`, kept while the fetcher's position is unchanged (never mutated once built). */
  private fetchReq: FetchPartitionRequest | null = null;

  constructor(
    readonly key: string,
    public tp: TopicIdPartition,
    req: PartitionFetchData,
  ) {
    this._req = req;
  }

  get req(): PartitionFetchData {
    return this._req;
  }

  set req(req: PartitionFetchData) {
    this._req = req;
    this.fetchReq = null;
  }

  /** The replica manager's read request for this partition (the topic's name must be known). */
  fetchRequest(): FetchPartitionRequest {
    if (this.fetchReq === null) this.fetchReq = fetchPartitionRequest(this.tp.topic!, this.tp.partition, this._req);
    return this.fetchReq;
  }

  maybeResolveUnknownName(topicName: (id: Buffer) => string | undefined): void {
    if (this.tp.topic === null) {
      const name = topicName(this.tp.topicId);
      if (name !== undefined) {
        this.tp = { ...this.tp, topic: name };
        this.fetchReq = null;
      }
    }
  }

  /**
   * Whether maybeUpdateResponseData would leave this read out of an incremental response without changing
   * anything: no records, the same high watermark and log start offset, no error, no diverging epoch (the leader
   * never sets a preferred read replica: no replica.selector.class).
   */
  unchanged(res: PartitionReadOutcome): boolean {
    return (
      res.errorCode === ErrorCode.NONE &&
      res.sizeInBytes === 0 &&
      res.highWatermark === this.highWatermark &&
      res.logStartOffset === this.localLogStartOffset &&
      !(res.divergingEpoch && res.divergingEpoch.epoch >= 0)
    );
  }

  /** CachedPartition.maybeUpdateResponseData: whether the partition must be in an incremental response. */
  maybeUpdateResponseData(res: FetchPartitionData, update: boolean): boolean {
    let mustRespond = false;
    if (recordsSize(res) > 0) mustRespond = true;
    if (this.highWatermark !== res.highWatermark) {
      mustRespond = true;
      if (update) this.highWatermark = res.highWatermark;
    }
    if (this.localLogStartOffset !== res.logStartOffset) {
      mustRespond = true;
      if (update) this.localLogStartOffset = res.logStartOffset;
    }
    if (res.preferredReadReplica >= 0) mustRespond = true;
    if (res.errorCode !== ErrorCode.NONE) {
      if (update) this.highWatermark = -1;
      mustRespond = true;
    }
    if (res.divergingEpoch && res.divergingEpoch.epoch >= 0) mustRespond = true;
    return mustRespond;
  }
}

/** The replica manager's read request for one partition of a fetch (FetchRequest.PartitionData plus the topic's name). */
export function fetchPartitionRequest(topic: string, partition: number, data: PartitionFetchData): FetchPartitionRequest {
  return {
    topic,
    partition,
    fetchOffset: data.fetchOffset,
    partitionMaxBytes: data.maxBytes,
    currentLeaderEpoch: data.currentLeaderEpoch,
    lastFetchedEpoch: data.lastFetchedEpoch,
    key: partitionKey(topic, partition),
  };
}

export function recordsSize(res: FetchPartitionData): number {
  const r = res.records;
  if (r === null) return 0;
  if (Buffer.isBuffer(r)) return r.length;
  let n = 0;
  for (const b of r) n += b.length;
  return n;
}
