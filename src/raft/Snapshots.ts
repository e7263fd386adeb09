/**
 * Snapshot files of the metadata log (KIP-630; Kafka's org.apache.kafka.snapshot Snapshots, RecordsSnapshotWriter,
 * RecordsSnapshotReader): `<metadata.log.dir>/__cluster_metadata-0/<20-digit end offset>-<10-digit epoch>.checkpoint`,
 * record batches like the log's with offsets from 0: a SNAPSHOT_HEADER control batch (version 0, the timestamp of
 * the last record the snapshot contains), the state machine's records in data batches, a SNAPSHOT_FOOTER control
 * batch. Written to `<name>-<random>.checkpoint.part`, fsynced and renamed when frozen, so a crash never leaves a
 * partial `.checkpoint`. The snapshot id's offset is exclusive: it covers the log up to end offset - 1.
 *
 * The Raft client stores snapshots through ReplicatedLog (MemoryLog keeps the bytes, MetadataLog these files),
 * serves them with FetchSnapshot and loads a fetched one into listeners (handleLoadSnapshot).
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { SnapshotFooterRecord, SnapshotHeaderRecord } from '../protocol/messages/ControlRecords';
import { MessageCodec } from '../protocol/messages/MessageCodec';
import { Reader } from '../protocol/Reader';
import { iterateRecords, validateBatches, writeInt64 } from '../protocol/records/RecordBatch';
import { OffsetAndEpoch } from './OffsetAndEpoch';
import { Batch, buildControlBatch, buildDataBatch, ControlRecordType, readBatches } from './RaftBatches';
import { RecordSerde } from './RecordSerde';

export const SNAPSHOT_SUFFIX = '.checkpoint';
const PARTIAL_SUFFIX = `${SNAPSHOT_SUFFIX}.part`;
const DELETE_SUFFIX = `${SNAPSHOT_SUFFIX}.deleted`;
const OFFSET_WIDTH = 20;
const EPOCH_WIDTH = 10;

const headerCodec = new MessageCodec<{ version: number; lastContainedLogTimestamp: number }>(SnapshotHeaderRecord);
const footerCodec = new MessageCodec<{ version: number }>(SnapshotFooterRecord);

/** Snapshots.filenameFromSnapshotId: zero-padded, no grouping. */
export function snapshotFileName(id: OffsetAndEpoch): string {
  return `${String(id.offset).padStart(OFFSET_WIDTH, '0')}-${String(id.epoch).padStart(EPOCH_WIDTH, '0')}${SNAPSHOT_SUFFIX}`;
}

export interface SnapshotPath {
  readonly snapshotId: OffsetAndEpoch;
  readonly partial: boolean;
  readonly deleted: boolean;
}

/** Snapshots.parse: undefined for a file that is not a snapshot. */
export function parseSnapshotFileName(name: string): SnapshotPath | undefined {
  const partial = name.endsWith(PARTIAL_SUFFIX);
  const deleted = name.endsWith(DELETE_SUFFIX);
  if (!partial && !deleted && !name.endsWith(SNAPSHOT_SUFFIX)) return undefined;
  const m = /^(\d{20})-(\d{10})/.exec(name);
  if (!m) return undefined;
  return { snapshotId: { offset: Number(m[1]), epoch: Number(m[2]) }, partial, deleted };
}

/** The complete snapshots in a partition directory, oldest first. */
export function listSnapshots(dir: string): OffsetAndEpoch[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map(parseSnapshotFileName)
    .filter((p): p is SnapshotPath => p !== undefined && !p.partial && !p.deleted)
    .map((p) => p.snapshotId)
    .sort((a, b) => a.offset - b.offset || a.epoch - b.epoch);
}

export interface SnapshotContents<T> {
  readonly snapshotId: OffsetAndEpoch;
  readonly lastContainedLogTimestamp: number;
  /** The data batches, in order (header and footer excluded). */
  readonly batches: Batch<T>[];
}

