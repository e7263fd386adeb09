/**
 * kafka.coordinator.transaction.TransactionCoordinator: InitProducerId for transactional producers (ids, epoch bumps,
 * fencing zombies, KIP-360 recovery), AddPartitionsToTxn / AddOffsetsToTxn (the transaction's partitions), EndTxn
 * (PrepareCommit/PrepareAbort, then the markers, then CompleteCommit/CompleteAbort), the periodic abort of timed-out
 * transactions, DescribeTransactions and ListTransactions. State lives in TransactionStateManager; markers go out
 * through TransactionMarkerChannelManager. Kafka's callbacks are promises here.
 */
import { getLogger, Logger } from '../../common/logger';
import { ErrorCode, errorName, KafkaError } from '../../protocol/errors';
import { CoordinatorTime, TimerHandle } from '../group/CoordinatorTime';
import { scalaTopicPartitionSetOrder } from './TransactionLog';
import { TransactionMarkerChannelManager } from './TransactionMarkerChannelManager';
import { preAppendEndTxn, prepareInitProducerIdTransit, preSendMarkers, wouldRotate } from './TransactionTransits';
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID, TopicPartition, tpKey, TransactionMetadata } from './TransactionMetadata';
import { ApiResult, CoordinatorEpochAndTxnMetadata, TRANSACTION_STATE_TOPIC_NAME, TransactionStateManager } from './TransactionStateManager';

/** Where producer ids come from (the broker's ProducerIdManager: ZooKeeper blocks or AllocateProducerIds). */
export interface ProducerIdGenerator {
  generateProducerId(): Promise<number>;
}

export interface InitProducerIdResult {
  producerId: number;
  producerEpoch: number;
  error: number;
}

export interface DescribedTransaction {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: number;
  producerId: number;
  producerEpoch: number;
  topics: Array<{ topic: string; partitions: number[] }>;
}

const initError = (error: number): InitProducerIdResult => ({ producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH, error });

function errorOf(e: unknown): number {
  return e instanceof KafkaError ? e.code : ErrorCode.UNKNOWN_SERVER_ERROR;
}

export class TransactionCoordinator {
  private readonly log: Logger;
  private active = false;
  private abortTimer: TimerHandle | null = null;

  constructor(
    brokerId: number,
    private readonly abortTimedOutTransactionsIntervalMs: number,
    private readonly producerIds: ProducerIdGenerator,
    readonly txnManager: TransactionStateManager,
    readonly txnMarkerChannelManager: TransactionMarkerChannelManager,
    private readonly time: CoordinatorTime,
  ) {
    this.log = getLogger('kafka.coordinator.transaction.TransactionCoordinator', `[TransactionCoordinator id=${brokerId}] `);
  }

  get isActive(): boolean {
    return this.active;
  }

  startup(enableTransactionalIdExpiration = true, transactionTopicPartitionCount?: number): void {
    this.log.info('Starting up.');
    this.txnManager.startup(enableTransactionalIdExpiration, transactionTopicPartitionCount);
    this.txnMarkerChannelManager.start();
    this.scheduleAbort();
    this.active = true;
    this.log.info('Startup complete.');
  }

  shutdown(): void {
    this.log.info('Shutting down.');
    this.active = false;
    this.abortTimer?.cancel();
    this.abortTimer = null;
    this.txnManager.shutdown();
    this.txnMarkerChannelManager.shutdown();
    this.log.info('Shutdown complete.');
  }

  partitionFor(transactionalId: string): number {
    return this.txnManager.partitionFor(transactionalId);
  }

  // ---------------------------------------------------------------- InitProducerId

