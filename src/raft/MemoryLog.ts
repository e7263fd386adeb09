/**
 * An in-memory ReplicatedLog for simulations and tests (Kafka's raft MockLog): batches in a list, the epoch cache
 * derived from their partitionLeaderEpoch, no snapshots. It checks what a real log would refuse, so a Raft bug
 * fails loudly: non-contiguous follower appends, truncation below the high watermark.
 */
import { BASE_OFFSET, PARTITION_LEADER_EPOCH, batchSizeAt, readBatchInfo, writeInt64 } from '../protocol/records/RecordBatch';
import { OffsetAndEpoch } from './OffsetAndEpoch';
import { EpochEntry, epochEndOffset, LogAppendResult, ReplicatedLog } from './ReplicatedLog';

interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly epoch: number;
  readonly bytes: Buffer;
}

/** Splits `records` into whole batches (positions and sizes), refusing a partial one. */
export function splitBatches(records: Buffer): Array<{ pos: number; size: number }> {
  const out: Array<{ pos: number; size: number }> = [];
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos < 61) throw new Error(`Partial record batch of ${records.length - pos} bytes at position ${pos}`);
    const size = batchSizeAt(records, pos);
    if (pos + size > records.length) throw new Error(`Partial record batch at position ${pos}: ${size} bytes announced, ${records.length - pos} present`);
    out.push({ pos, size });
    pos += size;
  }
  return out;
}

export class MemoryLog implements ReplicatedLog {
  private batches: StoredBatch[] = [];
  private epochs: EpochEntry[] = [];
  private hw = 0;
  private logStart = 0;
  /** Complete snapshots by end offset then epoch, oldest first. */
  private readonly snapshots: Array<{ id: OffsetAndEpoch; bytes: Buffer }> = [];

  appendAsLeader(records: Buffer, epoch: number): LogAppendResult {
    let next = this.endOffset();
    const first = next;
    for (const { pos, size } of splitBatches(records)) {
      const bytes = Buffer.from(records.subarray(pos, pos + size));
      writeInt64(bytes, BASE_OFFSET, next);
      bytes.writeInt32BE(epoch, PARTITION_LEADER_EPOCH);
      next = this.store(bytes);
    }
    return { firstOffset: first, lastOffset: next - 1 };
  }

  appendAsFollower(records: Buffer): LogAppendResult {
    const first = this.endOffset();
    let next = first;
    for (const { pos, size } of splitBatches(records)) {
      const info = readBatchInfo(records, pos);
      if (info.baseOffset !== next) throw new Error(`Follower append at offset ${info.baseOffset}, but the log ends at ${next}`);
      next = this.store(Buffer.from(records.subarray(pos, pos + size)));
    }
    return { firstOffset: first, lastOffset: next - 1 };
  }

  private store(bytes: Buffer): number {
    const info = readBatchInfo(bytes, 0);
    const latest = this.epochs[this.epochs.length - 1];
    if (!latest || info.partitionLeaderEpoch > latest.epoch) this.epochs.push({ epoch: info.partitionLeaderEpoch, startOffset: info.baseOffset });
    else if (info.partitionLeaderEpoch < latest.epoch) throw new Error(`Batch of epoch ${info.partitionLeaderEpoch} after epoch ${latest.epoch}`);
    this.batches.push({ baseOffset: info.baseOffset, lastOffset: info.lastOffset, epoch: info.partitionLeaderEpoch, bytes });
    return info.lastOffset + 1;
  }

  read(startOffset: number, maxOffsetExclusive = Infinity): Buffer {
    if (startOffset < this.logStart || startOffset > this.endOffset()) {
      throw new Error(`Offset ${startOffset} is out of range [${this.logStart}, ${this.endOffset()}]`);
    }
    const out: Buffer[] = [];
    for (const b of this.batches) {
      if (b.lastOffset < startOffset) continue;
      if (b.lastOffset >= maxOffsetExclusive) break;
      out.push(b.bytes);
    }
    return Buffer.concat(out);
  }

  endOffset(): number {
    return this.batches.length === 0 ? this.logStart : this.batches[this.batches.length - 1].lastOffset + 1;
  }

  startOffset(): number {
    return this.logStart;
  }

