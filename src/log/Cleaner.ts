/**
 * Compaction of one log (Kafka's `Cleaner`, run by a LogCleaner thread): build an offset map of the latest
 * offset per key over the dirty section, then rewrite every segment from the log start up to the end of the
 * map, keeping for each key only its latest record. Offsets never change: a batch keeps its base offset and
 * last offset delta even when records inside it go. Tombstones survive one cleaning with a delete horizon
 * (now + delete.retention.ms, KIP-534) and vanish at the first cleaning after it. Records without a key are
 * dropped (Kafka counts them as invalid). Segments are cleaned in groups no larger than segment.bytes, each
 * group into one `.cleaned` file swapped in through `.swap` (CleanerSwap).
 *
 * Transactions (Kafka 3.7's LogCleaner with CleanedTransactionMetadata): the dirty section ends at the last stable
 * offset, so an open transaction is never cleaned; batches of aborted transactions (the `.txnindex` ranges and the
 * batch's producer id) are dropped and never enter the offset map; a transaction marker is kept while data of its
 * transaction remains, then stamped with a delete horizon and removed at the first cleaning past it. The batch that
 * holds an active producer's last sequence (or its last marker) is kept, emptied if need be, so that producer
 * state survives cleaning. The cleaned segment's transaction index lists the aborted transactions whose markers stay.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BatchInfo, LOG_OVERHEAD, batchSizeAt, iterateRecords, readBatchInfo } from '../protocol/records/RecordBatch';
import { CleanedTransactionMetadata } from './CleanedTransactionMetadata';
import { FilterContext, filterBatch, lastRecordsOfActiveProducers } from './CleanerRecordFilter';
import { CLEANED_FILE_SUFFIX, SWAP_FILE_SUFFIX } from './CleanerSwap';
import { Log } from './Log';
import { LOG_FILE_SUFFIX, LogSegment, filenamePrefixFromOffset } from './LogSegment';

/** The topic settings the cleaner reads (kafka.log.LogConfig). */
export interface CleanerLogConfig {
  /** cleanup.policy contains compact. */
  compact: boolean;
  /** delete.retention.ms */
  deleteRetentionMs: number;
  /** min.cleanable.dirty.ratio */
  minCleanableRatio: number;
  /** min.compaction.lag.ms */
  minCompactionLagMs: number;
  /** max.compaction.lag.ms */
  maxCompactionLagMs: number;
  /** segment.bytes: upper bound of a cleaned group. */
  segmentBytes: number;
}

/** Kafka's LogToClean: the clean and dirty sections of a log. */
export interface LogToClean {
  log: Log;
  firstDirtyOffset: number;
  firstUncleanableOffset: number;
  cleanBytes: number;
  /** Bytes of the segments in [firstDirtyOffset, firstUncleanableOffset). */
  cleanableBytes: number;
  cleanableRatio: number;
  /** max.compaction.lag.ms passed for the first dirty batch. */
  needCompactionNow: boolean;
}

export interface CleanerStats {
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsRetained: number;
  /** Offset the next cleaning starts from (the new cleaner checkpoint). */
  endOffset: number;
  /** Smallest delete horizon of a kept tombstone batch; null when none. */
  nextDeleteHorizonMs: number | null;
  elapsedMs: number;
  /** False when the log changed under the cleaner (retention, truncation) and the round was dropped. */
  completed: boolean;
}

const READ_CHUNK = 1 << 20;
/** Bytes one offset map entry is charged against log.cleaner.dedupe.buffer.size (JS strings cost more than Kafka's 24). */
export const OFFSET_MAP_BYTES_PER_ENTRY = 128;

/** Segment largest timestamp, or the file's mtime when its records carry none (LogSegment.largestTimestamp). */
function largestTimestamp(seg: LogSegment): number {
  const ts = seg.maxTimestampSoFar;
  if (ts > 0) return ts;
  try {
    return fs.statSync(seg.logFile).mtimeMs;
  } catch {
    return 0;
  }
}

/** Walks the whole batches of a segment whose lastOffset >= from (headers decoded, bytes sliced). */
function* segmentBatches(seg: LogSegment, from = seg.baseOffset): Generator<{ info: BatchInfo; bytes: Buffer }> {
  let next = from;
  for (;;) {
    const r = seg.read(next, READ_CHUNK, seg.size, true);
    if (r === null || r.records.length === 0) return;
    const buf = r.records;
    let pos = 0;
    while (pos + LOG_OVERHEAD <= buf.length) {
      const size = batchSizeAt(buf, pos);
      const info = readBatchInfo(buf, pos);
      yield { info, bytes: buf.subarray(pos, pos + size) };
      next = info.lastOffset + 1;
      pos += size;
    }
    if (r.reachedEnd) return;
  }
}

/**
 * Kafka's LogCleanerManager.cleanableOffsets + LogToClean: where the dirty section starts (checkpoint, reset
 * to the log start when out of range) and ends (active segment, `upperBound` = high watermark, the last stable
 * offset — never past an open transaction — and the first segment younger than min.compaction.lag.ms), its size
 * and whether max.compaction.lag.ms forces a cleaning.
 */
