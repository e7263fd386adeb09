/**
 * kafka.coordinator.transaction.TransactionMarkerChannelManager (+ TransactionMarkerRequestCompletionHandler): after
 * PrepareCommit/PrepareAbort is in the log, the COMMIT/ABORT markers go to the leader of every partition of the
 * transaction as WriteTxnMarkers requests, one per broker with everything queued for it (also to this broker itself:
 * Kafka goes over the wire too). A partition's marker is done on NONE; NOT_LEADER and friends (or a lost connection)
 * re-queue it for the partition's current leader; a partition that no longer exists is dropped; a newer producer or
 * coordinator epoch on the partition cancels the rest. When no partition is left, CompleteCommit/CompleteAbort is
 * appended (retried while the log is unavailable).
 */
import { getLogger, Logger } from '../../common/logger';
import { ErrorCode, errorName } from '../../protocol/errors';
import { CoordinatorTime, TimerHandle } from '../group/CoordinatorTime';
import { TopicPartition, TransactionMetadata, TxnTransitMetadata } from './TransactionMetadata';
import { TransactionStateManager } from './TransactionStateManager';
import {
  BrokerNode,
  PendingCompleteTxn,
  TxnIdAndMarkerEntry,
  TxnMarkerEntry,
  TxnMarkerPartitionResult,
  TxnMarkerQueue,
  TxnMarkerTransport,
} from './TxnMarkerQueue';

export type { BrokerNode, TxnMarkerEntry, TxnMarkerPartitionResult, TxnMarkerTransport } from './TxnMarkerQueue';

/** Retriable per-partition errors of a marker (TransactionMarkerRequestCompletionHandler). */
const RETRIABLE = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.KAFKA_STORAGE_ERROR,
]);

export class TransactionMarkerChannelManager {
  private readonly log: Logger;
  private readonly markersQueuePerBroker = new Map<number, TxnMarkerQueue>();
  private readonly markersQueueForUnknownBroker = new TxnMarkerQueue({ id: -1, host: '', port: -1 });
  private readonly txnLogAppendRetryQueue: PendingCompleteTxn[] = [];
  private readonly transactionsWithPendingMarkers = new Map<string, PendingCompleteTxn>();
  private readonly inFlight = new Set<number>();
  private wakeupScheduled = false;
  private retryTimer: TimerHandle | null = null;
  private running = false;

  constructor(
    brokerId: number,
    private readonly txnStateManager: TransactionStateManager,
    private readonly transport: TxnMarkerTransport,
    private readonly time: CoordinatorTime,
    /** Pause before re-sending after an error (retry.backoff.ms: Kafka's NetworkClient reconnect/metadata backoff). */
    private readonly retryBackoffMs = 100,
  ) {
    this.log = getLogger('kafka.coordinator.transaction.TransactionMarkerChannelManager', `[Transaction Marker Channel Manager ${brokerId}]: `);
  }

  start(): void {
    this.running = true;
  }

  shutdown(): void {
    this.running = false;
    this.retryTimer?.cancel();
    this.retryTimer = null;
    this.markersQueuePerBroker.clear();
    this.transport.close?.();
  }

  get numTxnsWithPendingMarkers(): number {
    return this.transactionsWithPendingMarkers.size;
  }

  /** Markers still queued (for a broker or for an unknown leader); for tests and metrics. */
  queuedMarkers(): number {
    let n = this.markersQueueForUnknownBroker.size;
    for (const q of this.markersQueuePerBroker.values()) n += q.size;
    return n;
  }

  /** The markers of a transaction whose PrepareCommit/PrepareAbort is in the log, then its Complete state. */
  addTxnMarkersToSend(coordinatorEpoch: number, commit: boolean, txnMetadata: TransactionMetadata, newMetadata: TxnTransitMetadata): void {
    const transactionalId = txnMetadata.transactionalId;
    this.transactionsWithPendingMarkers.set(transactionalId, { transactionalId, coordinatorEpoch, txnMetadata, newMetadata });
    this.addTxnMarkersToBrokerQueue(transactionalId, txnMetadata.producerId, txnMetadata.producerEpoch, commit, coordinatorEpoch, txnMetadata.partitions());
    this.maybeWriteTxnCompletion(transactionalId);
  }

