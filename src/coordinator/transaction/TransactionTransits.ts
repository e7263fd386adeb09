/**
 * The checks TransactionCoordinator makes before each transition (Kafka's prepareInitProducerIdTransit and the
 * pre-append / pre-send steps of endTransaction): which error to answer, or which transition to prepare. They run
 * synchronously on the cached metadata, which stands in for Kafka's metadata lock.
 */
import type { Logger } from '../../common/logger';
import { ErrorCode } from '../../protocol/errors';
import { isEpochExhausted, NO_PRODUCER_EPOCH, TransactionMetadata, TxnTransitMetadata } from './TransactionMetadata';
import { ApiResult, CoordinatorEpochAndTxnMetadata, fail, ok } from './TransactionStateManager';

export function wouldRotate(md: TransactionMetadata, expected: { producerEpoch: number } | null): boolean {
  const completeOrEmpty = md.state === 'Empty' || md.state === 'CompleteAbort' || md.state === 'CompleteCommit';
  return (
    !md.pendingTransitionInProgress && completeOrEmpty && md.isProducerEpochExhausted && (expected === null || expected.producerEpoch === md.producerEpoch)
  );
}

export function prepareInitProducerIdTransit(
  now: number,
  log: Logger,
  transactionalId: string,
  transactionTimeoutMs: number,
  md: TransactionMetadata,
  expected: { producerId: number; producerEpoch: number } | null,
  rotatedId: number | null,
): ApiResult<TxnTransitMetadata> {
  // KIP-360: a producer naming its id and epoch is fenced unless the id is new (epoch -1), is the current one (the
  // epoch is checked by the bump), or is the previous one with an exhausted epoch (a retry after a rotation).
  const isValidProducerId = (e: { producerId: number; producerEpoch: number }) =>
    md.producerEpoch === NO_PRODUCER_EPOCH || e.producerId === md.producerId || (e.producerId === md.lastProducerId && isEpochExhausted(e.producerEpoch));
  if (md.pendingTransitionInProgress) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
  if (expected !== null && !isValidProducerId(expected)) return fail(ErrorCode.PRODUCER_FENCED);
  switch (md.state) {
    case 'PrepareAbort':
    case 'PrepareCommit':
      return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    case 'CompleteAbort':
    case 'CompleteCommit':
    case 'Empty': {
      if (md.isProducerEpochExhausted && (expected === null || expected.producerEpoch === md.producerEpoch)) {
        if (rotatedId === null) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
        return ok(md.prepareProducerIdRotation(rotatedId, transactionTimeoutMs, now, expected !== null));
      }
      const r = md.prepareIncrementProducerEpoch(transactionTimeoutMs, expected === null ? null : expected.producerEpoch, now);
      if (!r.ok) {
        log.info(
          `Expected producer epoch ${expected?.producerEpoch} does not match current producer epoch ${md.producerEpoch} or previous producer epoch ${md.lastProducerEpoch}`,
        );
        return fail(ErrorCode.PRODUCER_FENCED);
      }
      return ok(r.transit);
    }
    case 'Ongoing':
      // The epoch of the fence is never returned: the client retries after the abort and its retry bumps again
      // (and rotates the producer id if that exhausted the epochs).
      return ok(md.prepareFenceProducerEpoch());
    case 'Dead':
    case 'PrepareEpochFence':
      log.error(`Found transactionalId ${transactionalId} with state ${md.state}. This is illegal as we should never have transitioned to this state.`);
      return fail(ErrorCode.UNKNOWN_SERVER_ERROR);
  }
}

export function preAppendEndTxn(
  st: ApiResult<CoordinatorEpochAndTxnMetadata | null>,
  now: number,
  log: Logger,
  transactionalId: string,
  producerId: number,
  producerEpoch: number,
  commit: boolean,
  isFromClient: boolean,
): ApiResult<{ coordinatorEpoch: number; newMetadata: TxnTransitMetadata; isEpochFence: boolean }> {
  if (!st.ok) return st;
  if (st.value === null) return fail(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  const { coordinatorEpoch, transactionMetadata: md } = st.value;
  if (md.producerId !== producerId) return fail(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  // A client must name the current epoch; the coordinator's own aborts carry the fenced (bumped) one.
  if ((isFromClient && producerEpoch !== md.producerEpoch) || producerEpoch < md.producerEpoch) return fail(ErrorCode.PRODUCER_FENCED);
  if (md.pendingTransitionInProgress && md.pendingState !== 'PrepareEpochFence') return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
  const invalid = () => {
    log.debug(`TransactionalId: ${transactionalId}'s state is ${md.state}, but received transaction marker result to send: ${commit ? 'COMMIT' : 'ABORT'}`);
    return fail<{ coordinatorEpoch: number; newMetadata: TxnTransitMetadata; isEpochFence: boolean }>(ErrorCode.INVALID_TXN_STATE);
  };
  switch (md.state) {
    case 'Ongoing': {
      let isEpochFence = false;
      if (!commit && md.pendingState === 'PrepareEpochFence') {
        // Make way for PrepareAbort, carrying the bumped epoch of the fence.
        isEpochFence = true;
        md.pendingState = null;
        md.producerEpoch = producerEpoch;
        md.lastProducerEpoch = NO_PRODUCER_EPOCH;
      }
      return ok({ coordinatorEpoch, newMetadata: md.prepareAbortOrCommit(commit ? 'PrepareCommit' : 'PrepareAbort', now), isEpochFence });
    }
    case 'CompleteCommit':
      return commit ? fail(ErrorCode.NONE) : invalid();
    case 'CompleteAbort':
      return !commit ? fail(ErrorCode.NONE) : invalid();
    case 'PrepareCommit':
      return commit ? fail(ErrorCode.CONCURRENT_TRANSACTIONS) : invalid();
    case 'PrepareAbort':
      return !commit ? fail(ErrorCode.CONCURRENT_TRANSACTIONS) : invalid();
    case 'Empty':
      return invalid();
    case 'Dead':
    case 'PrepareEpochFence':
      log.error(`Found transactionalId ${transactionalId} with state ${md.state}. This is illegal as we should never have transitioned to this state.`);
      return fail(ErrorCode.UNKNOWN_SERVER_ERROR);
  }
}

export function preSendMarkers(
  st: ApiResult<CoordinatorEpochAndTxnMetadata | null>,
  now: number,
  log: Logger,
  transactionalId: string,
  producerId: number,
  producerEpoch: number,
  commit: boolean,
  coordinatorEpoch: number,
): ApiResult<{ md: TransactionMetadata; transit: TxnTransitMetadata }> {
  if (!st.ok) return st;
  if (st.value === null) {
    log.error(`The coordinator still owns the transaction partition for ${transactionalId}, but there is no metadata in the cache; this is not expected`);
    return fail(ErrorCode.UNKNOWN_SERVER_ERROR);
  }
  if (st.value.coordinatorEpoch !== coordinatorEpoch) return fail(ErrorCode.NOT_COORDINATOR);
  const md = st.value.transactionMetadata;
  if (md.producerId !== producerId) return fail(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  if (md.producerEpoch !== producerEpoch) return fail(ErrorCode.PRODUCER_FENCED);
  if (md.pendingTransitionInProgress) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
  if (md.state === 'PrepareCommit' && commit) return ok({ md, transit: md.prepareComplete(now) });
  if (md.state === 'PrepareAbort' && !commit) return ok({ md, transit: md.prepareComplete(now) });
  return fail(ErrorCode.INVALID_TXN_STATE);
}
