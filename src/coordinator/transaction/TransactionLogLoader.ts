/**
 * Reading `__transaction_state` back (TransactionStateManager.loadTransactionMetadata) and the small conversions
 * around its appends: the last value per transactional id wins, a tombstone removes it.
 */
import type { Logger } from '../../common/logger';
import { ErrorCode } from '../../protocol/errors';
import { HEADER_SIZE, iterateRecords, LOG_OVERHEAD, readBatchInfo } from '../../protocol/records/RecordBatch';
import { readTxnRecordKey, readTxnRecordValue } from './TransactionLog';
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID, TransactionMetadata } from './TransactionMetadata';
import type { TransactionStateName } from './TransactionState';

/** What the manager needs of the replica manager (an in-memory fake in unit tests). */
export interface TransactionTopicAccess {
  /** Number of __transaction_state partitions (the topic's once it exists, else transaction.state.log.num.partitions). */
  partitionCount(): number;
  /** Appends one batch to our leader replica with acks=all and origin COORDINATOR; resolves with the produce error code. */
  append(partition: number, batch: Buffer, timeoutMs: number): Promise<number>;
  /** Whole batches of the local replica from `offset` (-1: the log start), at most about maxBytes; null without a replica. */
  read(partition: number, offset: number, maxBytes: number): { batches: Buffer[]; logEndOffset: number; logStartOffset: number } | null;
}

/** Every transactional id of one partition's log, as of its end (reads of about `bufferSize` bytes at a time). */
export function readTransactionMetadata(
  topic: TransactionTopicAccess,
  partitionId: number,
  bufferSize: number,
  log: Logger,
  shuttingDown: () => boolean,
): Map<string, TransactionMetadata> {
  const tp = `__transaction_state-${partitionId}`;
  const loaded = new Map<string, TransactionMetadata>();
  let pos = -1;
  for (;;) {
    if (shuttingDown()) break;
    const chunk = topic.read(partitionId, pos, bufferSize);
    if (chunk === null) {
      if (pos < 0) log.warn(`Attempted to load transaction metadata from ${tp}, but found no log`);
      break;
    }
    if (pos < 0) pos = chunk.logStartOffset;
    if (pos >= chunk.logEndOffset || chunk.batches.length === 0) break;
    let progressed = false;
    for (const buf of chunk.batches) {
      const next = loadBatches(buf, loaded, tp, log);
      if (next > pos) {
        pos = next;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  return loaded;
}

/** The records of whole batches in buf; returns the offset after the last batch. */
function loadBatches(buf: Buffer, loaded: Map<string, TransactionMetadata>, tp: string, log: Logger): number {
  let at = 0;
  let next = -1;
  while (at + LOG_OVERHEAD <= buf.length) {
    const info = readBatchInfo(buf, at);
    if (info.size < HEADER_SIZE || at + info.size > buf.length) break;
    next = info.lastOffset + 1;
    if (!info.isControl) {
      for (const rec of iterateRecords(buf.subarray(at, at + info.size))) {
        if (rec.key === null) throw new Error("Transaction state log's key should not be null");
        const k = readTxnRecordKey(rec.key);
        if (k.unknown) {
          log.warn(
            `Unknown message key with version ${k.version} while loading transaction state from ${tp}. Ignoring it. It could be a left over from an aborted upgrade.`,
          );
          continue;
        }
        const v = readTxnRecordValue(rec.value);
        if (v === null) {
          loaded.delete(k.transactionalId);
          continue;
        }
        // The log does not keep lastProducerId/lastProducerEpoch (TransactionLog.readTxnRecordValue): none after a load.
        const md = new TransactionMetadata(
          k.transactionalId,
          v.producerId,
          NO_PRODUCER_ID,
          v.producerEpoch,
          NO_PRODUCER_EPOCH,
          v.transactionTimeoutMs,
          v.state as TransactionStateName,
          v.partitions.flatMap((p) => p.partitionIds.map((partition) => ({ topic: p.topic, partition }))),
          v.transactionStartTimestampMs,
          v.transactionLastUpdateTimestampMs,
        );
        loaded.set(k.transactionalId, md);
      }
    }
    at += info.size;
  }
  return next;
}

/** The partitions of a transition grouped per topic, in first-seen order (the value's TransactionPartitions). */
export function groupByTopic(tps: ReadonlyArray<{ topic: string; partition: number }>): Array<{ topic: string; partitionIds: number[] }> {
  const m = new Map<string, number[]>();
  for (const tp of tps) {
    const list = m.get(tp.topic);
    if (list) list.push(tp.partition);
    else m.set(tp.topic, [tp.partition]);
  }
  return [...m].map(([topic, partitionIds]) => ({ topic, partitionIds }));
}

/** appendTransactionToLog's mapping of produce errors (a timeout becomes COORDINATOR_NOT_AVAILABLE so the client retries). */
export function appendErrorToCoordinatorError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return code;
  }
}
