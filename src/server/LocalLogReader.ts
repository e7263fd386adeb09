import { Logger } from '../common/logger';
import { fetchReadBuffers } from '../common/BufferPool';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { Partition } from '../cluster/Partition';
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from '../log/LeaderEpochFileCache';
import { batchSizeAt, HEADER_SIZE, lastOffsetAt } from '../protocol/records/RecordBatch';

/** IsolationLevel.READ_COMMITTED (Fetch v4+, ListOffsets v2+). */
export const READ_COMMITTED = 1;

export interface FetchPartitionRequest {
  topic: string;
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
  /** Fetch v12+: the epoch of the fetcher's last batch, -1 when not sent. */
  lastFetchedEpoch: number;
  /** The partition's key (cluster/Partition tpKey) when the caller already has it: spares building it per fetch. */
  key?: string;
}

export interface FetchPartitionResult {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer[] | null;
  sizeInBytes: number;
  /**
   * read_committed: the aborted transactions overlapping the records read (possibly none); null for
   * read_uncommitted and followers, as Kafka's FetchDataInfo.abortedTransactions is empty for them.
   */
  abortedTransactions: Array<{ producerId: number; firstOffset: number }> | null;
  /** Set when the fetcher's log diverged from ours (lastFetchedEpoch check); no records then. */
  divergingEpoch: { epoch: number; endOffset: number } | null;
}

export interface FetchParams {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  /** Fetch v3+ (every version we serve): the first non-empty partition may exceed the byte limits. */
  hardMaxBytesLimit: boolean;
  /**
   * FetchParams.fetchOnlyLeader: followers, and consumers (-1, -2) without client metadata (Fetch < v11), read
   * only from the leader; a v11+ consumer may read a follower up to its high watermark (KIP-392).
   */
  fetchOnlyFromLeader: boolean;
  /** FetchIsolation: consumers read up to the high watermark, or (1, READ_COMMITTED) the last stable offset. */
  isolationLevel?: number;
}

/** The records of a read that returned nothing: one shared array, never written to (nothing to give back to the pool). */
const NO_RECORDS: Buffer[] = Object.freeze([]) as unknown as Buffer[];

/** Record bytes a fetch sends are read into pooled buffers; the connection gives them back once written. */
const allocReadBuffer = (size: number): Buffer => fetchReadBuffers.alloc(size);

/** FetchIsolation: followers read to the log end, read_committed consumers to the LSO, others to the high watermark. */
function maxFetchableOffset(p: Partition, params: FetchParams): number {
  if (params.replicaId >= 0) return p.logEndOffset;
  return params.isolationLevel === READ_COMMITTED ? p.lastStableOffset : p.highWatermark;
}

/** The offset after the last batch of what a read returned (the upper bound of its aborted transactions). */
function nextOffsetAfter(records: Buffer[]): number {
  const last = records[records.length - 1];
  let pos = 0;
  let next = -1;
  while (pos + HEADER_SIZE <= last.length) {
    next = lastOffsetAt(last, pos) + 1;
    pos += batchSizeAt(last, pos);
  }
  return next;
}

/**
 * Partition.readRecords' lastFetchedEpoch check (KIP-320/KIP-595): where our log has the fetcher's last epoch
 * end before its fetch offset, or not at all, the fetcher diverged; it is told the epoch and end offset to
 * truncate to instead of records. Throws OFFSET_OUT_OF_RANGE as Kafka does when the epoch's end is unknown
 * or the fetch offset is below our log start.
 */
export function divergingEpoch(p: Partition, req: FetchPartitionRequest): { epoch: number; endOffset: number } | null {
  if (req.lastFetchedEpoch < 0) return null;
  // The common case, a fetcher in step: its last epoch is our latest, which ends at our log end (endOffsetFor's
  // answer for the latest epoch), so it has not diverged while it fetches within our log (no lookup, no object).
  if (req.lastFetchedEpoch === p.log.leaderEpochCache.latestEpoch && req.fetchOffset >= p.logStartOffset && req.fetchOffset <= p.logEndOffset) return null;
  const end = p.log.leaderEpochCache.endOffsetFor(req.lastFetchedEpoch, p.logEndOffset);
  if (end.endOffset === UNDEFINED_EPOCH_OFFSET || end.epoch === UNDEFINED_EPOCH) {
    throw new KafkaError(
      ErrorCode.OFFSET_OUT_OF_RANGE,
      `Could not determine the end offset of the last fetched epoch ${req.lastFetchedEpoch} from the request`,
    );
  }
  if (req.fetchOffset < p.logStartOffset) {
    throw new KafkaError(
      ErrorCode.OFFSET_OUT_OF_RANGE,
      `Received request for offset ${req.fetchOffset} for partition ${p.key}, but we only have log segments starting from offset: ${p.logStartOffset}.`,
    );
  }
  if (end.epoch < req.lastFetchedEpoch || end.endOffset < req.fetchOffset) return { epoch: end.epoch, endOffset: end.endOffset };
  return null;
}

/** Partition.getLocalLog: the current_leader_epoch fence first, then leadership when only the leader may answer. */
function checkFetchable(p: Partition, params: FetchParams, req: FetchPartitionRequest): number {
  if (req.currentLeaderEpoch >= 0 && req.currentLeaderEpoch !== p.leaderEpoch) {
    return req.currentLeaderEpoch < p.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
  }
  if (params.fetchOnlyFromLeader && !p.isLeader()) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
  return ErrorCode.NONE;
}

