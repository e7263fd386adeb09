/**
 * kafka-dump-log for the transaction files of a partition directory, as Kafka 3.7's DumpLogSegments prints them:
 * `.txnindex` (dumpTxnIndex: one line per aborted transaction) and producer state `.snapshot` files
 * (dumpProducerIdSnapshot: one line per producer, its last batch's sequence range when it has one; a corrupt
 * snapshot prints CorruptSnapshotException's message on stderr).
 */
import * as fs from 'fs';
import { crc32c } from '../protocol/records/crc32c';

/** One `.txnindex` entry (Kafka's AbortedTxn, 34 bytes on disk). */
export interface AbortedTxnEntry {
  version: number;
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

/** One producer of a snapshot file (ProducerStateManager's v1 snapshot entry). */
export interface SnapshotEntry {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastOffset: number;
  offsetDelta: number;
  timestamp: number;
  coordinatorEpoch: number;
  currentTxnFirstOffset: number;
}

const TXN_ENTRY_SIZE = 34;
const SNAPSHOT_ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;
const int64 = (b: Buffer, at: number): number => Number(b.readBigInt64BE(at));

/** TransactionIndex.allAbortedTxns: whole entries; a version other than 0 is Kafka's "Unexpected aborted transaction version". */
export function readTxnIndexEntries(file: string): AbortedTxnEntry[] {
  const data = fs.readFileSync(file);
  const out: AbortedTxnEntry[] = [];
  for (let pos = 0; pos + TXN_ENTRY_SIZE <= data.length; pos += TXN_ENTRY_SIZE) {
    const version = data.readInt16BE(pos);
    if (version !== 0) {
      throw new Error(`Unexpected aborted transaction version ${version} in transaction index ${file}, current version is 0`);
    }
    out.push({
      version,
      producerId: int64(data, pos + 2),
      firstOffset: int64(data, pos + 10),
      lastOffset: int64(data, pos + 18),
      lastStableOffset: int64(data, pos + 26),
    });
  }
  return out;
}

/** Kafka's CorruptSnapshotException: its message alone goes to stderr. */
export class CorruptSnapshotError extends Error {}

/** ProducerStateManager.readSnapshot: int16 version (1), uint32 crc32c of the rest, then the entry array. */
export function readSnapshotEntries(file: string): SnapshotEntry[] {
  const data = fs.readFileSync(file);
  if (data.length < 10) throw new CorruptSnapshotError(`Snapshot failed schema validation: Error reading field 'version': java.nio.BufferUnderflowException`);
  const version = data.readInt16BE(0);
  if (version !== 1) throw new CorruptSnapshotError(`Snapshot contained an unknown file version ${version}`);
  const crc = data.readUInt32BE(2);
  const computed = crc32c(data, 6, data.length);
  if (crc !== computed) throw new CorruptSnapshotError(`Snapshot is corrupt (CRC is no longer valid). Stored crc: ${crc}. Computed crc: ${computed}`);
  const count = data.readInt32BE(6);
  if (count < 0 || 10 + count * SNAPSHOT_ENTRY_SIZE > data.length) {
    throw new CorruptSnapshotError(`Snapshot failed schema validation: Error reading array of size ${count}, only ${data.length - 10} bytes available`);
  }
  const out: SnapshotEntry[] = [];
  for (let i = 0, p = 10; i < count; i++, p += SNAPSHOT_ENTRY_SIZE) {
    out.push({
      producerId: int64(data, p),
      producerEpoch: data.readInt16BE(p + 8),
      lastSequence: data.readInt32BE(p + 10),
      lastOffset: int64(data, p + 14),
      offsetDelta: data.readInt32BE(p + 22),
      timestamp: int64(data, p + 26),
      coordinatorEpoch: data.readInt32BE(p + 34),
      currentTxnFirstOffset: int64(data, p + 38),
    });
  }
  return out;
}

/** dumpTxnIndex's line. */
export function txnIndexLine(t: AbortedTxnEntry): string {
  return `version: ${t.version} producerId: ${t.producerId} firstOffset: ${t.firstOffset} lastOffset: ${t.lastOffset} lastStableOffset: ${t.lastStableOffset}`;
}

/** DefaultRecordBatch.decrementSequence: sequences wrap at Integer.MAX_VALUE. */
function decrementSequence(seq: number, decrement: number): number {
  return seq < decrement ? 0x7fffffff - (decrement - seq) + 1 : seq - decrement;
}

/**
 * dumpProducerIdSnapshot's line: ProducerStateEntry (lastTimestamp = the entry's timestamp, currentTxnFirstOffset an
 * OptionalLong), then its BatchMetadata when the entry has a last offset (>= 0). Kafka prints the trailing space too.
 */
export function snapshotLine(e: SnapshotEntry): string {
  const txn = e.currentTxnFirstOffset >= 0 ? `OptionalLong[${e.currentTxnFirstOffset}]` : 'OptionalLong.empty';
  let line = `producerId: ${e.producerId} producerEpoch: ${e.producerEpoch} coordinatorEpoch: ${e.coordinatorEpoch} currentTxnFirstOffset: ${txn} lastTimestamp: ${e.timestamp} `;
  if (e.lastOffset >= 0) {
    line +=
      `firstSequence: ${decrementSequence(e.lastSequence, e.offsetDelta)} lastSequence: ${e.lastSequence} ` +
      `lastOffset: ${e.lastOffset} offsetDelta: ${e.offsetDelta} timestamp: ${e.timestamp}`;
  }
  return line;
}

type Out = (line: string) => void;

export function dumpTxnIndex(file: string, out: Out): void {
  for (const t of readTxnIndexEntries(file)) out(txnIndexLine(t));
}

export function dumpProducerIdSnapshot(file: string, out: Out, err: Out): void {
  let entries: SnapshotEntry[];
  try {
    entries = readSnapshotEntries(file);
  } catch (e) {
    if (e instanceof CorruptSnapshotError) {
      err(e.message);
      return;
    }
    throw e;
  }
  for (const e of entries) out(snapshotLine(e));
}
