/**
 * kafka.coordinator.transaction.TransactionStateManager: the transactional ids of the `__transaction_state`
 * partitions this broker leads, kept in step with the log. A partition this broker becomes leader of is read from
 * its log (COORDINATOR_LOAD_IN_PROGRESS meanwhile) and its PrepareCommit/PrepareAbort transactions are handed to the
 * marker sender to finish; leadership loss drops it (NOT_COORDINATOR). The coordinator epoch of a partition is its
 * leader epoch: an append whose epoch is no longer the cached one is refused (NOT_COORDINATOR), so a deposed
 * coordinator never overwrites its successor. Every new state is appended with acks=all (TransactionLog).
 */
import { getLogger, Logger } from '../../common/logger';
import { ErrorCode, errorName } from '../../protocol/errors';
import { buildRecordBatch } from '../../protocol/records/MemoryRecordsBuilder';
import { javaStringHashCode, kafkaAbs } from '../../zk/data/json';
import { CoordinatorTime, TimerHandle } from '../group/CoordinatorTime';
import { txnRecordKey, txnRecordValue } from './TransactionLog';
import { appendErrorToCoordinatorError, groupByTopic, readTransactionMetadata, TransactionTopicAccess } from './TransactionLogLoader';
import { TransactionMetadata, TxnTransitMetadata } from './TransactionMetadata';
import { isExpirationAllowed, isTxnStateName, TransactionStateName } from './TransactionState';

export const TRANSACTION_STATE_TOPIC_NAME = '__transaction_state';

export type { TransactionTopicAccess } from './TransactionLogLoader';

/** Kafka's TransactionConfig (the broker's transaction.* and transactional.id.* settings). */
export interface TransactionConfig {
  brokerId: number;
  transactionalIdExpirationMs: number;
  transactionMaxTimeoutMs: number;
  transactionLogLoadBufferSize: number;
  abortTimedOutTransactionsIntervalMs: number;
  removeExpiredTransactionalIdsIntervalMs: number;
  requestTimeoutMs: number;
}

export interface CoordinatorEpochAndTxnMetadata {
  coordinatorEpoch: number;
  transactionMetadata: TransactionMetadata;
}

/** Kafka's Either[Errors, T]. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: number };

export const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });
export const fail = <T>(error: number): ApiResult<T> => ({ ok: false, error });

export interface TransactionalIdAndProducerIdEpoch {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
}

/** Called for each PrepareCommit/PrepareAbort found on load: send its markers, then write the Complete state. */
export type SendTxnMarkersCallback = (coordinatorEpoch: number, commit: boolean, txnMetadata: TransactionMetadata, newMetadata: TxnTransitMetadata) => void;

interface TxnMetadataCacheEntry {
  coordinatorEpoch: number;
  metadataPerTransactionalId: Map<string, TransactionMetadata>;
}

export class TransactionStateManager {
  private readonly log: Logger;
  /** Partitions being loaded, as `partition/coordinatorEpoch` (Kafka's TransactionPartitionAndLeaderEpoch). */
  private readonly loadingPartitions = new Set<string>();
  private readonly transactionMetadataCache = new Map<number, TxnMetadataCacheEntry>();
  private transactionTopicPartitionCount = 0;
  private partitionCountProvisional = false;
  private shuttingDown = false;
  private expirationTimer: TimerHandle | null = null;

  constructor(
    private readonly config: TransactionConfig,
    private readonly topic: TransactionTopicAccess,
    private readonly time: CoordinatorTime,
  ) {
    this.log = getLogger('kafka.coordinator.transaction.TransactionStateManager', `[Transaction State Manager ${config.brokerId}]: `);
  }

  /**
   * `partitionCount`: the topic's partition count as ZooKeeper has it (KafkaServer reads it). Without it the access's
   * count is provisional until the first load: a KRaft broker starts before its first metadata image (Kafka's
   * BrokerServer starts the coordinator once that image is published, so its count is the topic's).
   */
  startup(enableTransactionalIdExpiration: boolean, partitionCount?: number): void {
    this.shuttingDown = false;
    this.partitionCountProvisional = partitionCount === undefined;
    this.transactionTopicPartitionCount = partitionCount ?? this.topic.partitionCount();
    if (enableTransactionalIdExpiration) this.scheduleExpiration();
  }

