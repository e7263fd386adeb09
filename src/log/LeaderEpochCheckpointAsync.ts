/**
 * The leader-epoch checkpoint write of Partition.makeLeader (LeaderEpochFileCache.assign -> flush: temp file,
 * fsync, atomic rename), done in libuv's thread pool instead of on the event loop. Kafka 3.7 fsyncs this
 * file in the request handler thread before it answers LeaderAndIsr; with 1,000 new partitions a
 * synchronous fsync each stalls our single event loop for seconds, so becomeLeaderOrFollower changes the
 * cache in memory (assignNoFlush) and the LeaderAndIsr response waits for these writes: the file is on
 * disk, fsynced, before the controller hears back, as in Kafka, but the 1,000 writes run in parallel.
 *
 * The cache may be flushed synchronously meanwhile (an append starting a new epoch, a truncation). The
 * async write uses its own temp file, and before and after renaming it checks that the cache still holds what it
 * wrote; if not, it writes again, so the file always ends with the cache's latest content.
 */
import * as fs from 'fs';
import type { Logger } from '../common/logger';
import type { LeaderEpochFileCache } from './LeaderEpochFileCache';

/** Same format as LeaderEpochFileCache.flush (CheckpointFile: version 0, count, `epoch startOffset` lines). */
function render(cache: LeaderEpochFileCache): string {
  const lines = ['0', String(cache.entries.length), ...cache.entries.map((e) => `${e.epoch} ${e.startOffset}`)];
  return lines.join('\n') + '\n';
}

/** Checkpoint writes of one LeaderAndIsr in flight at once. */
const MAX_IN_FLIGHT = 64;

const inFlight = new WeakMap<LeaderEpochFileCache, Promise<void>>();

async function writeOnce(cache: LeaderEpochFileCache): Promise<void> {
  for (;;) {
    const text = render(cache);
    const tmp = cache.file + '.async.tmp';
    const fh = await fs.promises.open(tmp, 'w');
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (render(cache) !== text) {
      // Changed while we wrote (and maybe flushed synchronously since): write the newer content instead.
      await fs.promises.unlink(tmp).catch(() => undefined);
      continue;
    }
    // The rename runs in the pool too: on ext4 it waits for the journal while other fsyncs commit (milliseconds each,
    // seconds for 1,000 new leaders on the event loop). A synchronous flush may rename its own file meanwhile, in
    // either order; so check again once ours is in place: unchanged content means the file holds the cache's
    // latest content (ours, or the same written by that flush), else write again.
    await fs.promises.rename(tmp, cache.file);
    if (render(cache) === text) return;
  }
}

/**
 * Writes the cache's checkpoint (fsynced, renamed into place) off the event loop. A call made while a write
 * of the same cache runs shares it: that write re-checks the content before its rename and writes again
 * when the cache changed, so once the promise resolves the file holds what the cache held at that moment.
 */
export function flushLeaderEpochCacheAsync(cache: LeaderEpochFileCache): Promise<void> {
  const cur = inFlight.get(cache);
  if (cur) return cur;
  const done = writeOnce(cache).finally(() => inFlight.delete(cache));
  inFlight.set(cache, done);
  return done;
}

/**
 * The checkpoints of a LeaderAndIsr's new leaders, written in parallel as they are added (each starts as soon as its
 * partition became leader, while later partitions are still being created); done() resolves with the partitions
 * whose write failed (logged; LeaderAndIsr answers KAFKA_STORAGE_ERROR for them, as Kafka's failed checkpoint write
 * marks the log dir offline and the partition errors).
 */
export class LeaderEpochCheckpointWriter {
  private readonly queue: Array<{ key: string; cache: LeaderEpochFileCache }> = [];
  private readonly failed: string[] = [];
  private running = 0;
  private idle: (() => void) | null = null;

  constructor(private readonly logger: Logger) {}

  add(key: string, cache: LeaderEpochFileCache): void {
    this.queue.push({ key, cache });
    // At most MAX_IN_FLIGHT files open at once: libuv's pool runs 4 at a time anyway, and thousands of
    // simultaneous opens would eat into the broker's open-file limit, which its segments already use.
    if (this.running < MAX_IN_FLIGHT) {
      this.running++;
      void this.work();
    }
  }

  private async work(): Promise<void> {
    for (let item = this.queue.shift(); item; item = this.queue.shift()) {
      try {
        await flushLeaderEpochCacheAsync(item.cache);
      } catch (e) {
        this.failed.push(item.key);
        this.logger.error(`Error while writing the leader epoch checkpoint ${item.cache.file} of partition ${item.key}`, e);
      }
    }
    this.running--;
    if (this.running === 0 && this.idle) this.idle();
  }

  /** Resolves, once every added write is on disk or failed, with the keys of the failed ones. */
  done(): Promise<string[]> {
    if (this.running === 0) return Promise.resolve(this.failed);
    return new Promise((resolve) => {
      this.idle = () => resolve(this.failed);
    });
  }
}

/** The checkpoints of `items`, written in parallel (LeaderEpochCheckpointWriter); resolves with the failed keys. */
export function writeLeaderEpochCheckpoints(items: ReadonlyArray<{ key: string; cache: LeaderEpochFileCache }>, logger: Logger): Promise<string[]> {
  const w = new LeaderEpochCheckpointWriter(logger);
  for (const { key, cache } of items) w.add(key, cache);
  return w.done();
}
