/**
 * Kafka's ProducerStateManager: per partition, each producer id's epoch, the metadata of its last 5 batches
 * (ProducerStateEntry.NUM_BATCHES_TO_RETAIN), its transaction coordinator's epoch and the first offset of its open
 * transaction. The leader checks every client batch with a producer id against it (ProducerAppendInfo): a retried
 * batch that is already in the log is a duplicate answered with its original offsets; a gap is
 * OUT_OF_ORDER_SEQUENCE_NUMBER; an older epoch is INVALID_PRODUCER_EPOCH. A transactional batch opens the producer's
 * transaction (ongoing transactions, by first offset); a COMMIT/ABORT marker completes it (CompletedTxn) and the
 * transaction stays "unreplicated" until the high watermark passes the marker: the first offset of the oldest open or
 * unreplicated transaction is the first unstable offset, which bounds the last stable offset (UnifiedLog).
 * Followers update the same state from the batches they replicate. The state is rebuilt when first used and after
 * every truncation, from the newest producer snapshot (ProducerStateSnapshot) and the log after it.
 */
import * as fs from 'fs';
import { getLogger, Logger } from '../common/logger';
import { scanBatchHeaders } from './BatchHeaderScanner';
import { AppendInfo, AppendOrigin } from './LogAppendInfo';
import { EndTxnMarker, readEndTxnMarker } from './EndTransactionMarker';
import { ControlRecordType } from '../protocol/messages/ControlRecords';
import { BatchInfo } from '../protocol/records/RecordBatch';
import { checkClientAppend, checkCoordinatorAppend } from './ProducerAppendInfo';
import {
  CompletedTxn,
  NO_SEQUENCE,
  NUM_BATCHES_TO_RETAIN,
  ProducerStateEntry,
  TxnMetadata,
  decrementSequence,
  emptyEntry,
  lastSequenceOf,
} from './ProducerStateEntry';
import {
  CorruptSnapshotError,
  ProducerSnapshotEntry,
  listSnapshotOffsets,
  producerSnapshotFile,
  readProducerSnapshot,
  writeProducerSnapshot,
} from './ProducerStateSnapshot';

export { incrementSequence } from './ProducerStateEntry';
export type { CompletedTxn } from './ProducerStateEntry';

/** A segment as the rebuild sees it: recovery asks it to rebuild the segment's transaction index. */
interface SourceSegment {
  readonly baseOffset: number;
  readonly logFile: string;
  readonly size: number;
  txnIndexNeedsRebuild: boolean;
  updateTxnIndex(completed: CompletedTxn, lastStableOffset: number): void;
}

/** What the state is rebuilt from: the log's segments, start and end offsets, high watermark and truncation count. */
interface ProducerStateSource {
  readonly truncationCount: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  readonly logSegments: ReadonlyArray<SourceSegment>;
}

