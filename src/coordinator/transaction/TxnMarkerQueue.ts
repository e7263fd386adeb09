/**
 * The queues of TransactionMarkerChannelManager (Kafka's TxnMarkerQueue, TxnIdAndMarkerEntry, TxnMarkerEntry) and the
 * transport the markers go out through.
 */
import type { TopicPartition, TransactionMetadata, TxnTransitMetadata } from './TransactionMetadata';

export interface BrokerNode {
  id: number;
  host: string;
  port: number;
}

/** Kafka's TxnMarkerEntry. */
export interface TxnMarkerEntry {
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  commit: boolean;
  partitions: TopicPartition[];
}

export interface TxnMarkerPartitionResult {
  topic: string;
  partition: number;
  errorCode: number;
}

/** How markers reach the brokers (the server wires NetworkClients on the inter-broker listener; unit tests a fake). */
export interface TxnMarkerTransport {
  /**
   * The partition leader's endpoint on the inter-broker listener (MetadataCache.getPartitionLeaderEndpoint): null when
   * the partition is unknown (deleted), `{ id: -1 }` (Node.noNode) when it has no live leader right now.
   */
  leaderFor(topic: string, partition: number): BrokerNode | null;
  /** One WriteTxnMarkers request; resolves with each marker's partition errors (by producer id), rejects if the connection failed. */
  send(node: BrokerNode, markers: TxnMarkerEntry[]): Promise<Map<number, TxnMarkerPartitionResult[]>>;
  close?(): void;
}

export interface TxnIdAndMarkerEntry {
  txnId: string;
  marker: TxnMarkerEntry;
}

export interface PendingCompleteTxn {
  transactionalId: string;
  coordinatorEpoch: number;
  txnMetadata: TransactionMetadata;
  newMetadata: TxnTransitMetadata;
}

/** TxnMarkerQueue: one destination's markers, per __transaction_state partition (so a resignation can drop them). */
export class TxnMarkerQueue {
  readonly perTxnTopicPartition = new Map<number, TxnIdAndMarkerEntry[]>();
  constructor(public destination: BrokerNode) {}

  add(txnTopicPartition: number, e: TxnIdAndMarkerEntry): void {
    const q = this.perTxnTopicPartition.get(txnTopicPartition);
    if (q) q.push(e);
    else this.perTxnTopicPartition.set(txnTopicPartition, [e]);
  }

  drain(): TxnIdAndMarkerEntry[] {
    const out: TxnIdAndMarkerEntry[] = [];
    for (const q of this.perTxnTopicPartition.values()) out.push(...q.splice(0));
    return out;
  }

  get size(): number {
    let n = 0;
    for (const q of this.perTxnTopicPartition.values()) n += q.length;
    return n;
  }
}
