/**
 * kafka.coordinator.transaction.TransactionMetadata: the coordinator's view of one transactional id, and its state
 * machine. Every change goes in two steps, as in Kafka: `prepare*` checks the transition and returns the target
 * (TxnTransitMetadata) while recording it as the pending state, which blocks any other transition; once the target is
 * written to `__transaction_state`, `completeTransitionTo` installs it (or the pending state is dropped on failure).
 * Kafka guards each object with a lock; here every prepare/complete runs without an await in between, which gives
 * the same exclusion on Node's single thread.
 */
import { TransactionStateName, VALID_PREVIOUS_STATES } from './TransactionState';

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
const SHORT_MAX = 32767;

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** TxnTransitMetadata: the immutable target of a transition. */
export interface TxnTransitMetadata {
  producerId: number;
  lastProducerId: number;
  producerEpoch: number;
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  txnState: TransactionStateName;
  topicPartitions: TopicPartition[];
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
}

/** Thrown where Kafka throws IllegalStateException / IllegalArgumentException: a coordinator bug, never client input. */
export class IllegalTxnStateError extends Error {}

/** TransactionMetadata.isEpochExhausted: the last two epochs are kept for fencing, so a producer id then rotates. */
export function isEpochExhausted(producerEpoch: number): boolean {
  return producerEpoch >= SHORT_MAX - 1;
}

export type EpochBumpResult = { ok: true; transit: TxnTransitMetadata } | { ok: false; error: 'PRODUCER_FENCED' };

export class TransactionMetadata {
  /** The state this transactional id is about to move to (Kafka's pendingState Option; null is None). */
  pendingState: TransactionStateName | null = null;
  /** A previous epoch fence failed to reach the log: the next fence reuses that epoch instead of bumping again. */
  hasFailedEpochFence = false;
  readonly topicPartitions = new Map<string, TopicPartition>();

  constructor(
    readonly transactionalId: string,
    public producerId: number,
    public lastProducerId: number,
    public producerEpoch: number,
    public lastProducerEpoch: number,
    public txnTimeoutMs: number,
    public state: TransactionStateName,
    partitions: readonly TopicPartition[],
    public txnStartTimestamp: number,
    public txnLastUpdateTimestamp: number,
  ) {
    this.addPartitions(partitions);
  }

  addPartitions(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.topicPartitions.set(tpKey(tp), { topic: tp.topic, partition: tp.partition });
  }

  /** A marker was written (or the partition is gone): only legal while the markers of PrepareCommit/Abort are out. */
  removePartition(tp: TopicPartition): void {
    if (this.state !== 'PrepareCommit' && this.state !== 'PrepareAbort') {
      throw new IllegalTxnStateError(
        `Transaction metadata's current state is ${this.state}, and its pending state is ${this.pendingState} while trying to remove partitions whose txn marker has been sent, this is not expected`,
      );
    }
    this.topicPartitions.delete(tpKey(tp));
  }

  partitions(): TopicPartition[] {
    return [...this.topicPartitions.values()];
  }

  get isProducerEpochExhausted(): boolean {
    return isEpochExhausted(this.producerEpoch);
  }

  get pendingTransitionInProgress(): boolean {
    return this.pendingState !== null;
  }

  private get hasPendingTransaction(): boolean {
    return this.state === 'Ongoing' || this.state === 'PrepareAbort' || this.state === 'PrepareCommit';
  }

  prepareNoTransit(): TxnTransitMetadata {
    return this.transit(
      this.state,
      this.producerId,
      this.producerEpoch,
      this.lastProducerEpoch,
      this.txnTimeoutMs,
      this.partitions(),
      this.txnStartTimestamp,
      this.txnLastUpdateTimestamp,
    );
  }

  prepareFenceProducerEpoch(): TxnTransitMetadata {
    if (this.producerEpoch === SHORT_MAX) throw new IllegalTxnStateError('Cannot fence producer with epoch equal to Short.MaxValue since this would overflow');
    // After a failed fence the bumped epoch may or may not be in the log; it was never returned to a client, so reuse it.
    const bumpedEpoch = this.hasFailedEpochFence ? this.producerEpoch : this.producerEpoch + 1;
    return this.prepareTransitionTo(
      'PrepareEpochFence',
      this.producerId,
      bumpedEpoch,
      NO_PRODUCER_EPOCH,
      this.txnTimeoutMs,
      this.partitions(),
      this.txnStartTimestamp,
      this.txnLastUpdateTimestamp,
    );
  }