  /** The last batch's epoch; with an empty log, the snapshot's (KafkaMetadataLog.lastFetchedEpoch); else 0. */
  lastFetchedEpoch(): number {
    if (this.epochs.length > 0) return this.epochs[this.epochs.length - 1].epoch;
    return this.latestSnapshotId()?.epoch ?? 0;
  }

  /** KafkaMetadataLog.endOffsetForEpoch: an epoch older than the log start answers the oldest snapshot. */
  endOffsetForEpoch(epoch: number): OffsetAndEpoch {
    const found = epochEndOffset(this.epochs, epoch, this.endOffset());
    const earliest = this.earliestSnapshotId();
    if (found && earliest && found.offset === earliest.offset && found.epoch === epoch) return earliest;
    return found ?? { offset: this.endOffset(), epoch: this.lastFetchedEpoch() };
  }

  initializeLeaderEpoch(epoch: number): void {
    const latest = this.epochs[this.epochs.length - 1];
    if (!latest || epoch > latest.epoch) this.epochs.push({ epoch, startOffset: this.endOffset() });
  }

  truncateTo(offset: number): void {
    if (offset < this.hw) throw new Error(`Attempt to truncate to offset ${offset}, which is below the current high watermark ${this.hw}`);
    while (this.batches.length > 0 && this.batches[this.batches.length - 1].lastOffset >= offset) this.batches.pop();
    // A batch holding `offset` goes whole, so the log may end before it; epochs that start at or after the new end go.
    const end = this.endOffset();
    while (this.epochs.length > 0 && this.epochs[this.epochs.length - 1].startOffset >= end) this.epochs.pop();
  }

  updateHighWatermark(offset: number): void {
    this.hw = Math.min(offset, this.endOffset());
  }

  highWatermark(): number {
    return this.hw;
  }

  flush(): void {}

  earliestSnapshotId(): OffsetAndEpoch | undefined {
    return this.snapshots[0]?.id;
  }

  latestSnapshotId(): OffsetAndEpoch | undefined {
    return this.snapshots[this.snapshots.length - 1]?.id;
  }

  readSnapshot(id: OffsetAndEpoch): Buffer | undefined {
    return this.snapshots.find((s) => s.id.offset === id.offset && s.id.epoch === id.epoch)?.bytes;
  }

  storeSnapshot(id: OffsetAndEpoch, bytes: Buffer): void {
    if (this.readSnapshot(id)) throw new Error(`Snapshot ${JSON.stringify(id)} already exists`);
    this.snapshots.push({ id, bytes });
    this.snapshots.sort((a, b) => a.id.offset - b.id.offset || a.id.epoch - b.id.epoch);
  }

  truncateToLatestSnapshot(): boolean {
    const id = this.latestSnapshotId();
    const latestEpoch = this.epochs.length === 0 ? 0 : this.epochs[this.epochs.length - 1].epoch;
    if (!id || !(id.epoch > latestEpoch || (id.epoch === latestEpoch && id.offset > this.endOffset()))) return false;
    this.batches = [];
    this.epochs = [];
    this.logStart = id.offset;
    this.hw = id.offset;
    // Snapshots older than the new log start are forgotten.
    this.snapshots.splice(0, this.snapshots.length - 1);
    return true;
  }

  deleteBeforeSnapshot(id: OffsetAndEpoch): boolean {
    if (!this.readSnapshot(id) || id.offset <= this.logStart || id.offset > this.hw) return false;
    this.batches = this.batches.filter((b) => b.lastOffset >= id.offset);
    this.logStart = id.offset;
    // The epoch cache keeps the epoch in force at the new start (LeaderEpochFileCache.truncateFromStart).
    const kept = this.epochs.filter((e) => e.startOffset > id.offset);
    const atStart = [...this.epochs].reverse().find((e) => e.startOffset <= id.offset);
    this.epochs = atStart ? [{ epoch: atStart.epoch, startOffset: id.offset }, ...kept] : kept;
    // Snapshots before the new log start are forgotten: the earliest snapshot is the one at the log start.
    while (this.snapshots.length > 0 && this.snapshots[0].id.offset < id.offset) this.snapshots.shift();
    return true;
  }

  close(): void {}

  /** Every (offset, epoch, batch bytes), for the simulation's invariant checks. */
  batchList(): ReadonlyArray<{ baseOffset: number; lastOffset: number; epoch: number; bytes: Buffer }> {
    return this.batches;
  }
}
