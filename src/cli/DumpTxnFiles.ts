/**
 * kafka-dump-log for the transaction files of a partition directory, as Kafka 3.7's DumpLogSegments prints them:
 * `.txnindex` (dumpTxnIndex: one line per aborted transaction) and producer state `.snapshot` files
 * (dumpProducerIdSnapshot: one line per producer, its last batch's sequence range when it has one; a corrupt
 * snapshot prints CorruptSnapshotException's message on stderr).
 */
import { CorruptSnapshotError, ProducerSnapshotEntry, readProducerSnapshot } from '../log/ProducerStateSnapshot';
import { AbortedTxn, readTransactionIndex } from '../log/TransactionIndex';

/** dumpTxnIndex's line. */
export function txnIndexLine(t: AbortedTxn): string {
  // AbortedTxn.CURRENT_VERSION: the reader refuses any other.
  return `version: 0 producerId: ${t.producerId} firstOffset: ${t.firstOffset} lastOffset: ${t.lastOffset} lastStableOffset: ${t.lastStableOffset}`;
}

/** DefaultRecordBatch.decrementSequence: sequences wrap at Integer.MAX_VALUE. */
function decrementSequence(seq: number, decrement: number): number {
  return seq < decrement ? 0x7fffffff - (decrement - seq) + 1 : seq - decrement;
}

/**
 * dumpProducerIdSnapshot's line: ProducerStateEntry (lastTimestamp = the entry's timestamp, currentTxnFirstOffset an
 * OptionalLong), then its BatchMetadata when the entry has a last offset (>= 0). Kafka prints the trailing space too.
 */
export function snapshotLine(e: ProducerSnapshotEntry): string {
  const txn = e.currentTxnFirstOffset >= 0 ? `OptionalLong[${e.currentTxnFirstOffset}]` : 'OptionalLong.empty';
  let line = `producerId: ${e.producerId} producerEpoch: ${e.producerEpoch} coordinatorEpoch: ${e.coordinatorEpoch} currentTxnFirstOffset: ${txn} lastTimestamp: ${e.timestamp} `;
  if (e.lastOffset >= 0) {
    line +=
      `firstSequence: ${decrementSequence(e.lastSequence, e.offsetDelta)} lastSequence: ${e.lastSequence} ` +
      `lastOffset: ${e.lastOffset} offsetDelta: ${e.offsetDelta} timestamp: ${e.timestamp}`;
  }
  return line;
}

type Out = (line: string) => void;

export function dumpTxnIndex(file: string, out: Out): void {
  for (const t of readTransactionIndex(file)) out(txnIndexLine(t));
}

export function dumpProducerIdSnapshot(file: string, out: Out, err: Out): void {
  let entries: ProducerSnapshotEntry[];
  try {
    entries = readProducerSnapshot(file);
  } catch (e) {
    if (e instanceof CorruptSnapshotError) {
      err(e.message);
      return;
    }
    throw e;
  }
  for (const e of entries) out(snapshotLine(e));
}
