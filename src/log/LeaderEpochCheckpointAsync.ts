/**
 * The leader-epoch checkpoint write of Partition.makeLeader (LeaderEpochFileCache.assign -> flush: temp file,
 * fsync, atomic rename), done in libuv's thread pool instead of on the event loop. Kafka 3.7 fsyncs this
 * file in the request handler thread before it answers LeaderAndIsr; with 1,000 new partitions a
 * synchronous fsync each stalls our single event loop for seconds, so becomeLeaderOrFollower changes the
 * cache in memory (assignNoFlush) and the LeaderAndIsr response waits for these writes: the file is on
 * disk, fsynced, before the controller hears back, as in Kafka, but the 1,000 writes run in parallel.
 *
 * The cache may be flushed synchronously meanwhile (an append starting a new epoch, a truncation). The
 * async write uses its own temp file, and before renaming it checks that the cache still holds what it
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
    fs.renameSync(tmp, cache.file); // synchronous: nothing can change the cache between the check and the rename
    return;
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
 * The checkpoints of a LeaderAndIsr's new leaders, written in parallel; resolves with the partitions whose
 * write failed (logged; LeaderAndIsr answers KAFKA_STORAGE_ERROR for them, as Kafka's failed checkpoint
 * write marks the log dir offline and the partition errors).
 */
export async function writeLeaderEpochCheckpoints(items: ReadonlyArray<{ key: string; cache: LeaderEpochFileCache }>, logger: Logger): Promise<string[]> {
  const failed: string[] = [];
  // At most MAX_IN_FLIGHT files open at once: libuv's pool runs 4 at a time anyway, and thousands of
  // simultaneous opens would eat into the broker's open-file limit, which its segments already use.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await flushLeaderEpochCacheAsync(item.cache);
      } catch (e) {
        failed.push(item.key);
        logger.error(`Error while writing the leader epoch checkpoint ${item.cache.file} of partition ${item.key}`, e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_IN_FLIGHT, items.length) }, worker));
  return failed;
}
