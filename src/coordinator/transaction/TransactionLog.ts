/**
 * The binary formats of `__transaction_state` records (Kafka 3.7's TransactionLog.scala and the generated
 * TransactionLogKey / TransactionLogValue from core/src/main/resources/common/message/TransactionLog{Key,Value}.json).
 * Every key and value is an int16 version followed by that version's fields. A null value is a tombstone (the
 * transactional id expired).
 *
 *   key v0   => transactional_id STRING
 *   value v0 => producer_id INT64, producer_epoch INT16, transaction_timeout_ms INT32, transaction_status INT8,
 *               transaction_partitions NULLABLE [topic STRING, partition_ids [INT32]],
 *               transaction_last_update_timestamp_ms INT64, transaction_start_timestamp_ms INT64
 *   value v1 => the same fields, flexible encoding (compact strings/arrays, tagged fields); Kafka 3.7 reads it but
 *               writes v0 ("Serialize with the highest supported non-flexible version"), and so do we.
 *
 * Also the text Kafka's tools print for these records: TransactionLogMessageFormatter (console consumer,
 * `--formatter kafka.coordinator.transaction.TransactionLog$TransactionLogMessageFormatter`) prints
 * TransactionMetadata.toString, and DumpLogSegments `--transaction-log-decoder` prints formatRecordKeyAndValue.
 * Both print the partitions of a Scala mutable.HashSet, so their order is that set's iteration order, reproduced here.
 */
import { Reader } from '../../protocol/Reader';
import { Writer } from '../../protocol/Writer';
import { javaStringHashCode } from '../../zk/data/json';
import { TransactionStateName, txnStateFromId, txnStateId } from './TransactionState';

export const TXN_LOG_KEY_VERSION = 0;
/** Kafka 3.7 writes value v0 (TransactionLog.valueToBytes); v1 is read only. */
export const TXN_LOG_VALUE_VERSION = 0;
const TXN_LOG_VALUE_HIGHEST_VERSION = 1;

export interface TxnLogPartitions {
  topic: string;
  partitionIds: number[];
}

export interface TxnLogValue {
  producerId: number;
  producerEpoch: number;
  transactionTimeoutMs: number;
  /** Kafka's TransactionState name (Empty, Ongoing, PrepareCommit, ...). */
  state: string;
  /** Empty for state Empty (Kafka writes null and ignores what is there on read). */
  partitions: TxnLogPartitions[];
  transactionLastUpdateTimestampMs: number;
  transactionStartTimestampMs: number;
}

export interface TxnRecordKey {
  version: number;
  /** '' for a key of an unknown version (Kafka's UnknownKey, whose transactionalId is null). */
  transactionalId: string;
  /** Set when the key version is not one Kafka 3.7 knows (UnknownKey): the record is skipped on load. */
  unknown?: true;
}

/** TransactionLog.keyToBytes. */
export function txnRecordKey(transactionalId: string): Buffer {
  return new Writer(2 + 2 + transactionalId.length * 3).int16(TXN_LOG_KEY_VERSION).string(transactionalId).toBuffer();
}

/**
 * TransactionLog.valueToBytes: v0; the partitions are null in state Empty (and an Empty state with partitions is an
 * IllegalStateException in Kafka: it would be a coordinator bug).
 */
export function txnRecordValue(v: TxnLogValue): Buffer {
  const state = v.state as TransactionStateName;
  const id = txnStateId(state);
  if (id < 0) throw new Error(`Unknown transaction state ${v.state}`);
  if (state === 'Empty' && v.partitions.some((p) => p.partitionIds.length > 0))
    throw new Error(`Transaction is not expected to have any partitions since its state is Empty`);
  const w = new Writer(64);
  w.int16(TXN_LOG_VALUE_VERSION).int64(v.producerId).int16(v.producerEpoch).int32(v.transactionTimeoutMs).int8(id);
  w.nullableArray(state === 'Empty' ? null : v.partitions, (wp, p) => {
    wp.string(p.topic).array(p.partitionIds, (wi, i) => wi.int32(i));
  });
  w.int64(v.transactionLastUpdateTimestampMs).int64(v.transactionStartTimestampMs);
  return w.toBuffer();
}

/** TransactionLog.readTxnRecordKey. */
export function readTxnRecordKey(buf: Buffer): TxnRecordKey {
  const r = new Reader(buf);
  const version = r.int16();
  if (version !== TXN_LOG_KEY_VERSION) return { version, transactionalId: '', unknown: true };
  return { version, transactionalId: r.string() };
}

/**
 * TransactionLog.readTxnRecordValue: null for a tombstone; an unknown version throws (IllegalStateException in
 * Kafka). The partitions of an Empty state are dropped, as Kafka does.
 */
export function readTxnRecordValue(buf: Buffer | null): TxnLogValue | null {
  if (buf === null) return null;
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > TXN_LOG_VALUE_HIGHEST_VERSION) throw new Error(`Unknown version ${version} from the transaction log message value`);
  const flexible = version >= 1;
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const transactionTimeoutMs = r.int32();
  const state = txnStateFromId(r.int8());
  const readPartitions = (rp: Reader): TxnLogPartitions => {
    if (!flexible) return { topic: rp.string(), partitionIds: rp.array((ri) => ri.int32()) };
    const p = { topic: rp.compactString(), partitionIds: rp.compactArray((ri) => ri.int32()) };
    rp.taggedFields();
    return p;
  };
  const partitions = flexible ? r.compactNullableArray(readPartitions) : r.nullableArray(readPartitions);
  const transactionLastUpdateTimestampMs = r.int64();
  const transactionStartTimestampMs = r.int64();
  if (flexible) r.taggedFields();
  return {
    producerId,
    producerEpoch,
    transactionTimeoutMs,
    state,
    partitions: state === 'Empty' ? [] : (partitions ?? []),
    transactionLastUpdateTimestampMs,
    transactionStartTimestampMs,
  };
}

