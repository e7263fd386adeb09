/**
 * The leader's checks of an append against the producer state before anything is written (Kafka's
 * ProducerAppendInfo): clients get the duplicate, epoch, sequence and transaction-state checks; coordinators
 * (WriteTxnMarkers, transactional offset commits) the producer and coordinator epoch checks only.
 */
import { Logger } from '../common/logger';
import { ErrorCode, KafkaError } from '../protocol/errors';
import { BatchInfo } from '../protocol/records/RecordBatch';
import { readEndTxnMarker } from './EndTransactionMarker';
import { AppendInfo } from './LogAppendInfo';
import { NO_PRODUCER_EPOCH, NO_SEQUENCE, ProducerStateEntry, inSequence, lastSequenceOf } from './ProducerStateEntry';

/**
 * Leader-side check of a client append (offsets already assigned, nothing written). Returns the
 * original append for a duplicate of one of the last 5 batches, null when the batches may be written;
 * throws KafkaError(OUT_OF_ORDER_SEQUENCE_NUMBER | INVALID_PRODUCER_EPOCH | INVALID_TXN_STATE) otherwise.
 */
export function checkClientAppend(producers: ReadonlyMap<number, ProducerStateEntry>, tp: string, info: AppendInfo, logger: Logger): AppendInfo | null {
  for (const b of info.batches) {
    if (b.producerId < 0 || b.isControl) continue;
    const entry = producers.get(b.producerId);
    if (entry && b.producerEpoch === entry.producerEpoch) {
      const lastSeq = lastSequenceOf(b);
      const dup = entry.batches.find((m) => m.firstSeq === b.baseSequence && m.lastSeq === lastSeq);
      if (dup) {
        logger.debug(
          `Duplicate batch of producer ${b.producerId} (seq ${b.baseSequence}-${lastSeq}) answered with offsets ${dup.firstOffset}-${dup.lastOffset}`,
        );
        // UnifiedLog.append: the duplicate's original offsets and timestamp, nothing appended.
        return {
          ...info,
          firstOffset: dup.firstOffset,
          lastOffset: dup.lastOffset,
          maxTimestamp: dup.timestamp,
          offsetOfMaxTimestamp: dup.lastOffset,
          logAppendTime: dup.timestamp,
          numRecords: 0,
          validBytes: 0,
          batches: [],
          duplicate: true,
        };
      }
    }
    checkProducerEpoch(tp, b.producerId, b.producerEpoch, b.baseOffset, entry);
    checkSequence(tp, b, entry);
    checkTxnState(tp, b, entry);
  }
  return null;
}

/**
 * Leader-side check of a coordinator append (WriteTxnMarkers, transactional offset commits): the producer epoch
 * (ProducerAppendInfo.checkProducerEpoch, no sequence check) and, for a marker, the coordinator epoch
 * (checkCoordinatorEpoch). `records` holds the batches (a marker's record is read from it).
 */
export function checkCoordinatorAppend(producers: ReadonlyMap<number, ProducerStateEntry>, tp: string, info: AppendInfo, records: Buffer): void {
  for (const b of info.batches) {
    if (b.producerId < 0) continue;
    const entry = producers.get(b.producerId);
    checkProducerEpoch(tp, b.producerId, b.producerEpoch, b.baseOffset, entry);
    if (!b.isControl) {
      checkTxnState(tp, b, entry);
      continue;
    }
    const marker = readEndTxnMarker(records.subarray(b.position, b.position + b.size));
    if (marker && entry && entry.coordinatorEpoch > marker.coordinatorEpoch) {
      throw new KafkaError(
        ErrorCode.TRANSACTION_COORDINATOR_FENCED,
        `Invalid coordinator epoch for producerId ${b.producerId} at offset ${b.baseOffset} in partition ${tp}: ${marker.coordinatorEpoch} (zombie), ${entry.coordinatorEpoch} (current)`,
      );
    }
  }
}

function checkProducerEpoch(tp: string, producerId: number, epoch: number, offset: number, entry: ProducerStateEntry | undefined): void {
  const currentEpoch = entry ? entry.producerEpoch : NO_PRODUCER_EPOCH;
  if (epoch < currentEpoch) {
    throw new KafkaError(
      ErrorCode.INVALID_PRODUCER_EPOCH,
      `Epoch of producer ${producerId} at offset ${offset} in ${tp} is ${epoch}, which is smaller than the last seen epoch ${currentEpoch}`,
    );
  }
}

/** ProducerAppendInfo.checkSequence for a client batch. */
function checkSequence(tp: string, b: BatchInfo, entry: ProducerStateEntry | undefined): void {
  const currentEpoch = entry ? entry.producerEpoch : NO_PRODUCER_EPOCH;
  const where = `producer ${b.producerId} at offset ${b.baseOffset} in partition ${tp}`;
  if (b.producerEpoch !== currentEpoch) {
    // A new epoch must start at sequence 0, unless nothing is known of the producer (Kafka 3.x accepts
    // any sequence then: its state may have been removed by retention or DeleteRecords).
    if (b.baseSequence !== 0 && currentEpoch !== NO_PRODUCER_EPOCH) {
      throw new KafkaError(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `Invalid sequence number for new epoch of ${where}: ${b.producerEpoch} (request epoch), ${b.baseSequence} (seq. number), ${currentEpoch} (current producer epoch)`,
      );
    }
    return;
  }
  const lastSeq = entry && entry.batches.length > 0 ? entry.batches[entry.batches.length - 1].lastSeq : NO_SEQUENCE;
  if (!inSequence(lastSeq, b.baseSequence)) {
    throw new KafkaError(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      `Out of order sequence number for ${where}: ${b.baseSequence} (incoming seq. number), ${lastSeq} (current end sequence number)`,
    );
  }
}

/** ProducerAppendInfo.appendDataBatch: a non-transactional batch while the producer's transaction is open. */
function checkTxnState(tp: string, b: BatchInfo, entry: ProducerStateEntry | undefined): void {
  if (entry && entry.currentTxnFirstOffset >= 0 && !b.isTransactional) {
    throw new KafkaError(
      ErrorCode.INVALID_TXN_STATE,
      `Expected transactional write from producer ${b.producerId} at offset ${b.baseOffset} in partition ${tp}`,
    );
  }
}