  /** Groups the partitions by their leader and queues one marker per destination. */
  addTxnMarkersToBrokerQueue(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    commit: boolean,
    coordinatorEpoch: number,
    topicPartitions: TopicPartition[],
  ): void {
    const txnTopicPartition = this.txnStateManager.partitionFor(transactionalId);
    const byDestination = new Map<number, { node: BrokerNode; tps: TopicPartition[] }>();
    const unknownPartitions: TopicPartition[] = [];
    for (const tp of topicPartitions) {
      const node = this.transport.leaderFor(tp.topic, tp.partition);
      if (node === null) {
        unknownPartitions.push(tp);
        continue;
      }
      const d = byDestination.get(node.id);
      if (d) d.tps.push(tp);
      else byDestination.set(node.id, { node, tps: [tp] });
    }
    for (const { node, tps } of byDestination.values()) {
      const entry: TxnIdAndMarkerEntry = { txnId: transactionalId, marker: { producerId, producerEpoch, coordinatorEpoch, commit, partitions: tps } };
      if (node.id < 0) {
        // The leader is known but not available: park it; each send round looks for its broker again.
        this.markersQueueForUnknownBroker.add(txnTopicPartition, entry);
      } else {
        let q = this.markersQueuePerBroker.get(node.id);
        if (!q) this.markersQueuePerBroker.set(node.id, (q = new TxnMarkerQueue(node)));
        q.destination = node;
        q.add(txnTopicPartition, entry);
      }
    }
    if (unknownPartitions.length > 0) this.dropDeletedPartitions(transactionalId, coordinatorEpoch, unknownPartitions);
    this.wakeup();
  }

  /** Partitions without any leader are most likely deleted: no marker is needed there (Kafka logs and skips them). */
  private dropDeletedPartitions(transactionalId: string, coordinatorEpoch: number, tps: TopicPartition[]): void {
    const st = this.txnStateManager.getTransactionState(transactionalId);
    if (!st.ok) {
      this.log.info(
        `Encountered ${errorName(st.error)} trying to fetch transaction metadata for ${transactionalId} with coordinator epoch ${coordinatorEpoch}; cancel sending markers to its partition leaders`,
      );
      this.transactionsWithPendingMarkers.delete(transactionalId);
      return;
    }
    if (st.value === null) {
      this.log.error(
        `The coordinator still owns the transaction partition for ${transactionalId}, but there is no metadata in the cache; this is not expected`,
      );
      return;
    }
    if (st.value.coordinatorEpoch !== coordinatorEpoch) {
      this.log.info(
        `The cached metadata has changed (old coordinator epoch is ${coordinatorEpoch}) since preparing to send markers; cancel sending markers to its partition leaders`,
      );
      this.transactionsWithPendingMarkers.delete(transactionalId);
      return;
    }
    this.log.info(
      `Couldn't find leader endpoint for partitions ${tps.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')} while trying to send transaction markers for ${transactionalId}, these partitions are likely deleted already and hence can be skipped`,
    );
    for (const tp of tps) st.value.transactionMetadata.removePartition(tp);
    this.maybeWriteTxnCompletion(transactionalId);
  }

  maybeWriteTxnCompletion(transactionalId: string): void {
    const pending = this.transactionsWithPendingMarkers.get(transactionalId);
    if (!pending || pending.txnMetadata.topicPartitions.size > 0) return;
    this.transactionsWithPendingMarkers.delete(transactionalId);
    this.writeTxnCompletion(pending);
  }

  private writeTxnCompletion(p: PendingCompleteTxn): void {
    const st = this.txnStateManager.getTransactionState(p.transactionalId);
    if (!st.ok) {
      // NOT_COORDINATOR: someone else finishes it; COORDINATOR_LOAD_IN_PROGRESS: the load will.
      this.log.info(
        `Cannot complete ${p.transactionalId} (${errorName(st.error)}) with coordinator epoch ${p.coordinatorEpoch}; cancel appending ${p.newMetadata.txnState}`,
      );
      return;
    }
    if (st.value === null) {
      this.log.error(
        `The coordinator still owns the transaction partition for ${p.transactionalId}, but there is no metadata in the cache; this is not expected`,
      );
      return;
    }
    if (st.value.coordinatorEpoch !== p.coordinatorEpoch) {
      this.log.info(
        `The cached metadata has changed after completed sending the markers with coordinator epoch ${p.coordinatorEpoch}; abort transiting the metadata to ${p.newMetadata.txnState} as it may have been updated by another process`,
      );
      return;
    }
    this.tryAppendToLog(p);
  }