export function cleanableSection(log: Log, checkpoint: number | undefined, cfg: CleanerLogConfig, now: number, upperBound: number): LogToClean {
  const start = log.logStartOffset;
  let firstDirty = checkpoint ?? start;
  if (firstDirty < start || firstDirty > log.logEndOffset) firstDirty = start;
  const segs = log.logSegments;
  const active = log.activeSegment;
  // Kafka bounds by log.lastStableOffset = min(first unstable offset, high watermark); `upperBound` is the
  // partition's high watermark, so the first unstable offset completes it.
  let firstUncleanable = Math.min(active.baseOffset, upperBound, log.firstUnstableOffset ?? Infinity);
  const dirtySegs = segs.filter((s, i) => s !== active && (i + 1 < segs.length ? segs[i + 1].baseOffset : Infinity) > firstDirty);
  if (cfg.minCompactionLagMs > 0) {
    for (const s of dirtySegs) {
      if (largestTimestamp(s) > now - cfg.minCompactionLagMs) {
        firstUncleanable = Math.min(firstUncleanable, s.baseOffset);
        break;
      }
    }
  }
  firstUncleanable = Math.max(firstUncleanable, firstDirty);
  let needCompactionNow = false;
  if (cfg.maxCompactionLagMs > 0 && cfg.maxCompactionLagMs < Number.MAX_SAFE_INTEGER && dirtySegs.length > 0) {
    // computeMaxCompactionDelay: the first dirty batch's timestamp, else the segment's largest timestamp.
    let firstTs = -1;
    for (const b of segmentBatches(dirtySegs[0], firstDirty)) {
      firstTs = b.info.maxTimestamp;
      break;
    }
    if (firstTs < 0) firstTs = largestTimestamp(dirtySegs[0]);
    needCompactionNow = firstTs >= 0 && now - firstTs > cfg.maxCompactionLagMs;
  }
  let cleanBytes = 0;
  let cleanableBytes = 0;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    const end = i + 1 < segs.length ? segs[i + 1].baseOffset : log.logEndOffset;
    if (end <= firstDirty) cleanBytes += s.size;
    else if (s.baseOffset < firstUncleanable && s !== active) cleanableBytes += s.size;
  }
  const total = cleanBytes + cleanableBytes;
  return {
    log,
    firstDirtyOffset: firstDirty,
    firstUncleanableOffset: firstUncleanable,
    cleanBytes,
    cleanableBytes,
    cleanableRatio: total === 0 ? 0 : cleanableBytes / total,
    needCompactionNow,
  };
}

/** Kafka's SkimpyOffsetMap: key bytes -> latest offset, bounded by the dedupe buffer. */
class OffsetMap {
  private readonly map = new Map<string, number>();
  latestOffset = -1;
  constructor(readonly slots: number) {}
  static keyOf(key: Buffer): string {
    return key.toString('latin1');
  }
  put(key: Buffer, offset: number): void {
    this.map.set(OffsetMap.keyOf(key), offset);
    if (offset > this.latestOffset) this.latestOffset = offset;
  }
  get(key: Buffer): number {
    return this.map.get(OffsetMap.keyOf(key)) ?? -1;
  }
  get size(): number {
    return this.map.size;
  }
  get full(): boolean {
    return this.map.size >= this.slots;
  }
}

/**
 * Kafka's Cleaner.buildOffsetMap over [start, end); returns the offset where it stopped (end unless the map filled).
 * Markers and the batches of aborted transactions add no key: an aborted value must not hide an older committed one.
 */
function buildOffsetMap(log: Log, start: number, end: number, map: OffsetMap, stats: CleanerStats): number {
  const txns = new CleanedTransactionMetadata();
  txns.addAbortedTransactions(log.collectAbortedTransactions(start, end));
  const segs = log.logSegments;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    const segEnd = i + 1 < segs.length ? segs[i + 1].baseOffset : log.logEndOffset;
    if (segEnd <= start || seg.baseOffset >= end) continue;
    for (const { info, bytes } of segmentBatches(seg, start)) {
      if (info.baseOffset >= end) break;
      stats.bytesRead += bytes.length;
      if (info.isControl) {
        txns.onControlBatchRead(info, bytes);
        continue;
      }
      if (txns.onBatchRead(info)) continue;
      for (const r of iterateRecords(bytes)) {
        if (r.offset >= start && r.offset < end && r.key !== null) map.put(r.key, r.offset);
      }
      if (map.full) return Math.min(end, info.lastOffset + 1);
    }
  }
  return end;
}

/** Kafka's Cleaner.groupSegmentsBySize: consecutive segments whose total size fits segment.bytes. */
function groupSegmentsBySize(segs: readonly LogSegment[], maxSize: number): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let cur: LogSegment[] = [];
  let size = 0;
  for (const s of segs) {
    if (cur.length > 0 && (size + s.size > maxSize || s.baseOffset - cur[0].baseOffset > 0x7fffffff)) {
      groups.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(s);
    size += s.size;
  }
  if (cur.length > 0) groups.push(cur);
  return groups;
}

