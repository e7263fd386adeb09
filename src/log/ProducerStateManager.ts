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
import { ErrorCode, KafkaError } from '../protocol/errors';
import { ControlRecordType } from '../protocol/messages/ControlRecords';
import { BatchInfo } from '../protocol/records/RecordBatch';
import {
  CorruptSnapshotError,
  ProducerSnapshotEntry,
  listSnapshotOffsets,
  producerSnapshotFile,
  readProducerSnapshot,
  writeProducerSnapshot,
} from './ProducerStateSnapshot';

const NUM_BATCHES_TO_RETAIN = 5;
const NO_PRODUCER_EPOCH = -1;
const NO_SEQUENCE = -1;
const INT32_MAX = 2147483647;

interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  timestamp: number;
}

interface ProducerStateEntry {
  producerId: number;
  producerEpoch: number;
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN. */
  batches: BatchMetadata[];
  /** Epoch of the last transaction coordinator that wrote a marker for this producer, -1 if none. */
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction, -1 if none. */
  currentTxnFirstOffset: number;
  lastTimestamp: number;
}

/** Kafka's CompletedTxn: a transaction whose marker was written at lastOffset. */
export interface CompletedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  isAborted: boolean;
}

/** Kafka's TxnMetadata: lastOffset is the marker's offset once completed, -1 before. */
interface TxnMetadata {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
}

/** DefaultRecordBatch.incrementSequence: sequences wrap from Int32.MAX to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

/** DefaultRecordBatch.decrementSequence. */
function decrementSequence(sequence: number, decrement: number): number {
  if (sequence < decrement) return INT32_MAX - (decrement - sequence) + 1;
  return sequence - decrement;
}

