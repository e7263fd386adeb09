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
  private readonly batches: StoredBatch[] = [];
  private readonly epochs: EpochEntry[] = [];
  private hw = 0;

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
    if (startOffset < 0 || startOffset > this.endOffset()) throw new Error(`Offset ${startOffset} is out of range [0, ${this.endOffset()}]`);
    const out: Buffer[] = [];
    for (const b of this.batches) {
      if (b.lastOffset < startOffset) continue;
      if (b.lastOffset >= maxOffsetExclusive) break;
      out.push(b.bytes);
    }
    return Buffer.concat(out);
  }

  endOffset(): number {
    return this.batches.length === 0 ? 0 : this.batches[this.batches.length - 1].lastOffset + 1;
  }

  startOffset(): number {
    return 0;
  }

  lastFetchedEpoch(): number {
    return this.epochs.length === 0 ? 0 : this.epochs[this.epochs.length - 1].epoch;
  }

  endOffsetForEpoch(epoch: number): OffsetAndEpoch {
    return epochEndOffset(this.epochs, epoch, this.endOffset()) ?? { offset: this.endOffset(), epoch: this.lastFetchedEpoch() };
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
    return undefined;
  }

  latestSnapshotId(): OffsetAndEpoch | undefined {
    return undefined;
  }

  close(): void {}

  /** Every (offset, epoch, batch bytes), for the simulation's invariant checks. */
  batchList(): ReadonlyArray<{ baseOffset: number; lastOffset: number; epoch: number; bytes: Buffer }> {
    return this.batches;
  }
}
