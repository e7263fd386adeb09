/**
 * Kafka's ProducerStateEntry and BatchMetadata as plain data, with the sequence arithmetic of DefaultRecordBatch:
 * what ProducerStateManager keeps per producer id and ProducerAppendInfo checks appends against.
 */
import { BatchInfo } from '../protocol/records/RecordBatch';

export const NUM_BATCHES_TO_RETAIN = 5;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
const INT32_MAX = 2147483647;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  timestamp: number;
}

export interface ProducerStateEntry {
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
export interface TxnMetadata {
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
export function decrementSequence(sequence: number, decrement: number): number {
  if (sequence < decrement) return INT32_MAX - (decrement - sequence) + 1;
  return sequence - decrement;
}

export function lastSequenceOf(b: BatchInfo): number {
  return b.baseSequence === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(b.baseSequence, b.lastOffsetDelta);
}

export function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

export function emptyEntry(producerId: number): ProducerStateEntry {
  return { producerId, producerEpoch: NO_PRODUCER_EPOCH, batches: [], coordinatorEpoch: -1, currentTxnFirstOffset: -1, lastTimestamp: -1 };
}
