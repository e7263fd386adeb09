/**
 * Records the leader was asked to append, gathered into batches (Kafka's raft BatchAccumulator): appends wait up to
 * controller.quorum.append.linger.ms so that many become one batch; a batch holds at most MAX_BATCH_SIZE_BYTES
 * (8 MiB); an atomic append (scheduleAtomicAppend, used by the quorum controller) lands whole in one batch, and an
 * optional required base offset guards against a caller whose view of the log is stale.
 */
import { MAX_BATCH_SIZE_BYTES } from './RaftConfig';
import { RecordSerde } from './RecordSerde';

/** The batch header plus a generous per-record overhead (length, attributes, deltas, key, headers varints). */
const BATCH_OVERHEAD = 61;
const RECORD_OVERHEAD = 21;

export class NotLeaderError extends Error {}
export class UnexpectedBaseOffsetError extends Error {}
export class RecordBatchTooLargeError extends Error {}

interface OpenBatch {
  readonly values: Buffer[];
  size: number;
}

export class BatchAccumulator<T> {
  private readonly batches: OpenBatch[] = [];
  private lingerStartMs = -1;

  constructor(
    readonly epoch: number,
    /** The offset the next record will get. */
    public nextOffset: number,
    private readonly lingerMs: number,
    private readonly serde: RecordSerde<T>,
    private readonly maxBatchSize = MAX_BATCH_SIZE_BYTES,
  ) {}

  isEmpty(): boolean {
    return this.batches.length === 0;
  }

  /** Returns the offset the last record will get. */
  append(epoch: number, records: readonly T[], requiredBaseOffset: number | undefined, isAtomic: boolean, now: number): number {
    if (epoch < this.epoch) throw new NotLeaderError(`Append failed because the given epoch ${epoch} is stale. Current leader epoch = ${this.epoch}`);
    if (epoch > this.epoch) throw new Error(`Attempt to append from epoch ${epoch} which is larger than the current epoch ${this.epoch}`);
    if (records.length === 0) throw new Error('Attempt to append an empty list of records');
    if (requiredBaseOffset !== undefined && requiredBaseOffset !== this.nextOffset) {
      throw new UnexpectedBaseOffsetError(`Wanted base offset ${requiredBaseOffset}, but the next offset was ${this.nextOffset}`);
    }
    const values = records.map((r) => this.serde.write(r));
    const sizes = values.map((v) => v.length + RECORD_OVERHEAD);
    if (isAtomic) {
      const total = sizes.reduce((a, b) => a + b, 0);
      this.place(values, total);
    } else {
      values.forEach((v, i) => this.place([v], sizes[i]));
    }
    if (this.lingerStartMs < 0) this.lingerStartMs = now;
    this.nextOffset += records.length;
    return this.nextOffset - 1;
  }

  /** BatchAccumulator.maybeAllocateBatch: into the open batch if they fit, else a new one; never over the maximum. */
  private place(values: Buffer[], size: number): void {
    if (size + BATCH_OVERHEAD > this.maxBatchSize) {
      throw new RecordBatchTooLargeError(`The total record(s) size of ${size} exceeds the maximum allowed batch size of ${this.maxBatchSize}`);
    }
    let open = this.batches[this.batches.length - 1];
    if (!open || open.size + size > this.maxBatchSize) this.batches.push((open = { values: [], size: BATCH_OVERHEAD }));
    open.values.push(...values);
    open.size += size;
  }

  /** 0 when a full batch waits or the linger time has passed; Infinity when empty. */
  timeUntilDrain(now: number): number {
    if (this.batches.length === 0) return Infinity;
    if (this.batches.length > 1) return 0;
    return Math.max(0, this.lingerStartMs + this.lingerMs - now);
  }

  /** Every batch, as the serialized record values of each, oldest first. */
  drain(): Buffer[][] {
    const out = this.batches.splice(0).map((b) => b.values);
    this.lingerStartMs = -1;
    return out;
  }
}
