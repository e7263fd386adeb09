/**
 * replication-offset-checkpoint (ReplicaManager.checkpointHighWatermarks): each partition's high watermark in
 * the log dir that holds it, so a restarted broker starts its partitions from the high watermark it had.
 */
import * as path from 'path';
import type { Logger } from '../common/logger';
import { CheckpointFileWriter } from '../log/CheckpointFileWriter';
import { formatOffsetCheckpoint, readOffsetCheckpoint } from '../log/OffsetCheckpointFile';
import type { Partition } from '../cluster/Partition';

const HW_CHECKPOINT_FILE = 'replication-offset-checkpoint';

/** Every log dir's checkpointed high watermarks, by "topic-partition". */
export function readHighWatermarks(logDirs: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const dir of logDirs) for (const [k, v] of readOffsetCheckpoint(dir, HW_CHECKPOINT_FILE)) out.set(k, v);
  return out;
}

/**
 * Kafka's highWatermarkCheckpoints (one OffsetCheckpointFile per log dir), written as its "highwatermark-checkpoint"
 * scheduler task does: off the request path. The high watermarks are read on the event loop at the moment of the
 * call (a consistent snapshot); temp file, fsync, rename and directory fsync then run in the libuv pool, one write
 * per file at a time, the latest snapshot winning over any still waiting.
 */
export class HighWatermarkCheckpoints {
  private readonly writers = new Map<string, CheckpointFileWriter>();

  constructor(
    logDirs: readonly string[],
    private readonly log: Logger,
  ) {
    for (const dir of logDirs) this.writers.set(path.resolve(dir), new CheckpointFileWriter(path.join(path.resolve(dir), HW_CHECKPOINT_FILE)));
  }

  /**
   * Writes each log dir's file (an empty one for a dir without partitions); resolves when all are on disk. A
   * failing dir is logged, not thrown (Kafka marks the dir offline through the LogDirFailureChannel).
   */
  checkpoint(partitions: Iterable<Partition>): Promise<void> {
    const byDir = new Map<string, Array<{ topic: string; partition: number; offset: number }>>();
    for (const dir of this.writers.keys()) byDir.set(dir, []);
    // Each log's parent dir as written (a few distinct strings) is resolved once per checkpoint, not once per partition.
    const entriesOf = new Map<string, Array<{ topic: string; partition: number; offset: number }> | undefined>();
    for (const p of partitions) {
      const parent = p.log.parentDir;
      let entries = entriesOf.get(parent);
      if (!entriesOf.has(parent)) entriesOf.set(parent, (entries = byDir.get(path.resolve(parent))));
      entries?.push({ topic: p.topic, partition: p.partition, offset: p.highWatermark });
    }
    const writes: Array<Promise<void>> = [];
    for (const [dir, entries] of byDir) {
      writes.push(
        this.writers
          .get(dir)!
          .write(formatOffsetCheckpoint(entries))
          .catch((e: unknown) => this.log.error(`Error while writing the high watermark checkpoint in ${dir}`, e)),
      );
    }
    return Promise.all(writes).then(() => undefined);
  }

  /** Resolves once no write is running or waiting (a clean shutdown awaits this after its final checkpoint). */
  async flushed(): Promise<void> {
    for (const w of this.writers.values()) await w.flushed();
  }
}