  private tryAppendToLog(p: PendingCompleteTxn): void {
    void this.txnStateManager
      .appendTransactionToLog(p.transactionalId, p.coordinatorEpoch, p.newMetadata, (e) => e === ErrorCode.COORDINATOR_NOT_AVAILABLE)
      .then((error) => {
        switch (error) {
          case ErrorCode.NONE:
            return;
          case ErrorCode.NOT_COORDINATOR:
            this.log.info(
              `No longer the coordinator for transactionalId: ${p.transactionalId} while trying to append to transaction log, skip writing to transaction log`,
            );
            return;
          case ErrorCode.COORDINATOR_NOT_AVAILABLE:
            this.log.info(
              `Not available to append ${p.newMetadata.txnState} for ${p.transactionalId}: possible causes include UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND and REQUEST_TIMED_OUT; retry appending`,
            );
            this.txnLogAppendRetryQueue.push(p);
            this.scheduleRetry();
            return;
          case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
            this.log.info(
              `Coordinator is loading the partition of ${p.transactionalId} and hence cannot complete append; skip writing to transaction log as the loading process should complete it`,
            );
            return;
          default:
            this.log.error(`Unexpected error ${errorName(error)} while appending to transaction log for ${p.transactionalId}`);
        }
      })
      .catch((e) => this.log.error(`Completing the transaction of ${p.transactionalId} failed`, e));
  }

  /** A resigned (or reloading) __transaction_state partition: its queued markers and pending completions go. */
  removeMarkersForTxnTopicPartition(txnTopicPartitionId: number): void {
    const queues = [this.markersQueueForUnknownBroker, ...this.markersQueuePerBroker.values()];
    for (const q of queues) {
      const entries = q.perTxnTopicPartition.get(txnTopicPartitionId);
      q.perTxnTopicPartition.delete(txnTopicPartitionId);
      for (const e of entries ?? []) this.removeMarkersForTxnId(e.txnId);
    }
    for (const p of [...this.txnLogAppendRetryQueue]) {
      if (this.txnStateManager.partitionFor(p.transactionalId) === txnTopicPartitionId)
        this.txnLogAppendRetryQueue.splice(this.txnLogAppendRetryQueue.indexOf(p), 1);
    }
  }

  removeMarkersForTxnId(transactionalId: string): void {
    this.transactionsWithPendingMarkers.delete(transactionalId);
  }

  // ---------------------------------------------------------------- the send loop (InterBrokerSendThread)

  private wakeup(): void {
    if (this.wakeupScheduled || !this.running) return;
    this.wakeupScheduled = true;
    setImmediate(() => {
      this.wakeupScheduled = false;
      this.safely(() => this.generateRequests());
    });
  }

  private scheduleRetry(): void {
    if (this.retryTimer || !this.running) return;
    this.retryTimer = this.time.schedule(this.retryBackoffMs, () => {
      this.retryTimer = null;
      this.safely(() => this.generateRequests());
    });
  }

  /** TransactionMarkerChannelManager.generateRequests: retried log appends, re-resolved unknown leaders, one request per broker. */
  private generateRequests(): void {
    if (!this.running) return;
    for (const p of this.txnLogAppendRetryQueue.splice(0)) this.tryAppendToLog(p);
    const parked = this.markersQueueForUnknownBroker.drain();
    for (const e of parked) {
      const m = e.marker;
      this.addTxnMarkersToBrokerQueueNoWakeup(e.txnId, m);
    }
    if (this.markersQueueForUnknownBroker.size > 0) this.scheduleRetry();
    for (const [brokerId, q] of this.markersQueuePerBroker) {
      if (this.inFlight.has(brokerId) || q.size === 0) continue;
      const entries = q.drain();
      this.inFlight.add(brokerId);
      const node = q.destination;
      this.transport
        .send(
          node,
          entries.map((e) => e.marker),
        )
        .then(
          (results) => this.onResponse(node, entries, results),
          (err: Error) => this.onDisconnected(node, entries, err),
        )
        .catch((e) => this.log.error('Handling a WriteTxnMarkers response failed', e))
        .finally(() => {
          this.inFlight.delete(brokerId);
          if ((this.markersQueuePerBroker.get(brokerId)?.size ?? 0) > 0) this.wakeup();
        });
    }
  }

  private addTxnMarkersToBrokerQueueNoWakeup(txnId: string, m: TxnMarkerEntry): void {
    this.addTxnMarkersToBrokerQueue(txnId, m.producerId, m.producerEpoch, m.commit, m.coordinatorEpoch, m.partitions);
  }