  shutdown(): void {
    this.shuttingDown = true;
    this.expirationTimer?.cancel();
    this.expirationTimer = null;
    this.loadingPartitions.clear();
    this.transactionMetadataCache.clear();
    this.log.info('Shutdown complete');
  }

  partitionFor(transactionalId: string): number {
    return kafkaAbs(javaStringHashCode(transactionalId)) % this.transactionTopicPartitionCount;
  }

  validateTransactionTimeoutMs(txnTimeoutMs: number): boolean {
    return txnTimeoutMs <= this.config.transactionMaxTimeoutMs && txnTimeoutMs > 0;
  }

  private isLoading(partition: number): boolean {
    for (const k of this.loadingPartitions) if (k.startsWith(`${partition}/`)) return true;
    return false;
  }

  isAnyLoading(): boolean {
    return this.loadingPartitions.size > 0;
  }

  /** The cached state of a transactional id: COORDINATOR_LOAD_IN_PROGRESS while its partition loads, NOT_COORDINATOR if not ours. */
  getTransactionState(transactionalId: string): ApiResult<CoordinatorEpochAndTxnMetadata | null> {
    return this.getAndMaybeAddTransactionState(transactionalId, null);
  }

  putTransactionStateIfNotExists(txnMetadata: TransactionMetadata): ApiResult<CoordinatorEpochAndTxnMetadata> {
    const r = this.getAndMaybeAddTransactionState(txnMetadata.transactionalId, txnMetadata);
    if (!r.ok) return r;
    return ok(r.value!);
  }

