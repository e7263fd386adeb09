import * as fs from 'fs';
import * as path from 'path';

/**
 * Kafka's OffsetCheckpointFile format, used by replication-offset-checkpoint, recovery-point-offset-checkpoint
 * and log-start-offset-checkpoint: a version line `0`, a count line, then `topic partition offset` per line.
 * Written atomically (temp file, fsync, rename).
 */
export function writeOffsetCheckpoint(dir: string, name: string, entries: Array<{ topic: string; partition: number; offset: number }>): void {
  const body = formatOffsetCheckpoint(entries);
  const file = path.join(dir, name);
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, body);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** The file's text: version 0, the entry count, then `topic partition offset` lines. */
export function formatOffsetCheckpoint(entries: Array<{ topic: string; partition: number; offset: number }>): string {
  return `0\n${entries.length}\n${entries.map((e) => `${e.topic} ${e.partition} ${e.offset}`).join('\n')}${entries.length ? '\n' : ''}`;
}

/** Entries by "topic-partition"; a missing or malformed file reads as empty. */
export function readOffsetCheckpoint(dir: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) return out;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[0]?.trim() !== '0') return out;
  for (const line of lines.slice(2)) {
    const m = /^(\S+) (\d+) (-?\d+)$/.exec(line.trim());
    if (m) out.set(`${m[1]}-${m[2]}`, Number(m[3]));
  }
  return out;
}

export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