  /**
   * TransactionCoordinator.handleInitProducerId. Without a transactional id: a fresh producer id, epoch 0 (idempotent
   * producers). With one: the id's producer id with its epoch bumped (a new id on first use or when the epoch is
   * exhausted); an open transaction of a previous incarnation is aborted first with a fenced epoch and the caller told
   * CONCURRENT_TRANSACTIONS, so its retry gets the epoch after the fence.
   */
  async handleInitProducerId(
    transactionalId: string | null,
    transactionTimeoutMs: number,
    expected: { producerId: number; producerEpoch: number } | null,
  ): Promise<InitProducerIdResult> {
    if (transactionalId === null) {
      try {
        return { producerId: await this.producerIds.generateProducerId(), producerEpoch: 0, error: ErrorCode.NONE };
      } catch (e) {
        return initError(errorOf(e));
      }
    }
    if (transactionalId === '') return initError(ErrorCode.INVALID_REQUEST);
    if (!this.txnManager.validateTransactionTimeoutMs(transactionTimeoutMs)) return initError(ErrorCode.INVALID_TRANSACTION_TIMEOUT);

    let existing = this.txnManager.getTransactionState(transactionalId);
    if (existing.ok && existing.value === null) {
      let producerId: number;
      try {
        producerId = await this.producerIds.generateProducerId();
      } catch (e) {
        return initError(errorOf(e));
      }
      const created = new TransactionMetadata(
        transactionalId,
        producerId,
        NO_PRODUCER_ID,
        NO_PRODUCER_EPOCH,
        NO_PRODUCER_EPOCH,
        transactionTimeoutMs,
        'Empty',
        [],
        -1,
        this.time.now(),
      );
      existing = this.txnManager.putTransactionStateIfNotExists(created);
    }
    if (!existing.ok) return initError(existing.error);
    const { coordinatorEpoch, transactionMetadata: md } = existing.value!;

    // A producer id rotation needs a new id: get it before the synchronous prepare (Kafka holds the metadata lock).
    let rotatedId: number | null = null;
    if (wouldRotate(md, expected)) {
      try {
        rotatedId = await this.producerIds.generateProducerId();
      } catch (e) {
        return initError(errorOf(e));
      }
    }
    const prepared = prepareInitProducerIdTransit(this.time.now(), this.log, transactionalId, transactionTimeoutMs, md, expected, rotatedId);
    if (!prepared.ok) return initError(prepared.error);
    const newMetadata = prepared.value;

    if (newMetadata.txnState === 'PrepareEpochFence') {
      // Abort the zombie's transaction; the caller retries and then gets the epoch after the fence.
      const error = await this.endTransaction(transactionalId, newMetadata.producerId, newMetadata.producerEpoch, false, false);
      return initError(error !== ErrorCode.NONE ? error : ErrorCode.CONCURRENT_TRANSACTIONS);
    }
    const error = await this.txnManager.appendTransactionToLog(transactionalId, coordinatorEpoch, newMetadata);
    if (error !== ErrorCode.NONE) {
      this.log.info(`Returning ${errorName(error)} error code to client for ${transactionalId}'s InitProducerId request`);
      return initError(error);
    }
    this.log.info(
      `Initialized transactionalId ${transactionalId} with producerId ${newMetadata.producerId} and producer epoch ${newMetadata.producerEpoch} on partition ${TRANSACTION_STATE_TOPIC_NAME}-${this.txnManager.partitionFor(transactionalId)}`,
    );
    return { producerId: newMetadata.producerId, producerEpoch: newMetadata.producerEpoch, error: ErrorCode.NONE };
  }

  // ---------------------------------------------------------------- AddPartitionsToTxn / AddOffsetsToTxn

