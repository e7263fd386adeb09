/**
 * The log cleaner's view of transactions (Kafka 3.7's kafka.log.CleanedTransactionMetadata, with
 * AbortedTransactionMetadata): walking the log in offset order, it knows which producers are inside an aborted
 * transaction (from the `.txnindex` entries the cleaner feeds it) or a committed one, so that
 *  - the batches of an aborted transaction are discarded (and never enter the offset map),
 *  - a COMMIT marker may go once no batch of its transaction was seen (all removed by earlier cleanings),
 *  - an ABORT marker stays, and its entry is written to the cleaned segment's transaction index, as long as a batch
 *    of the transaction was seen; otherwise it may go too.
 * "May go" is the marker half of Kafka's two-step removal: the cleaner first stamps the marker batch with a delete
 * horizon (now + delete.retention.ms) and drops it at the first cleaning after that horizon.
 */
import { ControlRecordType, parseControlRecordTypeId } from '../protocol/messages/ControlRecords';
import { BatchInfo, iterateRecords } from '../protocol/records/RecordBatch';
import { AbortedTxn } from './TransactionIndex';

class AbortedTransactionMetadata {
  lastObservedBatchOffset: number | null = null;
  constructor(readonly abortedTxn: AbortedTxn) {}
}

export class CleanedTransactionMetadata {
  private readonly ongoingCommittedTxns = new Set<number>();
  private readonly ongoingAbortedTxns = new Map<number, AbortedTransactionMetadata>();
  /** Kafka's min-heap by first offset; kept sorted (entries arrive segment by segment, a few at a time). */
  private abortedTransactions: AbortedTxn[] = [];
  /** The aborted transactions whose ABORT marker is kept: the cleaned segment's new `.txnindex` (cleanedIndex). */
  readonly cleanedIndex: AbortedTxn[] = [];

  addAbortedTransactions(txns: readonly AbortedTxn[]): void {
    if (txns.length === 0) return;
    this.abortedTransactions = [...this.abortedTransactions, ...txns].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** A control batch was read; true when it may be discarded. `bytes` is the whole batch. */
  onControlBatchRead(info: BatchInfo, bytes: Buffer): boolean {
    this.consumeAbortedTxnsUpTo(info.lastOffset);
    let first = null;
    for (const r of iterateRecords(bytes)) {
      first = r;
      break;
    }
    // An empty control batch was already cleaned, so it is safe to discard.
    if (first === null) return true;
    const type = parseControlRecordTypeId(first.key);
    const producerId = info.producerId;
    if (type === ControlRecordType.ABORT) {
      const aborted = this.ongoingAbortedTxns.get(producerId);
      this.ongoingAbortedTxns.delete(producerId);
      // Retain the marker until all batches from the transaction have been removed.
      if (aborted !== undefined && aborted.lastObservedBatchOffset !== null) {
        this.cleanedIndex.push(aborted.abortedTxn);
        return false;
      }
      return true;
    }
    if (type === ControlRecordType.COMMIT) {
      // Eligible for deletion when no batch of the transaction was traversed.
      return !this.ongoingCommittedTxns.delete(producerId);
    }
    return false;
  }

  /** A data batch was read; true when it belongs to an aborted transaction (and may be discarded). */
  onBatchRead(info: BatchInfo): boolean {
    this.consumeAbortedTxnsUpTo(info.lastOffset);
    if (!info.isTransactional) return false;
    const aborted = this.ongoingAbortedTxns.get(info.producerId);
    if (aborted !== undefined) {
      aborted.lastObservedBatchOffset = info.lastOffset;
      return true;
    }
    this.ongoingCommittedTxns.add(info.producerId);
    return false;
  }

  private consumeAbortedTxnsUpTo(offset: number): void {
    let n = 0;
    while (n < this.abortedTransactions.length && this.abortedTransactions[n].firstOffset <= offset) {
      const t = this.abortedTransactions[n++];
      if (!this.ongoingAbortedTxns.has(t.producerId)) this.ongoingAbortedTxns.set(t.producerId, new AbortedTransactionMetadata(t));
    }
    if (n > 0) this.abortedTransactions = this.abortedTransactions.slice(n);
  }
}