function writeFully(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
}

/** Cleans one group into `<base>.log.cleaned`, then swaps it in. False when the log changed meanwhile. */
function cleanSegmentGroup(log: Log, group: readonly LogSegment[], ctx: FilterContext & { stats: CleanerStats }): boolean {
  const base = group[0].baseOffset;
  const cleaned = path.join(log.dir, filenamePrefixFromOffset(base) + LOG_FILE_SUFFIX + CLEANED_FILE_SUFFIX);
  const swap = path.join(log.dir, filenamePrefixFromOffset(base) + LOG_FILE_SUFFIX + SWAP_FILE_SUFFIX);
  const fd = fs.openSync(cleaned, 'w');
  let position = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flushPending = (): void => {
    if (pendingBytes === 0) return;
    writeFully(fd, pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes), position);
    position += pendingBytes;
    pending = [];
    pendingBytes = 0;
  };
  try {
    for (let i = 0; i < group.length; i++) {
      const seg = group[i];
      // The full segment range: the cleaned segment's transaction index is rebuilt from these (Kafka's cleanSegments).
      const upper = i + 1 < group.length ? group[i + 1].baseOffset : seg.readNextOffset();
      ctx.txns.addAbortedTransactions(log.collectAbortedTransactions(seg.baseOffset, upper));
      for (const { info, bytes } of segmentBatches(seg)) {
        ctx.stats.bytesRead += bytes.length;
        const out = filterBatch(info, bytes, ctx);
        if (out === null) continue;
        // `bytes` is a view over a read buffer reused by nobody, but copy to be safe before batching writes.
        pending.push(out === bytes ? Buffer.from(bytes) : out);
        pendingBytes += out.length;
        if (pendingBytes >= READ_CHUNK) flushPending();
      }
    }
    flushPending();
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(cleaned, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  ctx.stats.bytesWritten += position;
  fs.renameSync(cleaned, swap);
  if (!log.replaceSegments(swap, group)) {
    fs.rmSync(swap, { force: true });
    return false;
  }
  // The cleaned segment lists only the aborted transactions whose ABORT marker it kept (cleanedIndex).
  const cleanedSeg = log.logSegments.find((s) => s.baseOffset === base);
  if (cleanedSeg) {
    cleanedSeg.txnIndex.reset();
    for (const t of ctx.txns.cleanedIndex) cleanedSeg.txnIndex.append(t);
    cleanedSeg.txnIndex.flush();
  }
  ctx.txns.cleanedIndex.length = 0;
  return true;
}

interface CleanOptions {
  now: number;
  deleteRetentionMs: number;
  segmentBytes: number;
  /** Offset map capacity in entries. */
  offsetMapSlots: number;
  /** Awaited between segment groups so that a big log does not hold the event loop (default: setImmediate). */
  yieldFn?: () => Promise<void>;
}

/**
 * Kafka's Cleaner.clean/doClean for one log: offset map over the dirty section, then every group of segments
 * from the log start up to the map's end offset rewritten and swapped in. Returns the statistics; the caller
 * checkpoints `endOffset`.
 */
export async function cleanLog(section: LogToClean, opts: CleanOptions): Promise<CleanerStats> {
  const started = Date.now();
  const log = section.log;
  const stats: CleanerStats = {
    bytesRead: 0,
    bytesWritten: 0,
    recordsRead: 0,
    recordsRetained: 0,
    endOffset: section.firstDirtyOffset,
    nextDeleteHorizonMs: null,
    elapsedMs: 0,
    completed: false,
  };
  const truncations = log.truncationCount;
  const map = new OffsetMap(Math.max(1, opts.offsetMapSlots));
  const end = buildOffsetMap(log, section.firstDirtyOffset, section.firstUncleanableOffset, map, stats);
  stats.bytesRead = 0; // count the cleaning pass only (Kafka reports both; we keep the simpler figure)
  const segs = log.logSegments.filter((s) => s !== log.activeSegment && s.baseOffset < end);
  const ctx: FilterContext & { stats: CleanerStats } = {
    map,
    now: opts.now,
    deleteRetentionMs: opts.deleteRetentionMs,
    stats,
    // One walk over all the cleaned groups carries the transaction state across group boundaries (Kafka's doClean).
    txns: new CleanedTransactionMetadata(),
    lastRecords: lastRecordsOfActiveProducers(log),
  };
  const yieldFn = opts.yieldFn ?? (() => new Promise<void>((r) => setImmediate(r)));
  for (const group of groupSegmentsBySize(segs, opts.segmentBytes)) {
    if (log.truncationCount !== truncations) return finish(stats, started, false);
    if (!cleanSegmentGroup(log, group, ctx)) return finish(stats, started, false);
    await yieldFn();
  }
  stats.endOffset = end;
  return finish(stats, started, true);
}

function finish(stats: CleanerStats, started: number, completed: boolean): CleanerStats {
  stats.completed = completed;
  stats.elapsedMs = Date.now() - started;
  return stats;
}