  /** TransactionCoordinator.handleAddPartitionsToTransaction (also AddOffsetsToTxn, with the group's offsets partition). */
  async handleAddPartitionsToTransaction(transactionalId: string, producerId: number, producerEpoch: number, partitions: TopicPartition[]): Promise<number> {
    if (!transactionalId) return ErrorCode.INVALID_REQUEST;
    const st = this.txnManager.getTransactionState(transactionalId);
    if (!st.ok) return st.error;
    if (st.value === null) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    const { coordinatorEpoch, transactionMetadata: md } = st.value;
    if (md.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (md.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
    if (md.pendingTransitionInProgress) return ErrorCode.CONCURRENT_TRANSACTIONS;
    if (md.state === 'PrepareCommit' || md.state === 'PrepareAbort') return ErrorCode.CONCURRENT_TRANSACTIONS;
    // Already in the transaction: nothing to write.
    if (md.state === 'Ongoing' && partitions.every((tp) => md.topicPartitions.has(tpKey(tp)))) return ErrorCode.NONE;
    const transit = md.prepareAddPartitions(partitions, this.time.now());
    return this.txnManager.appendTransactionToLog(transactionalId, coordinatorEpoch, transit);
  }

  /** AddPartitionsToTxn v4 verifyOnly (KIP-890): which of these partitions are in the open transaction. */
  handleVerifyPartitionsInTransaction(transactionalId: string, producerId: number, producerEpoch: number, partitions: TopicPartition[]): Map<string, number> {
    const all = (code: number) => new Map(partitions.map((tp) => [tpKey(tp), code]));
    if (!transactionalId) return all(ErrorCode.INVALID_REQUEST);
    const st = this.txnManager.getTransactionState(transactionalId);
    if (!st.ok) return all(st.error);
    if (st.value === null) return all(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const md = st.value.transactionMetadata;
    if (md.producerId !== producerId) return all(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    if (md.producerEpoch !== producerEpoch) return all(ErrorCode.PRODUCER_FENCED);
    if (md.state === 'PrepareCommit' || md.state === 'PrepareAbort') return all(ErrorCode.CONCURRENT_TRANSACTIONS);
    return new Map(partitions.map((tp) => [tpKey(tp), md.topicPartitions.has(tpKey(tp)) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE]));
  }

  // ---------------------------------------------------------------- EndTxn

  handleEndTransaction(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<number> {
    return this.endTransaction(transactionalId, producerId, producerEpoch, commit, true);
  }

  /**
   * TransactionCoordinator.endTransaction: PrepareCommit/PrepareAbort goes to the log, the caller is answered, and
   * the markers go out (their completion writes CompleteCommit/CompleteAbort). A retry of an end that already
   * completed the same way is answered NONE; one still in Prepare is CONCURRENT_TRANSACTIONS.
   */
  private async endTransaction(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean, isFromClient: boolean): Promise<number> {
    if (!transactionalId) return ErrorCode.INVALID_REQUEST;
    const pre = preAppendEndTxn(
      this.txnManager.getTransactionState(transactionalId),
      this.time.now(),
      this.log,
      transactionalId,
      producerId,
      producerEpoch,
      commit,
      isFromClient,
    );
    if (!pre.ok) return pre.error;
    const { coordinatorEpoch, newMetadata, isEpochFence } = pre.value;
    const error = await this.txnManager.appendTransactionToLog(transactionalId, coordinatorEpoch, newMetadata);
    if (error !== ErrorCode.NONE) {
      this.log.info(
        `Aborting sending of transaction markers and returning ${errorName(error)} error to client for ${transactionalId}'s EndTransaction request of ${commit ? 'COMMIT' : 'ABORT'}, since appending ${newMetadata.txnState} to transaction log with coordinator epoch ${coordinatorEpoch} failed`,
      );
      if (isEpochFence) {
        const st = this.txnManager.getTransactionState(transactionalId);
        if (st.ok && st.value !== null && st.value.coordinatorEpoch === coordinatorEpoch) {
          // The bumped epoch may be in the log or not; it was never returned, so the next fence reuses it.
          st.value.transactionMetadata.hasFailedEpochFence = true;
          this.log.warn(
            `The coordinator failed to write an epoch fence transition for producer ${transactionalId} to the transaction log with error ${errorName(error)}. The epoch was increased to ${newMetadata.producerEpoch} but not returned to the client`,
          );
        }
      }
      return error;
    }
    const preSend = preSendMarkers(
      this.txnManager.getTransactionState(transactionalId),
      this.time.now(),
      this.log,
      transactionalId,
      producerId,
      producerEpoch,
      commit,
      coordinatorEpoch,
    );
    if (!preSend.ok) {
      this.log.info(
        `Aborting sending of transaction markers after appended ${commit ? 'COMMIT' : 'ABORT'} to transaction log and returning ${errorName(preSend.error)} error to client for ${transactionalId}'s EndTransaction request`,
      );
      return preSend.error;
    }
    // Answer now; the markers and the Complete state follow.
    this.txnMarkerChannelManager.addTxnMarkersToSend(coordinatorEpoch, commit, preSend.value.md, preSend.value.transit);
    return ErrorCode.NONE;
  }

  // ---------------------------------------------------------------- timeouts

  private scheduleAbort(): void {
    this.abortTimer = this.time.schedule(this.abortTimedOutTransactionsIntervalMs, () => {
      void this.abortTimedOutTransactions()
        .catch((e) => this.log.error('Aborting timed-out transactions failed', e))
        .finally(() => {
          if (this.abortTimer) this.scheduleAbort();
        });
    });
  }

  /**
   * TransactionCoordinator.abortTimedOutTransactions: every Ongoing transaction past its timeout is aborted with the
   * producer epoch bumped, so the producer that let it time out is fenced (its next request gets PRODUCER_FENCED).
   */
  async abortTimedOutTransactions(): Promise<void> {
    const work: Promise<void>[] = [];
    for (const t of this.txnManager.timedOutTransactions()) {
      const st = this.txnManager.getTransactionState(t.transactionalId);
      if (!st.ok || st.value === null) continue;
      const md = st.value.transactionMetadata;
      if (md.producerId !== t.producerId) {
        this.log.error(
          `Found incorrect producerId when expiring transactionalId: ${t.transactionalId}. Expected producerId: ${t.producerId}. Found producerId: ${md.producerId}`,
        );
        continue;
      }
      if (md.pendingTransitionInProgress) continue;
      const fence = md.prepareFenceProducerEpoch();
      work.push(
        this.endTransaction(t.transactionalId, fence.producerId, fence.producerEpoch, false, false).then((error) => {
          if (error === ErrorCode.NONE) this.log.info(`Completed rollback of ongoing transaction for transactionalId ${t.transactionalId} due to timeout`);
          else if (error === ErrorCode.INVALID_PRODUCER_ID_MAPPING || error === ErrorCode.PRODUCER_FENCED || error === ErrorCode.CONCURRENT_TRANSACTIONS)
            this.log.debug(`Rollback of ongoing transaction for transactionalId ${t.transactionalId} has been cancelled due to error ${errorName(error)}`);
          else this.log.warn(`Rollback of ongoing transaction for transactionalId ${t.transactionalId} failed due to error ${errorName(error)}`);
        }),
      );
    }
    await Promise.all(work);
  }

  // ---------------------------------------------------------------- Describe / List

  handleDescribeTransactions(transactionalId: string): DescribedTransaction {
    const d: DescribedTransaction = {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: '',
      transactionTimeoutMs: 0,
      transactionStartTimeMs: -1,
      producerId: -1,
      producerEpoch: -1,
      topics: [],
    };
    if (!this.active) return { ...d, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    if (transactionalId === '') return { ...d, errorCode: ErrorCode.INVALID_REQUEST };
    const st = this.txnManager.getTransactionState(transactionalId);
    if (!st.ok) return { ...d, errorCode: st.error };
    if (st.value === null || st.value.transactionMetadata.state === 'Dead') return { ...d, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
    const md = st.value.transactionMetadata;
    const topics = new Map<string, number[]>();
    // Kafka walks the metadata's Scala mutable.HashSet of partitions: its iteration order, not insertion order.
    const byTopic = new Map<string, number[]>();
    for (const tp of md.topicPartitions.values()) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    for (const tp of scalaTopicPartitionSetOrder([...byTopic].map(([topic, partitionIds]) => ({ topic, partitionIds })))) {
      const l = topics.get(tp.topic);
      if (l) l.push(tp.partition);
      else topics.set(tp.topic, [tp.partition]);
    }
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: md.state,
      transactionTimeoutMs: md.txnTimeoutMs,
      transactionStartTimeMs: md.txnStartTimestamp,
      producerId: md.producerId,
      producerEpoch: md.producerEpoch,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    };
  }

  handleListTransactions(
    producerIds: readonly number[],
    states: readonly string[],
  ): { errorCode: number; unknownStateFilters: string[]; transactionStates: Array<{ transactionalId: string; producerId: number; transactionState: string }> } {
    if (!this.active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, unknownStateFilters: [], transactionStates: [] };
    return this.txnManager.listTransactionStates(producerIds, states);
  }

  // ---------------------------------------------------------------- leadership

  /** Elected leader of __transaction_state-<p> at this leader epoch (the coordinator epoch). */
  onElection(txnTopicPartitionId: number, coordinatorEpoch: number): Promise<void> {
    this.log.info(`Elected as the txn coordinator for partition ${txnTopicPartitionId} at epoch ${coordinatorEpoch}`);
    // Whatever a previous term left queued for this partition is stale.
    this.txnMarkerChannelManager.removeMarkersForTxnTopicPartition(txnTopicPartitionId);
    return this.txnManager.loadTransactionsForTxnTopicPartition(txnTopicPartitionId, coordinatorEpoch, (epoch, commit, md, transit) =>
      this.txnMarkerChannelManager.addTxnMarkersToSend(epoch, commit, md, transit),
    );
  }

  onResignation(txnTopicPartitionId: number, coordinatorEpoch?: number): void {
    this.log.info(
      `Resigned as the txn coordinator for partition ${txnTopicPartitionId} at epoch ${coordinatorEpoch === undefined ? 'None' : `Some(${coordinatorEpoch})`}`,
    );
    this.txnManager.removeTransactionsForTxnTopicPartition(txnTopicPartitionId, coordinatorEpoch);
    this.txnMarkerChannelManager.removeMarkersForTxnTopicPartition(txnTopicPartitionId);
  }

  /** For tests and tools: the cached state of one id. */
  transactionState(transactionalId: string): ApiResult<CoordinatorEpochAndTxnMetadata | null> {
    return this.txnManager.getTransactionState(transactionalId);
  }
}
