/**
 * replication-offset-checkpoint (ReplicaManager.checkpointHighWatermarks): each partition's high watermark in
 * the log dir that holds it, so a restarted broker starts its partitions from the high watermark it had.
 */
import * as path from 'path';
import type { Logger } from '../common/logger';
import { readOffsetCheckpoint, writeOffsetCheckpoint } from '../log/OffsetCheckpointFile';
import type { Partition } from '../cluster/Partition';

const HW_CHECKPOINT_FILE = 'replication-offset-checkpoint';

/** Every log dir's checkpointed high watermarks, by "topic-partition". */
export function readHighWatermarks(logDirs: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const dir of logDirs) for (const [k, v] of readOffsetCheckpoint(dir, HW_CHECKPOINT_FILE)) out.set(k, v);
  return out;
}

/** Writes each log dir's file (an empty one for a dir without partitions); a failing dir is logged, not thrown. */
export function checkpointHighWatermarks(logDirs: readonly string[], partitions: Iterable<Partition>, log: Logger): void {
  const byDir = new Map<string, Array<{ topic: string; partition: number; offset: number }>>();
  for (const dir of logDirs) byDir.set(path.resolve(dir), []);
  for (const p of partitions) {
    byDir.get(path.resolve(p.log.parentDir))?.push({ topic: p.topic, partition: p.partition, offset: p.highWatermark });
  }
  for (const [dir, entries] of byDir) {
    try {
      writeOffsetCheckpoint(dir, HW_CHECKPOINT_FILE, entries);
    } catch (e) {
      log.error(`Error while writing the high watermark checkpoint in ${dir}`, e);
    }
  }
}