/** Told of each completed transaction with the LSO after it, before it counts as complete (the txn index append). */
type OnCompletedTxn = (completed: CompletedTxn, lastStableOffset: number) => void;

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerStateEntry>();
  /** Open transactions by first offset. */
  private readonly ongoingTxns = new Map<number, TxnMetadata>();
  /** Completed transactions whose marker is not below the high watermark yet, by first offset. */
  private readonly unreplicatedTxns = new Map<number, TxnMetadata>();
  private seenTruncations = -1;
  private seenLogStart = 0;
  /** The loader's bound on the first snapshot used (the recovery point after an unclean shutdown). */
  private snapshotLimit = Number.MAX_SAFE_INTEGER;
  private readonly logger: Logger;

  /** `dir` holds the snapshot files; without it (tests) no snapshots are read or written. */
  constructor(
    readonly topicPartition: string,
    private readonly dir: string | null = null,
  ) {
    this.logger = getLogger('kafka.log.ProducerStateManager', `[ProducerStateManager partition=${topicPartition}] `);
  }

  get size(): number {
    return this.producers.size;
  }

  /** Whether the state has been built from the log (it is built lazily, on first use). */
  get isLoaded(): boolean {
    return this.seenTruncations >= 0;
  }

  lastEntry(producerId: number): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }

  /** Only snapshots at or below `offset` may seed the first build (LogLoader: the recovery point). */
  limitFirstSnapshot(offset: number): void {
    this.snapshotLimit = offset;
  }

  /**
   * The producers with state in this partition (UnifiedLog.activeProducers for DescribeProducers): epoch, last
   * sequence and timestamp, coordinator epoch and the open transaction's first offset (-1 when none).
   */
  activeProducers(): Array<{
    producerId: number;
    producerEpoch: number;
    lastSequence: number;
    lastTimestamp: number;
    coordinatorEpoch: number;
    currentTxnStartOffset: number;
  }> {
    return [...this.producers.values()].map((e) => {
      const last = e.batches[e.batches.length - 1];
      return {
        producerId: e.producerId,
        producerEpoch: e.producerEpoch,
        lastSequence: last?.lastSeq ?? NO_SEQUENCE,
        lastTimestamp: e.lastTimestamp,
        coordinatorEpoch: e.coordinatorEpoch,
        currentTxnStartOffset: e.currentTxnFirstOffset,
      };
    });
  }

  // ---------------------------------------------------------------- transactions and the first unstable offset

  /**
   * ProducerStateManager.firstUnstableOffset: the first offset of the oldest transaction that is open, or completed
   * with its marker not yet below the high watermark; null when there is none.
   */
  firstUnstableOffset(): number | null {
    // Asked for every partition of every fetch (the last stable offset): no iterators when nothing is open.
    if (this.ongoingTxns.size === 0 && this.unreplicatedTxns.size === 0) return null;
    let min: number | null = null;
    for (const k of this.ongoingTxns.keys()) if (min === null || k < min) min = k;
    for (const k of this.unreplicatedTxns.keys()) if (min === null || k < min) min = k;
    return min;
  }

  /** ProducerStateManager.onHighWatermarkUpdated: completed transactions with the marker below it are stable. */
  onHighWatermarkUpdated(highWatermark: number): void {
    for (const [k, t] of this.unreplicatedTxns) if (t.lastOffset < highWatermark) this.unreplicatedTxns.delete(k);
  }

  /** The open transactions (tests, DescribeTransactions-style tooling). */
  ongoingTransactions(): Array<{ producerId: number; firstOffset: number }> {
    return [...this.ongoingTxns.values()].sort((a, b) => a.firstOffset - b.firstOffset).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
  }

  /**
   * ProducerStateManager.lastStableOffset(completedTxn): the LSO once this transaction completes, the first offset of
   * the oldest open transaction of another producer, else the offset after the marker (stored in the txn index).
   */
  private lastStableOffsetAfter(completed: CompletedTxn): number {
    let next: number | null = null;
    for (const t of this.ongoingTxns.values()) if (t.producerId !== completed.producerId && (next === null || t.firstOffset < next)) next = t.firstOffset;
    return next ?? completed.lastOffset + 1;
  }

  /** ProducerStateManager.completeTxn. */
  private completeTxn(completed: CompletedTxn): void {
    const t = this.ongoingTxns.get(completed.firstOffset);
    if (!t) {
      throw new Error(`Attempted to complete transaction ${JSON.stringify(completed)} on partition ${this.topicPartition} which was not started`);
    }
    this.ongoingTxns.delete(completed.firstOffset);
    t.lastOffset = completed.lastOffset;
    this.unreplicatedTxns.set(completed.firstOffset, t);
  }

  // ---------------------------------------------------------------- rebuild from snapshot + log

  /** Rebuilds when the log was truncated since the state was built (LogLoader / UnifiedLog.rebuildProducerState). */
  syncWithLog(log: ProducerStateSource): void {
    if (log.truncationCount === this.seenTruncations) {
      // Only the log start moved (retention, DeleteRecords): drop producers whose batches all lie below it and that
      // have no open transaction, instead of rescanning the log (onLogStartOffsetIncremented drops the unreplicated
      // transactions below it).
      if (log.logStartOffset > this.seenLogStart) {
        this.seenLogStart = log.logStartOffset;
        for (const [pid, e] of this.producers) {
          const last = e.batches[e.batches.length - 1];
          if (last && last.lastOffset < this.seenLogStart && e.currentTxnFirstOffset < 0) this.producers.delete(pid);
        }
        for (const [k, t] of this.unreplicatedTxns) if (t.lastOffset < this.seenLogStart) this.unreplicatedTxns.delete(k);
      }
      return;
    }
    const start = Date.now();
    this.producers.clear();
    this.ongoingTxns.clear();
    this.unreplicatedTxns.clear();
    const logStart = log.logStartOffset;
    // A log that never held a batch (LEO 0: a new partition's first produce) has an empty state: a snapshot could
    // only be at offset 0, which holds no producer. Skipping the directory listing and the segment scan saves a
    // readdir and an open per partition, which 1,000 new partitions pay on their first produce.
    const empty = log.logEndOffset === 0;
    const from = empty ? 0 : Math.max(logStart, this.loadFromSnapshot(log));
    const segments = log.logSegments;
    let i = empty ? segments.length : 0;
    while (i + 1 < segments.length && segments[i + 1].baseOffset <= from) i++;
    for (; i < segments.length; i++) {
      const seg = segments[i];
      const onCompleted: OnCompletedTxn | undefined = seg.txnIndexNeedsRebuild ? (c, lso) => seg.updateTxnIndex(c, lso) : undefined;
      scanBatchHeaders(seg.logFile, seg.size, (b, readBatch) => {
        if (b.lastOffset < from || b.producerId < 0) return;
        this.applyBatch(b, b.isControl ? readBatch : null, 'replication', onCompleted);
      });
    }
    for (const seg of segments) seg.txnIndexNeedsRebuild = false;
    this.onHighWatermarkUpdated(log.highWatermark);
    this.seenTruncations = log.truncationCount;
    this.seenLogStart = logStart;
    this.snapshotLimit = Number.MAX_SAFE_INTEGER;
    if (this.producers.size > 0) this.logger.info(`Loaded producer state of ${this.producers.size} producers in ${Date.now() - start} ms`);
  }

  /**
   * ProducerStateManager.loadFromSnapshot: the newest readable snapshot within [log start, min(LEO, limit)] seeds
   * the state; a corrupt one is deleted and the next older one tried. Returns the offset to scan the log from.
   */
  private loadFromSnapshot(log: ProducerStateSource): number {
    if (this.dir === null) return log.logStartOffset;
    const upper = Math.min(log.logEndOffset, this.snapshotLimit);
    const offsets = listSnapshotOffsets(this.dir).filter((o) => o >= log.logStartOffset && o <= upper);
    for (let k = offsets.length - 1; k >= 0; k--) {
      const file = producerSnapshotFile(this.dir, offsets[k]);
      try {
        this.logger.info(`Loading producer state from snapshot file '${file}'`);
        for (const e of readProducerSnapshot(file)) this.loadProducerEntry(e);
        return offsets[k];
      } catch (e) {
        if (!(e instanceof CorruptSnapshotError)) throw e;
        this.logger.warn(`Failed to load producer snapshot from '${file}': ${e.message}`);
        this.producers.clear();
        this.ongoingTxns.clear();
        fs.rmSync(file, { force: true });
      }
    }
    return log.logStartOffset;
  }

  /** ProducerStateManager.loadProducerEntry: a snapshot entry keeps its last batch only. */
  private loadProducerEntry(s: ProducerSnapshotEntry): void {
    const entry: ProducerStateEntry = {
      producerId: s.producerId,
      producerEpoch: s.producerEpoch,
      batches: [],
      coordinatorEpoch: s.coordinatorEpoch,
      currentTxnFirstOffset: s.currentTxnFirstOffset,
      lastTimestamp: s.timestamp,
    };
    if (s.lastOffset >= 0) {
      entry.batches.push({
        firstSeq: s.lastSequence === NO_SEQUENCE ? NO_SEQUENCE : decrementSequence(s.lastSequence, s.offsetDelta),
        lastSeq: s.lastSequence,
        firstOffset: s.lastOffset - s.offsetDelta,
        lastOffset: s.lastOffset,
        timestamp: s.timestamp,
      });
    }
    this.producers.set(s.producerId, entry);
    if (s.currentTxnFirstOffset >= 0) {
      this.ongoingTxns.set(s.currentTxnFirstOffset, { producerId: s.producerId, firstOffset: s.currentTxnFirstOffset, lastOffset: -1 });
    }
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * ProducerStateManager.takeSnapshot at `offset` (the log end offset: a segment roll or a clean close), unless one
   * exists there already. `sync` fsyncs the file (Kafka defers that on roll).
   */
  takeSnapshot(offset: number, sync = true): void {
    if (this.dir === null || !this.isLoaded) return;
    const file = producerSnapshotFile(this.dir, offset);
    if (fs.existsSync(file)) return;
    const entries: ProducerSnapshotEntry[] = [];
    for (const e of this.producers.values()) {
      const last = e.batches[e.batches.length - 1];
      entries.push({
        producerId: e.producerId,
        producerEpoch: e.producerEpoch,
        lastSequence: last ? last.lastSeq : NO_SEQUENCE,
        lastOffset: last ? last.lastOffset : -1,
        offsetDelta: last ? last.lastOffset - last.firstOffset : 0,
        timestamp: e.lastTimestamp,
        coordinatorEpoch: e.coordinatorEpoch,
        currentTxnFirstOffset: e.currentTxnFirstOffset,
      });
    }
    writeProducerSnapshot(file, entries, sync);
  }

  /**
   * ProducerStateManager.removeStraySnapshots (LogLoader): keeps the snapshots at segment base offsets and the newest
   * other one when it lies above every segment base (the clean-shutdown snapshot at the log end); a leftover
   * temporary file of an interrupted write goes too.
   */
  removeStraySnapshots(segmentBaseOffsets: readonly number[]): void {
    if (this.dir === null) return;
    const bases = new Set(segmentBaseOffsets);
    const maxBase = segmentBaseOffsets.length > 0 ? Math.max(...segmentBaseOffsets) : -1;
    const stray = listSnapshotOffsets(this.dir).filter((o) => !bases.has(o));
    const keep = stray.length > 0 && stray[stray.length - 1] >= maxBase ? stray[stray.length - 1] : null;
    for (const o of stray) if (o !== keep) fs.rmSync(producerSnapshotFile(this.dir, o), { force: true });
    for (const f of fs.readdirSync(this.dir)) if (f.endsWith('.snapshot.tmp')) fs.rmSync(`${this.dir}/${f}`, { force: true });
  }

  /** Deletes snapshot files outside [from, to] (truncation: above the new end; retention: below the log start). */
  deleteSnapshotsOutside(from: number, to: number): void {
    if (this.dir === null) return;
    for (const o of listSnapshotOffsets(this.dir)) if (o < from || o > to) fs.rmSync(producerSnapshotFile(this.dir, o), { force: true });
  }

  // ---------------------------------------------------------------- appends

  /**
   * Leader-side check of a client append (offsets already assigned, nothing written): the original append for a
   * duplicate, null when the batches may be written; throws the producer errors otherwise (ProducerAppendInfo).
   */
  checkClientAppend(info: AppendInfo): AppendInfo | null {
    return checkClientAppend(this.producers, this.topicPartition, info, this.logger);
  }

  /** Leader-side check of a coordinator append: producer and coordinator epochs (ProducerAppendInfo). */
  checkCoordinatorAppend(info: AppendInfo, records: Buffer): void {
    checkCoordinatorAppend(this.producers, this.topicPartition, info, records);
  }

  /**
   * ProducerStateManager.removeExpiredProducers: forget producers whose last timestamp is at least
   * producer.id.expiration.ms old (KIP-854), except those with an open transaction (isProducerExpired). A forgotten
   * producer may go on writing: an unknown producer's batch is accepted at any sequence. Returns how many were removed.
   */
  removeExpiredProducers(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [pid, e] of this.producers) {
      if (e.currentTxnFirstOffset < 0 && nowMs - e.lastTimestamp >= expirationMs) {
        this.producers.delete(pid);
        removed++;
      }
    }
    return removed;
  }

  /**
   * Records appended batches (leader after the write, follower after replicating). `records` holds them (markers
   * are read from it). Each completed transaction goes to `onCompleted` with the LSO after it (UnifiedLog.append:
   * the segment's txn index) before it is marked complete.
   */
  update(batches: readonly BatchInfo[], records: Buffer, origin: AppendOrigin, onCompleted?: OnCompletedTxn): void {
    for (const b of batches) {
      if (b.producerId < 0) continue;
      this.applyBatch(b, b.isControl ? () => records.subarray(b.position, b.position + b.size) : null, origin, onCompleted);
    }
  }

  /** ProducerAppendInfo.append + ProducerStateManager.update for one batch; `readBatch` gives a control batch's bytes. */
  private applyBatch(b: BatchInfo, readBatch: (() => Buffer) | null, origin: AppendOrigin, onCompleted?: OnCompletedTxn): void {
    let entry = this.producers.get(b.producerId);
    if (!entry) {
      entry = emptyEntry(b.producerId);
      this.producers.set(b.producerId, entry);
    }
    if (b.producerEpoch < entry.producerEpoch && origin === 'replication') {
      this.logger.warn(
        `Epoch of producer ${b.producerId} at offset ${b.baseOffset} in ${this.topicPartition} is ${b.producerEpoch}, which is smaller than the last seen epoch ${entry.producerEpoch}`,
      );
    }
    if (readBatch) {
      const marker = readEndTxnMarker(readBatch());
      if (marker) this.applyEndTxnMarker(entry, b, marker, onCompleted);
      return;
    }
    // ProducerStateEntry.addBatch: a new epoch forgets the old batches; only the last 5 are kept.
    if (entry.producerEpoch !== b.producerEpoch) {
      entry.producerEpoch = b.producerEpoch;
      entry.batches = [];
    }
    entry.batches.push({
      firstSeq: b.baseSequence,
      lastSeq: lastSequenceOf(b),
      firstOffset: b.baseOffset,
      lastOffset: b.lastOffset,
      timestamp: b.maxTimestamp,
    });
    if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift();
    entry.lastTimestamp = b.maxTimestamp;
    if (b.isTransactional && entry.currentTxnFirstOffset < 0) {
      // Began a new transaction.
      entry.currentTxnFirstOffset = b.baseOffset;
      this.ongoingTxns.set(b.baseOffset, { producerId: b.producerId, firstOffset: b.baseOffset, lastOffset: -1 });
    }
  }

  /** ProducerAppendInfo.appendEndTxnMarker: only a non-empty transaction completes (and may reach the txn index). */
  private applyEndTxnMarker(entry: ProducerStateEntry, b: BatchInfo, marker: EndTxnMarker, onCompleted?: OnCompletedTxn): void {
    if (entry.coordinatorEpoch > marker.coordinatorEpoch) {
      this.logger.info(
        `Detected invalid coordinator epoch for producerId ${b.producerId} at offset ${b.baseOffset} in partition ${this.topicPartition}: ${marker.coordinatorEpoch} is older than previously known coordinator epoch ${entry.coordinatorEpoch}`,
      );
    }
    const completed: CompletedTxn | null =
      entry.currentTxnFirstOffset >= 0
        ? { producerId: b.producerId, firstOffset: entry.currentTxnFirstOffset, lastOffset: b.baseOffset, isAborted: marker.type === ControlRecordType.ABORT }
        : null;
    // ProducerStateEntry.update(epoch, coordinatorEpoch, timestamp).
    if (entry.producerEpoch !== b.producerEpoch) {
      entry.producerEpoch = b.producerEpoch;
      entry.batches = [];
    }
    entry.coordinatorEpoch = marker.coordinatorEpoch;
    entry.currentTxnFirstOffset = -1;
    entry.lastTimestamp = b.maxTimestamp;
    if (completed) {
      onCompleted?.(completed, this.lastStableOffsetAfter(completed));
      this.completeTxn(completed);
    }
  }
}