/** The bytes of a snapshot: the header, one data batch per element of `batches`, the footer (RecordsSnapshotWriter). */
export function buildSnapshot<T>(
  snapshotId: OffsetAndEpoch,
  serde: RecordSerde<T>,
  batches: ReadonlyArray<readonly T[]>,
  lastContainedLogTimestamp: number,
  now: number,
): Buffer {
  if (snapshotId.offset < 0 || snapshotId.epoch < 0) throw new Error(`Invalid snapshot id ${JSON.stringify(snapshotId)}`);
  const epoch = snapshotId.epoch;
  const parts: Buffer[] = [];
  let next = 0;
  const add = (b: Buffer): void => {
    parts.push(b);
    next += b.readInt32BE(23 /* lastOffsetDelta */) + 1;
  };
  add(buildControlBatch(ControlRecordType.SNAPSHOT_HEADER, headerCodec, { version: 0, lastContainedLogTimestamp }, next, epoch, now));
  for (const records of batches) {
    if (records.length === 0) continue;
    const b = buildDataBatch(serde, records, epoch, now);
    writeInt64(b, 0, next); // baseOffset lies outside the CRC
    add(b);
  }
  add(buildControlBatch(ControlRecordType.SNAPSHOT_FOOTER, footerCodec, { version: 0 }, next, epoch, now));
  return Buffer.concat(parts);
}

/** Writes complete snapshot bytes as `<name>-<random>.checkpoint.part`, fsyncs, renames (freeze). Returns the path. */
export function writeSnapshotFile(dir: string, snapshotId: OffsetAndEpoch, bytes: Buffer): string {
  fs.mkdirSync(dir, { recursive: true });
  const finalPath = path.join(dir, snapshotFileName(snapshotId));
  if (fs.existsSync(finalPath)) throw new Error(`Snapshot ${finalPath} already exists`);
  const tmp = path.join(dir, `${snapshotFileName(snapshotId).slice(0, -SNAPSHOT_SUFFIX.length)}-${randomBytes(8).toString('hex')}${PARTIAL_SUFFIX}`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, finalPath);
  return finalPath;
}

/** buildSnapshot then writeSnapshotFile. */
export function writeSnapshot<T>(
  dir: string,
  snapshotId: OffsetAndEpoch,
  serde: RecordSerde<T>,
  batches: ReadonlyArray<readonly T[]>,
  lastContainedLogTimestamp: number,
  now: number,
): string {
  return writeSnapshotFile(dir, snapshotId, buildSnapshot(snapshotId, serde, batches, lastContainedLogTimestamp, now));
}

/** Checks and decodes snapshot bytes: CRCs, the header first, the footer last (RecordsSnapshotReader). */
export function parseSnapshot<T>(bytes: Buffer, snapshotId: OffsetAndEpoch, serde: RecordSerde<T>, what = 'snapshot'): SnapshotContents<T> {
  validateBatches(bytes, { client: false });
  const all = readBatches(bytes, serde);
  const consumed = all.reduce((n, b) => n + b.sizeInBytes, 0);
  if (consumed !== bytes.length) throw new Error(`${what}: ${bytes.length - consumed} bytes after the last whole batch`);
  const first = all[0];
  const last = all[all.length - 1];
  if (!first || !first.isControl || first.controlType !== ControlRecordType.SNAPSHOT_HEADER)
    throw new Error(`${what}: the first batch is not a snapshot header`);
  if (all.length < 2 || !last.isControl || last.controlType !== ControlRecordType.SNAPSHOT_FOOTER)
    throw new Error(`${what}: the last batch is not a snapshot footer`);
  let lastContainedLogTimestamp = -1;
  for (const r of iterateRecords(bytes.subarray(0, first.sizeInBytes))) {
    if (r.value) lastContainedLogTimestamp = headerCodec.read(new Reader(r.value), 0).lastContainedLogTimestamp;
  }
  return { snapshotId, lastContainedLogTimestamp, batches: all.slice(1, -1) };
}

/** Reads and checks a snapshot file (see parseSnapshot). */
export function readSnapshot<T>(file: string, serde: RecordSerde<T>): SnapshotContents<T> {
  const parsed = parseSnapshotFileName(path.basename(file));
  if (!parsed || parsed.partial || parsed.deleted) throw new Error(`${file} is not the name of a complete snapshot (<offset>-<epoch>${SNAPSHOT_SUFFIX})`);
  return parseSnapshot(fs.readFileSync(file), parsed.snapshotId, serde, file);
}