  /** The transaction is still ours at the marker's coordinator epoch (else its markers are cancelled). */
  private stillOurs(txnId: string, marker: TxnMarkerEntry): TransactionMetadata | null {
    const st = this.txnStateManager.getTransactionState(txnId);
    if (!st.ok) {
      this.log.info(
        `I am no longer the coordinator (or am loading the partition) for ${txnId} (${errorName(st.error)}); cancel sending transaction markers to the brokers`,
      );
      this.removeMarkersForTxnId(txnId);
      return null;
    }
    if (st.value === null) {
      this.log.error(`The coordinator still owns the transaction partition for ${txnId}, but there is no metadata in the cache; this is not expected`);
      return null;
    }
    if (st.value.coordinatorEpoch !== marker.coordinatorEpoch) {
      this.log.info(
        `Transaction coordinator epoch for ${txnId} has changed from ${marker.coordinatorEpoch} to ${st.value.coordinatorEpoch}; cancel sending transaction markers to the brokers`,
      );
      this.removeMarkersForTxnId(txnId);
      return null;
    }
    return st.value.transactionMetadata;
  }

  /** The request never got an answer: every marker goes back to the queue of its partitions' (maybe new) leaders. */
  private onDisconnected(node: BrokerNode, entries: TxnIdAndMarkerEntry[], err: Error): void {
    this.log.info(`Sending WriteTxnMarkers to broker ${node.id} (${node.host}:${node.port}) failed: ${err.message}; re-enqueuing its markers`);
    this.afterBackoff(() => {
      for (const e of entries) {
        if (this.stillOurs(e.txnId, e.marker) === null) continue;
        this.addTxnMarkersToBrokerQueueNoWakeup(e.txnId, e.marker);
      }
    });
  }

  private afterBackoff(fn: () => void): void {
    this.time.schedule(this.retryBackoffMs, () => {
      if (this.running) this.safely(fn);
    });
  }

  /** Work on timers and immediates: a coordinator bug (Kafka's IllegalStateException) is logged, never fatal to the broker. */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error('Transaction marker handling failed', e);
    }
  }

  private onResponse(node: BrokerNode, entries: TxnIdAndMarkerEntry[], results: Map<number, TxnMarkerPartitionResult[]>): void {
    for (const { txnId, marker } of entries) {
      const errors = results.get(marker.producerId);
      if (!errors) {
        this.log.error(`WriteTxnMarkerResponse from broker ${node.id} does not contain expected error map for producer id ${marker.producerId}`);
        continue;
      }
      const md = this.stillOurs(txnId, marker);
      if (md === null) continue;
      const retry: TopicPartition[] = [];
      let abortSending = false;
      for (const r of errors) {
        const tp = { topic: r.topic, partition: r.partition };
        if (r.errorCode === ErrorCode.NONE) {
          md.removePartition(tp);
        } else if (RETRIABLE.has(r.errorCode)) {
          this.log.info(
            `Sending ${txnId}'s transaction marker for partition ${r.topic}-${r.partition} has failed with error ${errorName(r.errorCode)}, retrying with current coordinator epoch ${marker.coordinatorEpoch}`,
          );
          retry.push(tp);
        } else if (r.errorCode === ErrorCode.INVALID_PRODUCER_EPOCH || r.errorCode === ErrorCode.TRANSACTION_COORDINATOR_FENCED) {
          // A newer producer epoch or coordinator owns the partition: this transaction needs no more markers from us.
          this.log.info(
            `Sending ${txnId}'s transaction marker for partition ${r.topic}-${r.partition} has permanently failed with error ${errorName(r.errorCode)} with the current coordinator epoch ${marker.coordinatorEpoch}; cancel sending any more transaction markers to the brokers`,
          );
          this.removeMarkersForTxnId(txnId);
          abortSending = true;
        } else if (r.errorCode === ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT || r.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
          // The producer could not have written there either: nothing to mark.
          md.removePartition(tp);
        } else {
          // CORRUPT_MESSAGE, MESSAGE_TOO_LARGE, INVALID_REQUIRED_ACKS or anything else: Kafka throws (a bug somewhere).
          this.log.error(`Unexpected error ${errorName(r.errorCode)} while sending txn marker for ${txnId}`);
          abortSending = true;
        }
      }
      if (abortSending) continue;
      if (retry.length > 0) {
        this.afterBackoff(() => {
          if (this.stillOurs(txnId, marker) !== null) {
            this.addTxnMarkersToBrokerQueue(txnId, marker.producerId, marker.producerEpoch, marker.commit, marker.coordinatorEpoch, retry);
          }
        });
      } else {
        this.maybeWriteTxnCompletion(txnId);
      }
    }
  }
}