/**
 * The read side of fetch (ReplicaManager.readFromLocalLog): for each partition in request order, the
 * current_leader_epoch fence, leadership (unless a consumer may read a follower), the diverging-epoch check, then whole batches
 * from the batch holding the fetch offset, up to the high watermark for consumers or the log end offset for
 * followers, within partition_max_bytes and max_bytes; the first non-empty partition always gets its first batch
 * whole (Fetch v3+, KIP-74).
 */
export function readFromLocalLog(
  lookup: (topic: string, partition: number, key: string | undefined) => Partition | number,
  params: FetchParams,
  requests: FetchPartitionRequest[],
  log: Logger,
  /** Told of a read that failed unexpectedly (Kafka's failedFetchRequestRate; known errors do not count). */
  onUnexpectedError?: (topic: string) => void,
): FetchPartitionResult[] {
  const isFollower = params.replicaId >= 0;
  let remaining = params.maxBytes;
  let minOneMessage = !params.hardMaxBytesLimit;
  const out: FetchPartitionResult[] = new Array<FetchPartitionResult>(requests.length);
  for (let i = 0; i < requests.length; i++) {
    const req = requests[i];
    const res: FetchPartitionResult = {
      topic: req.topic,
      partition: req.partition,
      errorCode: ErrorCode.NONE,
      highWatermark: -1,
      lastStableOffset: -1,
      logStartOffset: -1,
      records: null,
      sizeInBytes: 0,
      abortedTransactions: null,
      divergingEpoch: null,
    };
    out[i] = res;
    const p = lookup(req.topic, req.partition, req.key);
    if (typeof p === 'number') {
      res.errorCode = p;
      continue;
    }
    const fetchable = checkFetchable(p, params, req);
    if (fetchable !== ErrorCode.NONE) {
      res.errorCode = fetchable;
      continue;
    }
    const hw = p.highWatermark;
    try {
      const lso = p.lastStableOffset;
      const maxOffset = maxFetchableOffset(p, params);
      const readCommitted = !isFollower && params.isolationLevel === READ_COMMITTED;
      const diverging = divergingEpoch(p, req);
      if (diverging) {
        res.divergingEpoch = diverging;
        res.records = [];
        res.highWatermark = hw;
        res.lastStableOffset = lso;
        res.logStartOffset = p.logStartOffset;
        continue;
      }
      // A fetcher at its limit (a follower at the LEO, a consumer at the HW, or LSO for read_committed), or a
      // consumer between that limit and the LEO, gets nothing yet, not an error: answered from the partition's
      // cached offsets without touching the log (LocalLog.read would return its empty FetchDataInfo; an idle
      // follower's session asks this of every partition twice a second).
      if (
        req.fetchOffset <= p.logEndOffset &&
        ((req.fetchOffset === maxOffset && req.fetchOffset >= p.logStartOffset) || (!isFollower && req.fetchOffset > maxOffset))
      ) {
        res.records = NO_RECORDS;
        if (readCommitted) res.abortedTransactions = [];
        res.highWatermark = hw;
        res.lastStableOffset = lso;
        res.logStartOffset = p.logStartOffset;
        continue;
      }
      const limit = Math.max(0, Math.min(req.partitionMaxBytes, remaining));
      const data = p.log.read(req.fetchOffset, limit, maxOffset, minOneMessage, allocReadBuffer);
      res.records = data.records;
      res.sizeInBytes = data.sizeInBytes;
      if (data.sizeInBytes > 0) {
        minOneMessage = false;
        remaining = Math.max(0, remaining - data.sizeInBytes);
      }
      // LocalLog.read / addAbortedTransactions: read_committed answers the aborted transactions overlapping the read.
      if (readCommitted) {
        res.abortedTransactions =
          data.sizeInBytes > 0
            ? p.log
                .collectAbortedTransactions(req.fetchOffset, nextOffsetAfter(data.records))
                .map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }))
            : [];
      }
      res.highWatermark = hw;
      res.lastStableOffset = lso;
      res.logStartOffset = p.logStartOffset;
    } catch (e) {
      res.errorCode = e instanceof KafkaError ? e.code : ErrorCode.KAFKA_STORAGE_ERROR;
      res.records = null;
      if (!(e instanceof KafkaError)) {
        log.error(`Error reading ${p.key}`, e);
        onUnexpectedError?.(req.topic);
      }
    }
  }
  return out;
}

/** Whether a parked fetch could get data now, without reading ('error' completes it at once). */
export function hasFetchableData(p: Partition | undefined, params: FetchParams, req: FetchPartitionRequest): boolean | 'error' {
  if (!p || checkFetchable(p, params, req) !== ErrorCode.NONE) return 'error';
  try {
    // A diverged fetcher is answered at once (DelayedFetch case H), as is one Kafka would fail here.
    if (divergingEpoch(p, req)) return 'error';
  } catch {
    return 'error';
  }
  if (req.fetchOffset > p.logEndOffset || req.fetchOffset < p.logStartOffset) return 'error';
  return req.fetchOffset < maxFetchableOffset(p, params);
}

/**
 * DelayedFetch.tryComplete's byte count without reading: the bytes between the fetch offset and the fetcher's
 * limit (HW, LSO or LEO) when both positions are known in one segment, capped at partition_max_bytes; null when
 * unknown (the caller reads to count).
 */
export function fetchableBytes(p: Partition | undefined, params: FetchParams, req: FetchPartitionRequest): number | null {
  if (!p) return null;
  const max = maxFetchableOffset(p, params);
  if (req.fetchOffset >= max) return 0;
  const n = p.log.positionDiff(req.fetchOffset, max);
  return n === null ? null : Math.min(n, req.partitionMaxBytes);
}