  /**
   * InitProducerId for an existing id: bump the epoch. With an expected epoch (KIP-360, v3+): the current epoch (or
   * none yet) bumps and remembers the old one; the previous epoch is a retry of a bump that succeeded (answered
   * without bumping again); anything else is PRODUCER_FENCED.
   */
  prepareIncrementProducerEpoch(newTxnTimeoutMs: number, expectedProducerEpoch: number | null, updateTimestamp: number): EpochBumpResult {
    if (this.isProducerEpochExhausted) throw new IllegalTxnStateError(`Cannot allocate any more producer epochs for producerId ${this.producerId}`);
    const bumpedEpoch = this.producerEpoch + 1;
    let next: [number, number];
    if (expectedProducerEpoch === null) {
      next = [bumpedEpoch, NO_PRODUCER_EPOCH];
    } else if (this.producerEpoch === NO_PRODUCER_EPOCH || expectedProducerEpoch === this.producerEpoch) {
      next = [bumpedEpoch, this.producerEpoch];
    } else if (expectedProducerEpoch === this.lastProducerEpoch) {
      next = [this.producerEpoch, this.lastProducerEpoch];
    } else {
      return { ok: false, error: 'PRODUCER_FENCED' };
    }
    return { ok: true, transit: this.prepareTransitionTo('Empty', this.producerId, next[0], next[1], newTxnTimeoutMs, [], -1, updateTimestamp) };
  }

  prepareProducerIdRotation(newProducerId: number, newTxnTimeoutMs: number, updateTimestamp: number, recordLastEpoch: boolean): TxnTransitMetadata {
    if (this.hasPendingTransaction) throw new IllegalTxnStateError('Cannot rotate producer ids while a transaction is still pending');
    return this.prepareTransitionTo(
      'Empty',
      newProducerId,
      0,
      recordLastEpoch ? this.producerEpoch : NO_PRODUCER_EPOCH,
      newTxnTimeoutMs,
      [],
      -1,
      updateTimestamp,
    );
  }

  prepareAddPartitions(added: readonly TopicPartition[], updateTimestamp: number): TxnTransitMetadata {
    // A new transaction starts its clock (and its timeout) with its first partition.
    const newTxnStartTimestamp =
      this.state === 'Empty' || this.state === 'CompleteAbort' || this.state === 'CompleteCommit' ? updateTimestamp : this.txnStartTimestamp;
    const all = new Map(this.topicPartitions);
    for (const tp of added) all.set(tpKey(tp), tp);
    return this.prepareTransitionTo(
      'Ongoing',
      this.producerId,
      this.producerEpoch,
      this.lastProducerEpoch,
      this.txnTimeoutMs,
      [...all.values()],
      newTxnStartTimestamp,
      updateTimestamp,
    );
  }

  prepareAbortOrCommit(newState: 'PrepareCommit' | 'PrepareAbort', updateTimestamp: number): TxnTransitMetadata {
    return this.prepareTransitionTo(
      newState,
      this.producerId,
      this.producerEpoch,
      this.lastProducerEpoch,
      this.txnTimeoutMs,
      this.partitions(),
      this.txnStartTimestamp,
      updateTimestamp,
    );
  }

  prepareComplete(updateTimestamp: number): TxnTransitMetadata {
    const newState = this.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort';
    // The fence (if any) reached the log with the PrepareAbort before it, so the next fence bumps again.
    this.hasFailedEpochFence = false;
    return this.prepareTransitionTo(
      newState,
      this.producerId,
      this.producerEpoch,
      this.lastProducerEpoch,
      this.txnTimeoutMs,
      [],
      this.txnStartTimestamp,
      updateTimestamp,
    );
  }

  prepareDead(): TxnTransitMetadata {
    return this.prepareTransitionTo(
      'Dead',
      this.producerId,
      this.producerEpoch,
      this.lastProducerEpoch,
      this.txnTimeoutMs,
      [],
      this.txnStartTimestamp,
      this.txnLastUpdateTimestamp,
    );
  }

  private transit(
    txnState: TransactionStateName,
    producerId: number,
    producerEpoch: number,
    lastProducerEpoch: number,
    txnTimeoutMs: number,
    topicPartitions: TopicPartition[],
    txnStartTimestamp: number,
    txnLastUpdateTimestamp: number,
  ): TxnTransitMetadata {
    // TxnTransitMetadata's lastProducerId is the id before this transition (Kafka passes `producerId`).
    return {
      producerId,
      lastProducerId: this.producerId,
      producerEpoch,
      lastProducerEpoch,
      txnTimeoutMs,
      txnState,
      topicPartitions,
      txnStartTimestamp,
      txnLastUpdateTimestamp,
    };
  }

  private prepareTransitionTo(
    newState: TransactionStateName,
    newProducerId: number,
    newEpoch: number,
    newLastEpoch: number,
    newTxnTimeoutMs: number,
    newTopicPartitions: TopicPartition[],
    newTxnStartTimestamp: number,
    updateTimestamp: number,
  ): TxnTransitMetadata {
    if (this.pendingState !== null) {
      throw new IllegalTxnStateError(`Preparing transaction state transition to ${newState} while it already a pending state ${this.pendingState}`);
    }
    if (newProducerId < 0) throw new IllegalTxnStateError(`Illegal new producer id ${newProducerId}`);
    // A new transactional id starts with epoch -1 and may keep it until it dies.
    if (newState !== 'Dead' && newEpoch < 0) throw new IllegalTxnStateError(`Illegal new producer epoch ${newEpoch}`);
    if (!VALID_PREVIOUS_STATES[newState].includes(this.state)) {
      throw new IllegalTxnStateError(
        `Preparing transaction state transition to ${newState} failed since the target state ${newState} is not a valid previous state of the current state ${this.state}`,
      );
    }
    const t = this.transit(newState, newProducerId, newEpoch, newLastEpoch, newTxnTimeoutMs, newTopicPartitions, newTxnStartTimestamp, updateTimestamp);
    this.pendingState = newState;
    return t;
  }

