/**
 * Producer state snapshot files (Kafka's ProducerStateManager.writeSnapshot/readSnapshot, PID_SNAPSHOT_MAP_SCHEMA
 * version 1): `<20-digit offset>.snapshot` in the partition folder holds the producer state as of that log offset,
 * so a restart scans only the log after it. Layout: int16 version 1, uint32 crc32c of everything after the crc,
 * int32 count, then per producer: int64 producerId, int16 producerEpoch, int32 lastSequence, int64 lastOffset,
 * int32 offsetDelta, int64 timestamp, int32 coordinatorEpoch, int64 currentTxnFirstOffset (-1 if none).
 */
import * as fs from 'fs';
import * as path from 'path';
import { crc32c } from '../protocol/records/crc32c';
import { readInt64, writeInt64 } from '../protocol/records/RecordBatch';

export const PRODUCER_SNAPSHOT_FILE_SUFFIX = '.snapshot';
const SNAPSHOT_FILE = /^(\d{20})\.snapshot$/;
/** ProducerStateManager.PRODUCER_SNAPSHOT_VERSION. */
const PRODUCER_SNAPSHOT_VERSION = 1;
/** VERSION_OFFSET 0, CRC_OFFSET 2, PRODUCER_ENTRIES_OFFSET 6 (the array's int32 count starts there). */
const CRC_OFFSET = 2;
const PRODUCER_ENTRIES_OFFSET = 6;
const ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;

export interface ProducerSnapshotEntry {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  /** Last offset of the producer's newest data batch, -1 when it has none (only markers). */
  lastOffset: number;
  offsetDelta: number;
  timestamp: number;
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction, -1 when none. */
  currentTxnFirstOffset: number;
}

/** Kafka's CorruptSnapshotException: the loader deletes the file and rebuilds from the log. */
export class CorruptSnapshotError extends Error {}

/** LogFileUtils.producerSnapshotFile. */
export function producerSnapshotFile(dir: string, offset: number): string {
  return path.join(dir, String(offset).padStart(20, '0') + PRODUCER_SNAPSHOT_FILE_SUFFIX);
}

/** ProducerStateManager.listSnapshotFiles: the snapshot offsets in `dir`, ascending. */
export function listSnapshotOffsets(dir: string): number[] {
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const f of files) {
    const m = SNAPSHOT_FILE.exec(f);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

export function encodeProducerSnapshot(entries: readonly ProducerSnapshotEntry[]): Buffer {
  const buf = Buffer.alloc(PRODUCER_ENTRIES_OFFSET + 4 + entries.length * ENTRY_SIZE);
  buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, 0);
  buf.writeInt32BE(entries.length, PRODUCER_ENTRIES_OFFSET);
  let p = PRODUCER_ENTRIES_OFFSET + 4;
  for (const e of entries) {
    writeInt64(buf, p, e.producerId);
    buf.writeInt16BE(e.producerEpoch, p + 8);
    buf.writeInt32BE(e.lastSequence, p + 10);
    writeInt64(buf, p + 14, e.lastOffset);
    buf.writeInt32BE(e.offsetDelta, p + 22);
    writeInt64(buf, p + 26, e.timestamp);
    buf.writeInt32BE(e.coordinatorEpoch, p + 34);
    writeInt64(buf, p + 38, e.currentTxnFirstOffset);
    p += ENTRY_SIZE;
  }
  buf.writeUInt32BE(crc32c(buf, PRODUCER_ENTRIES_OFFSET, buf.length), CRC_OFFSET);
  return buf;
}

export function decodeProducerSnapshot(buf: Buffer, file = 'snapshot'): ProducerSnapshotEntry[] {
  if (buf.length < PRODUCER_ENTRIES_OFFSET + 4) throw new CorruptSnapshotError(`Snapshot failed schema validation: ${file} has only ${buf.length} bytes`);
  const version = buf.readInt16BE(0);
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw new CorruptSnapshotError(`Snapshot contained an unknown file version ${version}`);
  const crc = buf.readUInt32BE(CRC_OFFSET);
  const computed = crc32c(buf, PRODUCER_ENTRIES_OFFSET, buf.length);
  if (crc !== computed) throw new CorruptSnapshotError(`Snapshot is corrupt (CRC is no longer valid). Stored crc: ${crc}. Computed crc: ${computed}`);
  const count = buf.readInt32BE(PRODUCER_ENTRIES_OFFSET);
  if (count < 0 || buf.length !== PRODUCER_ENTRIES_OFFSET + 4 + count * ENTRY_SIZE) {
    throw new CorruptSnapshotError(`Snapshot failed schema validation: ${count} entries in ${buf.length} bytes`);
  }
  const out: ProducerSnapshotEntry[] = [];
  let p = PRODUCER_ENTRIES_OFFSET + 4;
  for (let i = 0; i < count; i++, p += ENTRY_SIZE) {
    out.push({
      producerId: readInt64(buf, p),
      producerEpoch: buf.readInt16BE(p + 8),
      lastSequence: buf.readInt32BE(p + 10),
      lastOffset: readInt64(buf, p + 14),
      offsetDelta: buf.readInt32BE(p + 22),
      timestamp: readInt64(buf, p + 26),
      coordinatorEpoch: buf.readInt32BE(p + 34),
      currentTxnFirstOffset: readInt64(buf, p + 38),
    });
  }
  return out;
}

/** ProducerStateManager.readSnapshot; throws CorruptSnapshotError for a bad file. */
export function readProducerSnapshot(file: string): ProducerSnapshotEntry[] {
  return decodeProducerSnapshot(fs.readFileSync(file), file);
}

/** ProducerStateManager.writeSnapshot (fsynced unless `sync` is false): written to a temporary file and renamed, so no reader sees half a file. */
export function writeProducerSnapshot(file: string, entries: readonly ProducerSnapshotEntry[], sync = true): void {
  const tmp = file + '.tmp';
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, encodeProducerSnapshot(entries));
    if (sync) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