  private getAndMaybeAddTransactionState(transactionalId: string, created: TransactionMetadata | null): ApiResult<CoordinatorEpochAndTxnMetadata | null> {
    const partitionId = this.partitionFor(transactionalId);
    if (this.isLoading(partitionId)) return fail(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    const entry = this.transactionMetadataCache.get(partitionId);
    if (!entry) return fail(ErrorCode.NOT_COORDINATOR);
    let md = entry.metadataPerTransactionalId.get(transactionalId) ?? null;
    if (md === null && created !== null) {
      entry.metadataPerTransactionalId.set(transactionalId, created);
      md = created;
    }
    return ok(md === null ? null : { coordinatorEpoch: entry.coordinatorEpoch, transactionMetadata: md });
  }

  /** Ongoing transactions open longer than their timeout (best effort, as Kafka: the abort re-checks everything). */
  timedOutTransactions(): TransactionalIdAndProducerIdEpoch[] {
    const now = this.time.now();
    const out: TransactionalIdAndProducerIdEpoch[] = [];
    for (const entry of this.transactionMetadataCache.values()) {
      for (const [txnId, md] of entry.metadataPerTransactionalId) {
        if (md.pendingTransitionInProgress || md.state !== 'Ongoing') continue;
        if (md.txnStartTimestamp + md.txnTimeoutMs < now) out.push({ transactionalId: txnId, producerId: md.producerId, producerEpoch: md.producerEpoch });
      }
    }
    return out;
  }

  /** ListTransactions: Dead ids (being expired) are left out; unknown state names are echoed back. */
  listTransactionStates(
    filterProducerIds: readonly number[],
    filterStateNames: readonly string[],
  ): { errorCode: number; unknownStateFilters: string[]; transactionStates: Array<{ transactionalId: string; producerId: number; transactionState: string }> } {
    if (this.loadingPartitions.size > 0) return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, unknownStateFilters: [], transactionStates: [] };
    const unknownStateFilters: string[] = [];
    const filterStates = new Set<TransactionStateName>();
    for (const name of filterStateNames) {
      if (isTxnStateName(name)) filterStates.add(name);
      else unknownStateFilters.push(name);
    }
    const pids = new Set(filterProducerIds);
    const transactionStates: Array<{ transactionalId: string; producerId: number; transactionState: string }> = [];
    for (const entry of this.transactionMetadataCache.values()) {
      for (const md of entry.metadataPerTransactionalId.values()) {
        if (md.state === 'Dead') continue;
        if (pids.size > 0 && !pids.has(md.producerId)) continue;
        if (filterStateNames.length > 0 && !filterStates.has(md.state)) continue;
        transactionStates.push({ transactionalId: md.transactionalId, producerId: md.producerId, transactionState: md.state });
      }
    }
    return { errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
  }

  /**
   * TransactionStateManager.appendTransactionToLog: writes the new state, then (if the coordinator epoch is still
   * ours) completes the transition in the cache. Produce errors map to coordinator errors as in Kafka; on an error
   * the pending state is dropped unless `retryOnError` says the caller will retry this same transition.
   */
  async appendTransactionToLog(
    transactionalId: string,
    coordinatorEpoch: number,
    newMetadata: TxnTransitMetadata,
    retryOnError: (error: number) => boolean = () => false,
  ): Promise<number> {
    const key = txnRecordKey(transactionalId);
    const value = txnRecordValue({
      producerId: newMetadata.producerId,
      producerEpoch: newMetadata.producerEpoch,
      transactionTimeoutMs: newMetadata.txnTimeoutMs,
      state: newMetadata.txnState,
      partitions: groupByTopic(newMetadata.topicPartitions),
      transactionLastUpdateTimestampMs: newMetadata.txnLastUpdateTimestamp,
      transactionStartTimestampMs: newMetadata.txnStartTimestamp,
    });
    const before = this.getTransactionState(transactionalId);
    if (!before.ok) return before.error;
    if (before.value === null) return ErrorCode.NOT_COORDINATOR;
    if (before.value.coordinatorEpoch !== coordinatorEpoch) return ErrorCode.NOT_COORDINATOR;

    const batch = buildRecordBatch({ records: [{ key, value, timestamp: this.time.now() }] });
    let status: number;
    try {
      status = await this.topic.append(this.partitionFor(transactionalId), batch, newMetadata.txnTimeoutMs);
    } catch (e) {
      this.log.error(`Appending ${transactionalId}'s new metadata to the transaction log failed`, e);
      status = ErrorCode.UNKNOWN_SERVER_ERROR;
    }
    let responseError = status === ErrorCode.NONE ? ErrorCode.NONE : appendErrorToCoordinatorError(status);
    if (responseError === ErrorCode.NONE) {
      const now = this.getTransactionState(transactionalId);
      if (!now.ok) {
        this.log.info(
          `Accessing the cached transaction metadata for ${transactionalId} returns ${errorName(now.error)} error; aborting transition to the new metadata and setting the error in the callback`,
        );
        responseError = now.error;
      } else if (now.value === null) {
        responseError = ErrorCode.NOT_COORDINATOR;
      } else if (now.value.coordinatorEpoch !== coordinatorEpoch) {
        this.log.info(
          `The cached coordinator epoch for ${transactionalId} has changed to ${now.value.coordinatorEpoch} after appended its new metadata to the transaction log (txn topic partition ${this.partitionFor(transactionalId)}) while it was ${coordinatorEpoch} before appending; aborting transition to the new metadata and returning NOT_COORDINATOR in the callback`,
        );
        responseError = ErrorCode.NOT_COORDINATOR;
      } else {
        now.value.transactionMetadata.completeTransitionTo(newMetadata);
      }
    } else {
      const now = this.getTransactionState(transactionalId);
      if (now.ok && now.value !== null && now.value.coordinatorEpoch === coordinatorEpoch) {
        const md = now.value.transactionMetadata;
        if (retryOnError(responseError)) {
          this.log.info(
            `TransactionalId ${transactionalId} append transaction log for ${newMetadata.txnState} transition failed due to ${errorName(responseError)}, not resetting pending state ${md.pendingState} but just returning the error in the callback to let the caller retry`,
          );
        } else {
          this.log.info(
            `TransactionalId ${transactionalId} append transaction log for ${newMetadata.txnState} transition failed due to ${errorName(responseError)}, resetting pending state from ${md.pendingState}, aborting state transition and returning ${errorName(responseError)} in the callback`,
          );
          md.pendingState = null;
        }
      }
    }
    return responseError;
  }

  // ---------------------------------------------------------------- load / unload

  /**
   * Leadership of __transaction_state-<p> gained at this coordinator epoch: read the log, install the ids, then hand
   * the PrepareCommit/PrepareAbort ones to `sendTxnMarkers`. The returned promise settles when loading is over.
   */
  loadTransactionsForTxnTopicPartition(partitionId: number, coordinatorEpoch: number, sendTxnMarkers: SendTxnMarkersCallback): Promise<void> {
    const key = `${partitionId}/${coordinatorEpoch}`;
    this.loadingPartitions.add(key);
    const scheduled = this.time.now();
    return new Promise<void>((resolve) => {
      setImmediate(() => {
        try {
          this.loadTransactions(partitionId, coordinatorEpoch, key, scheduled, sendTxnMarkers);
        } catch (e) {
          this.log.error(`Error loading transactions from transaction log ${TRANSACTION_STATE_TOPIC_NAME}-${partitionId}`, e);
        }
        resolve();
      });
    });
  }

  private loadTransactions(partitionId: number, coordinatorEpoch: number, key: string, scheduled: number, sendTxnMarkers: SendTxnMarkersCallback): void {
    if (!this.loadingPartitions.has(key) || this.shuttingDown) return;
    const tp = `${TRANSACTION_STATE_TOPIC_NAME}-${partitionId}`;
    const start = this.time.now();
    this.log.info(`Loading transaction metadata from ${tp} at epoch ${coordinatorEpoch}`);
    const current = this.topic.partitionCount();
    if (current !== this.transactionTopicPartitionCount) {
      if (!this.partitionCountProvisional || this.transactionMetadataCache.size > 0) {
        throw new Error(`Transaction topic number of partitions has changed from ${this.transactionTopicPartitionCount} to ${current}`);
      }
      this.transactionTopicPartitionCount = current;
    }
    this.partitionCountProvisional = false;
    const loaded = readTransactionMetadata(this.topic, partitionId, this.config.transactionLogLoadBufferSize, this.log, () => this.shuttingDown);
    const end = this.time.now();
    this.log.info(
      `Finished loading ${loaded.size} transaction metadata from ${tp} in ${end - scheduled} milliseconds, of which ${start - scheduled} milliseconds was spent in the scheduler.`,
    );
    if (!this.loadingPartitions.has(key)) return;
    const previous = this.transactionMetadataCache.get(partitionId);
    this.transactionMetadataCache.set(partitionId, { coordinatorEpoch, metadataPerTransactionalId: loaded });
    if (previous) {
      this.log.warn(
        `Unloaded transaction metadata TxnMetadataCacheEntry(coordinatorEpoch=${previous.coordinatorEpoch}, numTransactionalEntries=${previous.metadataPerTransactionalId.size}) from ${partitionId} as part of loading metadata at epoch ${coordinatorEpoch}`,
      );
    }
    const pending: Array<{ commit: boolean; md: TransactionMetadata; transit: TxnTransitMetadata }> = [];
    for (const md of loaded.values()) {
      if (md.state === 'PrepareAbort') pending.push({ commit: false, md, transit: md.prepareComplete(this.time.now()) });
      else if (md.state === 'PrepareCommit') pending.push({ commit: true, md, transit: md.prepareComplete(this.time.now()) });
    }
    // Loading is over before the markers go out, so the Complete append they end with is not refused as "loading".
    this.loadingPartitions.delete(key);
    for (const p of pending) {
      try {
        sendTxnMarkers(coordinatorEpoch, p.commit, p.md, p.transit);
      } catch (e) {
        this.log.error(`Sending the markers of ${p.md.transactionalId} after loading ${tp} failed`, e);
      }
    }
    this.log.info(`Completed loading transaction metadata from ${tp} for coordinator epoch ${coordinatorEpoch}`);
  }

  /** Leadership lost (or the replica deleted): drop the partition's ids. Without an epoch every load of it is dropped. */
  removeTransactionsForTxnTopicPartition(partitionId: number, coordinatorEpoch?: number): void {
    if (coordinatorEpoch === undefined) {
      for (const k of [...this.loadingPartitions]) if (k.startsWith(`${partitionId}/`)) this.loadingPartitions.delete(k);
    } else {
      this.loadingPartitions.delete(`${partitionId}/${coordinatorEpoch}`);
    }
    const entry = this.transactionMetadataCache.get(partitionId);
    this.transactionMetadataCache.delete(partitionId);
    if (entry) {
      this.log.info(
        `Unloaded transaction metadata TxnMetadataCacheEntry(coordinatorEpoch=${entry.coordinatorEpoch}, numTransactionalEntries=${entry.metadataPerTransactionalId.size}) for ${TRANSACTION_STATE_TOPIC_NAME}-${partitionId} on become-follower transition`,
      );
    } else {
      this.log.info(`No cached transaction metadata found for ${TRANSACTION_STATE_TOPIC_NAME}-${partitionId} during become-follower transition`);
    }
  }

  // ---------------------------------------------------------------- transactional id expiration

  private scheduleExpiration(): void {
    this.expirationTimer = this.time.schedule(this.config.removeExpiredTransactionalIdsIntervalMs, () => {
      void this.removeExpiredTransactionalIds()
        .catch((e) => this.log.error('Removing expired transactional ids failed', e))
        .finally(() => {
          if (this.expirationTimer) this.scheduleExpiration();
        });
    });
  }

  /**
   * TransactionStateManager.removeExpiredTransactionalIds: ids without an open transaction whose last update is
   * older than transactional.id.expiration.ms get a tombstone; once it is written they leave the cache.
   */
  async removeExpiredTransactionalIds(): Promise<number> {
    const now = this.time.now();
    let removed = 0;
    for (const [partitionId, entry] of [...this.transactionMetadataCache]) {
      const expired: Array<{ md: TransactionMetadata; transit: TxnTransitMetadata }> = [];
      for (const md of entry.metadataPerTransactionalId.values()) {
        if (md.pendingState === null && isExpirationAllowed(md.state) && md.txnLastUpdateTimestamp <= now - this.config.transactionalIdExpirationMs) {
          expired.push({ md, transit: md.prepareDead() });
        }
      }
      if (expired.length === 0) continue;
      const batch = buildRecordBatch({ records: expired.map((e) => ({ key: txnRecordKey(e.md.transactionalId), value: null, timestamp: now })) });
      let code: number;
      try {
        code = await this.topic.append(partitionId, batch, this.config.requestTimeoutMs);
      } catch (e) {
        this.log.error(`Writing tombstones for expired transactional ids to ${TRANSACTION_STATE_TOPIC_NAME}-${partitionId} failed`, e);
        code = ErrorCode.UNKNOWN_SERVER_ERROR;
      }
      const current = this.transactionMetadataCache.get(partitionId);
      for (const { md, transit } of expired) {
        const cached = current?.metadataPerTransactionalId.get(md.transactionalId);
        if (!current || cached !== md) continue;
        if (
          current.coordinatorEpoch === entry.coordinatorEpoch &&
          md.pendingState === 'Dead' &&
          md.producerEpoch === transit.producerEpoch &&
          code === ErrorCode.NONE
        ) {
          current.metadataPerTransactionalId.delete(md.transactionalId);
          removed++;
        } else {
          this.log.warn(
            `Failed to remove expired transactionalId: ${md.transactionalId} from cache. Tombstone append error code: ${code}, pendingState: ${md.pendingState}, producerEpoch: ${md.producerEpoch}, expected producerEpoch: ${transit.producerEpoch}, coordinatorEpoch: ${current.coordinatorEpoch}, expected coordinatorEpoch: ${entry.coordinatorEpoch}`,
          );
          md.pendingState = null;
        }
      }
    }
    return removed;
  }
}
