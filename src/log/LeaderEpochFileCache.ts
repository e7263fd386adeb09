/**
 * Kafka's LeaderEpochFileCache: per partition, the first offset written in each leader epoch, persisted in
 * `<partition dir>/leader-epoch-checkpoint` (CheckpointFile format: version line `0`, entry count, then
 * `epoch startOffset` lines). The leader answers OffsetForLeaderEpoch from it and a new follower uses the
 * answer to truncate exactly where its log diverged from the leader's (KIP-101, KIP-279).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Logger } from '../common/logger';

export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';
const CHECKPOINT_VERSION = 0;
/** OffsetForLeaderEpoch's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET. */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export class LeaderEpochFileCache {
  private epochs: EpochEntry[] = [];
  readonly file: string;

  constructor(
    dir: string,
    private readonly logger?: Logger,
  ) {
    this.file = path.join(dir, LEADER_EPOCH_CHECKPOINT_FILE);
  }

  /** Reads the checkpoint if present; a malformed file is logged and ignored (the log rebuilds the cache). */
  static load(dir: string, logger?: Logger): LeaderEpochFileCache {
    const c = new LeaderEpochFileCache(dir, logger);
    if (!fs.existsSync(c.file)) return c;
    try {
      c.epochs = parseCheckpoint(fs.readFileSync(c.file, 'utf8'));
    } catch (e) {
      logger?.warn(`Ignoring malformed leader epoch checkpoint ${c.file}: ${(e as Error).message}`);
      c.epochs = [];
    }
    return c;
  }

  get entries(): readonly EpochEntry[] {
    return this.epochs;
  }
  get isEmpty(): boolean {
    return this.epochs.length === 0;
  }
  /** Latest epoch, or -1 when none is known. */
  get latestEpoch(): number {
    return this.epochs.length === 0 ? UNDEFINED_EPOCH : this.epochs[this.epochs.length - 1].epoch;
  }

  /**
   * Records that `epoch` starts at `startOffset` (a no-op in the common case of the same epoch). Entries
   * that would break monotonicity (epoch >= new epoch or start >= new start) are removed first, as Kafka does.
   */
  assign(epoch: number, startOffset: number): void {
    if (!this.assignNoFlush(epoch, startOffset)) return;
    this.flush();
  }

  /** Like assign without writing the file; returns whether the cache changed (used by rebuilds). */
  assignNoFlush(epoch: number, startOffset: number): boolean {
    if (epoch < 0 || startOffset < 0) return false; // magic < 2 or unstamped batches carry no epoch
    const last = this.epochs[this.epochs.length - 1];
    if (last && epoch === last.epoch && startOffset >= last.startOffset) return false;
    let n = this.epochs.length;
    while (n > 0 && (this.epochs[n - 1].epoch >= epoch || this.epochs[n - 1].startOffset >= startOffset)) n--;
    if (n < this.epochs.length) {
      this.logger?.info(
        `New epoch entry EpochEntry(epoch=${epoch}, startOffset=${startOffset}) caused truncation of conflicting entries ${this.describe(this.epochs.slice(n))}`,
      );
      this.epochs.length = n;
    }
    this.epochs.push({ epoch, startOffset });
    return true;
  }

  /**
   * Kafka's endOffsetFor: the largest epoch <= requested and the start offset of the next higher epoch
   * (the log end offset for the latest epoch). Unknown (requested above everything, or -1) -> [-1, -1].
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    const undefinedAnswer = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requestedEpoch === UNDEFINED_EPOCH || this.epochs.length === 0) return undefinedAnswer;
    if (requestedEpoch === this.latestEpoch) return { epoch: requestedEpoch, endOffset: logEndOffset };
    let higher = -1;
    for (let i = 0; i < this.epochs.length; i++) {
      if (this.epochs[i].epoch > requestedEpoch) {
        higher = i;
        break;
      }
    }
    if (higher < 0) return undefinedAnswer;
    // Requested epoch older than the first known one: answer it with the first known epoch's start.
    if (higher === 0) return { epoch: requestedEpoch, endOffset: this.epochs[0].startOffset };
    return { epoch: this.epochs[higher - 1].epoch, endOffset: this.epochs[higher].startOffset };
  }

  /** Drops entries starting at or after endOffset (log truncated to endOffset). */
  truncateFromEnd(endOffset: number): void {
    if (endOffset < 0 || this.epochs.length === 0 || this.epochs[this.epochs.length - 1].startOffset < endOffset) return;
    const removed = this.epochs.filter((e) => e.startOffset >= endOffset);
    this.epochs = this.epochs.filter((e) => e.startOffset < endOffset);
    this.flush(false);
    this.logger?.debug(`Cleared entries ${this.describe(removed)} from epoch cache after truncating to end offset ${endOffset}`);
  }

  /** Drops entries wholly below startOffset; the one covering it now starts there (log start moved). */
  truncateFromStart(startOffset: number): void {
    if (this.epochs.length === 0 || this.epochs[0].startOffset >= startOffset) return;
    let floor = -1;
    for (let i = 0; i < this.epochs.length; i++) if (this.epochs[i].startOffset <= startOffset) floor = i;
    const kept = this.epochs.slice(floor);
    kept[0] = { epoch: kept[0].epoch, startOffset };
    this.epochs = kept;
    this.flush(false);
  }

  clearAndFlush(): void {
    this.epochs = [];
    this.flush();
  }

  /**
   * CheckpointFile.write: temp file, fsync, atomic rename (a crash leaves the old or the new file). As in Kafka 3.7,
   * truncations write without fsync (LeaderEpochFileCache.truncateFromEnd/Start: "to avoid fsync latency"; a crash
   * leaves the older, longer list, which log recovery truncates again), while assign and clear fsync.
   */
  flush(sync = true): void {
    const tmp = this.file + '.tmp';
    const lines = [String(CHECKPOINT_VERSION), String(this.epochs.length), ...this.epochs.map((e) => `${e.epoch} ${e.startOffset}`)];
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, lines.join('\n') + '\n');
      if (sync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }

  private describe(list: readonly EpochEntry[]): string {
    return `[${list.map((e) => `EpochEntry(epoch=${e.epoch}, startOffset=${e.startOffset})`).join(', ')}]`;
  }
}

export function parseCheckpoint(text: string): EpochEntry[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length < 2) throw new Error('missing version or count line');
  if (Number(lines[0]) !== CHECKPOINT_VERSION) throw new Error(`unrecognised version ${lines[0]}`);
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count !== lines.length - 2) throw new Error(`expected ${lines[1]} entries, found ${lines.length - 2}`);
  const out: EpochEntry[] = [];
  for (const l of lines.slice(2)) {
    const m = /^(\d+) (\d+)$/.exec(l);
    if (!m) throw new Error(`malformed line '${l}'`);
    out.push({ epoch: Number(m[1]), startOffset: Number(m[2]) });
  }
  return out;
}
