import { Logger } from '../common/logger';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { Partition } from '../cluster/Partition';

export interface FetchPartitionRequest {
  topic: string;
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
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
}

export interface FetchParams {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  /** Fetch v3+ (every version we serve): the first non-empty partition may exceed the byte limits. */
  hardMaxBytesLimit: boolean;
}

/**
 * The read side of fetch (ReplicaManager.readFromLocalLog): for each partition in request order, whole batches
 * from the batch holding the fetch offset, up to the high watermark for consumers or the log end offset for
 * followers, within partition_max_bytes and max_bytes; the first non-empty partition always gets its first batch
 * whole (Fetch v3+, KIP-74).
 */
export function readFromLocalLog(
  lookup: (topic: string, partition: number) => Partition | number,
  params: FetchParams,
  requests: FetchPartitionRequest[],
  log: Logger,
): FetchPartitionResult[] {
  const isFollower = params.replicaId >= 0;
  let remaining = params.maxBytes;
  let minOneMessage = !params.hardMaxBytesLimit;
  const out: FetchPartitionResult[] = [];
  for (const req of requests) {
    const res: FetchPartitionResult = {
      topic: req.topic,
      partition: req.partition,
      errorCode: ErrorCode.NONE,
      highWatermark: -1,
      lastStableOffset: -1,
      logStartOffset: -1,
      records: null,
      sizeInBytes: 0,
    };
    out.push(res);
    const p = lookup(req.topic, req.partition);
    if (typeof p === 'number') {
      res.errorCode = p;
      continue;
    }
    if (req.currentLeaderEpoch >= 0 && req.currentLeaderEpoch !== p.leaderEpoch) {
      res.errorCode = req.currentLeaderEpoch < p.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
      continue;
    }
    const hw = p.highWatermark;
    const maxOffset = isFollower ? p.logEndOffset : hw;
    try {
      // A consumer between the HW and the LEO gets nothing yet, not an error (the data is not committed).
      const limit = Math.max(0, Math.min(req.partitionMaxBytes, remaining));
      const data =
        !isFollower && req.fetchOffset > hw && req.fetchOffset <= p.logEndOffset
          ? { records: [], sizeInBytes: 0 }
          : p.log.read(req.fetchOffset, limit, maxOffset, minOneMessage);
      res.records = data.records;
      res.sizeInBytes = data.sizeInBytes;
      if (data.sizeInBytes > 0) {
        minOneMessage = false;
        remaining = Math.max(0, remaining - data.sizeInBytes);
      }
      res.highWatermark = hw;
      res.lastStableOffset = hw; // no transactions: LSO = HW (protocol.md §7, librdkafka EOF detection)
      res.logStartOffset = p.logStartOffset;
    } catch (e) {
      res.errorCode = e instanceof KafkaError ? e.code : ErrorCode.KAFKA_STORAGE_ERROR;
      res.records = null;
      if (!(e instanceof KafkaError)) log.error(`Error reading ${p.key}`, e);
    }
  }
  return out;
}

/** Whether a parked fetch could get data now, without reading ('error' completes it at once). */
export function hasFetchableData(p: Partition | undefined, params: FetchParams, req: FetchPartitionRequest): boolean | 'error' {
  if (!p || !p.isLeader()) return 'error';
  if (req.fetchOffset > p.logEndOffset || req.fetchOffset < p.logStartOffset) return 'error';
  const limit = params.replicaId >= 0 ? p.logEndOffset : p.highWatermark;
  return req.fetchOffset < limit;
}