  /**
   * Installs a transition that reached the log. The checks are Kafka's: the pending state is the target; the epoch
   * is unchanged, or bumped by one, or 0 with a new producer id; partitions only grow while Ongoing.
   */
  completeTransitionTo(t: TxnTransitMetadata): void {
    const toState = this.pendingState;
    if (toState === null) {
      throw new IllegalTxnStateError(`TransactionalId ${this.transactionalId} completing transaction state transition while it does not have a pending state`);
    }
    if (toState !== t.txnState) this.throwStateTransitionFailure(t);
    switch (toState) {
      case 'Empty':
        if ((this.producerEpoch !== t.producerEpoch && !this.validProducerEpochBump(t)) || t.topicPartitions.length > 0 || t.txnStartTimestamp !== -1) {
          this.throwStateTransitionFailure(t);
        }
        this.txnTimeoutMs = t.txnTimeoutMs;
        this.producerEpoch = t.producerEpoch;
        this.lastProducerEpoch = t.lastProducerEpoch;
        this.producerId = t.producerId;
        this.lastProducerId = t.lastProducerId;
        break;
      case 'Ongoing': {
        const newKeys = new Set(t.topicPartitions.map(tpKey));
        const subset = [...this.topicPartitions.keys()].every((k) => newKeys.has(k));
        if (!this.validProducerEpoch(t) || !subset || this.txnTimeoutMs !== t.txnTimeoutMs) this.throwStateTransitionFailure(t);
        this.txnStartTimestamp = t.txnStartTimestamp;
        this.addPartitions(t.topicPartitions);
        break;
      }
      case 'PrepareAbort':
      case 'PrepareCommit': {
        const same = t.topicPartitions.length === this.topicPartitions.size && t.topicPartitions.every((tp) => this.topicPartitions.has(tpKey(tp)));
        if (!this.validProducerEpoch(t) || !same || this.txnTimeoutMs !== t.txnTimeoutMs || this.txnStartTimestamp !== t.txnStartTimestamp) {
          this.throwStateTransitionFailure(t);
        }
        break;
      }
      case 'CompleteAbort':
      case 'CompleteCommit':
        if (!this.validProducerEpoch(t) || this.txnTimeoutMs !== t.txnTimeoutMs || t.txnStartTimestamp === -1) this.throwStateTransitionFailure(t);
        this.txnStartTimestamp = t.txnStartTimestamp;
        this.topicPartitions.clear();
        break;
      case 'PrepareEpochFence':
        // Never persisted: a fence goes straight on to PrepareAbort.
        this.throwStateTransitionFailure(t);
        break;
      case 'Dead':
        throw new IllegalTxnStateError(
          `TransactionalId ${this.transactionalId} is trying to complete a transition to Dead. This means that the transactionalId was being expired, and the only acceptable completion of this operation is to remove the transaction metadata from the cache, not to persist the Dead in the log.`,
        );
    }
    this.txnLastUpdateTimestamp = t.txnLastUpdateTimestamp;
    this.pendingState = null;
    this.state = toState;
  }

  private validProducerEpoch(t: TxnTransitMetadata): boolean {
    return t.producerEpoch === this.producerEpoch && t.producerId === this.producerId;
  }

  private validProducerEpochBump(t: TxnTransitMetadata): boolean {
    return t.producerEpoch === this.producerEpoch + 1 || (t.producerEpoch === 0 && t.producerId !== this.producerId);
  }

  private throwStateTransitionFailure(t: TxnTransitMetadata): never {
    throw new IllegalTxnStateError(`TransactionalId ${this.transactionalId} failed transition to state ${JSON.stringify(t)} due to unexpected metadata`);
  }

  toString(): string {
    return (
      `TransactionMetadata(transactionalId=${this.transactionalId}, producerId=${this.producerId}, producerEpoch=${this.producerEpoch}, ` +
      `txnTimeoutMs=${this.txnTimeoutMs}, state=${this.state}, pendingState=${this.pendingState === null ? 'None' : `Some(${this.pendingState})`}, ` +
      `topicPartitions=HashSet(${[...this.topicPartitions.keys()].join(', ')}), txnStartTimestamp=${this.txnStartTimestamp}, ` +
      `txnLastUpdateTimestamp=${this.txnLastUpdateTimestamp})`
    );
  }
}
