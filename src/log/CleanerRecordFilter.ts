/**
 * The log cleaner's RecordFilter (the anonymous class in Kafka 3.7's Cleaner.cleanInto) applied as
 * MemoryRecords.filterTo applies it to one batch: checkBatchRetention decides DELETE / DELETE_EMPTY / RETAIN_EMPTY
 * from the transaction state (CleanedTransactionMetadata) and the active producers' last records, then
 * shouldRetainRecord keeps a record when it is the latest of its key (tombstones until their delete horizon),
 * markers as long as their transaction may still need them.
 */
import { BatchInfo, DELETE_HORIZON_FLAG_MASK, Record, iterateRecords } from '../protocol/records/RecordBatch';
import { CleanedTransactionMetadata } from './CleanedTransactionMetadata';
import { buildRetainedBatch, emptyBatchHeader } from './CleanerBatchBuilder';
import { Log } from './Log';

/** Kafka's LastRecord: an active producer's last data offset (null: none in its state) and epoch. */
interface LastRecord {
  lastDataOffset: number | null;
  producerEpoch: number;
}

/** UnifiedLog.lastRecordsOfActiveProducers, from the producer state the log keeps. */
export function lastRecordsOfActiveProducers(log: Log): Map<number, LastRecord> {
  const psm = log.producerStateManager;
  const out = new Map<number, LastRecord>();
  for (const p of psm.activeProducers()) {
    const batches = psm.lastEntry(p.producerId)?.batches ?? [];
    const last = batches[batches.length - 1];
    out.set(p.producerId, { lastDataOffset: last ? last.lastOffset : null, producerEpoch: p.producerEpoch });
  }
  return out;
}

/** What the filter needs of the cleaning round: the offset map, clock, retention and the counters it updates. */
export interface FilterContext {
  map: { get(key: Buffer): number };
  now: number;
  deleteRetentionMs: number;
  stats: { recordsRead: number; recordsRetained: number; nextDeleteHorizonMs: number | null };
  txns: CleanedTransactionMetadata;
  lastRecords: Map<number, LastRecord>;
}

/** RecordFilter.BatchRetention. */
type BatchRetention = 'DELETE' | 'DELETE_EMPTY' | 'RETAIN_EMPTY';

function noteHorizon(ctx: FilterContext, horizon: number): void {
  const h = ctx.stats.nextDeleteHorizonMs;
  ctx.stats.nextDeleteHorizonMs = h === null ? horizon : Math.min(h, horizon);
}

/**
 * MemoryRecords.filterTo for one batch with the cleaner's RecordFilter (checkBatchRetention, shouldRetainRecord):
 * the bytes to write (the original when nothing changes), or null.
 */
export function filterBatch(info: BatchInfo, bytes: Buffer, ctx: FilterContext): Buffer | null {
  const hasHorizon = (info.attributes & DELETE_HORIZON_FLAG_MASK) !== 0;
  const horizon = hasHorizon ? info.baseTimestamp : null;
  // Markers piggy-back on tombstone retention: a marker that may go is removed only once its horizon passed.
  const canDiscardBatch = info.isControl ? ctx.txns.onControlBatchRead(info, bytes) : ctx.txns.onBatchRead(info);
  const discardBatchRecords = info.isControl ? canDiscardBatch && horizon !== null && horizon <= ctx.now : canDiscardBatch;
  // The batch with an active producer's last sequence (or its last marker, when it has no data left) is kept,
  // possibly empty, so that the producer's state (sequence, epoch fencing) survives the cleaning.
  const last = info.producerId >= 0 ? ctx.lastRecords.get(info.producerId) : undefined;
  const isLastOfProducer =
    last !== undefined &&
    (last.lastDataOffset !== null ? info.lastOffset === last.lastDataOffset : info.isControl && info.producerEpoch === last.producerEpoch);
  const retention: BatchRetention = isLastOfProducer ? 'RETAIN_EMPTY' : discardBatchRecords ? 'DELETE' : 'DELETE_EMPTY';
  const containsMarkerForEmptyTxn = canDiscardBatch && info.isControl;
  if (retention === 'DELETE') return null;

  const retained: Record[] = [];
  let total = 0;
  let tombstones = false;
  for (const r of iterateRecords(bytes)) {
    total++;
    if (discardBatchRecords) continue;
    if (!info.isControl) {
      if (r.key === null) continue;
      if (r.offset < ctx.map.get(r.key)) continue;
      if (r.value === null && horizon !== null && ctx.now >= horizon) continue;
    }
    if (r.value === null) tombstones = true;
    retained.push(r);
  }
  ctx.stats.recordsRead += total;
  ctx.stats.recordsRetained += retained.length;
  if (retained.length === 0) return retention === 'RETAIN_EMPTY' ? emptyBatchHeader(info) : null;
  const needToSetDeleteHorizon = (tombstones || containsMarkerForEmptyTxn) && horizon === null;
  const newHorizon = needToSetDeleteHorizon ? ctx.now + ctx.deleteRetentionMs : horizon;
  if (newHorizon !== null && (tombstones || containsMarkerForEmptyTxn)) noteHorizon(ctx, newHorizon);
  if (retained.length === total && !needToSetDeleteHorizon) return bytes;
  return buildRetainedBatch(info, retained, newHorizon);
}
