/**
 * Kafka 3.7's TransactionState (kafka.coordinator.transaction.TransactionMetadata.scala): the id stored in
 * `__transaction_state` values, the name DescribeTransactions/ListTransactions expose, and the states each one may
 * be entered from (TransactionMetadata.prepareTransitionTo checks `validPreviousStates`).
 */
export type TransactionStateName = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'Dead' | 'PrepareEpochFence';

/** Ids in Kafka's TransactionState.fromId order. */
export const TXN_STATE_BY_ID: readonly TransactionStateName[] = [
  'Empty',
  'Ongoing',
  'PrepareCommit',
  'PrepareAbort',
  'CompleteCommit',
  'CompleteAbort',
  'Dead',
  'PrepareEpochFence',
];

export const ALL_TXN_STATES: readonly TransactionStateName[] = TXN_STATE_BY_ID;

export function txnStateId(state: TransactionStateName): number {
  return TXN_STATE_BY_ID.indexOf(state);
}

/** TransactionState.fromId: an unknown id is an IllegalStateException in Kafka; an Error here. */
export function txnStateFromId(id: number): TransactionStateName {
  const s = TXN_STATE_BY_ID[id];
  if (s === undefined) throw new Error(`Unknown transaction state id ${id} from the transaction status message`);
  return s;
}

export function isTxnStateName(name: string): name is TransactionStateName {
  return (TXN_STATE_BY_ID as readonly string[]).includes(name);
}

export const VALID_PREVIOUS_STATES: Readonly<Record<TransactionStateName, readonly TransactionStateName[]>> = {
  Empty: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Ongoing', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  PrepareAbort: ['Ongoing', 'PrepareEpochFence'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  Dead: ['Empty', 'CompleteAbort', 'CompleteCommit'],
  PrepareEpochFence: ['Ongoing'],
};

/** TransactionState.isExpirationAllowed: only a transactional id with no open transaction may expire. */
export function isExpirationAllowed(state: TransactionStateName): boolean {
  return state === 'Empty' || state === 'CompleteCommit' || state === 'CompleteAbort';
}