/** TopicPartition.hashCode: 31 * (31 + partition) + topic.hashCode(). */
function topicPartitionHash(topic: string, partition: number): number {
  return (Math.imul(31, (31 + partition) | 0) + javaStringHashCode(topic)) | 0;
}

/** Scala 2.13 HashSet.tableSizeFor. */
function scalaTableSizeFor(capacity: number): number {
  let c = Math.max(capacity - 1, 4);
  let highest = 1;
  while (highest * 2 <= c) highest *= 2;
  c = highest * 2;
  return Math.min(c, 1 << 30);
}

/**
 * The iteration order of the Scala 2.13 `mutable.HashSet[TopicPartition]` that readTxnRecordValue fills with one
 * `addPartitions(partitionIds.map(...).toSet)` per topic entry (Kafka 3.7 builds with Scala 2.13.12). The set
 * iterates bucket by bucket (improved hash `h ^ (h >>> 16)` masked by the table length) and, inside a bucket, by
 * ascending improved hash; growing keeps that order, so only the final table length matters. It starts at 16
 * (threshold 12, load factor 0.75); each addAll first calls sizeHint(k) with the argument's size; a Set1..Set4
 * argument is then added one by one through `add` (which doubles the table when size + 1 >= threshold), a larger
 * immutable.HashSet straight into the buckets (no threshold check).
 */
export function scalaTopicPartitionSetOrder(groups: readonly TxnLogPartitions[]): Array<{ topic: string; partition: number }> {
  let length = 16;
  let threshold = 12;
  const seen = new Map<string, { topic: string; partition: number; hash: number }>();
  const grow = (newLength: number) => {
    length = newLength;
    threshold = Math.floor(newLength * 0.75);
  };
  for (const g of groups) {
    const distinct = [...new Set(g.partitionIds)];
    const target = scalaTableSizeFor(Math.floor((distinct.length + 1) / 0.75));
    if (target > length) grow(target);
    for (const p of distinct) {
      if (distinct.length <= 4 && seen.size + 1 >= threshold) grow(length * 2);
      const key = `${p}\u0000${g.topic}`;
      if (seen.has(key)) continue;
      const h = topicPartitionHash(g.topic, p);
      seen.set(key, { topic: g.topic, partition: p, hash: h ^ (h >>> 16) });
    }
  }
  const mask = length - 1;
  return [...seen.values()].sort((a, b) => (a.hash & mask) - (b.hash & mask) || a.hash - b.hash).map(({ topic, partition }) => ({ topic, partition }));
}

function partitionStrings(v: TxnLogValue): string[] {
  return scalaTopicPartitionSetOrder(v.partitions).map((tp) => `${tp.topic}-${tp.partition}`);
}

/**
 * One line of TransactionLogMessageFormatter (without its trailing newline):
 * `<transactionalId>::TransactionMetadata(...)`, `<transactionalId>::NULL` for a tombstone,
 * `unknown::version=<v>` for an unknown key version.
 */
export function formatTxnRecord(key: Buffer, value: Buffer | null): string {
  const k = readTxnRecordKey(key);
  if (k.unknown) return `unknown::version=${k.version}`;
  const v = readTxnRecordValue(value);
  if (v === null) return `${k.transactionalId}::NULL`;
  return (
    `${k.transactionalId}::TransactionMetadata(transactionalId=${k.transactionalId}, producerId=${v.producerId}, ` +
    `producerEpoch=${v.producerEpoch}, txnTimeoutMs=${v.transactionTimeoutMs}, state=${v.state}, pendingState=None, ` +
    `topicPartitions=HashSet(${partitionStrings(v).join(', ')}), txnStartTimestamp=${v.transactionStartTimestampMs}, ` +
    `txnLastUpdateTimestamp=${v.transactionLastUpdateTimestampMs})`
  );
}

/**
 * TransactionLog.formatRecordKeyAndValue, what `kafka-dump-log --transaction-log-decoder` prints after `key: ` and
 * ` payload: ` (payload null: Kafka prints no payload, for an unknown key version).
 */
export function formatTxnRecordKeyAndValue(key: Buffer, value: Buffer | null): { key: string; payload: string | null } {
  const k = readTxnRecordKey(key);
  if (k.unknown) return { key: `unknown::version=${k.version}`, payload: null };
  const v = readTxnRecordValue(value);
  const keyString = `transaction_metadata::transactionalId=${k.transactionalId}`;
  if (v === null) return { key: keyString, payload: '<DELETE>' };
  return {
    key: keyString,
    payload:
      `producerId:${v.producerId},producerEpoch:${v.producerEpoch},state=${v.state},partitions=[${partitionStrings(v).join(',')}],` +
      `txnLastUpdateTimestamp=${v.transactionLastUpdateTimestampMs},txnTimeoutMs=${v.transactionTimeoutMs}`,
  };
}