function lastSequenceOf(b: BatchInfo): number {
  return b.baseSequence === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(b.baseSequence, b.lastOffsetDelta);
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function emptyEntry(producerId: number): ProducerStateEntry {
  return { producerId, producerEpoch: NO_PRODUCER_EPOCH, batches: [], coordinatorEpoch: -1, currentTxnFirstOffset: -1, lastTimestamp: -1 };
}

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
    const from = Math.max(logStart, this.loadFromSnapshot(log));
    const segments = log.logSegments;
    let i = 0;
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

  /** Deletes snapshot files outside [from, to] (truncation: above the new end; retention: below the log start). */
  deleteSnapshotsOutside(from: number, to: number): void {
    if (this.dir === null) return;
    for (const o of listSnapshotOffsets(this.dir)) if (o < from || o > to) fs.rmSync(producerSnapshotFile(this.dir, o), { force: true });
  }

  // ---------------------------------------------------------------- appends

  /**
   * Leader-side check of a client append (offsets already assigned, nothing written). Returns the
   * original append for a duplicate of one of the last 5 batches, null when the batches may be written;
   * throws KafkaError(OUT_OF_ORDER_SEQUENCE_NUMBER | INVALID_PRODUCER_EPOCH | INVALID_TXN_STATE) otherwise.
   */
  checkClientAppend(info: AppendInfo): AppendInfo | null {
    for (const b of info.batches) {
      if (b.producerId < 0 || b.isControl) continue;
      const entry = this.producers.get(b.producerId);
      if (entry && b.producerEpoch === entry.producerEpoch) {
        const lastSeq = lastSequenceOf(b);
        const dup = entry.batches.find((m) => m.firstSeq === b.baseSequence && m.lastSeq === lastSeq);
        if (dup) {
          this.logger.debug(
            `Duplicate batch of producer ${b.producerId} (seq ${b.baseSequence}-${lastSeq}) answered with offsets ${dup.firstOffset}-${dup.lastOffset}`,
          );
          // UnifiedLog.append: the duplicate's original offsets and timestamp, nothing appended.
          return {
            ...info,
            firstOffset: dup.firstOffset,
            lastOffset: dup.lastOffset,
            maxTimestamp: dup.timestamp,
            offsetOfMaxTimestamp: dup.lastOffset,
            logAppendTime: dup.timestamp,
            numRecords: 0,
            validBytes: 0,
            batches: [],
            duplicate: true,
          };
        }
      }
      this.checkProducerEpoch(b.producerId, b.producerEpoch, b.baseOffset, entry);
      this.checkSequence(b, entry);
      this.checkTxnState(b, entry);
    }
    return null;
  }

  /**
   * Leader-side check of a coordinator append (WriteTxnMarkers, transactional offset commits): the producer epoch
   * (ProducerAppendInfo.checkProducerEpoch, no sequence check) and, for a marker, the coordinator epoch
   * (checkCoordinatorEpoch). `records` holds the batches (a marker's record is read from it).
   */
  checkCoordinatorAppend(info: AppendInfo, records: Buffer): void {
    for (const b of info.batches) {
      if (b.producerId < 0) continue;
      const entry = this.producers.get(b.producerId);
      this.checkProducerEpoch(b.producerId, b.producerEpoch, b.baseOffset, entry);
      if (!b.isControl) {
        this.checkTxnState(b, entry);
        continue;
      }
      const marker = readEndTxnMarker(records.subarray(b.position, b.position + b.size));
      if (marker && entry && entry.coordinatorEpoch > marker.coordinatorEpoch) {
        throw new KafkaError(
          ErrorCode.TRANSACTION_COORDINATOR_FENCED,
          `Invalid coordinator epoch for producerId ${b.producerId} at offset ${b.baseOffset} in partition ${this.topicPartition}: ${marker.coordinatorEpoch} (zombie), ${entry.coordinatorEpoch} (current)`,
        );
      }
    }
  }

  private checkProducerEpoch(producerId: number, epoch: number, offset: number, entry: ProducerStateEntry | undefined): void {
    const currentEpoch = entry ? entry.producerEpoch : NO_PRODUCER_EPOCH;
    if (epoch < currentEpoch) {
      throw new KafkaError(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `Epoch of producer ${producerId} at offset ${offset} in ${this.topicPartition} is ${epoch}, which is smaller than the last seen epoch ${currentEpoch}`,
      );
    }
  }

  /** ProducerAppendInfo.checkSequence for a client batch. */
  private checkSequence(b: BatchInfo, entry: ProducerStateEntry | undefined): void {
    const currentEpoch = entry ? entry.producerEpoch : NO_PRODUCER_EPOCH;
    const where = `producer ${b.producerId} at offset ${b.baseOffset} in partition ${this.topicPartition}`;
    if (b.producerEpoch !== currentEpoch) {
      // A new epoch must start at sequence 0, unless nothing is known of the producer (Kafka 3.x accepts
      // any sequence then: its state may have been removed by retention or DeleteRecords).
      if (b.baseSequence !== 0 && currentEpoch !== NO_PRODUCER_EPOCH) {
        throw new KafkaError(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `Invalid sequence number for new epoch of ${where}: ${b.producerEpoch} (request epoch), ${b.baseSequence} (seq. number), ${currentEpoch} (current producer epoch)`,
        );
      }
      return;
    }
    const lastSeq = entry && entry.batches.length > 0 ? entry.batches[entry.batches.length - 1].lastSeq : NO_SEQUENCE;
    if (!inSequence(lastSeq, b.baseSequence)) {
      throw new KafkaError(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `Out of order sequence number for ${where}: ${b.baseSequence} (incoming seq. number), ${lastSeq} (current end sequence number)`,
      );
    }
  }

  /** ProducerAppendInfo.appendDataBatch: a non-transactional batch while the producer's transaction is open. */
  private checkTxnState(b: BatchInfo, entry: ProducerStateEntry | undefined): void {
    if (entry && entry.currentTxnFirstOffset >= 0 && !b.isTransactional) {
      throw new KafkaError(
        ErrorCode.INVALID_TXN_STATE,
        `Expected transactional write from producer ${b.producerId} at offset ${b.baseOffset} in partition ${this.topicPartition}`,
      );
    }
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
