/**
 * Kafka's ProducerStateManager for the idempotent producer: per partition, each producer id's epoch and
 * the metadata of its last 5 batches (ProducerStateEntry.NUM_BATCHES_TO_RETAIN). The leader checks every
 * client batch with a producer id against it (ProducerAppendInfo): a retried batch that is already in the
 * log is a duplicate answered with its original offsets; a gap is OUT_OF_ORDER_SEQUENCE_NUMBER; an older
 * epoch is INVALID_PRODUCER_EPOCH. Followers update the same state from the batches they replicate, and
 * the state is rebuilt from the log's batch headers when first used and after every truncation, so it
 * survives leader changes and restarts. LogLoader builds it and the Log holds it (Log.producerStateManager).
 */
import { getLogger, Logger } from '../common/logger';
import { scanBatchHeaders } from './BatchHeaderScanner';
import { AppendInfo } from './LogAppendInfo';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { BatchInfo } from '../protocol/records/RecordBatch';

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
}

/** DefaultRecordBatch.incrementSequence: sequences wrap from Int32.MAX to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

function lastSequenceOf(b: BatchInfo): number {
  return b.baseSequence === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(b.baseSequence, b.lastOffsetDelta);
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

/** What the state is rebuilt from: the log's segments, its start offset and its truncation count. */
interface ProducerStateSource {
  readonly truncationCount: number;
  readonly logStartOffset: number;
  readonly logSegments: ReadonlyArray<{ readonly logFile: string; readonly size: number }>;
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerStateEntry>();
  private seenTruncations = -1;
  private seenLogStart = 0;
  private readonly logger: Logger;

  constructor(readonly topicPartition: string) {
    this.logger = getLogger('kafka.log.ProducerStateManager', `[ProducerStateManager partition=${topicPartition}] `);
  }

  get size(): number {
    return this.producers.size;
  }

  lastEntry(producerId: number): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }

  /**
   * The producers with state in this partition (UnifiedLog.activeProducers for DescribeProducers): epoch, last
   * sequence and timestamp of the newest batch kept, -1 when none.
   */
  activeProducers(): Array<{ producerId: number; producerEpoch: number; lastSequence: number; lastTimestamp: number }> {
    return [...this.producers.values()].map((e) => {
      const last = e.batches[e.batches.length - 1];
      return { producerId: e.producerId, producerEpoch: e.producerEpoch, lastSequence: last?.lastSeq ?? NO_SEQUENCE, lastTimestamp: last?.timestamp ?? -1 };
    });
  }

  /** Rebuilds when the log was truncated since the state was built (LogLoader / UnifiedLog.rebuildProducerState). */
  syncWithLog(log: ProducerStateSource): void {
    if (log.truncationCount === this.seenTruncations) {
      // Only the log start moved (retention, DeleteRecords): drop producers whose batches all lie below it,
      // as Kafka's onLogStartOffsetIncremented does, instead of rescanning the log.
      if (log.logStartOffset > this.seenLogStart) {
        this.seenLogStart = log.logStartOffset;
        for (const [pid, e] of this.producers) {
          const last = e.batches[e.batches.length - 1];
          if (!last || last.lastOffset < this.seenLogStart) this.producers.delete(pid);
        }
      }
      return;
    }
    const start = Date.now();
    this.producers.clear();
    const logStart = log.logStartOffset;
    for (const seg of log.logSegments) {
      scanBatchHeaders(seg.logFile, seg.size, (b) => {
        if (b.lastOffset >= logStart && b.producerId >= 0 && !b.isControl) this.applyBatch(b);
      });
    }
    this.seenTruncations = log.truncationCount;
    this.seenLogStart = logStart;
    if (this.producers.size > 0) this.logger.info(`Loaded producer state of ${this.producers.size} producers from the log in ${Date.now() - start} ms`);
  }

  /**
   * Leader-side check of a client append (offsets already assigned, nothing written). Returns the
   * original append for a duplicate of one of the last 5 batches, null when the batches may be written;
   * throws KafkaError(OUT_OF_ORDER_SEQUENCE_NUMBER | INVALID_PRODUCER_EPOCH) otherwise.
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
      this.validate(b, entry);
    }
    return null;
  }

  /** ProducerAppendInfo.checkProducerEpoch + checkSequence for a client batch. */
  private validate(b: BatchInfo, entry: ProducerStateEntry | undefined): void {
    const currentEpoch = entry ? entry.producerEpoch : NO_PRODUCER_EPOCH;
    const where = `producer ${b.producerId} at offset ${b.baseOffset} in partition ${this.topicPartition}`;
    if (b.producerEpoch < currentEpoch) {
      throw new KafkaError(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `Epoch of ${where} is ${b.producerEpoch}, which is smaller than the last seen epoch ${currentEpoch}`,
      );
    }
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

  /**
   * ProducerStateManager.removeExpiredProducers: forget producers whose newest batch timestamp is at least
   * producer.id.expiration.ms old (KIP-854). Kafka keeps a producer with an ongoing transaction; transactions do
   * not exist here yet. A forgotten producer may go on writing: an unknown producer's batch is accepted at any
   * sequence. Returns how many were removed.
   */
  removeExpiredProducers(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [pid, e] of this.producers) {
      const last = e.batches[e.batches.length - 1];
      const lastTimestamp = last ? last.timestamp : -1;
      if (nowMs - lastTimestamp >= expirationMs) {
        this.producers.delete(pid);
        removed++;
      }
    }
    return removed;
  }

  /** Records appended batches (leader after the write, follower after replicating, or the rebuild). */
  update(batches: readonly BatchInfo[]): void {
    for (const b of batches) if (b.producerId >= 0 && !b.isControl) this.applyBatch(b);
  }

  /** ProducerStateEntry.addBatch: a new epoch forgets the old batches; only the last 5 are kept. */
  private applyBatch(b: BatchInfo): void {
    let entry = this.producers.get(b.producerId);
    if (!entry) {
      entry = { producerId: b.producerId, producerEpoch: b.producerEpoch, batches: [] };
      this.producers.set(b.producerId, entry);
    } else if (entry.producerEpoch !== b.producerEpoch) {
      if (b.producerEpoch < entry.producerEpoch)
        this.logger.warn(
          `Epoch of producer ${b.producerId} at offset ${b.baseOffset} is ${b.producerEpoch}, which is smaller than the last seen epoch ${entry.producerEpoch}`,
        );
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
  }
}
